"""Reading helpers shared by pages and the API: versions, bodies, aligned rows, browse filters.

Each helper runs a fixed number of queries, whatever the size of the document or the archive
(every page bounded by the page, not the archive).
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from archive.facets import BY_PARAM, FACETS, toggled
from archive.models import Clause, Document, Section, Work
from archive.signals import current_generation


def get_version(slug: str, language: str) -> Document | None:
    """A version without its source file and extracted text (read when asked for)."""
    return (
        Document.objects.light()
        .select_related("work", "translation_of")
        .defer(*Document.large_columns("translation_of__"))
        .filter(work__slug=slug, language=language)
        .first()
    )


def versions_of(work: Work) -> list[Document]:
    """All language versions of a work, without their sources: one query."""
    return list(
        Document.objects.light().filter(work=work).select_related("work").order_by("language")
    )


def preferred_version(versions: list[Document], reader_language: str | None = None):
    """The version in the reader's language, else the authentic one, else the first."""
    reader_language = reader_language or get_language() or "en"
    for document in versions:
        if document.language == reader_language[:2]:
            return document
    authentic = [d for d in versions if d.language == d.work.authentic_language]
    return (authentic or versions or [None])[0]


def document_body(document: Document) -> list[tuple[str, object]]:
    """Sections and clauses in reading order, as ("section", Section) / ("clause", Clause)."""
    items = [("section", s) for s in document.sections.all()]
    items += [("clause", c) for c in document.clauses.all()]
    return sorted(items, key=lambda item: item[1].sequence)


@dataclass
class Row:
    number: int  # as shown: row 1 holds the titles
    kind: str  # "title", "section" or "clause"
    cells: list[list] = field(default_factory=list)  # one list of items per column


def parallel_rows(columns: list[Document]) -> list[Row]:
    """Rows of the side-by-side view: titles, then every section and clause, aligned.

    Uses the rows stored at import; an item of one version with no counterpart sits in a row
    of its own, with empty cells beside it.
    """
    ids = [d.pk for d in columns]
    column_of = {pk: n for n, pk in enumerate(ids)}
    by_row: dict[int, Row] = {}
    items = list(Section.objects.filter(document_id__in=ids)) + list(
        Clause.objects.filter(document_id__in=ids)
        .select_related("document__work")
        .defer(*Document.large_columns("document__"))
    )
    for item in items:
        kind = "section" if isinstance(item, Section) else "clause"
        row = by_row.setdefault(item.row or 0, Row(0, kind, [[] for _ in columns]))
        row.cells[column_of[item.document_id]].append(item)
    for row in by_row.values():
        for cell in row.cells:
            cell.sort(key=lambda item: item.sequence)
    rows = [Row(1, "title", [[d] for d in columns])]
    for number, key in enumerate(sorted(by_row), start=2):
        by_row[key].number = number
        rows.append(by_row[key])
    return rows


def aligned_clauses(clause: Clause) -> list[Clause]:
    """The clause's counterparts in the other versions of its text (by stored row)."""
    if clause.row is None:
        return []
    return list(
        Clause.objects.filter(document__work_id=clause.document.work_id, row=clause.row)
        .exclude(document_id=clause.document_id)
        .select_related("document__work")
        .defer(*Document.large_columns("document__"))
        .order_by("document__language", "sequence")
    )


# How /documents/ can be ordered: URL value → ORDER BY (each ends on the slug, so pages are
# stable). Newest first is served by an index (migration 0006).
BROWSE_SORTS = {
    "newest": (F("date").desc(nulls_last=True), "slug"),
    "oldest": (F("date").asc(nulls_last=True), "slug"),
    "title": ("first_title", "slug"),  # the alphabetically first title of its versions
}


def works_newest_first(query: Q | None = None, sort: str = "newest") -> QuerySet[Work]:
    """Works (matching `query`), newest first (or as `sort` says), undated last in every
    database, each with its versions (not their source files) prefetched: a slice costs two
    queries."""
    versions = Document.objects.light().order_by("language")
    works = Work.objects.all()
    if sort == "title":
        works = works.annotate(first_title=Min("documents__title"))
    works = works.order_by(*BROWSE_SORTS.get(sort, BROWSE_SORTS["newest"]))
    if query:  # filters on countries or languages join rows that repeat a work
        works = works.filter(pk__in=Work.objects.filter(query).values("pk"))
    return works.prefetch_related(Prefetch("documents", queryset=versions))


def filters_query(active: dict[str, str], leave_out: str = "") -> Q:
    """The browse filters as one condition, each facet's lookup from the facet table."""
    query = Q()
    for param, value in active.items():
        if param != leave_out:
            query &= Q(**{BY_PARAM[param].lookup: value})
    return query


def browse(params) -> tuple[QuerySet[Work], dict[str, str], list[str]]:
    """Works matching every browse filter in `params` (a QueryDict), in the order asked for,
    the filters applied, and a notice for each value that cannot be one and so was ignored.

    The works are a lazy queryset: page or slice it (see `works_newest_first`), as the whole
    archive is never one page."""
    active, notices = active_filters(params)
    sort = params.get("sort", "newest")
    return works_newest_first(filters_query(active), sort), active, notices


def active_filters(params) -> tuple[dict[str, str], list[str]]:
    """The facet filters in `params` that can apply, and a notice for each that cannot (each
    facet says what a value must be: archive.facets)."""
    active, notices = {}, []
    for facet in FACETS:
        value = params.get(facet.param, "").strip()
        if not value:
            continue
        if facet.accepts(value):
            active[facet.param] = value
        else:
            notices.append(facet.ignored % {"value": value, "name": facet.param})
    return active, notices


def browse_facets(active: dict[str, str] | None = None, params=None) -> list[dict]:
    """Ways into the archive: each facet's values with their labels and the number of texts
    each would give together with the other filters chosen now, and which value is chosen.
    With `params` (the page's QueryDict), each value also has the link that adds it to the
    filters chosen (or removes it, when chosen)."""
    active = active or {}
    groups = []
    for facet, rows in zip(FACETS, facet_counts(active), strict=True):
        values = []
        for value, n in rows:
            chosen = active.get(facet.param) == value
            if params is not None:
                href = toggled(params, facet.param, None if chosen else value)
            else:
                href = f"?{facet.param}={quote(value)}"
            values.append(
                {"value": value, "label": facet.label(value), "count": n, "active": chosen,
                 "href": href}
            )  # fmt: skip
        groups.append(
            {
                "param": facet.param,
                "title": facet.title,
                "active": active.get(facet.param, ""),
                "values": values,
            }
        )
    return groups


def facet_counts(active: dict[str, str]) -> list[list[tuple[str, int]]]:
    """(value, texts) per facet of FACETS, given the other active filters: one GROUP BY per
    facet, each a scan of the works. They change only when the archive does, so they are kept
    in the cache under the archive's generation (one cheap query) and the filters."""
    filters = "&".join(f"{k}={v}" for k, v in sorted(active.items()))
    # A hash keeps any filter value (spaces, Japanese) a valid key for every cache backend.
    digest = hashlib.sha256(filters.encode()).hexdigest()[:32]
    key = f"browse-facets:{current_generation()}:{digest}"
    found = cache.get(key)
    if found is not None:
        return found
    found = []
    for facet in FACETS:
        others = filters_query(active, facet.param)
        # A filter on countries or languages joins rows that repeat a work: count each once.
        works = Work.objects.filter(pk__in=Work.objects.filter(others)) if others else Work.objects
        works = works.exclude(**{f"{facet.lookup}__isnull": True})
        if facet.name != "year":
            works = works.exclude(**{facet.lookup: ""})
        rows = (
            works.values_list(facet.lookup)
            .annotate(n=Count("id", distinct=True))
            .order_by(f"-{facet.lookup}" if facet.name == "year" else facet.lookup)
        )
        found.append([(str(value), n) for value, n in rows])
    cache.set(key, found, timeout=3600)
    return found


def archive_counts() -> dict[str, int]:
    """How many texts, versions and clauses the archive holds: three COUNT queries."""
    return {
        "texts": Work.objects.count(),
        "versions": Document.objects.count(),
        "clauses": Clause.objects.count(),
    }


def plain_text(document: Document) -> str:
    """The version as plain text: metadata, headings, numbered clauses, closing, signatures."""
    lines = [m["text"] for m in document.metadata_lines if m["role"] not in ("closing",)]
    for kind, item in document_body(document):
        if kind == "section":
            lines += ["", f"{item.label} {item.heading}".strip()]
        else:
            label = item.printed_label or (f"[{item.label}]" if not item.is_preamble else "")
            paragraphs = item.paragraphs
            lines += ["", f"{label} {paragraphs[0]}".strip(), *paragraphs[1:]]
    if document.closing:
        lines += ["", document.closing]
    signatories = list(document.signatories.all())
    if signatories:
        lines.append("")
        lines += [f"{s.title} {s.name}".strip() for s in signatories]
    return "\n".join(lines).strip() + "\n"
