"""Discovery across languages: clauses a search does not match but leads to.

From each hit on the first page: through the stored alignment to its counterparts in the
other versions of its text, and from the hit or a counterpart, through recurring language
(archive/research/recurring.py), to the clauses of other texts that say nearly the same. So an
English search reaches Japanese-only texts (`greenhouse gas` → the Turkmenistan release's English
paragraph 15 → its Japanese → the Tokyo Declaration's Japanese paragraph 17), and a Japanese
search reaches English ones. Each clause found keeps the path that led to it.
"""

from dataclasses import dataclass

from archive.models import Clause, Document, Recurrence
from search.results import SearchResults
from search.searching import sort_out

SHOWN = 10


@dataclass
class Discovered:
    clause: Clause
    hit: Clause  # the search's hit the path starts from
    aligned: Clause | None  # the hit's counterpart the path goes through, if any
    similarity: float


def discover(results: SearchResults, limit: int = SHOWN) -> list[Discovered]:
    """Clauses of other texts reached from a page's hits and not matched by its search,
    most similar first; each clause once, by its best path. Three queries and two index
    lookups, whatever the archive's size."""
    starts: dict[int, tuple[Clause, Clause | None]] = {}
    shown = set()
    for hit in results.hits:
        starts.setdefault(hit.clause.pk, (hit.clause, None))
        shown.add(hit.clause.pk)
        for counterpart in hit.translations:
            starts.setdefault(counterpart.pk, (hit.clause, counterpart))
            shown.add(counterpart.pk)
    if not starts:
        return []
    order = ("-similarity", "other_id")
    # The strongest links first, chosen without joins (a hit of a recurring formula has
    # hundreds of links); then only those are joined to their clauses, in the same query.
    strongest = (
        Recurrence.objects.filter(clause_id__in=starts)
        .exclude(other_id__in=shown)
        .order_by(*order)
        .values("pk")[: limit * 5]
    )
    links = (
        Recurrence.objects.filter(pk__in=strongest)
        .select_related("other__document__work", "other__section")
        .defer(*Document.large_columns("other__document__"))
        .order_by(*order)
    )
    best: dict[int, Discovered] = {}
    for link in links:
        if link.other_id not in best:
            hit, aligned = starts[link.clause_id]
            best[link.other_id] = Discovered(link.other, hit, aligned, link.similarity)
    matched, inside = sort_out(results.request, results.parsed, best)
    found = [d for pk, d in best.items() if pk in inside and pk not in matched]
    return found[:limit]
