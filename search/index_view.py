"""The index view and its lifecycle: one Whoosh searcher on one version of the index, with the
caches worth keeping while that version lasts, shared by a process's threads, replaced when
the index changes, and warmed by the refresher thread in a web worker (search.worker)."""

import functools
import hashlib
import logging
import threading
import time
from array import array
from collections import Counter, OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.core.cache import caches
from whoosh import collectors, sorting
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher, MultiMatcher
from whoosh.support.levenshtein import damerau_levenshtein

from archive import facets as archive_facets
from archive.models import Clause
from archive.text import has_japanese
from config.timing import span
from search.analysis import fold_for_match
from search.backend import (
    CLAUSE_COLUMN,
    DAMAGED,
    IndexUnreadable,
    index_path,
    index_signature,
    open_searcher,
)
from search.query import GRAMS, Lexicon, Substring
from search.results import SearchUnavailable

FACETS = tuple(facet.name for facet in archive_facets.FACETS)
# Filter sets kept per view for Whoosh's ranking: each is a Python set of up to every document
# number (~7 MB at 100,000 clauses), so few; readers click through a handful of facets.
FILTER_SETS = 8
# Up to this many hits, a date-sorted page sorts them; beyond, it walks the date order.
SORT_FEW_HITS = 4096
# How many indexed words one wildcard or word part may stand for (partner*, "a").
MAX_EXPANSIONS = 500
# The words all the wildcards of one query stand for together: 26 one-letter wildcards
# (a* b* … z*) would otherwise search 13,000 words and hold a worker for a minute.
QUERY_EXPANSIONS = 1000
_EXPANSIONS_CAPPED = "“{}” matches more than {} different words; only the {} most frequent were \
searched. Type more of the word to narrow it."
_QUERY_EXPANSIONS_SPENT = "The wildcards of this search stand for more than {} words in all; \
“{}” was searched for its {} most frequent only. Use fewer wildcards, or type more of each word."
# Our command first: haystack's rebuild_index prompts (and fails without a terminal) unless
# given --noinput, and cannot open a damaged index at all.
_NOT_BUILT = "The search index has not been built yet. Build it with `make index` (or \
`python manage.py build_search_index`; haystack's `python manage.py rebuild_index --noinput` \
works too)."
_UNREADABLE = "The search index cannot be read ({}). Rebuild it with `make index` (or \
`python manage.py build_search_index`; haystack's `rebuild_index --noinput` cannot open a \
damaged index)."


log = logging.getLogger(__name__)
# Term masks kept per index version when settings.py does not say (about 12 kB each at 100,000
# clauses, so ~25 MB).
DEFAULT_TERM_MASKS = 2000


def _locked(method):
    """Run the method holding the view's lock (see IndexView)."""

    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


class IndexView:
    """One searcher on one version of the index, with what is worth keeping while that version
    does not change. One view per process, shared by all its threads (see `current`).

    Totals and facet counts come from bitmasks: each term's documents as the bits of one
    integer, combined by the query's AND/OR/NOT and counted with bit_count(). Counting many
    hits that way costs microseconds once a term's mask is cached, where walking them in
    Whoosh costs time in proportion to the hits.

    Threads: a Whoosh searcher is not safe to share unlocked (its files are read by seek() then
    read() on one shared file object, `whoosh/filedb/structfile.py`, `StructFile.get`), so
    every use of the view's searcher and every change to a cache holds the view's lock; those
    are short. The long reads, ranking and a phrase's documents, use a searcher of the same
    index version lent to the thread alone (`lent_searcher`, up to settings.SEARCH_RANKERS),
    so a slow search never holds the lock another search needs. Database reads (`check_texts`)
    run outside the lock. Cache values are never changed once stored, only added or evicted.

    Memory, per process (the view of an older index version is freed once the requests still
    using it end):
    - term masks: at most `settings.SEARCH_CACHE_TERM_MASKS` (default 2000), least recently
      used first out; each is clauses / 8 bytes (12 kB at 100,000 clauses, ~25 MB in all);
    - facet masks: one per facet value (language, year, kind, series, country);
    - 256 wildcard expansions, 256 substring masks, each field's word list;
    - FILTER_SETS facet filters as sets of document numbers (up to ~7 MB each at 100,000);
    - for date order, each document's rank in it (an array, 8 bytes a document, per order);
    - the aligned clauses of each language, as two masks;
    - what other modules derive from this version (`kept`): 4096 small values of each kind.
    """

    def __init__(self, path: str, searcher):
        self.path = path
        self.signature = index_signature(path)
        self.searcher = searcher
        self.reader = searcher.reader()
        self._lock = threading.RLock()
        self._idle_searchers: list = []
        self._searchers_opened = 0
        self._lending = threading.Lock()
        self.term_masks = getattr(settings, "SEARCH_CACHE_TERM_MASKS", DEFAULT_TERM_MASKS)
        self._masks: dict[str, dict[str, int]] | None = None
        self._terms: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._filters: dict[str, set[int]] = {}
        self._everything: int | None = None
        self._words: dict[str, list[str]] = {}
        self._expansions: OrderedDict[tuple[str, str, str], tuple[list[str], bool]] = OrderedDict()
        self._substrings: OrderedDict[str, int] = OrderedDict()
        self._pks = None
        self._orders: dict[str, tuple[list[int], array]] = {}
        self._groups: dict[str, _VersionGroups] = {}
        self._aligned: dict[tuple[str, str], int] = {}
        self._kept: dict[str, OrderedDict] = {}

    def up_to_date(self) -> bool:
        """False once the index on disk is another version than this view's: a newer
        generation, or the same generation rebuilt."""
        return self.searcher.up_to_date() and index_signature(self.path) == self.signature

    def warm(self, previous: "IndexView | None" = None, terms: int = 200) -> None:
        """Build what the first searches would otherwise wait for: the facet masks, the clause
        pk column, the searchers lent for ranking, and the masks of the `terms` words
        `previous` used most recently."""
        self.facet_masks()
        self.everything()
        for sort in ("date", "oldest"):
            self.order(sort)
        for language in ("ja", "en"):  # the interface languages, for grouped versions
            self.version_groups(language)
        self.aligned("ja", "en")  # both directions: the first equivalents need them
        self.clause_pks([0] if self.reader.doc_count_all() else [])
        self.words(GRAMS)  # for the spellings offered when a search finds nothing
        # The searchers lent for ranking, opened now rather than by the first searches.
        lent = [searcher for _ in range(settings.SEARCH_RANKERS) if (searcher := self._lend())]
        with self._lending:
            self._idle_searchers.extend(lent)
        if previous is not None:
            with previous._lock:
                recent = list(previous._terms)[-terms:]
            for fieldname, text in recent:
                self.term_mask(fieldname, text)

    @_locked
    def facet_masks(self) -> dict[str, dict[str, int]]:
        if self._masks is None:
            self._masks = self._build_facet_masks()
        return self._masks

    def _build_facet_masks(self) -> dict[str, dict[str, int]]:
        return {
            name: {
                term.decode(): self.term_mask(name, term.decode())
                for term in self.reader.lexicon(name)
            }
            for name in FACETS
            if name in self.reader.indexed_field_names()
        }

    @_locked
    def term_mask(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        if key in self._terms:
            self._terms.move_to_end(key)
            return self._terms[key]
        mask = 0
        if key in self.reader:
            mask = postings_mask(self.reader.postings(fieldname, text))
        self._terms[key] = mask
        if len(self._terms) > self.term_masks:
            self._terms.popitem(last=False)
        return mask

    @_locked
    def everything(self) -> int:
        if self._everything is None:
            self._everything = bitmask(self.reader.all_doc_ids())
        return self._everything

    @_locked
    def expand(self, lexicon: Lexicon) -> tuple[list[str], bool]:
        """The indexed words a placeholder stands for, most frequent first, and whether
        there were more than MAX_EXPANSIONS."""
        key = (lexicon.fieldname, lexicon.text, lexicon.mode)
        if key in self._expansions:
            self._expansions.move_to_end(key)
            return self._expansions[key]
        text, fieldname = lexicon.text, lexicon.fieldname
        if fieldname not in self.reader.indexed_field_names():
            frequencies = {}
        elif lexicon.mode == "prefix":
            # One pass over each segment's terms with the prefix, which reads each word's
            # frequency on the way: asking for each word's frequency looks it up in every
            # segment (26 one-letter wildcards: 20,000 words, 2 s at 100,000 clauses).
            frequencies = Counter()
            for leaf, _offset in self.reader.leaf_readers():
                if fieldname in leaf.indexed_field_names():
                    for term, info in leaf.iter_prefix(fieldname, text):
                        if b" " not in term:  # pair terms (search.analysis.PairFilter)
                            frequencies[term.decode()] += info.doc_frequency()
        else:
            test = {
                "contains": lambda word: text in word,
                "suffix": lambda word: word.endswith(text),
                "exact": lambda word: word == text,
            }[lexicon.mode]
            frequency = self.reader.doc_frequency
            frequencies = {
                word: frequency(fieldname, word) for word in self.words(fieldname) if test(word)
            }
        found = sorted(frequencies, key=lambda word: (-frequencies[word], word))
        capped = len(found) > MAX_EXPANSIONS
        if capped:
            found = found[:MAX_EXPANSIONS]
        self._expansions[key] = (found, capped)
        if len(self._expansions) > 256:
            self._expansions.popitem(last=False)
        return found, capped

    @_locked
    def words(self, fieldname: str) -> list[str]:
        """The field's terms that are whole words of an alphabet written in one or two bytes
        of UTF-8 (Latin, Greek, Cyrillic; not n-grams of Japanese, not token pairs), read once
        per index version. The lexicon is in byte order, so reading stops at the first term of
        a script written in three bytes: the n-grams of Japanese, five sixths of the terms."""
        if fieldname not in self._words:
            words = []
            for term in self.reader.lexicon(fieldname):
                if term[0] >= 0xE0:
                    break
                if b" " not in term:
                    words.append(term.decode())
            self._words[fieldname] = words
        return self._words[fieldname]

    def near_words(self, word: str, limit: int = 3) -> list[str]:
        """Indexed words of letters and digits one or two edits from ``word`` (a misspelt
        English word: conectivity), the nearest and most frequent first. A misspelling
        rarely changes the first letter, so only words that share it are compared."""
        if len(word) < 4 or has_japanese(word):
            return []
        most = 1 if len(word) < 6 else 2
        letters = set(word)
        # An edit adds or removes at most two letters of the set of letters a word uses: a
        # cheap bound that spares most words the edit distance.
        near = [
            (edits, word_)
            for word_ in self.words(GRAMS)
            if word_[:1] == word[:1] and abs(len(word_) - len(word)) <= most and word_ != word
            if len(letters.symmetric_difference(word_)) <= 2 * most
            if (edits := damerau_levenshtein(word_, word, limit=most)) <= most
        ]
        with self._lock:
            frequency = self.reader.doc_frequency
            near.sort(key=lambda pair: (pair[0], -frequency(GRAMS, pair[1]), pair[1]))
        return [word_ for _edits, word_ in near[:limit]]

    def resolve(self, query: wq.Query, notices: list[str], budget: list[int] | None = None):
        """`query` with each Lexicon placeholder replaced by the words it stands for, at most
        QUERY_EXPANSIONS words for all of them together (`budget` holds what is left)."""
        budget = [QUERY_EXPANSIONS] if budget is None else budget
        if isinstance(query, Lexicon):
            words, capped = self.expand(query)
            if capped:
                notices.append(
                    _EXPANSIONS_CAPPED.format(query.text, MAX_EXPANSIONS, MAX_EXPANSIONS)
                )
            if len(words) > budget[0]:
                words = words[: budget[0]]  # the most frequent: expand() orders them so
                notices.append(
                    _QUERY_EXPANSIONS_SPENT.format(QUERY_EXPANSIONS, query.text, len(words))
                )
            budget[0] -= len(words)
            terms = [wq.Term(query.fieldname, word) for word in words]
            return wq.Or(terms) if len(terms) > 1 else (terms[0] if terms else wq.NullQuery)
        if isinstance(query, Substring):
            known = None if query.known is None else self.resolve(query.known, notices, budget)
            parts = [self.resolve(part, notices, budget) for part in query.subqueries]
            return Substring(parts, query.needle, query.exact, known)
        if isinstance(query, wq.And | wq.Or):
            return type(query)([self.resolve(p, notices, budget) for p in query.subqueries])
        if isinstance(query, wq.Not):
            return wq.Not(self.resolve(query.query, notices, budget))
        return query

    def substring_mask(self, query: Substring, within: int | None = None) -> int:
        """Documents whose clause text contains the needle: the n-gram candidates, each one
        not already matched by ``known`` checked against its text; only those of `within`,
        when given (a mask exact inside `within` alone, kept by the caller)."""
        candidates = reduce(and_, (self.docmask(q) for q in query.subqueries))
        if query.exact:
            return candidates
        if within is not None:
            candidates &= within
            known = self.docmask(query.known) & candidates if query.known is not None else 0
            return known | self.check_texts(candidates & ~known, query.needle)
        key = query.needle
        with self._lock:
            if key in self._substrings:
                self._substrings.move_to_end(key)
                return self._substrings[key]
        # Outside the lock: checking texts reads the database. Two threads may both check a
        # new needle; they store the same mask.
        known = self.docmask(query.known) & candidates if query.known is not None else 0
        mask = known | self.check_texts(candidates & ~known, query.needle)
        with self._lock:
            self._substrings[key] = mask
            self._substrings.move_to_end(key)
            if len(self._substrings) > 256:
                self._substrings.popitem(last=False)
        return mask

    def check_texts(self, mask: int, needle: str) -> int:
        """The documents of `mask` whose clause text, folded, contains `needle`."""
        if not mask:
            return 0
        docnums = numbers_in(mask)
        by_pk = dict(zip(self.clause_pks(docnums), docnums, strict=True))
        keep = []
        wanted = list(by_pk)
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            rows = Clause.objects.filter(pk__in=chunk).values_list("pk", "text")
            keep += [by_pk[pk] for pk, text in rows if needle in fold_for_match(text)]
        return bitmask(keep)

    @_locked
    def clause_pks(self, docnums: list[int]) -> list[int]:
        """The clause pks of these document numbers, read from the index's column (no stored
        fields)."""
        column = self._pk_column()
        return [column[docnum] for docnum in docnums]

    def _pk_column(self):
        if self._pks is None:
            self._pks = self.reader.column_reader(CLAUSE_COLUMN)
        return self._pks

    @_locked
    def order(self, sort: str) -> tuple[list[int], array]:
        """Every document number in `sort` order (newest first or oldest first, each in
        reading order), and each one's rank in it; read once per index version, so a
        date-sorted page costs what a relevance page costs (Whoosh would sort every hit)."""
        if sort not in self._orders:
            results = self.searcher.search(wq.Every(), limit=None, sortedby=sorting_for(sort))
            docnums = [docnum for _key, docnum in results.top_n]
            rank = array("q", [len(docnums)]) * self.reader.doc_count_all()
            for position, docnum in enumerate(docnums):
                rank[docnum] = position
            self._orders[sort] = (docnums, rank)
        return self._orders[sort]

    def sorted_slice(self, mask: int, sort: str, first: int, count: int) -> list[int]:
        """Document numbers first … first + count of `mask`, in `sort` order."""
        docnums, rank = self.order(sort)
        if mask.bit_count() <= SORT_FEW_HITS:  # few hits: sort them
            return sorted(numbers_in(mask), key=rank.__getitem__)[first : first + count]
        bits = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
        size, found, skip = len(bits), [], first
        for docnum in docnums:  # many hits: walk the order until the page is full
            byte = docnum >> 3
            if byte < size and bits[byte] >> (docnum & 7) & 1:
                if skip:
                    skip -= 1
                    continue
                found.append(docnum)
                if len(found) == count:
                    break
        return found

    @_locked
    def version_groups(self, prefer: str) -> "_VersionGroups":
        """How the aligned versions of each clause rank for grouping (the `prefer` language
        first, then by language); read from the database once per index version."""
        key = prefer or "-"
        if key not in self._groups:
            docnum_of = {pk: docnum for docnum, pk in enumerate(self._pk_column())}
            rows = (
                Clause.objects.exclude(row=None)
                .values_list("pk", "document__work_id", "row", "document__language")
                .order_by()
            )
            groups: dict[tuple[int, int], list[tuple[int, str]]] = {}
            for pk, work, row, language in rows.iterator(chunk_size=5000):
                if pk in docnum_of:
                    groups.setdefault((work, row), []).append((docnum_of[pk], language))
            before: dict[int, list[int]] = {}
            after: dict[int, list[int]] = {}
            for members in groups.values():
                if len(members) < 2:
                    continue
                members.sort(key=lambda member: (member[1] != prefer, member[1], member[0]))
                ranked = [docnum for docnum, _language in members]
                for position, docnum in enumerate(ranked):
                    if position:
                        before[docnum] = ranked[:position]
                    if position < len(ranked) - 1:
                        after[docnum] = ranked[position + 1 :]
            self._groups[key] = _VersionGroups(bitmask(before), before, bitmask(after), after)
        return self._groups[key]

    def aligned(self, language: str, other: str) -> int:
        """The clauses in `language` that have an aligned clause in `other` (the two sides of
        the archive's clause pairs between them), as a bitmask; read from the database once
        per index version, for both directions at once (the same pairs, read once)."""
        key = (language, other)
        if key not in self._aligned:
            docnum_of = {pk: docnum for docnum, pk in enumerate(self._pk_column())}
            rows = (
                Clause.objects.exclude(row=None)
                .filter(document__language__in=(language, other))
                .values_list("pk", "document__work_id", "row", "document__language")
                .order_by()
            )
            groups: dict[tuple[int, int], dict[str, list[int]]] = {}
            for pk, work, row, found in rows.iterator(chunk_size=5000):
                if pk in docnum_of:
                    groups.setdefault((work, row), {}).setdefault(found, []).append(docnum_of[pk])
            for one, another in (key, (other, language)):
                self._aligned[(one, another)] = bitmask(
                    docnum
                    for sides in groups.values()
                    if another in sides
                    for docnum in sides.get(one, [])
                )
        return self._aligned[key]

    def kept(self, kind: str, key, compute, limit: int = 4096, shared: bool = False):
        """What `compute()` derives from this index version for `key`, computed once and kept
        while the view is current: the `limit` of each `kind` used most recently. Computed
        outside the lock (it may search); two threads may both compute a new key. `shared`:
        also kept in the page cache under this version, for the machine's other workers and
        for this one after a restart (a small value, read back in well under a millisecond)."""
        with self._lock:
            kept = self._kept.setdefault(kind, OrderedDict())
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        name = self._shared_name(kind, key) if shared else None
        value = caches["pages"].get(name) if name else None
        if value is None:
            value = compute()
            if name:
                caches["pages"].set(name, value)
        with self._lock:
            kept[key] = value
            if len(kept) > limit:
                kept.popitem(last=False)
        return value

    def _shared_name(self, kind: str, key) -> str:
        """The page cache's key for what `kept` derives: this index folder and version."""
        identity = f"{self.path}:{self.signature}:{kind}:{key!r}"
        return "index-view:" + hashlib.sha256(identity.encode()).hexdigest()

    def duplicate_versions(self, matched: int, prefer: str) -> int:
        """The hits of `matched` that another matched version of the same clause, ranked
        before them, stands for. Walks whichever side is smaller: the hits that have a version
        before them, or the hits that have versions after them (a Japanese word matches few
        English clauses, and the other way round)."""
        groups = self.version_groups(prefer)
        later = matched & groups.has_before
        earlier = matched & groups.has_after
        if not later or not earlier:
            return 0
        bits = matched.to_bytes((matched.bit_length() + 7) // 8, "little")

        def hit(docnum: int) -> bool:
            return docnum >> 3 < len(bits) and bits[docnum >> 3] >> (docnum & 7) & 1

        if later.bit_count() <= earlier.bit_count():
            dropped = (d for d in numbers_in(later) if any(map(hit, groups.before[d])))
        else:
            dropped = (d for e in numbers_in(earlier) for d in groups.after[e] if hit(d))
        return bitmask(dropped) & matched

    @contextmanager
    def lent_searcher(self):
        """A searcher of this view's index version for one long read, lent to this thread
        alone so the view's lock is free meanwhile; the view's own searcher, under its lock,
        when all are lent or the index on disk is no longer this version."""
        searcher = self._lend()
        if searcher is None:
            with self._lock:
                yield self.searcher
            return
        try:
            yield searcher
        finally:
            with self._lending:
                self._idle_searchers.append(searcher)

    def _lend(self):
        with self._lending:
            if self._idle_searchers:
                return self._idle_searchers.pop()
            if self._searchers_opened >= settings.SEARCH_RANKERS:
                return None
            self._searchers_opened += 1
        try:
            searcher = open_searcher(self.path)
        except (IndexUnreadable, OSError, *DAMAGED):
            return None
        # Document numbers differ between versions: a searcher opened after the index changed
        # ranks nothing for this view (the next request gets a new view).
        same = searcher.reader().generation() == self.reader.generation()
        return searcher if same and index_signature(self.path) == self.signature else None

    def docs_for_query(self, query: wq.Query) -> list[int]:
        with self.lent_searcher() as searcher:
            return list(searcher.docs_for_query(query))

    def rank(self, query, first, count, allowed, sortedby, excluded=None, timed=True):
        """(clause pk, score) for Whoosh's hits first … first + count, and how many it scored.
        Clause pks come from the index's column, not from stored fields. When `timed`, raises
        SearchTooSlow past settings.SEARCH_RANK_SECONDS of scoring."""
        seconds = settings.SEARCH_RANK_SECONDS if timed else float("inf")
        deadline = time.monotonic() + seconds
        with self.lent_searcher() as searcher:
            if sortedby is None and first + count < searcher.doc_count():
                scoring = collector = _TopBeforeDeadline(first + count, deadline)
                if allowed or excluded:  # as Searcher.collector wraps it
                    collector = collectors.FilterCollector(scoring, allowed, excluded or None)
                searcher.search_with_collector(query, collector)
                if scoring.stopped:
                    raise SearchTooSlow
                results = collector.results()
            else:
                results = searcher.search(
                    query,
                    limit=first + count,
                    filter=allowed,
                    mask=excluded or None,
                    sortedby=sortedby,
                )
        top = results.top_n[first:]
        pks = self.clause_pks([docnum for _score, docnum in top])
        return (
            [(pk, _score(score)) for pk, (score, _docnum) in zip(pks, top, strict=True)],
            results.scored_length(),
        )

    def docmask(self, query: wq.Query, within: int | None = None) -> int:
        """The documents `query` matches, as a bitmask; only the bits inside `within` are
        exact when it is given (its texts alone are read), and the caller keeps those."""
        if isinstance(query, Substring):
            return self.substring_mask(query, within)
        if isinstance(query, wq.Term):
            return self.term_mask(query.fieldname, query.text)
        if isinstance(query, wq.And):
            return reduce(and_, (self.docmask(q, within) for q in query.subqueries))
        if isinstance(query, wq.Or):
            return reduce(or_, (self.docmask(q, within) for q in query.subqueries))
        if isinstance(query, wq.Not):
            return self.everything() & ~self.docmask(query.query, within)
        return bitmask(self.docs_for_query(query))

    @_locked
    def allowed(self, filter_query: wq.Query | None) -> set[int] | None:
        """Documents a filter allows, for Whoosh's ranking; cached, as readers click through
        the same facets."""
        if filter_query is None:
            return None
        key = repr(filter_query)
        if key not in self._filters:
            if len(self._filters) >= FILTER_SETS:
                self._filters.pop(next(iter(self._filters)))  # the oldest
            self._filters[key] = set(self.searcher.docs_for_query(filter_query))
        return self._filters[key]

    def facet_counts(self, found: int) -> dict[str, list[tuple[str, int]]]:
        return {
            name: sorted(
                (
                    (value, (mask & found).bit_count())
                    for value, mask in values.items()
                    if mask & found
                ),
                key=lambda pair: (-pair[1], pair[0]),
            )
            for name, values in self.facet_masks().items()
        }


@dataclass(frozen=True)
class _VersionGroups:
    """Per document number: the aligned versions ranked before it and after it."""

    has_before: int  # bitmask of the keys of `before`
    before: dict[int, list[int]]
    has_after: int
    after: dict[int, list[int]]


def numbers_in(mask: int) -> list[int]:
    """The document numbers whose bits are set in `mask`, in order."""
    found = []
    for index, byte in enumerate(mask.to_bytes((mask.bit_length() + 7) // 8, "little")):
        while byte:
            low = byte & -byte
            found.append(index * 8 + low.bit_length() - 1)
            byte ^= low
    return found


def postings_mask(matcher) -> int:
    """A term's documents as a bitmask, read a block of postings at a time: Whoosh's
    `all_ids()` walks them one by one through each wrapper (a segment's offset, its deleted
    documents), which takes twice as long for a word in a fifth of the clauses. The blocks
    are read as W3LeafMatcher reads them itself (whoosh/codec/whoosh3.py); any other
    matcher is walked."""
    if isinstance(matcher, MultiMatcher):
        mask = 0
        for part, offset in zip(matcher.matchers, matcher.offsets, strict=True):
            mask |= postings_mask(part) << offset
        return mask
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        return postings_mask(matcher.child) & ~bitmask(matcher._ids)
    if not isinstance(matcher, W3LeafMatcher):
        return bitmask(matcher.all_ids())
    matcher.reset()
    bits = bytearray()
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids = matcher._ids
        last = ids[-1] >> 3
        if last >= len(bits):
            bits.extend(bytes(last - len(bits) + 1))
        for docnum in ids:
            bits[docnum >> 3] |= 1 << (docnum & 7)
        matcher._next_block()
    return int.from_bytes(bits, "little")


def bitmask(numbers) -> int:
    """A set of document numbers as the bits of one integer."""
    bits = bytearray()
    for docnum in numbers:
        byte = docnum >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1))
        bits[byte] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


# The process's view of the index, shared by every thread; replaced, never changed in place.
_current: IndexView | None = None
_opening = threading.Lock()
# True in a process whose refresher thread (search.worker) swaps in new views: requests then
# keep using the previous view until the new one is warm, instead of building it themselves.
refreshed_in_background = False


def current() -> IndexView:
    """The process's view of the current index, opened once and reopened only when the index
    has changed (an import bumps its generation; a full build swaps in a folder with a higher
    one).

    One thread opens a new view, under a lock, while the others wait for it rather than open
    their own; the new view is published by one assignment once it is complete, and requests
    already running keep the old view they hold. In a web worker (`refreshed_in_background`),
    no request waits: the refresher thread opens and warms the new view, and requests use the
    previous one until it is published, less than a second later.
    """
    global _current
    path = index_path()
    try:
        view = _current
        usable = view is not None and view.path == path
        if usable and (refreshed_in_background or view.up_to_date()):
            return view
        with _opening:
            view = _current  # another thread may have opened it while this one waited
            if view is None or view.path != path or not view.up_to_date():
                view = _current = _open(path)
    except DAMAGED as error:
        raise _unreadable(error) from None
    return view


def version() -> str:
    """Which version of the index this process searches ("none" without one): pages drawn
    from it are kept under it (archive.freshness)."""
    try:
        return "-".join(map(str, current().signature))
    except SearchUnavailable:
        return "none"


def refresh() -> bool:
    """Open and warm a view of the index if it has changed, then publish it; True if it did.
    For the refresher thread and for worker start (search.worker)."""
    global _current
    path = index_path()
    view = _current
    if view is not None and view.path == path and view.up_to_date():
        return False
    try:
        fresh = _open(path)
        with reading_index():
            fresh.warm(previous=view if view is not None and view.path == path else None)
    except SearchUnavailable:
        return False  # no index yet, or damaged: requests say so and name the command
    except DAMAGED as error:
        _unreadable(error)
        return False
    with _opening:
        _current = fresh
    return True


def _open(path: str) -> IndexView:
    # A new searcher, not `searcher.refresh()`: refresh may close files of the old searcher,
    # which requests in flight still read (whoosh/searching.py, Searcher.refresh).
    try:
        return IndexView(path, open_searcher(path))
    except IndexUnreadable:
        raise SearchUnavailable(_NOT_BUILT) from None


def forget() -> None:
    """Drop the process's view, so that the next search opens the index again."""
    global _current
    with _opening:
        _current = None


def _unreadable(error: Exception) -> SearchUnavailable:
    forget()
    log.warning("The search index cannot be read", exc_info=error)
    return SearchUnavailable(_UNREADABLE.format(error.__class__.__name__))


@contextmanager
def reading_index():
    """Turn a damaged index found while searching (Whoosh reads segments lazily) into
    SearchUnavailable; the warning keeps the traceback for whoever rebuilds it. The time
    inside counts as the request's `index` (config.timing)."""
    try:
        with span("index"):
            yield
    except DAMAGED as error:
        raise _unreadable(error) from None


class SearchTooSlow(Exception):
    """Ranking a search ran past settings.SEARCH_RANK_SECONDS."""


class _TopBeforeDeadline(collectors.TopCollector):
    """Whoosh's top-N collector (block-quality skipping and all) that stops scoring at
    `deadline`, a time.monotonic() value, and says so in `stopped`. It looks at the clock
    every 256 documents, so the clock adds nothing that shows next to the scoring."""

    def __init__(self, limit: int, deadline: float):
        super().__init__(limit)
        self.deadline = deadline
        self.stopped = False

    def matches(self):
        for n, docnum in enumerate(super().matches()):
            if not n & 255 and time.monotonic() > self.deadline:
                self.stopped = True
                return
            yield docnum


def sorting_for(sort: str):
    """Whoosh's sort for a date order: newest or oldest first, each in reading order."""
    if sort == "date":
        return [sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("sequence")]
    if sort == "oldest":
        return [sorting.FieldFacet("date"), sorting.FieldFacet("sequence")]
    return None


def _score(score) -> float:
    # Sorted by a field, Whoosh gives the sort key as the score; only relevance is a number.
    return score if isinstance(score, int | float) else 0.0
