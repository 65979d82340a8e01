"""The concordance (keyword in context): every place a search's words occur in the clauses it
finds, one line each, the keyword between its left and right context, in the order a reader
asks: reading order (oldest text first), newest first, by text, or by the first to third word
left or right of the keyword (MeCab's words for Japanese). Each line can carry the clauses
aligned with its clause in the text's other language versions.

A line is found as a snippet's marks are (search.highlight), so the concordance marks what the
search page marks. Work per request is bounded: a page in reading or date order reads one page
of clauses; an order by words or by text reads the first WORD_SORT_CLAUSES clauses in reading
order and says so when there were more.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from django.core.cache import caches

from archive.models import Clause, Document
from archive.signals import archive_version
from search import index_view
from search.equivalents import Equivalent, equivalents
from search.highlight import occurrences
from search.hits import aligned_versions
from search.query import ParsedQuery
from search.results import SearchRequest
from search.searching import ordered_page

CONTEXT = 60  # characters of context each side of the keyword
ALIGNED_SHOWN = 300  # characters of an aligned clause shown under its line
CLAUSES_PER_PAGE = 25  # a page in reading or date order: its clauses' lines
LINES_PER_PAGE = 50  # a page in an order by words or by text
# An order by words or by text orders the lines of this many clauses, the first in reading
# order: each costs a MeCab analysis of the clause, however many the search finds.
WORD_SORT_CLAUSES = 2_000
EXPORT_CLAUSES = 20_000  # an export in reading or date order: its clauses, 500 at a time
WORD_SORTS = ("L1", "L2", "L3", "R1", "R2", "R3")
SORTS = ("oldest", "date", "text", *WORD_SORTS)
_LOAD_CHUNK = 500
_LARGE_DOCUMENT_COLUMNS = Document.large_columns("document__")


@dataclass
class Line:
    clause: Clause
    start: int  # the keyword's offsets in the clause's text
    end: int
    left_words: tuple[str, ...]  # the words before the keyword, nearest first, folded
    right_words: tuple[str, ...]
    aligned: list[Clause] = field(default_factory=list)  # the other versions' clauses

    @property
    def keyword(self) -> str:
        return self.clause.text[self.start : self.end]

    @property
    def left(self) -> str:
        return self.clause.text[max(0, self.start - CONTEXT) : self.start]

    @property
    def right(self) -> str:
        return self.clause.text[self.end : self.end + CONTEXT]

    @property
    def cut_left(self) -> bool:
        return self.start > CONTEXT

    @property
    def cut_right(self) -> bool:
        return self.end + CONTEXT < len(self.clause.text)


@dataclass
class Concordance:
    request: SearchRequest
    parsed: ParsedQuery
    sort: str
    clauses: int = 0  # clauses the search finds
    lines: list[Line] = field(default_factory=list)  # this page's
    pages: int = 0
    # Orders by words or by text: the lines ordered, and whether clauses were left out.
    ordered_lines: int = 0
    ordered_clauses: int = 0
    partial: bool = False
    silent: int = 0  # clauses of this page found by the search with no occurrence to show
    # With the aligned clauses: the search's equivalent in the other language, when the
    # archive's pairs decide it (search.equivalents), marked where those clauses use it.
    equivalent: Equivalent | None = None
    equivalents_looked_up: bool = False


def lines_in(clause: Clause, parsed: ParsedQuery) -> list[Line]:
    """Each occurrence of the search's words in `clause`, as a line."""
    text = clause.text
    tokens, spans = occurrences(text, parsed.highlight_terms, parsed.highlight_needles)
    lines = []
    for start, end in spans:
        before = [text[a:b].casefold() for _t, a, b in tokens if b <= start]
        after = [text[a:b].casefold() for _t, a, b in tokens if a >= end]
        lines.append(Line(clause, start, end, tuple(before[::-1][:3]), tuple(after[:3])))
    return lines


def concordance(request: SearchRequest, sort: str, page: int, parallel: bool) -> Concordance:
    """One page of the concordance of `request` (its query and filters) in `sort` order."""
    if sort in ("oldest", "date"):
        first = (page - 1) * CLAUSES_PER_PAGE
        parsed, found, pks = ordered_page(replace(request, sort=sort), first, CLAUSES_PER_PAGE)
        by_clause = [lines_in(clause, parsed) for clause in _load(pks)]
        result = Concordance(request, parsed, sort, clauses=found)
        result.pages = -(-found // CLAUSES_PER_PAGE)
        result.silent = sum(1 for lines in by_clause if not lines)
        result.lines = [line for lines in by_clause for line in lines]
    else:
        parsed, found, read, order = _ordered(request, sort)
        first = (page - 1) * LINES_PER_PAGE
        shown = order[first : first + LINES_PER_PAGE]
        clauses = {clause.pk: clause for clause in _load([pk for pk, _start, _end in shown])}
        result = Concordance(request, parsed, sort, clauses=found)
        result.lines = [
            Line(clauses[pk], start, end, (), ()) for pk, start, end in shown if pk in clauses
        ]
        result.ordered_lines = len(order)
        result.pages = -(-len(order) // LINES_PER_PAGE)
        result.ordered_clauses = read
        result.partial = found > read
    if parallel:
        attach_aligned(result.lines)
        mark_equivalent(result)
    return result


def mark_equivalent(result: Concordance) -> None:
    """Look up the search's equivalent and mark it in each aligned clause of its language:
    `clause.pieces` is the clause's text, ALIGNED_SHOWN characters at most, as (text, marked)."""
    other_filters = tuple(f for f in result.request.filters if f[0] != "language")
    found = equivalents(result.request.q, other_filters, order_ties=False)
    result.equivalents_looked_up = True
    result.equivalent = found.equivalents[0] if found.decided else None
    for line in result.lines:
        for clause in line.aligned:
            marked = result.equivalent if clause.document.language == found.other else None
            clause.pieces = pieces(clause.text, marked.text if marked else "", found.other)


def pieces(text: str, surface: str, language: str) -> list[tuple[str, bool]]:
    """`text` cut at ALIGNED_SHOWN characters, as (piece, whether it is `surface`): Japanese
    as printed, English as whole words in any case and with their endings (investments for
    investment)."""
    shown = text if len(text) <= ALIGNED_SHOWN else text[: ALIGNED_SHOWN - 1] + "…"
    if not surface:
        return [(shown, False)]
    if language == "ja":
        pattern = re.escape(surface)
    else:
        pattern = r"\b" + r"\W+".join(re.escape(word) + r"\w*" for word in surface.split())
    found, at = [], 0
    for match in re.finditer(pattern, shown, re.IGNORECASE):
        found += [(shown[at : match.start()], False), (match.group(), True)]
        at = match.end()
    return [piece for piece in [*found, (shown[at:], False)] if piece[0]]


def all_lines(request: SearchRequest, sort: str) -> tuple[ParsedQuery, int, bool, Iterator]:
    """For an export: (parsed query, clauses found, whether clauses were left out, the lines
    in `sort` order, made as they are read, EXPORT_CLAUSES clauses at most; an order by words
    or by text holds the lines of WORD_SORT_CLAUSES clauses)."""
    if sort in ("oldest", "date"):
        ordered = replace(request, sort=sort)
        parsed, found, pks = ordered_page(ordered, 0, EXPORT_CLAUSES)
        return parsed, found, found > len(pks), _lines(pks, parsed)
    parsed, found, pks = ordered_page(replace(request, sort="oldest"), 0, WORD_SORT_CLAUSES)
    return parsed, found, found > len(pks), iter(sorted_lines(_lines(pks, parsed), sort))


def sorted_lines(lines, sort: str) -> list[Line]:
    """`lines` (in reading order) ordered by `sort`: a word left or right of the keyword (a
    line without that word first), or the text's title; reading order breaks ties."""
    lines = list(lines)
    if sort == "text":
        return sorted(lines, key=lambda line: line.clause.document.title.casefold())
    side, place = sort[0], int(sort[1]) - 1

    def key(line: Line) -> str:
        words = line.left_words if side == "L" else line.right_words
        return words[place] if place < len(words) else ""

    return sorted(lines, key=key)


def _ordered(request: SearchRequest, sort: str):
    """(parsed query, clauses found, clauses read, every line as (clause pk, start, end) in
    `sort` order): computed once per change of the archive and its index, and kept in the page
    cache, so that each further page of the order reads only its own clauses."""
    asked = (archive_version(), index_view.version(), request.q, request.filters, request.doc)
    key = "concordance-order:" + hashlib.sha256(repr((*asked, sort)).encode()).hexdigest()
    store = caches["pages"]
    kept = store.get(key)
    if kept is not None:
        return kept
    parsed, found, pks = ordered_page(replace(request, sort="oldest"), 0, WORD_SORT_CLAUSES)
    lines = sorted_lines(_lines(pks, parsed), sort)
    kept = (parsed, found, len(pks), [(line.clause.pk, line.start, line.end) for line in lines])
    store.set(key, kept)
    return kept


def attach_aligned(lines: list[Line]) -> None:
    """Give each line the clauses aligned with its clause in the text's other versions."""
    aligned = aligned_versions([line.clause for line in lines])
    for line in lines:
        row = aligned.get((line.clause.document.work_id, line.clause.row), [])
        line.aligned = [c for c in row if c.document_id != line.clause.document_id]


def _lines(pks: list[int], parsed: ParsedQuery) -> Iterator[Line]:
    for start in range(0, len(pks), _LOAD_CHUNK):
        for clause in _load(pks[start : start + _LOAD_CHUNK]):
            yield from lines_in(clause, parsed)


def _load(pks: list[int]) -> list[Clause]:
    clauses = (
        Clause.objects.select_related("document__work", "section")
        .defer(*_LARGE_DOCUMENT_COLUMNS)
        .in_bulk(pks)
    )
    return [clauses[pk] for pk in pks if pk in clauses]
