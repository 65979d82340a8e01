"""Running a reader's search against the Whoosh index: hits as clauses, facets, pages, snippets.

Queries go to Whoosh directly (haystack builds and updates the index): our query parser makes
the Whoosh query, Whoosh's own grouping gives the facet counts, and a page of hits is loaded from
the database in a fixed number of queries whatever its size.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db.models import Q
from django.utils.safestring import mark_safe
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.index import EmptyIndexError
from whoosh.index import IndexError as WhooshIndexError
from whoosh.scoring import TF_IDF

from archive.models import Clause
from search.highlight import highlight
from search.indexing import index_path
from search.query import ParsedQuery, parse_query

FACETS = ("language", "year", "kind", "series", "country")
PER_PAGE = 20
SORTS = ("relevance", "date", "oldest")


class SearchUnavailable(Exception):
    """The index is missing or unreadable; the message says which command fixes it."""


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: tuple[tuple[str, str], ...] = ()  # (facet, value), e.g. ("language", "ja")
    doc: str = ""  # one text's slug
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class Hit:
    clause: Clause
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched words
    translations: list[Clause] = field(default_factory=list)


@dataclass
class SearchResults:
    request: SearchRequest
    parsed: ParsedQuery
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def notices(self) -> list[str]:
        return self.parsed.notices


class _IndexView:
    """One searcher on the index, with what is worth keeping while the index does not change.

    Totals and facet counts come from bitmasks: each term's documents as the bits of one
    integer, combined by the query's AND/OR/NOT and counted with bit_count(). Counting 40,000
    hits that way costs microseconds once a term's mask is cached; walking them in Whoosh took
    25 ms per search (bench/).
    """

    TERM_MASKS = 2000  # about 12 kB each at 100,000 clauses

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self._masks: dict[str, dict[str, int]] | None = None
        self._terms: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._filters: dict[str, set[int]] = {}
        self._everything: int | None = None

    def facet_masks(self) -> dict[str, dict[str, int]]:
        if self._masks is None:
            self._masks = {
                name: {
                    term.decode(): self.term_mask(name, term.decode())
                    for term in self.reader.lexicon(name)
                }
                for name in FACETS
                if name in self.reader.indexed_field_names()
            }
        return self._masks

    def term_mask(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        if key in self._terms:
            self._terms.move_to_end(key)
            return self._terms[key]
        mask = 0
        if key in self.reader:
            mask = _bitmask(self.reader.postings(fieldname, text).all_ids())
        self._terms[key] = mask
        if len(self._terms) > self.TERM_MASKS:
            self._terms.popitem(last=False)
        return mask

    def everything(self) -> int:
        if self._everything is None:
            self._everything = _bitmask(self.reader.all_doc_ids())
        return self._everything

    def docmask(self, query: wq.Query) -> int:
        """The documents `query` matches, as a bitmask."""
        if isinstance(query, wq.Term):
            return self.term_mask(query.fieldname, query.text)
        if isinstance(query, wq.And):
            return reduce(and_, (self.docmask(q) for q in query.subqueries))
        if isinstance(query, wq.Or):
            return reduce(or_, (self.docmask(q) for q in query.subqueries))
        if isinstance(query, wq.Not):
            return self.everything() & ~self.docmask(query.query)
        return _bitmask(self.searcher.docs_for_query(query))

    def allowed(self, filter_query: wq.Query | None) -> set[int] | None:
        """Documents a filter allows, for Whoosh's ranking; cached, as readers click through
        the same facets."""
        if filter_query is None:
            return None
        key = repr(filter_query)
        if key not in self._filters:
            if len(self._filters) > 64:
                self._filters.clear()
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


def _bitmask(docnums) -> int:
    """A set of document numbers as the bits of one integer."""
    bits = bytearray()
    for docnum in docnums:
        byte = docnum >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1))
        bits[byte] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


_local = threading.local()


def _view() -> _IndexView:
    """A view of the current index, reopened only when the index has changed."""
    path = index_path()
    cached = getattr(_local, "views", {}).get(path)
    try:
        if cached is not None:
            view = cached if cached.searcher.up_to_date() else _IndexView(cached.searcher.refresh())
        else:
            if not whoosh_index.exists_in(path):
                raise SearchUnavailable(
                    "The search index has not been built yet. Build it with `make index` "
                    "(or `python manage.py rebuild_index`)."
                )
            # TF-IDF, not BM25: Whoosh can skip whole blocks of postings when ranking with it,
            # which took a 40,000-hit word from 68 ms to 2 ms (bench/); clauses are short and
            # of similar length, where BM25's length normalization changes little.
            view = _IndexView(whoosh_index.open_dir(path).searcher(weighting=TF_IDF()))
    except (EmptyIndexError, WhooshIndexError, OSError, EOFError, ValueError) as error:
        _local.views = {}
        raise SearchUnavailable(
            "The search index cannot be read "
            f"({error.__class__.__name__}). Rebuild it with `make index` "
            "(or `python manage.py rebuild_index --noinput`)."
        ) from None
    _local.views = {path: view}
    return view


def _filter(request: SearchRequest) -> wq.Query | None:
    terms = [wq.Term(name, value) for name, value in request.filters]
    if request.doc:
        terms.append(wq.Term("slug", request.doc))
    return wq.And(terms) if terms else None


def _sorting(sort: str):
    if sort == "date":
        return [sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("sequence")]
    if sort == "oldest":
        return [sorting.FieldFacet("date"), sorting.FieldFacet("sequence")]
    return None


def _matches(request: SearchRequest):
    """(parsed query, whoosh query to run, filter) for a request."""
    parsed = parse_query(request.q, fields=("text",))
    return parsed, parsed.query, _filter(request)


def search(request: SearchRequest) -> SearchResults:
    parsed, query, filter_query = _matches(request)
    results = SearchResults(request=request, parsed=parsed)
    if query is None:
        return results
    view = _view()
    first = (request.page - 1) * request.per_page
    found = view.searcher.search(
        query,
        limit=first + request.per_page,
        filter=view.allowed(filter_query),
        sortedby=_sorting(request.sort),
    )
    matched = view.docmask(query)
    if filter_query is not None:
        matched &= view.docmask(filter_query)
    results.total = matched.bit_count()
    results.facets = view.facet_counts(matched)
    scored = [(int(hit["django_id"]), hit.score or 0.0) for hit in found[first:]]
    results.hits = load_hits(scored, parsed)
    return results


def all_matches(request: SearchRequest, limit: int = 10_000) -> tuple[ParsedQuery, list[Hit]]:
    """Every hit of a search, in the requested order, for export (not only one page)."""
    parsed, query, filter_query = _matches(request)
    if query is None:
        return parsed, []
    view = _view()
    found = view.searcher.search(
        query, filter=view.allowed(filter_query), limit=limit, sortedby=_sorting(request.sort)
    )
    scored = [(int(hit["django_id"]), hit.score or 0.0) for hit in found]
    return parsed, load_hits(scored, parsed, with_snippets=False)


def load_hits(scored, parsed: ParsedQuery, with_snippets: bool = True) -> list[Hit]:
    """Clauses for (pk, score) pairs, in that order, with aligned translations: two queries."""
    clauses = Clause.objects.select_related("document__work", "section").in_bulk(
        [pk for pk, _ in scored]
    )
    found = [(clauses[pk], score) for pk, score in scored if pk in clauses]
    translations: dict[tuple[int, int], list[Clause]] = {}
    rows = {(c.document.work_id, c.row) for c, _ in found if c.row is not None}
    if rows and with_snippets:
        # The aligned clauses of other versions share the hit's stored row (archive.alignment).
        wanted = reduce(or_, (Q(document__work_id=work, row=row) for work, row in rows))
        others = Clause.objects.filter(wanted).select_related("document__work")
        for other in others.order_by("document__language", "sequence"):
            translations.setdefault((other.document.work_id, other.row), []).append(other)
    hits = []
    for clause, score in found:
        snippet = highlight(clause.text, set(parsed.highlight_terms)) if with_snippets else ""
        same = translations.get((clause.document.work_id, clause.row), [])
        hits.append(
            Hit(
                clause,
                score,
                mark_safe(snippet),  # noqa: S308 - escaped, then marked
                [c for c in same if c.document_id != clause.document_id],
            )
        )
    return hits
