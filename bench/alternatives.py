"""The two alternatives the search benchmark compares ours with, on the same clauses and queries.

This module owns:

- ``StockWhoosh``: what a user gets from django-haystack's Whoosh backend left at its defaults
  (schema from ``WhooshSearchBackend.build_schema``, queries as ``SearchQuerySet.auto_query``
  would send them), rebuilt here without Django so it can index bare ``(id, text)`` rows;
- ``Fts5Trigram``: SQLite FTS5 with the ``trigram`` tokenizer, through the standard library;
- ``compare``: hit counts and overlap of an alternative's hits with ours.

Pure Python on purpose: the benchmark feeds both the same rows it gives our search.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import FuzzyTermPlugin, QueryParser

# haystack.backends.whoosh_backend.WhooshSearchBackend.RESERVED_WORDS / RESERVED_CHARACTERS.
RESERVED_WORDS = ("AND", "NOT", "OR", "TO")
RESERVED_CHARACTERS = (
    "\\", "+", "-", "&&", "||", "!", "(", ")", "{", "}",
    "[", "]", "^", '"', "~", "*", "?", ":", ".",
)  # fmt: skip
# haystack.inputs.AutoQuery.exact_match_re
EXACT_MATCH_RE = re.compile(r'"(?P<phrase>.*?)"')


def _clean(fragment: str) -> str:
    """Mirror of haystack's ``WhooshSearchQuery.clean``: lower reserved words, quote odd words."""
    words = []
    for word in fragment.split():
        if word in RESERVED_WORDS:
            word = word.lower()
        if any(char in word for char in RESERVED_CHARACTERS):
            word = f"'{word}'"  # Whoosh 1.x+ cannot backslash-escape, so haystack quotes the word
        words.append(word)
    return " ".join(words)


def haystack_query_string(user_query: str) -> str:
    """The Whoosh query string haystack builds for ``SearchQuerySet().auto_query(user_query)``.

    Mirrors ``haystack.inputs.AutoQuery.prepare`` (with ``Exact(..., clean=True)``, ``Not`` and
    ``Clean`` inputs), ``BaseSearchQuery.build_exact_query``/``build_not_query``, the wrapping in
    ``WhooshSearchQuery.build_query_fragment`` (AutoQuery has ``post_process = False``) and
    ``BaseSearchQuery.build_query`` (empty query -> ``matching_all_fragment()`` == ``"*"``).
    """
    exacts = EXACT_MATCH_RE.findall(user_query)
    tokens: list[str] = []
    # split() with a capture group also returns the phrases, recognised below by equality
    # (as haystack does, so an unquoted word equal to a quoted phrase also becomes exact).
    for rough_token in EXACT_MATCH_RE.split(user_query):
        if not rough_token:
            continue
        if rough_token not in exacts:
            tokens.extend(rough_token.split(" "))  # only ASCII spaces, as haystack
        else:
            tokens.append(rough_token)
    bits = []
    for token in tokens:
        if not token:
            continue
        if token in exacts:
            phrase = " ".join(_clean(bit) for bit in token.split(" ") if bit)
            bits.append(f'"{phrase}"')
        elif token.startswith("-") and len(token) > 1:
            cleaned = _clean(token[1:])
            bits.append(f"NOT ({cleaned})" if " " in cleaned else f"NOT {cleaned}")
        else:
            bits.append(_clean(token))
    fragment = " ".join(bits)
    if fragment and not fragment.startswith("(") and not fragment.endswith(")"):
        fragment = f"({fragment})"
    return fragment or "*"


class StockWhoosh:
    """A Whoosh index as haystack's ``WhooshSearchBackend.build_schema`` makes it by default."""

    content_field = "text"  # haystack's conventional ``document=True`` field name

    def __init__(self, path: Path) -> None:
        text = TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=1.0, sortable=True)
        # build_schema sets this on the document field before building the Schema, which adds a
        # ``spell_text`` sub-field: extra indexing work that a haystack user pays for too.
        text.spelling = True
        self.schema = Schema(
            id=ID(stored=True, unique=True),
            django_ct=ID(stored=True),
            django_id=ID(stored=True),
            **{self.content_field: text},
        )
        path.mkdir(parents=True, exist_ok=True)
        self.index = index.create_in(str(path), self.schema)
        # WhooshSearchBackend.setup: QueryParser on the content field (AND by default) + fuzzy.
        self.parser = QueryParser(self.content_field, schema=self.schema)
        self.parser.add_plugins([FuzzyTermPlugin])

    def add(self, rows: Iterable[tuple[int, str]]) -> float:
        """Index ``(id, text)`` rows with one writer and commit; return the seconds taken."""
        start = time.perf_counter()
        writer = self.index.writer(procs=1, limitmb=256)
        for row_id, text in rows:
            # update_document, not add_document: WhooshSearchBackend.update does the same.
            writer.update_document(
                id=str(row_id), django_ct="bench.clause", django_id=str(row_id), text=text
            )
        writer.commit()
        return time.perf_counter() - start

    def search(self, user_query: str, limit: int | None = None) -> list[int]:
        """Ids of the hits for a user's query, best first; ``limit=None`` returns all of them."""
        parsed = self.parser.parse(haystack_query_string(user_query))
        if parsed is None:  # WhooshSearchBackend.search returns nothing then
            return []
        with self.index.searcher() as searcher:
            return [int(hit["id"]) for hit in searcher.search(parsed, limit=limit)]


class Fts5Trigram:
    """SQLite FTS5 with the trigram tokenizer: substring search with no language knowledge."""

    def __init__(self, path: Path) -> None:
        if sqlite3.sqlite_version_info < (3, 34, 0):  # the trigram tokenizer arrived in 3.34.0
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer")
        self.connection = sqlite3.connect(path)
        self.connection.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS clauses USING fts5(text, tokenize='trigram')"
        )
        # Whether the last search() had to use LIKE for a term too short for trigrams.
        self.last_used_like_fallback = False

    def add(self, rows: Iterable[tuple[int, str]]) -> float:
        """Insert ``(id, text)`` rows (the id becomes the rowid) in one transaction; seconds."""
        start = time.perf_counter()
        with self.connection:
            self.connection.executemany("INSERT INTO clauses(rowid, text) VALUES (?, ?)", rows)
        return time.perf_counter() - start

    def search(self, user_query: str) -> list[int]:
        """Ids of rows containing every whitespace-separated word of the query.

        Words of 3+ characters go to MATCH as quoted FTS5 strings joined by AND. A trigram
        index cannot match anything shorter (e.g. テロ), so such words become ``LIKE '%word%'``
        filters instead, a scan of the table; ``last_used_like_fallback`` records that.
        """
        words = user_query.split()
        long_words = [word for word in words if len(word) >= 3]
        short_words = [word for word in words if len(word) < 3]
        self.last_used_like_fallback = bool(short_words)
        if not words:
            return []
        conditions, params = [], []
        if long_words:
            conditions.append("clauses MATCH ?")
            params.append(" AND ".join('"' + word.replace('"', '""') + '"' for word in long_words))
        for word in short_words:
            # Escape LIKE's own wildcards so a user's % or _ is taken literally.
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append("text LIKE ? ESCAPE '\\'")
            params.append(f"%{escaped}%")
        order = "rank" if long_words else "rowid"  # bm25 only exists for MATCH queries
        sql = f"SELECT rowid FROM clauses WHERE {' AND '.join(conditions)} ORDER BY {order}"
        return [row_id for (row_id,) in self.connection.execute(sql, params)]

    def close(self) -> None:
        self.connection.close()


def compare(ours: set[int], theirs: set[int]) -> dict[str, int | float | None]:
    """How an alternative's hits relate to ours, taking ours as the reference."""
    overlap = len(ours & theirs)
    return {
        "hits": len(theirs),
        "overlap": overlap,
        "recall": overlap / len(ours) if ours else None,
        "precision": overlap / len(theirs) if theirs else None,
    }
