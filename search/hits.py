"""Loading hits: the clauses of (pk, score) pairs from the database, a fixed number of queries
whatever the page's size, with their aligned versions and highlighted snippets."""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.safestring import mark_safe

from archive.models import Clause, Document
from config.timing import span
from search.highlight import snippet_and_marks
from search.query import ParsedQuery
from search.results import Hit

LOAD_CHUNK = 500  # clauses an export loads at a time
ROWS_PER_QUERY = 200  # aligned rows looked up in one query


def hits_in_chunks(scored, parsed: ParsedQuery):
    """The hits of `scored`, loaded LOAD_CHUNK clauses at a time: memory bounded by the chunk,
    whatever the number of hits."""
    for start in range(0, len(scored), LOAD_CHUNK):
        yield from load_hits(scored[start : start + LOAD_CHUNK], parsed, with_snippets=False)


_LARGE_DOCUMENT_COLUMNS = Document.large_columns("document__")


def aligned_versions(clauses) -> dict[tuple[int, int], list[Clause]]:
    """For each (work, row) of these clauses, the clauses of every version in that row, by
    language: one query per ROWS_PER_QUERY rows (an OR of thousands would pass SQLite's
    expression depth). The aligned clauses of a text's versions share a stored row
    (archive.ingest.alignment)."""
    rows = sorted({(c.document.work_id, c.row) for c in clauses if c.row is not None})
    found: dict[tuple[int, int], list[Clause]] = {}
    for start in range(0, len(rows), ROWS_PER_QUERY):
        chunk = rows[start : start + ROWS_PER_QUERY]
        wanted = reduce(or_, (Q(document__work_id=work, row=row) for work, row in chunk))
        others = (
            Clause.objects.filter(wanted)
            .select_related("document__work")
            .defer(*_LARGE_DOCUMENT_COLUMNS)
        )
        for other in others.order_by("document__language", "sequence"):
            found.setdefault((other.document.work_id, other.row), []).append(other)
    return found


def load_hits(scored, parsed: ParsedQuery, with_snippets: bool = True) -> list[Hit]:
    """Clauses for (pk, score) pairs, in that order, with aligned translations: two queries."""
    clauses = (
        Clause.objects.select_related("document__work", "section")
        .defer(*_LARGE_DOCUMENT_COLUMNS)
        .in_bulk([pk for pk, _ in scored])
    )
    found = [(clauses[pk], score) for pk, score in scored if pk in clauses]
    translations = aligned_versions([c for c, _ in found]) if with_snippets else {}
    hits = []
    for clause, score in found:
        with span("snippets"):
            snippet, marked = (
                snippet_and_marks(
                    clause.text, parsed.highlight_terms, needles=parsed.highlight_needles
                )
                if with_snippets
                else ("", ())
            )
        same = translations.get((clause.document.work_id, clause.row), [])
        hits.append(
            Hit(
                clause,
                score,
                mark_safe(snippet),  # noqa: S308 - escaped, then marked
                [c for c in same if c.document_id != clause.document_id],
                marked,
            )
        )
    return hits
