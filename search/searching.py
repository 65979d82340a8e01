"""Running a reader's search against the Whoosh index: hits as clauses, facets, pages, snippets.

Queries go to Whoosh directly (haystack builds and updates the index): our query parser makes
the Whoosh query, Whoosh's own grouping gives the facet counts, and a page of hits is loaded from
the database in a fixed number of queries whatever its size.
"""

import threading
from dataclasses import dataclass, field

from django.utils.safestring import mark_safe
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.index import EmptyIndexError
from whoosh.index import IndexError as WhooshIndexError

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


_local = threading.local()


def _searcher():
    """A searcher on the current index, reopened only when the index has changed."""
    path = index_path()
    cached = getattr(_local, "searchers", {}).get(path)
    try:
        if cached is not None:
            searcher = cached if cached.up_to_date() else cached.refresh()
        else:
            if not whoosh_index.exists_in(path):
                raise SearchUnavailable(
                    "The search index has not been built yet. Build it with `make index` "
                    "(or `python manage.py rebuild_index`)."
                )
            searcher = whoosh_index.open_dir(path).searcher()
    except (EmptyIndexError, WhooshIndexError, OSError, EOFError, ValueError) as error:
        _local.searchers = {}
        raise SearchUnavailable(
            "The search index cannot be read "
            f"({error.__class__.__name__}). Rebuild it with `make index` "
            "(or `python manage.py rebuild_index --noinput`)."
        ) from None
    _local.searchers = {path: searcher}
    return searcher


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
    searcher = _searcher()
    facets = {
        name: sorting.FieldFacet(name, allow_overlap=True, maptype=sorting.Count) for name in FACETS
    }
    try:
        page = searcher.search_page(
            query,
            request.page,
            pagelen=request.per_page,
            filter=filter_query,
            groupedby=facets,
            sortedby=_sorting(request.sort),
        )
    except ValueError:  # a page past the end
        return results
    results.total = len(page.results)
    results.facets = {
        name: sorted(page.results.groups(name).items(), key=lambda kv: (-kv[1], kv[0]))
        for name in FACETS
    }
    scored = [(int(hit["django_id"]), hit.score or 0.0) for hit in page]
    results.hits = load_hits(scored, parsed)
    return results


def all_matches(request: SearchRequest, limit: int = 10_000) -> tuple[ParsedQuery, list[Hit]]:
    """Every hit of a search, in the requested order, for export (not only one page)."""
    parsed, query, filter_query = _matches(request)
    if query is None:
        return parsed, []
    found = _searcher().search(
        query, filter=filter_query, limit=limit, sortedby=_sorting(request.sort)
    )
    scored = [(int(hit["django_id"]), hit.score or 0.0) for hit in found]
    return parsed, load_hits(scored, parsed, with_snippets=False)


def load_hits(scored, parsed: ParsedQuery, with_snippets: bool = True) -> list[Hit]:
    """Clauses for (pk, score) pairs, in that order, with aligned translations: two queries."""
    clauses = Clause.objects.select_related("document__work", "section").in_bulk(
        [pk for pk, _ in scored]
    )
    found = [(clauses[pk], score) for pk, score in scored if pk in clauses]
    translations: dict[tuple[int, str], list[Clause]] = {}
    if found:
        # Versions of a text share labels; over-fetch by two IN lists, then match pairs here.
        others = Clause.objects.filter(
            document__work_id__in={c.document.work_id for c, _ in found},
            label__in={c.label for c, _ in found},
        ).select_related("document__work")
        for other in others.order_by("document__language"):
            translations.setdefault((other.document.work_id, other.label), []).append(other)
    hits = []
    for clause, score in found:
        snippet = highlight(clause.text, set(parsed.highlight_terms)) if with_snippets else ""
        same = translations.get((clause.document.work_id, clause.label), [])
        hits.append(
            Hit(
                clause,
                score,
                mark_safe(snippet),  # noqa: S308 - escaped, then marked
                [c for c in same if c.document_id != clause.document_id],
            )
        )
    return hits
