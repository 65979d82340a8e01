"""The term counts of each kind, series and country, per language (`GroupCount`), kept with
the versions' own counts (`TermCount`) so that a group holding half the archive answers its
distinctive terms from one row per term (archive/research/distinctive.py).

A change moves counts, it never sums a group again: a changed version's old counts are taken
out of the groups it was counted in (`CountedIn`, so a work that moved to another series
leaves the old one), and its new counts are added to the groups its work belongs to now.
Occurrences and dated versions add and subtract exactly. A group's earliest date and least
printing of a term are minimums, which a subtraction cannot undo: when the counts taken out
held one of them and the version does not put the same back, that term's minimums are read
again from the group's versions. Each step is one statement per version and group.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum

from archive.facets import BY_PARAM
from archive.models import CountedIn, Document, GroupCount, TermCount, Work

GROUPED_BY = ("kind", "series", "country")  # the facets whose groups keep their own counts
BATCH = 500  # terms whose minimums are read again at a time
# Each facet's path from a version's term count to its value.
_PATHS = (
    ("kind", "document__work__kind"),
    ("series", "document__work__series"),
    ("country", "document__work__countries__code"),
)


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(GroupCount._meta.db_table), quote(TermCount._meta.db_table)


def groups_of(document_ids) -> dict[int, list[tuple[str, str]]]:
    """The (facet, value) groups each version belongs to now, from its work."""
    found: dict[int, list[tuple[str, str]]] = {pk: [] for pk in document_ids}
    works = Document.objects.filter(pk__in=found).values_list("pk", "work__kind", "work__series")
    for pk, kind, series in works:
        found[pk] += [(f, value) for f, value in (("kind", kind), ("series", series)) if value]
    countries = Document.objects.filter(pk__in=found, work__countries__isnull=False)
    codes = countries.values_list("pk", "work__countries__code").order_by("pk", "work__countries")
    for pk, code in codes:
        found[pk].append(("country", code))
    return found


@dataclass
class Doubtful:
    """Group terms whose earliest date or least printing left with a version's counts: each
    key (facet, value, language, term) names what left, as (version, date, printing)."""

    left: dict[tuple, list] = field(default_factory=dict)


def leave(document_ids) -> Doubtful:
    """Take these versions' counts (still stored) out of the groups they were counted in."""
    groups, counts = _tables()
    doubtful = Doubtful()
    counted_in = CountedIn.objects.filter(document_id__in=document_ids)
    # Each statement is led by the version's own rows, a few hundred, and looks each term
    # up in the group by its key: a group holds up to a term per word of the language.
    rows = counted_in.values_list("document_id", "document__language", "facet", "value")
    with connection.cursor() as cursor:
        for pk, language, facet, value in rows:
            cursor.execute(
                f"SELECT g.term, c.date, c.text FROM {counts} c CROSS JOIN {groups} g "  # noqa: S608
                "WHERE c.document_id = %s AND g.facet = %s AND g.value = %s "
                "AND g.language = %s AND g.term = c.term AND (g.text = c.text OR g.first = c.date)",
                [pk, facet, value, language],
            )
            for term, day, text in cursor.fetchall():
                key = (facet, value, language, term)
                doubtful.left.setdefault(key, []).append((pk, day, text))
            mine = f"FROM {counts} c WHERE c.document_id = %s AND c.term = {groups}.term"
            cursor.execute(
                f"UPDATE {groups} SET occurrences = occurrences - (SELECT c.occurrences {mine}), "  # noqa: S608
                f"texts = texts - (SELECT CASE WHEN c.date IS NULL THEN 0 ELSE 1 END {mine}) "
                f"WHERE facet = %s AND value = %s AND language = %s "
                f"AND term IN (SELECT term FROM {counts} WHERE document_id = %s)",
                [pk, pk, facet, value, language, pk],
            )
            cursor.execute(
                f"DELETE FROM {groups} WHERE facet = %s AND value = %s AND language = %s "  # noqa: S608
                "AND occurrences = 0 "
                f"AND term IN (SELECT term FROM {counts} WHERE document_id = %s)",
                [facet, value, language, pk],
            )
    counted_in.delete()
    return doubtful


def join(document_ids, doubtful: Doubtful | None = None) -> None:
    """Add these versions' counts (as now stored) to the groups their works belong to now,
    then read again the minimums that left and did not come back."""
    groups, counts = _tables()
    now = groups_of(document_ids)
    with connection.cursor() as cursor:
        for pk, belongs in now.items():
            for facet, value in belongs:
                cursor.execute(
                    f"INSERT INTO {groups} "  # noqa: S608
                    "(facet, value, language, term, text, occurrences, texts, first) "
                    "SELECT %s, %s, language, term, text, occurrences, "
                    "CASE WHEN date IS NULL THEN 0 ELSE 1 END, date "
                    f"FROM {counts} WHERE document_id = %s "
                    "ON CONFLICT (facet, value, language, term) DO UPDATE SET "
                    f"occurrences = {groups}.occurrences + excluded.occurrences, "
                    f"texts = {groups}.texts + excluded.texts, "
                    f"text = CASE WHEN excluded.text < {groups}.text "
                    f"THEN excluded.text ELSE {groups}.text END, "
                    f"first = CASE WHEN {groups}.first IS NULL OR excluded.first < {groups}.first "
                    f"THEN excluded.first ELSE {groups}.first END",
                    [facet, value, pk],
                )
    CountedIn.objects.bulk_create(
        CountedIn(document_id=pk, facet=facet, value=value)
        for pk, belongs in now.items()
        for facet, value in belongs
    )
    if doubtful and doubtful.left:
        _settle(doubtful, now)


def _settle(doubtful: Doubtful, now: dict[int, list[tuple[str, str]]]) -> None:
    """Read again, from the group's versions, the minimums of the terms whose minimum left
    with a version that did not put the same date and printing back in the same group."""
    asked: dict[int, set[str]] = {}  # the versions still counted, and their terms that left
    for key, left in doubtful.left.items():
        for pk, _day, _text in left:
            if pk in now:
                asked.setdefault(pk, set()).add(key[3])
    back = {}  # (version, term) -> (date, printing) as counted now
    for pk, found in asked.items():
        terms = sorted(found)
        for start in range(0, len(terms), BATCH):
            rows = TermCount.objects.filter(document_id=pk, term__in=terms[start : start + BATCH])
            back.update({(pk, t): (d, p) for t, d, p in rows.values_list("term", "date", "text")})
    again: dict[tuple[str, str, str], list[str]] = {}
    for (facet, value, language, term), left in doubtful.left.items():
        if any(
            (facet, value) not in now.get(pk, ()) or back.get((pk, term)) != (day, text)
            for pk, day, text in left
        ):
            again.setdefault((facet, value, language), []).append(term)
    for (facet, value, language), terms in again.items():
        works = Work.objects.filter(**{BY_PARAM[facet].lookup: value}).values("pk")
        versions = Document.objects.filter(language=language, work__in=works).values("pk")
        for start in range(0, len(terms), BATCH):
            chunk = terms[start : start + BATCH]
            least = (
                TermCount.objects.filter(language=language, term__in=chunk, document__in=versions)
                .values("term")
                .annotate(text=Min("text"), first=Min("date"))
            )
            found = {row["term"]: row for row in least}
            rows = list(
                GroupCount.objects.filter(
                    facet=facet, value=value, language=language, term__in=found
                ).only("pk", "term")
            )
            for row in rows:
                row.text, row.first = found[row.term]["text"], found[row.term]["first"]
            GroupCount.objects.bulk_update(rows, ["text", "first"], batch_size=BATCH)


# -- Summed afresh ----------------------------------------------------------------------


def _in_groups(term_counts, path: str):
    """The versions' counts that belong to a group of one facet, by its path."""
    return term_counts.objects.exclude(**{f"{path}__isnull": True}).exclude(**{path: ""})


def _summed(term_counts, path: str):
    """Each group's terms of one facet, summed from the versions' counts (a query)."""
    return (
        _in_groups(term_counts, path)
        .values(path, "language", "term")
        .annotate(
            n=Sum("occurrences"),
            least=Min("text"),
            earliest=Min("date"),
            dated=Count("pk", filter=Q(date__isnull=False)),
        )
        .order_by()
    )


def sum_afresh(term_counts, documents, group_counts, counted_in) -> None:
    """Every group's counts, and the groups each version is counted in, summed from the
    versions' counts into empty tables (the models are given, so that the migration that
    first fills them passes its own)."""
    for facet, path in _PATHS:
        group_counts.objects.bulk_create(
            (
                group_counts(
                    facet=facet, value=row[path], language=row["language"], term=row["term"],
                    text=row["least"], occurrences=row["n"], texts=row["dated"],
                    first=row["earliest"],
                )
                for row in _summed(term_counts, path).iterator(chunk_size=2000)
            ),
            batch_size=2000,
        )  # fmt: skip
        member = path.removeprefix("document__")
        versions = documents.objects.exclude(**{f"{member}__isnull": True})
        counted_in.objects.bulk_create(
            (
                counted_in(document_id=pk, facet=facet, value=value)
                for pk, value in versions.exclude(**{member: ""})
                .values_list("pk", member)
                .iterator(chunk_size=2000)
            ),
            batch_size=2000,
        )


def drifted() -> list[tuple[str, str, str]]:
    """The groups (facet, value, language) whose kept counts disagree with their versions'
    counts now, by the terms and occurrences each holds: a change made behind the archive's
    back. Four grouped queries, whatever the archive's size."""
    kept = {
        (facet, value, language): (terms, n)
        for facet, value, language, terms, n in GroupCount.objects.values_list(
            "facet", "value", "language"
        )
        .annotate(Count("pk"), Sum("occurrences"))
        .order_by()
    }
    now = {}
    for facet, path in _PATHS:
        rows = (
            _in_groups(TermCount, path)
            .values_list(path, "language")
            .annotate(Count("term", distinct=True), Sum("occurrences"))
            .order_by()
        )
        now.update({(facet, value, language): (t, n) for value, language, t, n in rows})
    return sorted(group for group in kept.keys() | now.keys() if kept.get(group) != now.get(group))


@transaction.atomic
def rebuild() -> None:
    """Every group's counts summed afresh: what check_archive --repair does."""
    GroupCount.objects.all().delete()
    CountedIn.objects.all().delete()
    sum_afresh(TermCount, Document, GroupCount, CountedIn)
