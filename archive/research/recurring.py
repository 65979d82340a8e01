"""Recurring language: for each clause, the clauses of other texts that say nearly the same.

Statements are written from earlier statements; the same commitment returns, slightly
reworded. Two clauses of the same language are compared by the Jaccard similarity
of their shingles: overlapping three-character pieces for Japanese (no spaces to split words
on), overlapping word pairs for other languages, both over text folded as search folds it
(archive/text.py: NFKC, case, variant kanji) without spaces or punctuation, so that (AI) and
（AI） or "1st" and "1 st" do not count as rewording.

Finding candidates without comparing every pair: each clause keeps a *sketch*, the smallest
`SKETCH` hashes of its shingles (a bottom-k MinHash), stored as `SketchEntry` rows. Two
clauses with similarity ≥ 0.5 share most of their sketches, so only clauses sharing sketch
entries are read and compared exactly. A formula repeated in hundreds of texts would make its
sketch entries' lists long; each list is read in date order and only its first `POSTING_CAP`
entries are taken, so the oldest appearances, which a reader wants first, are always found
and the work per clause stays bounded.

Links are stored in both directions (`Recurrence`) and recomputed, in the transaction of an
import or an edit, only for the documents it changed.
"""

import datetime
import difflib
import hashlib
import heapq
import re
import zlib
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from archive.models import Clause, Document, Recurrence, SketchEntry, Work
from archive.signals import current_generation
from archive.text import fold as folded

RECURS = 0.5  # stored and shown as "also said in": nearly the same words
SHARED = 0.8  # in a comparison: the same commitment, at most lightly edited
# In a comparison: from RECURS, the same commitment reworded (shown with its diff); from
# RELATED, the same subject in other words (the two set side by side: a diff of clauses a
# quarter alike marks nearly every word); below RELATED, a clause new in its text.
RELATED = 0.15
SKETCH = 16
POSTING_CAP = 64
CANDIDATES = 48  # compared exactly per clause, those sharing the most sketch entries
PER_CLAUSE = 10  # links found per clause when it is (re)computed (others may add theirs)
KEPT = 50  # links stored per clause at most, the most similar

_NOT_COUNTED = re.compile(r"[\W_]+", re.UNICODE)  # spaces, punctuation, symbols
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, language: str) -> frozenset[int]:
    """The clause's shingles, hashed the same in every process (sketches are stored), with
    the language in the hash so that sketch entries of two languages never meet. 32 bits:
    the few collisions among millions of shingles move a similarity by nothing visible."""
    text = folded(text)
    if language == "ja":
        chars = _NOT_COUNTED.sub("", text)
        pieces = [chars[i : i + 3] for i in range(max(1, len(chars) - 2))]
    else:
        words = _WORD.findall(text)
        pieces = [" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))]
    salt = f"{language}:"
    return frozenset(zlib.crc32((salt + p).encode()) - _HALF for p in pieces if p)


_HALF = 2**31  # crc32 is unsigned; stored in a signed 32-bit column


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def text_similarity(a: str, b: str, language: str) -> float:
    return similarity(shingles(a, language), shingles(b, language))


def sketch(found: frozenset[int]) -> list[int]:
    """A clause's sketch: the smallest SKETCH of its shingles' hashes."""
    return heapq.nsmallest(SKETCH, found)


def day_number(date) -> int:
    """A work's date as the number that orders sketch lists, oldest first."""
    return date.toordinal() if date else UNDATED


UNDATED = datetime.date.max.toordinal()  # texts without a date are read last
BATCH = 200  # clauses whose candidates are looked up together


class _Shingled:
    """Clauses' shingles and documents by id, read from the database as asked for. Keeps the
    last used up to `budget` shingles in all, so memory stays bounded however many clauses a
    relink reads and however long they are."""

    def __init__(self, language: str, budget: int = 300_000):  # about 25 MB
        self.language, self.budget, self.held = language, budget, 0
        self.known: OrderedDict[int, tuple[int, frozenset[int]]] = OrderedDict()

    def get(self, clause_ids) -> dict[int, tuple[int, frozenset[int]]]:
        """These clauses' (document, shingles): those still held, and the rest read now."""
        found = {pk: self.known[pk] for pk in clause_ids if pk in self.known}
        for pk in found:
            self.known.move_to_end(pk)
        missing = [pk for pk in clause_ids if pk not in found]
        for chunk in _chunks(missing):
            rows = Clause.objects.filter(pk__in=chunk).values_list("pk", "document_id", "text")
            for pk, document_id, text in rows:
                found[pk] = self.known[pk] = (document_id, shingles(text, self.language))
                self.held += len(found[pk][1])
        while self.held > self.budget and self.known:
            _pk, (_document, dropped) = self.known.popitem(last=False)
            self.held -= len(dropped)
        return found


def store_sketches(document_ids) -> None:
    """Replace the sketch entries of these documents' clauses, and give every clause of their
    works the works' date (a new version can move it)."""
    table = connection.ops.quote_name(SketchEntry._meta.db_table)
    clauses = Clause.objects.filter(document_id__in=document_ids).order_by("pk")
    for chunk in _chunks(clauses.values_list("pk", flat=True)):
        SketchEntry.objects.filter(clause_id__in=chunk).delete()
    rows = clauses.values_list(
        "pk", "document_id", "document__language", "text", "document__work__date"
    )
    batch = []
    for pk, document_id, language, text, date in rows.iterator(chunk_size=2000):
        day = day_number(date)
        batch += [(pk, document_id, v, day) for v in sketch(shingles(text, language))]
        if len(batch) >= 20_000:
            _insert_sketches(table, batch)
            batch = []
    _insert_sketches(table, batch)
    works = Work.objects.filter(documents__in=document_ids).distinct()
    for work_id, date in works.values_list("pk", "date"):
        siblings = Clause.objects.filter(document__work_id=work_id).values("pk")
        SketchEntry.objects.filter(clause_id__in=siblings).exclude(day=day_number(date)).update(
            day=day_number(date)
        )


def _insert_sketches(table: str, rows) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (clause_id, document_id, value, day) VALUES (%s, %s, %s, %s)",  # noqa: S608
            rows,
        )


def _postings(values) -> dict[int, list[tuple[int, int]]]:
    """For each sketch value, its first POSTING_CAP (clause, document) pairs, oldest first.
    One indexed range scan per value that stops at the cap: a window over whole lists read
    every entry of a value shared by thousands of clauses (6 s of a 600-clause import at
    100,000 clauses, bench/)."""
    table = connection.ops.quote_name(SketchEntry._meta.db_table)
    one = (
        f"SELECT * FROM (SELECT value, day, clause_id, document_id FROM {table} "  # noqa: S608
        "WHERE value = %s ORDER BY day, clause_id LIMIT %s) AS v"
    )
    rows = []
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(values), 100):  # SQLite takes 500 SELECTs in a UNION
            cursor.execute(
                " UNION ALL ".join([one] * len(chunk)),
                [p for value in chunk for p in (value, POSTING_CAP)],
            )
            rows += cursor.fetchall()
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for value, _day, clause_id, document_id in sorted(rows):  # a UNION promises no order
        found[value].append((clause_id, document_id))
    return found


def _similar(clause_ids: list[int], shingled: _Shingled) -> dict[int, list[tuple[int, float]]]:
    """For each of these clauses, the clauses of other documents with similarity ≥ RECURS
    (at most PER_CLAUSE, most similar first), found among those sharing its sketch entries.
    Candidates are read a chunk at a time, each chunk compared with the clauses that named
    it."""
    own = shingled.get(clause_ids)
    postings = _postings({v for _doc, found in own.values() for v in sketch(found)})
    asked_by: dict[int, list[int]] = defaultdict(list)
    for pk, (document_id, found) in own.items():
        shared = Counter()
        for value in sketch(found):
            for other, other_document in postings.get(value, ()):
                if other_document != document_id:
                    shared[other] += 1
        for other, _count in shared.most_common(CANDIDATES):
            asked_by[other].append(pk)
    similar: dict[int, list[tuple[int, float]]] = {pk: [] for pk in own}
    for chunk in _chunks(sorted(asked_by)):
        for other, (_document, theirs) in shingled.get(chunk).items():
            for pk in asked_by[other]:
                if (score := similarity(own[pk][1], theirs)) >= RECURS:
                    similar[pk].append((other, score))
    return {pk: sorted(found, key=lambda p: -p[1])[:PER_CLAUSE] for pk, found in similar.items()}


@transaction.atomic
def relink(document_ids) -> int:
    """Recompute the recurring-language links of these documents' clauses; returns how many
    links their clauses now have (to clauses of any document). Reads these clauses and the
    candidates their sketches name, a batch at a time: its cost and memory follow the size of
    the change, not of the archive."""
    ids = set(document_ids)
    if not ids:
        return 0
    changed = Clause.objects.filter(document_id__in=ids).order_by()
    by_language = defaultdict(list)
    for pk, language in changed.values_list("pk", "document__language"):
        by_language[language].append(pk)
    every = [pk for pks in by_language.values() for pk in pks]
    # Clauses whose count of links changes: these, and their partners before and after.
    touched = set(every)
    # By clause ids, a chunk at a time: each DELETE is an index lookup, not a join.
    for chunk in _chunks(every):
        links = Recurrence.objects.filter(clause_id__in=chunk)
        touched.update(links.values_list("other_id", flat=True))
        links.delete()
        Recurrence.objects.filter(other_id__in=chunk).delete()
    store_sketches(ids)
    for language, pks in by_language.items():
        shingled = _Shingled(language)
        for batch in _chunks(sorted(pks), BATCH):
            pairs: dict[tuple[int, int], float] = {}
            for pk, found in _similar(batch, shingled).items():
                for other, score in found:
                    pairs[(pk, other)] = pairs[(other, pk)] = score
                    touched.add(other)
            _insert(pairs)
    _trim(touched)
    _recount(touched)
    return Recurrence.objects.filter(clause__document_id__in=ids).count()


def unsketched() -> list[int]:
    """Documents with clauses and not one sketch entry (sketches written round the change
    path, or lost): new texts would never be linked to them."""
    sketched = SketchEntry.objects.filter(clause__document_id=OuterRef("pk"))
    documents = Document.objects.filter(clauses__text__gt="").distinct().order_by("pk")
    return list(documents.exclude(Exists(sketched)).values_list("pk", flat=True))


def miscounted() -> list[int]:
    """Clauses whose stored count of links is not the number of their links (an edit that
    went round the change path)."""
    links = Recurrence.objects.filter(clause_id=OuterRef("pk")).order_by()
    links = links.values("clause_id").annotate(n=Count("id")).values("n")
    counted = Clause.objects.annotate(links=Coalesce(Subquery(links), 0))
    return list(counted.exclude(recurrences_count=F("links")).values_list("pk", flat=True))


def recount(clause_ids) -> None:
    """Store these clauses' counts of links again, from the links."""
    _recount(list(clause_ids))


def forget(document_ids) -> None:
    """Before these documents (or some of their clauses) are deleted: drop their clauses'
    links both ways, and recount the partners they leave, whose counts the deletion's cascade
    would leave too high."""
    every = list(
        Clause.objects.filter(document_id__in=set(document_ids)).values_list("pk", flat=True)
    )
    partners: set[int] = set()
    for chunk in _chunks(every):
        partners.update(
            Recurrence.objects.filter(clause_id__in=chunk).values_list("other_id", flat=True)
        )
        Recurrence.objects.filter(clause_id__in=chunk).delete()
        Recurrence.objects.filter(other_id__in=chunk).delete()
    _recount(partners - set(every))


def _chunks(ids, size: int = 500):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _trim(clause_ids) -> None:
    """Keep at most KEPT links a clause, the most similar: a formula repeated in a thousand
    texts would otherwise give each of its clauses a thousand links, and every page, search
    and import that reads them would cost that much."""
    table = connection.ops.quote_name(Recurrence._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(clause_ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() "  # noqa: S608
                "OVER (PARTITION BY clause_id ORDER BY similarity DESC, other_id) AS n "
                f"FROM {table} WHERE clause_id IN ({marks})) AS ranked WHERE n > %s)",
                [*chunk, KEPT],
            )


def _recount(clause_ids) -> None:
    """Clause.recurrences_count for these clauses, from their stored links: /recurring/ ranks
    by it with an index instead of grouping every link."""
    links = (
        Recurrence.objects.filter(clause_id=OuterRef("pk"))
        .order_by()
        .values("clause_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    for chunk in _chunks(clause_ids):
        Clause.objects.filter(pk__in=chunk).update(recurrences_count=Coalesce(Subquery(links), 0))


def _insert(pairs: dict[tuple[int, int], float]) -> None:
    """Store links with one statement run once per row: building a model instance per link
    costs more than finding it (bench/, 100,000 clauses). A pair two batches both found is
    kept once (its similarity is the same both ways)."""
    table = connection.ops.quote_name(Recurrence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (clause_id, other_id, similarity) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            [(a, b, score) for (a, b), score in pairs.items()],
        )


def relink_all() -> int:
    """Recompute every link (after a change of method, or to measure it)."""
    return relink(Document.objects.values_list("pk", flat=True))


# Diffs: words for languages written with spaces, characters for Japanese.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _tokens(text: str, language: str) -> list[str]:
    return list(text) if language == "ja" else _TOKEN.findall(text)


# The most token pairs one diff compares (difflib's cost grows with their product): about two
# 500-character Japanese clauses. Longer clauses are compared sentence by sentence, and
# sentences past the bound are shown as replaced whole, so a page of long clauses costs what
# its length does, never its length squared.
DIFF_PAIRS = 250_000
_SENTENCE = re.compile(r"[^。．.!?！？]*(?:[。．.!?！？]+\s*|$)")


def diff(before: str, after: str, language: str) -> list[tuple[str, str]]:
    """(op, text) pieces turning `before` into `after`: op is "same", "removed" or "added".

    The pieces of "same" and "added" spell `after` exactly; those of "same" and "removed"
    spell `before` up to width and case (（AI） and (AI) are the same words, shown as `after`
    prints them): only the comparison folds characters, display keeps them. Within
    DIFF_PAIRS the pieces are words (characters in Japanese); beyond it, sentences.
    """
    a, b = _tokens(before, language), _tokens(after, language)
    if len(a) * len(b) > DIFF_PAIRS:
        a = [s for s in _SENTENCE.findall(before) if s]
        b = [s for s in _SENTENCE.findall(after) if s]
        if len(a) * len(b) > DIFF_PAIRS:
            return [("removed", before), ("added", after)]
    matcher = difflib.SequenceMatcher(None, [folded(t) for t in a], [folded(t) for t in b], False)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(b[j1:j2])))
    return pieces


# Reading: what pages and the API show. Each helper runs a fixed number of queries.

ALSO_SAID_SHOWN = 20


@dataclass
class Echo:
    """Another text's clause that says nearly the same as the one being read."""

    clause: Clause
    similarity: float
    diff: list[tuple[str, str]]  # from the clause being read to this one


def _with_context(queryset):
    return queryset.select_related("other__document__work").defer(
        *Document.large_columns("other__document__")
    )


def also_said_in(clause: Clause, limit: int = ALSO_SAID_SHOWN) -> tuple[list[Echo], int]:
    """The clauses of other texts that say nearly the same, oldest first (the first `limit`),
    each with its diff against `clause`; and how many there are in all."""
    links = Recurrence.objects.filter(clause=clause)
    ordered = _with_context(links).order_by(
        "other__document__work__date", "other__document__work__slug", "other__sequence"
    )
    language = clause.document.language
    echoes = [
        Echo(link.other, link.similarity, diff(clause.text, link.other.text, language))
        for link in ordered[:limit]
    ]
    total = len(echoes) if len(echoes) < limit else links.count()
    return echoes, total


SIMILAR_LINKS = 2000


def most_similar_texts(document, limit: int = 5) -> list[dict]:
    """Versions in the same language that share the most recurring clauses with `document`,
    counted over its SIMILAR_LINKS strongest links (a formula repeated in a thousand texts
    would otherwise make its every page count a thousand rows a clause). Two queries."""
    strongest = Recurrence.objects.filter(clause__document=document).order_by("-similarity")
    shared = (
        Recurrence.objects.filter(pk__in=strongest.values("pk")[:SIMILAR_LINKS])
        .values("other__document_id")
        .annotate(shared=Count("clause", distinct=True))
        .order_by("-shared", "other__document_id")[:limit]
    )
    counts = {row["other__document_id"]: row["shared"] for row in shared}
    documents = (
        Document.objects.filter(pk__in=Subquery(shared.values("other__document_id")))
        .select_related("work")
        .light()
    )
    found = [{"document": d, "shared": counts.get(d.pk, 0)} for d in documents]
    return sorted(found, key=lambda item: (-item["shared"], item["document"].title))


FORMULAS_SHOWN = 20
APPEARANCES_SHOWN = 20


@dataclass
class Formula:
    """A commitment said in several texts: every appearance, oldest first (the first
    `APPEARANCES_SHOWN`), with how each differs from the first."""

    appearances: list[Echo]
    texts: int  # how many texts say it (this list may show fewer)

    @property
    def first(self) -> Clause:
        return self.appearances[0].clause

    @property
    def last(self) -> Clause:
        return self.appearances[-1].clause

    @property
    def variants(self) -> int:
        return len({folded(e.clause.text) for e in self.appearances})


def _ranking(works: Q) -> list[tuple[int, int]]:
    """(clause id, links) for the clauses of matching works that recur most: an index scan
    of Clause.recurrences_count."""
    clauses = Clause.objects.filter(recurrences_count__gt=0)
    if works:
        clauses = clauses.filter(document__work__in=Work.objects.filter(works).values("pk"))
    ranked = clauses.order_by("-recurrences_count", "pk")
    return list(ranked.values_list("pk", "recurrences_count")[: FORMULAS_SHOWN * 20])


def formulas(works: Q | None = None, limit: int = FORMULAS_SHOWN) -> list[Formula]:
    """`find_formulas`, kept in the cache until the archive changes: four queries and 400
    diffs (0.5 s at 100,000 clauses) that only an import or an edit can change."""
    digest = hashlib.sha256(repr((works, limit)).encode()).hexdigest()[:32]
    key = f"recurring-formulas:{current_generation()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = find_formulas(works, limit)
        cache.set(key, found, timeout=3600)
    return found


def find_formulas(works: Q | None = None, limit: int = FORMULAS_SHOWN) -> list[Formula]:
    """The formulas said in the most texts (of the works matching `works`), each once: a
    clause already shown as another's appearance does not start a formula of its own.

    Four queries whatever it shows: the ranking, the heads, every link of the ranked heads
    (at most KEPT each), and the oldest appearances of the formulas chosen."""
    works = works or Q()
    ranking = _ranking(works)
    heads = Clause.objects.select_related("document__work").defer(
        *Document.large_columns("document__")
    )
    heads = heads.in_bulk([pk for pk, _n in ranking])
    links = Recurrence.objects.filter(clause_id__in=list(heads))
    if works:
        links = links.filter(other__document__work__in=Work.objects.filter(works).values("pk"))
    members: dict[int, set[int]] = defaultdict(set)
    texts: dict[int, set[int]] = defaultdict(set)
    rows = links.values_list("clause_id", "other_id", "other__document__work_id")
    for pk, other, work in rows.order_by():
        members[pk].add(other)
        texts[pk].add(work)
    shown, chosen = set(), []
    for pk, _links in ranking:
        if len(chosen) == limit:
            break
        if pk in shown or pk not in heads:
            continue
        shown.add(pk)
        shown.update(members[pk])
        if texts[pk]:
            chosen.append(pk)
    oldest = _oldest_appearances(links.filter(clause_id__in=chosen), APPEARANCES_SHOWN - 1)
    found = []
    for pk in chosen:
        clauses = sorted([heads[pk]] + oldest[pk], key=_oldest_first)
        first, language = clauses[0], clauses[0].document.language
        echoes = [
            Echo(
                c, text_similarity(first.text, c.text, language), diff(first.text, c.text, language)
            )
            for c in clauses
        ]
        found.append(Formula(echoes, len(texts[pk]) + 1))  # the texts it recurs in, and its own
    return found


def _oldest_appearances(links, each: int) -> dict[int, list[Clause]]:
    """For each clause of these links, the other clauses of its first `each` links, oldest
    text first: one query, numbered per clause by a window."""
    order = ["other__document__work__date", "other__document__work__slug", "other__sequence"]
    numbered = links.annotate(
        n=Window(RowNumber(), partition_by=F("clause_id"), order_by=[F(o).asc() for o in order])
    )
    found: dict[int, list[Clause]] = defaultdict(list)
    for link in _with_context(numbered.filter(n__lte=each)).order_by("clause_id", "n"):
        found[link.clause_id].append(link.other)
    return found


def _oldest_first(clause: Clause):
    work = clause.document.work
    return (work.date or datetime.date.max, work.slug, clause.sequence)
