"""What is distinctive about a text, a year, a series or a country: the terms its versions in
one language use significantly more often than the rest of the archive's versions in that
language, and the terms the archive meets there for the first time.

Owns the terms a version is counted by and their counts (`TermCount`, rewritten with every
change of a version, in the change's transaction), and the keyness read from them.

Terms. Japanese: MeCab's nouns with compounds joined (中央アジア, 法の支配 is two: 法, 支配);
English and other languages: words, folded to lower case. Left out in every language: words
with a digit (dates, ordinals, counts), single characters, hiragana alone (こと, ため: the
function words MeCab calls nouns), and, for English, function words (ENGLISH_STOP_WORDS:
Whoosh's list, and the pronouns, determiners, prepositions, conjunctions and auxiliaries it
leaves out).

Keyness. For each term, a = its occurrences in the group, b = elsewhere; c and d = all terms'
occurrences in the group and elsewhere. Log-likelihood G² (Dunning 1993; Rayson and Garside
2000) says whether the difference is more than chance: at least 10.83 (p < 0.001, one degree
of freedom). The log ratio, log₂((a/c) ÷ (b/d)) with 0.5 for a zero b (Hardie 2014), says how
large it is: at least 1, twice as often. A term must occur at least twice in the group. The
list is ordered by G², strongest first, as AntConc and WordSmith order keywords.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from whoosh.analysis import STOP_WORDS

from archive.models import Clause, Document, GroupCount, TermCount, TermTotal, Work
from archive.reading import active_filters, filters_query
from archive.research import group_counts
from archive.words import japanese_words

KEYNESS = 10.83  # G² at p < 0.001, one degree of freedom
LOG_RATIO = 1.0  # twice as often as elsewhere
AT_LEAST = 2  # occurrences in the group
LONGEST = 200  # characters of a term, as stored
_NOUNISH = {"名詞", "接頭辞"}
_FUNCTION_WORDS = """
    about above after again against all also am among any because been before being below
    between both but cannot could did do does doing down during each either few further had has
    having he her here hers herself him himself his how i into its itself just me more most my
    myself neither no nor now off once only other ought our ours ourselves out over own same
    shall she should so some such than their theirs them themselves then there these they those
    through thus too under until up upon very was were what whatever where whether which while
    who whom whose why within without would yours yourself yourselves
"""
ENGLISH_STOP_WORDS = STOP_WORDS | frozenset(_FUNCTION_WORDS.split())
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_HIRAGANA = re.compile("[\u3040-\u309f]+")
BATCH = 500  # clauses read, rows written and terms totalled at a time
# A version's clauses are counted this many at a time, and each run's counts added to its
# rows: memory follows the run, not the version (a 4,900-clause text has 452,000 terms).
# A term keeps the spelling of the first run that uses it.
CLAUSES_AT_A_TIME = 200
# The term of a language's own total in `TermTotal`: no term is empty.
LANGUAGE_TOTAL = ""


# -- Terms ---------------------------------------------------------------------------------


def terms_in(text: str, language: str) -> list[str]:
    """The terms of `text`, in order, as printed."""
    if language == "ja":
        return _japanese_terms(text)
    return [
        word
        for word in (match.group().strip("'’-") for match in _WORD.finditer(text))
        if _is_term(word) and not (language == "en" and word.casefold() in ENGLISH_STOP_WORDS)
    ]


def _japanese_terms(text: str) -> list[str]:
    found, run = [], []
    for surface, pos, sub in [*japanese_words(text), ("", "", "")]:
        if pos in _NOUNISH or (pos == "接尾辞" and sub == "名詞的"):
            run.append(surface)
            continue
        term = "".join(run)
        run = []
        if _is_term(term) and not _HIRAGANA.fullmatch(term):
            found.append(term)
    return found


def _is_term(term: str) -> bool:
    return len(term) > 1 and len(term) <= LONGEST and not any(c.isdigit() for c in term)


def key(term: str, language: str) -> str:
    return term if language == "ja" else term.casefold()


def counted(texts, language: str) -> Iterator[tuple[str, str, int]]:
    """(term as counted, as printed most often, occurrences) over these texts of a version.
    Only a term printed more than one way keeps a count of each way: a long text has hundreds
    of thousands of terms, nearly all printed one way."""
    counts: Counter = Counter()
    if language == "ja":  # counted as printed
        for text in texts:
            counts.update(terms_in(text, language))
        for term, n in counts.items():
            yield term, term, n
        return
    first_printed: dict[str, str] = {}
    other_ways: Counter = Counter()  # (term, as printed) for the ways after the first
    for text in texts:
        for term in terms_in(text, language):
            counted_as = key(term, language)
            counts[counted_as] += 1
            if first_printed.setdefault(counted_as, term) != term:
                other_ways[(counted_as, term)] += 1
    ways: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (counted_as, term), n in other_ways.items():
        ways[counted_as].append((term, n))
    for counted_as, n in counts.items():
        first = first_printed[counted_as]
        printed = [(first, n - sum(k for _t, k in ways.get(counted_as, ()))),
                   *ways.get(counted_as, ())]  # fmt: skip
        yield counted_as, min(printed, key=lambda way: (-way[1], way[0]))[0], n


def count_terms(document_ids) -> int:
    """Rewrite the term counts of these versions from their clauses, and the totals of every
    term they used before or use now; returns the rows written. The totals read a version's
    terms back from its rows, BATCH at a time."""
    ids = sorted(set(document_ids))
    before = _terms_of(ids)  # empty for new versions
    doubtful = group_counts.leave(ids)
    TermCount.objects.filter(document_id__in=ids).delete()
    written = 0
    versions = list(
        Document.objects.filter(pk__in=ids).values_list(
            "pk", "language", Coalesce("date", "work__date")
        )
    )
    for pk, language, day in versions:
        texts = Clause.objects.filter(document_id=pk).values_list("text", flat=True)
        clauses = texts.iterator(chunk_size=BATCH)
        while chunk := list(islice(clauses, CLAUSES_AT_A_TIME)):
            found = counted(chunk, language)
            while batch := list(islice(found, BATCH)):
                _add_counts(pk, language, day, batch)
        written += TermCount.objects.filter(document_id=pk).count()
    for pk, language, _day in versions:
        terms = TermCount.objects.filter(document_id=pk).order_by("term").values_list(
            "term", flat=True
        )  # fmt: skip
        found = terms.iterator(chunk_size=BATCH)
        while chunk := list(islice(found, BATCH)):
            _total(language, chunk)
            before.get(language, set()).difference_update(chunk)
    languages = {language for _pk, language, _day in versions} | set(before)
    total(before, languages)
    group_counts.join([pk for pk, _language, _day in versions], doubtful)
    return written


def _add_counts(document_id: int, language: str, day, found) -> None:
    """Add these (term, as printed, occurrences) to the version's counts: a term already
    counted in an earlier run of its clauses adds to its count and keeps its spelling."""
    table = connection.ops.quote_name(TermCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (document_id, language, date, term, text, occurrences) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (document_id, term) DO UPDATE SET "
            f"occurrences = {table}.occurrences + excluded.occurrences",
            [(document_id, language, day, term, text, n) for term, text, n in found],
        )


def forget(document_ids) -> None:
    """Before these versions are deleted: their counts go, and the totals they were part of
    are counted again without them."""
    touched = _terms_of(document_ids)
    doubtful = group_counts.leave(document_ids)
    TermCount.objects.filter(document_id__in=document_ids).delete()
    total(touched)
    group_counts.join([], doubtful)


def _terms_of(document_ids) -> dict[str, set[str]]:
    """The terms these versions use, by language."""
    found: dict[str, set[str]] = {}
    rows = TermCount.objects.filter(document_id__in=document_ids).values_list("language", "term")
    for language, term in rows.iterator(chunk_size=2000):
        found.setdefault(language, set()).add(term)
    return found


def total(terms: dict[str, set[str]], languages: set[str] = frozenset()) -> None:
    """Count these totals ({language: terms}) again from the versions' counts, then the own
    total of each language they or `languages` name, once."""
    for language, found in terms.items():
        keys = sorted(found)
        for start in range(0, len(keys), BATCH):
            _total(language, keys[start : start + BATCH])
    for language in set(terms) | set(languages):
        _total_language(language)


def _total(language: str, chunk: list[str]) -> None:
    """These terms' totals, from their own rows."""
    TermTotal.objects.filter(language=language, term__in=chunk).delete()
    rows = (
        TermCount.objects.filter(language=language, term__in=chunk)
        .values("term")
        .annotate(
            n=Sum("occurrences"), first=Min("date"), texts=Count("pk", filter=Q(date__isnull=False))
        )
    )
    TermTotal.objects.bulk_create(
        TermTotal(
            language=language,
            term=row["term"],
            occurrences=row["n"],
            texts=row["texts"],
            first=row["first"],
        )
        for row in rows
    )


def _total_language(language: str) -> None:
    """The language's own total (term LANGUAGE_TOTAL): every occurrence of every term, its
    versions, and the earliest date of a term."""
    terms = TermTotal.objects.filter(language=language).exclude(term=LANGUAGE_TOTAL)
    found = terms.aggregate(size=Sum("occurrences", default=0), first=Min("first"))
    TermTotal.objects.update_or_create(
        language=language,
        term=LANGUAGE_TOTAL,
        defaults={
            "occurrences": found["size"],
            "texts": Document.objects.filter(language=language).count(),
            "first": found["first"],
        },
    )


def recount_changed(sender, document_ids, **kwargs) -> None:
    """Term counts follow every change of a version, in the transaction that makes it."""
    with transaction.atomic():
        count_terms(document_ids)


# -- Keyness -------------------------------------------------------------------------------


@dataclass
class Term:
    text: str
    key: str
    here: int  # occurrences in the group
    elsewhere: int  # in the rest of the language's versions
    keyness: float  # G²
    log_ratio: float
    first: date | None  # the earliest dated version of the group using it
    first_anywhere: date | None  # the earliest dated version of the archive using it
    later_texts: int  # dated versions outside the group that use it
    language: str = ""

    @property
    def concordance(self) -> str:
        """Every occurrence of the term in the archive's versions in its language."""
        query = urlencode({"q": self.text, "lang": self.language})
        return f"{reverse('search:concordance')}?{query}"

    @property
    def new(self) -> bool:
        """The archive meets it here first: no version outside the group uses it earlier."""
        return self.first is not None and self.first == self.first_anywhere


@dataclass
class Distinctive:
    language: str
    versions: int  # of the group, in the language
    size: int  # term occurrences in the group
    size_elsewhere: int
    terms: list[Term] = field(default_factory=list)  # distinctive, strongest first
    new: list[Term] = field(default_factory=list)  # first met here, most taken up first
    new_count: int = 0
    # The group holds the language's earliest dated version: every term is met there first.
    earliest: bool = False


def group(language: str, works: Q | None = None, text: str = "") -> QuerySet:
    """The versions in `language` of one text (its slug), or of the texts matching `works` (a
    condition on Work: a year, a kind, a series, a country), or both."""
    versions = Document.objects.filter(language=language)
    if text:
        versions = versions.filter(work__slug=text)
    if works:
        versions = versions.filter(work__in=Work.objects.filter(works).values("pk"))
    return versions


def distinctive(
    versions: QuerySet,
    language: str,
    shown: int | None = None,
    count: int | None = None,
    kept: tuple[str, str] | None = None,
) -> Distinctive:
    """The distinctive and the new terms of `versions` (all in `language`; `count` of them, when
    the caller knows) against the rest of the archive's versions in `language`. One query for
    the group's rows that can be shown, with the group's and the language's sizes, and one to
    count the versions. `kept` names the kind, series or country that `versions` are, when
    they are exactly one: its rows are then read from its own counts (group_counts)."""
    likely, new, (c, first_here, new_count, size, earliest) = _rows(versions, language, kept, shown)
    d = size - c
    result = Distinctive(language, versions.count() if count is None else count, c, d)

    def term(row) -> Term:
        key, a, text, first, texts, total, first_anywhere, texts_anywhere = row
        b = total - a
        return Term(
            text, key, a, b, _keyness(a, b, c, d), _log_ratio(a, b, c, d), _day(first),
            _day(first_anywhere), max(0, texts_anywhere - texts), language,
        )  # fmt: skip

    result.terms = sorted(
        (t for t in map(term, likely) if _distinctive(t)),
        key=lambda t: (-t.keyness, -t.here, t.key),
    )[:shown]
    result.new_count = new_count
    new.sort(key=lambda row: (-max(0, row[7] - row[4]), -row[1], row[0]))
    result.new = [term(row) for row in new[:shown]]
    result.earliest = first_here is not None and first_here <= (earliest or first_here)
    return result


# G² of a term seen a times among the group's c and b times among the d elsewhere (as
# _keyness, unsigned): the query weighs every term with it and returns only those near the
# thresholds, which _keyness and _log_ratio then decide exactly.
_A, _B, _C, _D = "h.n", "(h.total - h.n)", "s.c", "(o.size - s.c)"
_G2 = (
    f"2 * ({_A} * LN({_A} * CAST(o.size AS DOUBLE PRECISION) / ({_C} * h.total)) + "
    f"CASE WHEN h.total > h.n THEN {_B} * LN({_B} * CAST(o.size AS DOUBLE PRECISION) "
    f"/ ({_D} * h.total)) ELSE 0 END)"
)


def _rows(
    versions: QuerySet, language: str, kept: tuple[str, str] | None, shown: int | None
) -> tuple[list[tuple], list[tuple], tuple]:
    """The group's terms that may be distinctive, its new terms that may be shown, and
    (occurrences in the group, its first date, new terms, occurrences in the language, the
    language's first date). A term is (term, occurrences there, text as printed, first date
    there, dated versions there, occurrences in the language, first date there, dated
    versions there); dates stay ISO text, which orders as dates do.

    The group's rows are summed from its versions' counts, or read from its own counts when
    it is a kept group, and joined to their totals once. A group of half the archive has
    tens of thousands of terms; few are distinctive, and a page shows `shown` new ones, so
    only those leave the database. A log ratio that rounds to 1
    is over 2 ** 0.995 (1.9931…), and a G² that rounds to 10.83 is 10.825 or more."""
    quote = connection.ops.quote_name
    counts, totals = quote(TermCount._meta.db_table), quote(TermTotal._meta.db_table)
    # Terms tied on later texts and occurrences are ordered as Python orders strings: by
    # code point, which is SQLite's own order and PostgreSQL's "C" collation.
    code_points = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    if kept:
        here = (
            "SELECT term, occurrences AS n, text AS printed, first AS since, texts AS dated "  # noqa: S608
            f"FROM {quote(GroupCount._meta.db_table)} "
            "WHERE facet = %s AND value = %s AND language = %s"
        )
        params = [*kept, language]
    else:
        chosen, params = versions.order_by().values("pk").query.sql_with_params()
        here = (
            "SELECT term, SUM(occurrences) AS n, MIN(text) AS printed, MIN(date) AS since, "  # noqa: S608
            f"COUNT(date) AS dated FROM {counts} WHERE document_id IN ({chosen}) GROUP BY term"
        )
    columns = "h.term, h.n, h.printed, h.since, h.dated, h.total, h.first_any, h.texts_any"
    sql = (
        "WITH h AS (SELECT g.term, g.n, g.printed, CAST(g.since AS TEXT) AS since, g.dated, "  # noqa: S608
        "COALESCE(t.occurrences, g.n) AS total, CAST(t.first AS TEXT) AS first_any, "
        f"COALESCE(t.texts, 0) AS texts_any FROM ({here}) g "
        f"LEFT JOIN {totals} t ON t.language = %s AND t.term = g.term), "
        "s AS (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS c, MIN(since) AS first_here, "
        "COALESCE(SUM(CASE WHEN since = first_any THEN 1 ELSE 0 END), 0) AS new_count FROM h), "
        "o AS (SELECT COALESCE(MAX(occurrences), 0) AS size, CAST(MAX(first) AS TEXT) AS earliest "
        f"FROM {totals} WHERE language = %s AND term = %s) "
        f"SELECT 0, {columns} FROM h, s, o WHERE h.n >= %s AND o.size > s.c "
        "AND h.n * (o.size - s.c) >= 1.99 * s.c * (CASE WHEN h.total > h.n "
        f"THEN h.total - h.n ELSE 0.5 END) AND {_G2} >= 10.82 "
        f"UNION ALL SELECT * FROM (SELECT 1, {columns} FROM h WHERE h.since = h.first_any "
        f"ORDER BY h.texts_any - h.dated DESC, h.n DESC, h.term{code_points} LIMIT %s) n "
        "UNION ALL SELECT 2, NULL, s.c, NULL, s.first_here, s.new_count, o.size, o.earliest, 0 "
        "FROM s, o"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*params, language, language, LANGUAGE_TOTAL, AT_LEAST, shown or 2**31 - 1],
        )
        rows = cursor.fetchall()
    _, _, c, _, first_here, new_count, size, earliest, _ = next(r for r in rows if r[0] == 2)
    likely = [row[1:] for row in rows if row[0] == 0]
    new = [row[1:] for row in rows if row[0] == 1]
    return likely, new, (c, first_here, new_count, size, earliest)


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso[:10]) if iso else None


def whole_language(language: str) -> Distinctive:
    """Every version in `language` as the group: nothing is elsewhere, so no term can be
    distinctive, and every term is met there first (not listed). One query."""
    total = TermTotal.objects.filter(language=language, term=LANGUAGE_TOTAL).first()
    size, versions = (total.occurrences, total.texts) if total else (0, 0)
    return Distinctive(language, versions, size, 0)


def _distinctive(term: Term) -> bool:
    return term.here >= AT_LEAST and term.keyness >= KEYNESS and term.log_ratio >= LOG_RATIO


def _keyness(a: int, b: int, c: int, d: int) -> float:
    """Dunning's G² for a term seen a times in c and b times in d, signed: below zero when the
    term is rarer in the group than elsewhere."""
    if not d:
        return 0.0
    expected_here = c * (a + b) / (c + d)
    expected_elsewhere = d * (a + b) / (c + d)
    g2 = 2 * sum(
        observed * math.log(observed / expected)
        for observed, expected in ((a, expected_here), (b, expected_elsewhere))
        if observed
    )
    return round(g2 if a / c >= b / d else -g2, 2)


def _log_ratio(a: int, b: int, c: int, d: int) -> float:
    if not d:
        return 0.0
    return round(math.log2((a / c) / ((b or 0.5) / d)), 2)


# -- What is asked -------------------------------------------------------------------------


@dataclass
class Asked:
    """A group as a page or the API asks for it: ?lang=…, and ?text=<slug> or the browse
    filters (year, kind, series, country), or both."""

    language: str
    text: str = ""
    active: dict[str, str] = field(default_factory=dict)  # browse filters, lang left out
    notices: list[str] = field(default_factory=list)  # filters ignored, and why
    problem: str = ""  # why nothing can be answered

    @property
    def chosen(self) -> bool:
        return bool(self.text or self.active)

    def versions(self) -> QuerySet:
        return group(self.language, filters_query(self.active), self.text)

    def kept(self) -> tuple[str, str] | None:
        """The kind, series or country asked for alone, whose group keeps its own counts."""
        if self.text or len(self.active) != 1:
            return None
        ((param, value),) = self.active.items()
        return (param, value) if param in group_counts.GROUPED_BY else None

    def query(self) -> dict[str, str]:
        """The parameters that ask for this group again."""
        return {"lang": self.language, **({"text": self.text} if self.text else {}), **self.active}


def asked(params, interface_language: str) -> Asked:
    active, notices = active_filters(params)
    language = active.pop("lang", "") or ("ja" if interface_language == "ja" else "en")
    found = Asked(language, params.get("text", "").strip(), active, notices)
    if found.text and not Work.objects.filter(slug=found.text).exists():
        found.problem = _("There is no text “%(slug)s” in the archive.") % {"slug": found.text}
    elif (
        found.text
        and not Document.objects.filter(work__slug=found.text, language=language).exists()
    ):
        found.problem = _("“%(slug)s” has no version in this language (lang=%(language)s).") % {
            "slug": found.text,
            "language": language,
        }
    return found
