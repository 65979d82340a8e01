"""Running a reader's search against the index and ranking its hits: the query parsed and
resolved on the current index view, totals and facets counted from bitmasks, a page ranked in
two tiers (whole words by Whoosh, then words inside longer words), and suggestions for a
search that found nothing. The view is search.index_view; loading hits, search.hits."""

import re
from dataclasses import dataclass, replace

from django.conf import settings
from whoosh import query as wq

from archive.text import has_japanese
from search import index_view
from search.analysis import fold_for_match
from search.backend import clause_term
from search.hits import load_hits
from search.index_view import SearchTooSlow, numbers_in, sorting_for
from search.query import ParsedQuery, Substring, parse_query
from search.results import Hit, SearchRequest, SearchResults


def _filter(request: SearchRequest) -> wq.Query | None:
    terms = [wq.Term(name, value) for name, value in request.filters]
    if request.doc:
        terms.append(wq.Term("slug", request.doc))
    return wq.And(terms) if terms else None


@dataclass
class _Run:
    """A request run against the index: what matched, and in which order to show it.

    Ranking comes in two tiers: clauses where the words match as MeCab's whole
    words, ranked by Whoosh; then clauses where they occur only inside longer words or across
    MeCab's word boundaries (the n-gram field), in reading order. So a whole-word hit always
    ranks above a hit inside a longer word, and Whoosh ranks the same postings as before.
    """

    parsed: ParsedQuery
    view: "index_view.IndexView | None" = None
    ranking: wq.Query | None = None  # what Whoosh ranks (tier one); None: nothing to search
    allowed: set[int] | None = None  # Whoosh's filter
    matched: int = 0  # every hit
    rest: int = 0  # tier two: hits Whoosh does not rank
    cut_short: bool = False  # ranking ran out of its time budget: newest first instead
    sort: str = "relevance"  # else every hit in the view's date order
    excluded: set[int] | None = None  # versions another hit stands for (Whoosh's mask)


def _run(request: SearchRequest, parsed: ParsedQuery, within: int | None = None) -> _Run:
    run = _Run(parsed)
    if parsed.query is None:
        return run
    view = run.view = index_view.current()
    filter_query = _filter(request)
    query = view.resolve(parsed.query, parsed.notices)
    filter_mask = view.docmask(filter_query) if filter_query is not None else -1
    if within is not None:
        filter_mask &= within
    if not filter_mask:
        return run  # nothing to rank: Whoosh would read an empty filter as no filter at all
    run.matched = view.docmask(query, within) & filter_mask
    dropped = 0
    if request.group_versions and run.matched:
        # The versions another one stands for leave `matched`; Whoosh is told to skip them.
        dropped = view.duplicate_versions(run.matched, request.prefer)
        run.matched &= ~dropped
    sort = request.sort
    if sort == "relevance" and _terms(query) > RANKED_TERMS:
        # Whoosh scores every match of a wide OR (a* stands for hundreds of words: 10 s at
        # 100,000 clauses); such a search is shown newest first, from the bitmasks.
        parsed.notices.append(_TOO_WIDE_TO_RANK.format(_terms(query)))
        sort = "date"
    if sort != "relevance":
        # One order across both tiers, from the view's precomputed date order.
        run.ranking = _plain(query, drop_exclusions=True)
        run.sort = sort
        return run
    run.ranking = _plain(_whole_words(query))
    ranked = view.docmask(run.ranking) & filter_mask if run.ranking is not None else 0
    if dropped:
        run.excluded = set(numbers_in(dropped))
    if ranked & ~run.matched & ~dropped:
        # The whole-word query is wider than what matched (an exclusion the n-grams
        # narrowed): let Whoosh rank only real hits.
        run.allowed = set(numbers_in(run.matched & ranked))
    else:
        run.allowed = view.allowed(filter_query)
    run.rest = run.matched & ~ranked
    return run


# Words a search may rank by relevance; a query that stands for more is shown by date.
RANKED_TERMS = 100
_TOO_WIDE_TO_RANK = "This search stands for {:,} words, too many to rank by relevance in good \
time; its clauses are shown newest first. Type more of each word to rank them."


_TOO_SLOW_TO_RANK = "Ranking this search by relevance took longer than {:g} s, so its clauses \
are shown newest first. Fewer or longer words rank faster."


def _terms(query: wq.Query) -> int:
    """How many index terms `query` searches, its expanded wildcards' words included."""
    if isinstance(query, wq.Term):
        return 1
    if isinstance(query, wq.CompoundQuery | Substring):
        return sum(_terms(part) for part in query.subqueries)
    if isinstance(query, wq.Not):
        return _terms(query.query)
    return 1


def _whole_words(query: wq.Query) -> wq.Query:
    """`query` without its n-gram parts: what MeCab's whole words match. (A word's MeCab
    alternatives are already beside its n-gram part in the word's OR.)"""
    if isinstance(query, Substring):
        return wq.NullQuery
    if isinstance(query, wq.And | wq.Or):
        return type(query)([_whole_words(part) for part in query.subqueries])
    if isinstance(query, wq.Not):
        return wq.Not(_whole_words(query.query))
    return query


def _ranked(run: _Run, first: int, count: int, sort: str, timed=True) -> list[tuple[int, float]]:
    """(clause pk, score) for hits first … first + count, tier one then tier two. A page
    whose ranking runs out of time (`timed`; an export is not) is shown newest first."""
    found: list[tuple[int, float]] = []
    if run.sort != "relevance":
        docnums = run.view.sorted_slice(run.matched, run.sort, first, count)
        return [(pk, 0.0) for pk in run.view.clause_pks(docnums)]
    # An empty filter would let Whoosh rank every document (it reads one as no filter).
    nothing_allowed = run.allowed is not None and not run.allowed
    if run.ranking is not None and run.ranking is not wq.NullQuery and not nothing_allowed:
        try:
            found, scored = run.view.rank(
                run.ranking, first, count, run.allowed, sorting_for(sort), run.excluded, timed
            )
        except SearchTooSlow:
            run.parsed.notices.append(_TOO_SLOW_TO_RANK.format(settings.SEARCH_RANK_SECONDS))
            run.cut_short = True
            return _ranked(replace(run, sort="date"), first, count, "date")
        first = max(0, first - scored)
    if len(found) < count and run.rest:
        later = numbers_in(run.rest)[first : first + count - len(found)]
        found += [(pk, 0.0) for pk in run.view.clause_pks(later)]
    return found


def search(request: SearchRequest) -> SearchResults:
    parsed = parse_query(request.q, fields=("text",))
    results = SearchResults(request=request, parsed=parsed)
    with index_view.reading_index():
        run = _run(request, parsed)
        if run.ranking is None or not run.matched:
            return results
        first = (request.page - 1) * request.per_page
        results.total = run.matched.bit_count()
        results.facets = run.view.facet_counts(run.matched)
        scored = _ranked(run, first, request.per_page, run.sort)
        results.cut_short = run.cut_short
    results.hits = load_hits(scored, parsed)
    return results


def year_counts(request: SearchRequest) -> tuple[ParsedQuery, dict[str, int], dict[str, int]]:
    """For a term history: the clauses matching the search in each year, and all clauses of
    each year under the same filters. Bitmask counts over the view's facet masks: no hit is
    loaded, whatever the number of hits."""
    parsed = parse_query(request.q, fields=("text",))
    with index_view.reading_index():
        view = index_view.current()
        filter_query = _filter(request)
        scope = view.docmask(filter_query) if filter_query is not None else view.everything()
        years = view.facet_masks().get("year", {})
        totals = {year: (mask & scope).bit_count() for year, mask in years.items()}
        run = _run(request, parsed)
        matched = run.matched if run.ranking is not None else 0
        counts = {year: (mask & matched).bit_count() for year, mask in years.items()}
    return parsed, counts, {year: n for year, n in totals.items() if n}


def sort_out(request: SearchRequest, parsed: ParsedQuery, pks) -> tuple[set[int], set[int]]:
    """Of these clauses: those the search matches, and those inside its filters other than
    language (discovery across languages shows the rest). Two bitmask queries on the index,
    limited to these clauses."""
    pks = list(pks)
    if not pks:
        return set(), set()
    with index_view.reading_index():
        view = index_view.current()
        these = wq.Or([clause_term(pk) for pk in pks])
        others = [(name, value) for name, value in request.filters if name != "language"]
        scope = _filter(replace(request, filters=tuple(others)))
        inside = view.docmask(wq.And([these, scope]) if scope is not None else these)
        matched = 0
        if parsed.query is not None:
            matched = view.docmask(view.resolve(parsed.query, [])) & inside
        return set(view.clause_pks(numbers_in(matched))), set(view.clause_pks(numbers_in(inside)))


def matched(request: SearchRequest, within: int | None = None) -> tuple[ParsedQuery, int]:
    """The clauses a search matches under its filters, as a bitmask of the current index
    view's document numbers (0 for none), with the query as read; only those of `within`
    when given, whose texts alone are read where a word must be found inside longer ones."""
    parsed = parse_query(request.q, fields=("text",))
    with index_view.reading_index():
        run = _run(request, parsed, within)
        return parsed, run.matched if run.ranking is not None else 0


def ordered_page(request: SearchRequest, first: int, count: int) -> tuple[ParsedQuery, int, list]:
    """The clause pks of hits first … first + count in the request's order, and the number of
    hits: what the concordance needs of a search, with no snippets and no facet counts."""
    parsed = parse_query(request.q, fields=("text",))
    with index_view.reading_index():
        run = _run(request, parsed)
        if run.ranking is None or not run.matched:
            return parsed, 0, []
        scored = _ranked(run, first, count, run.sort, timed=False)
        return parsed, run.matched.bit_count(), [pk for pk, _score in scored]


def ordered_matches(request: SearchRequest, limit: int) -> tuple[ParsedQuery, list[tuple]]:
    """Every hit of a search up to `limit`, in the requested order, as (clause pk, score):
    about 100 bytes a hit, so an export can load the clauses a chunk at a time."""
    parsed = parse_query(request.q, fields=("text",))
    with index_view.reading_index():
        run = _run(request, parsed)
        if run.ranking is None or not run.matched:
            return parsed, []
        return parsed, _ranked(run, 0, limit, run.sort, timed=False)


def all_matches(request: SearchRequest, limit: int = 10_000) -> tuple[ParsedQuery, list[Hit]]:
    """Every hit of a search up to `limit`, loaded, in the requested order."""
    parsed, scored = ordered_matches(request, limit)
    return parsed, load_hits(scored, parsed, with_snippets=False)


def _plain(query: wq.Query, drop_exclusions: bool = False) -> wq.Query | None:
    """The query as Whoosh runs it for ranking: n-gram parts as plain ANDs. With
    `drop_exclusions`, NOT parts are left to the filter of allowed documents."""
    if isinstance(query, wq.Not):
        return None if drop_exclusions else wq.Not(_plain(query.query))
    if isinstance(query, wq.And | wq.Or):
        parts = [p for q in query.subqueries if (p := _plain(q, drop_exclusions)) is not None]
        kind = wq.Or if isinstance(query, wq.Or) else wq.And
        return kind(parts) if len(parts) > 1 else (parts[0] if parts else None)
    return query


_LATIN_WORD = re.compile(r"[^\W\d_]{4,}")


def spellings(request: SearchRequest, limit: int = 2) -> list[tuple[str, int]]:
    """For a search that found nothing: the search with a misspelt English word replaced by
    an indexed word one or two edits away (conectivity → connectivity), as (query, hits),
    with the same filters, for the searches that find clauses."""
    with index_view.reading_index():
        view = index_view.current()
        found: list[tuple[str, int]] = []
        typed_words = [m for m in _LATIN_WORD.finditer(request.q) if not has_japanese(m.group())]
        for match in typed_words[:4]:  # each costs a few searches; a long query is no typo
            typed = match.group()
            for word in view.near_words(fold_for_match(typed)):
                word = word.upper() if typed.isupper() else word
                word = word.capitalize() if typed[:1].isupper() and typed[1:].islower() else word
                candidate = request.q[: match.start()] + word + request.q[match.end() :]
                total = search(replace(request, q=candidate, page=1)).total
                if total and len(found) < limit:
                    found.append((candidate, total))
        return found


def suggestions(request: SearchRequest, limit: int = 4) -> list[tuple[str, int]]:
    """For a search that found nothing: shorter searches that do find clauses, as (query,
    hits), with the same filters. Each word alone when there were several; a long Japanese
    word without its last or first character, or either half of it. At most a dozen counts,
    each as cheap as a search's total."""
    words = [w for w in request.q.split() if w.upper() not in ("OR", "AND", "NOT")]
    words = [w for w in words if not w.startswith("-") and w.strip('"()*')]
    candidates: list[str] = []
    if len(words) > 1:
        candidates += words
    for word in words:
        plain = word.strip('"()*')
        if has_japanese(plain) and len(plain) >= 3:
            half = len(plain) // 2
            candidates += [plain[:-1], plain[1:], plain[:half], plain[half:]]
    found: list[tuple[str, int]] = []
    for candidate in dict.fromkeys(candidates):
        if candidate == request.q or len(found) >= limit:
            continue
        total = search(replace(request, q=candidate, page=1)).total
        if total:
            found.append((candidate, total))
    return found
