"""The archive's own translations of a term: what the other language versions say in the
clauses aligned with the clauses that use it.

A term (a search, in either language) is found in the clauses of its language that have an
aligned clause in the other language: those are its pairs. Every candidate on the other side
of those pairs is counted: Japanese words from MeCab with compound nouns joined (their parts,
and 「AのB」 phrases of nouns, as well), English word sequences of up to four words that
neither start nor end with a function word. A candidate's strength is Dice's coefficient,
2 × (pairs with both) ÷ (pairs with the term + pairs with the candidate), where a
candidate's pairs are counted by the search itself over the whole archive's aligned clauses
(Japanese inside longer words, English as whole words and their other forms), so a
fragment found everywhere (中) scores low however often it stood beside the term.

Nothing comes from a word list of translations. When the pairs cannot decide (one pair, or
several candidates found in exactly the same pairs as the term), the answer says so.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from django.db.models.functions import Coalesce
from whoosh.analysis import STOP_WORDS

from archive.models import Clause, Document
from archive.text import has_japanese
from archive.words import japanese_words
from search import index_view
from search.analysis import analyze_terms
from search.hits import ROWS_PER_QUERY
from search.index_view import numbers_in
from search.results import SearchRequest
from search.searching import matched

# The term's pairs read, spread evenly over all of them: each costs a MeCab analysis. Beyond
# them, co-occurrence is estimated from these as a share of all the term's pairs.
MAX_PAIRS = 200
# Candidates whose own pairs are counted in the index, the most frequent beside the term.
CHECKED = 40
SHOWN = 10
EXAMPLES = 3
# A first candidate is a finding when it is strong and clearly ahead: Dice of at least FLOOR
# and MARGIN more than the next. On 189 real aligned pairs (the development texts), every
# wrong first candidate of the 50 most frequent English content terms fell below one of the
# two (docs/reading.md), and 32 right ones stood above both.
FLOOR = 0.5
MARGIN = 0.05
LANGUAGES = ("ja", "en")
# Leaders the pairs cannot part that are ordered by their parts, and parts read of each: each
# part costs a look-up of its own equivalents.
TIES_ORDERED = 3
PARTS = 4
# The pairs read for a part's own equivalents: a part is a common word, whose strongest
# equivalent a smaller sample already shows.
PART_PAIRS = 50
_NOUNISH = {"名詞", "接頭辞"}
_LONGEST = 4  # words in a candidate
_LARGE_DOCUMENT_COLUMNS = Document.large_columns("document__")


@dataclass
class Equivalent:
    text: str  # as printed most often in the pairs
    key: str  # as the search reads it
    pairs: int  # pairs whose other side uses it, of the term's
    found: int  # aligned clauses of its language that use it, in the whole archive
    dice: float
    years: Counter = field(default_factory=Counter)  # the term's pairs using it, by year
    examples: list[tuple[Clause, Clause]] = field(default_factory=list)
    by_year: list[int] = field(default_factory=list)  # its pairs in each of `Equivalents.years`
    # Of its parts (words, or MeCab's words of a compound), the share whose own strongest
    # equivalents include part of the term: what orders leaders the pairs cannot part.
    parts_agree: float | None = None

    @property
    def first_year(self) -> int | None:
        return min(self.years) if self.years else None

    @property
    def last_year(self) -> int | None:
        return max(self.years) if self.years else None


@dataclass
class Equivalents:
    term: str
    language: str  # the term's
    other: str
    pairs: int = 0  # aligned clauses of the term's language that use it
    read: int = 0  # of those, the pairs read (MAX_PAIRS at most)
    equivalents: list[Equivalent] = field(default_factory=list)
    # The first equivalent is a finding: more than one pair, and a clear lead (FLOOR, MARGIN).
    decided: bool = False
    tied: list[Equivalent] = field(default_factory=list)  # the leaders the pairs cannot part
    # The tied leaders stand in the very same pairs (no evidence parts them), rather than in
    # as many different ones (two renderings, equally used).
    tied_in_same_pairs: bool = False
    years: list[int] = field(default_factory=list)  # years of the term's pairs, in order


def equivalents(
    term: str, filters: tuple = (), order_ties: bool = True, most_pairs: int | None = None
) -> Equivalents:
    """The candidates for `term` in the other language, strongest first, from its pairs under
    `filters` (facet, value), and whether the pairs decide the first. Leaders the pairs cannot
    part are ordered by what their parts translate to (`order_ties`). `most_pairs` (MAX_PAIRS
    unless said) bounds the pairs read."""
    language = "ja" if has_japanese(term) else "en"
    other = "en" if language == "ja" else "ja"
    result = Equivalents(term, language, other)
    view = index_view.current()
    request = SearchRequest(q=term, filters=(*filters, ("language", language)))
    _parsed, found = matched(request)
    found &= view.aligned(language, other)
    result.pairs = found.bit_count()
    numbers = numbers_in(found)
    most_pairs = most_pairs or MAX_PAIRS
    step = max(1, -(-len(numbers) // most_pairs))  # a sample spread evenly over them all
    pks = view.clause_pks(numbers[::step][:most_pairs])
    pairs = _pairs(pks, other)
    result.read = len(pairs)
    if not pairs:
        return result
    counts: Counter = Counter()
    surfaces: dict[str, Counter] = defaultdict(Counter)
    per_pair = []
    for pair in pairs:
        found_here = candidates(pair.text, other)
        per_pair.append(found_here)
        for key, surface in found_here.items():
            counts[key] += 1
            surfaces[key][surface] += 1
    scored = []
    for key, together in _most_common(counts, CHECKED):
        total = max(_aligned_using(view, key, other), together)
        # Of all the term's pairs, the share of the pairs read that use the candidate.
        estimated = min(together * result.pairs / result.read, total)
        dice = 2 * estimated / (result.pairs + total)
        # As printed most often; the shortest of equals (investment before investments).
        text = min(surfaces[key].items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
        scored.append(Equivalent(text, key, together, total, round(dice, 3)))
    scored = _maximal(scored)
    scored.sort(key=lambda e: (-e.dice, -e.pairs, e.found, -len(e.key), e.key))
    shown = scored[:SHOWN]
    where: dict[str, set[int]] = {}
    examples: dict[str, list[_Pair]] = {}
    for equivalent in shown:
        for number, (pair, found_here) in enumerate(zip(pairs, per_pair, strict=True)):
            if equivalent.key in found_here:
                where.setdefault(equivalent.key, set()).add(number)
                if pair.year:
                    equivalent.years[pair.year] += 1
                if len(examples.setdefault(equivalent.key, [])) < EXAMPLES:
                    examples[equivalent.key].append(pair)
    _load_examples(shown, examples)
    result.equivalents = shown
    result.years = sorted({year for e in shown for year in e.years})
    for equivalent in shown:
        equivalent.by_year = [equivalent.years.get(year, 0) for year in result.years]
    if shown:
        leaders = [e for e in shown if (e.dice, e.pairs) == (shown[0].dice, shown[0].pairs)]
        if len(leaders) > 1 and order_ties and result.read > 1:
            ordered = _order_by_parts(view, term, leaders[:TIES_ORDERED], other)
            leaders = ordered + leaders[TIES_ORDERED:]
            shown[: len(leaders)] = leaders
        result.tied = leaders if len(leaders) > 1 else []
        result.tied_in_same_pairs = len({frozenset(where[e.key]) for e in leaders}) == 1
        # Ahead of the next candidate that is another word, not a part or a longer form of
        # the first (human resource beside human resource development).
        first = shown[0]
        rivals = [e for e in shown[1:] if not _related(e.key, first.key)]
        ahead = first.dice - (rivals[0].dice if rivals else 0.0)
        result.decided = (
            result.read > 1 and first.pairs > 1 and first.dice >= FLOOR and ahead >= MARGIN
        )
    return result


def _aligned_using(view: index_view.IndexView, key: str, language: str) -> int:
    """How many aligned clauses of `language`, in the whole archive, the search finds
    `key` in: the same for every term whose pairs offer it, so counted once per index
    version."""

    def count() -> int:
        query = f'"{key}"' if language == "en" and " " in key else key
        other = "en" if language == "ja" else "ja"
        request = SearchRequest(q=query, filters=(("language", language),))
        _parsed, found = matched(request, within=view.aligned(language, other))
        return found.bit_count()

    return view.kept("aligned clauses using", (language, key), count, limit=65536, shared=True)


def _order_by_parts(
    view: index_view.IndexView, term: str, leaders: list[Equivalent], language: str
) -> list[Equivalent]:
    """Leaders found in the very same pairs, ordered by the share of their parts whose own
    strongest equivalents, over the whole archive, include part of the term: 中央アジア地域
    and 法の支配 stand in the same two pairs as rule of law, but 中央 leads to Central and
    地域 to region, while 支配 leads to rule of law. Co-occurrence still cannot part them, so
    the answer stays undecided."""
    folded = term.strip('"').casefold()
    for leader in leaders:
        parts = _parts(leader.text, language)
        if len(parts) < 2:
            continue  # a single word's own equivalents are the same tie again
        agree = 0
        for part in parts:
            firsts = _firsts(view, part)
            agree += any(first in folded or folded in first for first in firsts)
        leader.parts_agree = round(agree / len(parts), 2)
    return sorted(leaders, key=lambda e: -(e.parts_agree or 0.0))


def _firsts(view: index_view.IndexView, term: str) -> tuple[str, ...]:
    """The strongest equivalents of `term` over the whole archive, folded: the same whatever
    term's tie they order, so found once per index version."""

    def find() -> tuple[str, ...]:
        found = equivalents(term, order_ties=False, most_pairs=PART_PAIRS).equivalents
        return tuple(e.text.casefold() for e in found if e.dice == found[0].dice)

    return view.kept("strongest equivalents", term, find, shared=True)


def _parts(text: str, language: str) -> list[str]:
    """The content words of a candidate, at most PARTS of them."""
    if language == "ja":
        words = [w for w, pos, sub in japanese_words(text) if _noun((w, pos, sub))]
    else:
        words = [w for w in _words(text) if w.casefold() not in STOP_WORDS]
    return [w for w in words if _content(w)][:PARTS]


def candidates(text: str, language: str) -> dict[str, str]:
    """The candidates a clause offers, as {key as the search reads it: as printed}."""
    return _japanese(text) if language == "ja" else _english(text)


def _japanese(text: str) -> dict[str, str]:
    words = japanese_words(text)
    found: dict[str, str] = {}
    # Where each word starts in the words joined: a run of words is a slice of them.
    joined, starts = "".join(word for word, _pos, _sub in words), [0]
    for word, _pos, _sub in words:
        starts.append(starts[-1] + len(word))

    def add(start: int, end: int) -> None:
        surface = joined[starts[start] : starts[end]]
        if surface not in found and _content(surface):
            found[surface] = surface

    runs, index = [], 0
    while index < len(words):
        if _noun(words[index]):
            end = index
            while end < len(words) and _noun(words[end]):
                end += 1
            runs.append((index, end))
            index = end
        else:
            if words[index][1] in ("動詞", "形容詞"):
                add(index, index + 1)
            index += 1
    for start, end in runs:
        for first in range(start, end):
            for last in range(first + 1, min(end, first + _LONGEST) + 1):
                add(first, last)
    # 「法の支配」: the end of one noun run, の, the start of the next.
    for (start, end), (after, stop) in zip(runs, runs[1:], strict=False):
        if after == end + 1 and words[end][0] == "の":
            for first in range(max(start, end - 2), end):
                for last in range(after + 1, min(stop, after + 2) + 1):
                    add(first, last)
    return found


def _noun(word: tuple[str, str, str]) -> bool:
    surface, pos, sub = word
    return pos in _NOUNISH or (pos == "接尾辞" and sub == "名詞的")


def _english(text: str) -> dict[str, str]:
    # Each word with its stems, as the index holds the words (investment and investments are
    # one), and whether it is a function word, which starts or ends no candidate.
    words = [(word, " ".join(_stems(word)), word.lower() in STOP_WORDS) for word in _words(text)]
    found: dict[str, str] = {}
    for first, (word, stems, stop) in enumerate(words):
        if stop or not stems:
            continue
        key, surface = stems, word
        for last in range(first, min(len(words), first + _LONGEST)):
            if last > first:
                last_word, last_stems, last_stop = words[last]
                if not last_stems:
                    break  # a word the search does not read: no candidate spans it
                key, surface = f"{key} {last_stems}", f"{surface} {last_word}"
                if last_stop:
                    continue
            if key not in found and _content(key):
                found[key] = surface
    return found


@lru_cache(maxsize=65536)
def _stems(word: str) -> tuple[str, ...]:
    """The stems the search reads a word as: a word's are the same wherever it stands."""
    return tuple(analyze_terms(word))


# A word: letters and digits, with apostrophes and hyphens inside (don't, state-of-the-art).
_WORD = re.compile(r"[^\W_][\w'-]*")


def _words(text: str) -> list[str]:
    return [w for w in (m.strip("'-") for m in _WORD.findall(text.replace("_", " "))) if w]


# What is no candidate: a number or a date, hiragana alone (おけ of おける, つい of について:
# the inflected pieces MeCab leaves of function words), a single katakana.
_NO_CONTENT = re.compile(r"[\d年月日]+|[\u3040-\u309f]+|[\u30a0-\u30ff]")


def _content(text: str) -> bool:
    """Whether `text` can be a candidate (see _NO_CONTENT); in English, anything but a number."""
    bare = text.replace(" ", "")
    if bare.isascii():
        return bool(bare) and not bare.isdigit()
    return not _NO_CONTENT.fullmatch(bare)


def _most_common(counts: Counter, limit: int):
    """The `limit` candidates most often beside the term, longer first among equals."""
    return sorted(counts.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))[:limit]


def _maximal(scored: list[Equivalent]) -> list[Equivalent]:
    """Without a candidate that a longer one holds and that occurs exactly where it does
    (支配 inside 法の支配, united inside united nations): the longer says it all."""
    kept = []
    for equivalent in scored:
        held = any(
            other is not equivalent
            and equivalent.key != other.key
            and _inside(equivalent.key, other.key)
            and (other.pairs, other.found) == (equivalent.pairs, equivalent.found)
            for other in scored
        )
        if not held:
            kept.append(equivalent)
    return kept


def _related(one: str, other: str) -> bool:
    return _inside(one, other) or _inside(other, one)


def _inside(short: str, long: str) -> bool:
    if " " in long or " " in short:
        return f" {short} " in f" {long} "
    return short in long


class _Pair(NamedTuple):
    mine: int  # the clause using the term
    theirs: int  # its aligned clause in the other language
    text: str  # the aligned clause's text
    year: int | None  # the version's date, or its work's


def _pairs(pks: list[int], other: str) -> list[_Pair]:
    """(clause, its aligned clause in `other`) for these clauses, in their order: the texts
    and ids only, two queries whatever their number (the examples are loaded apart)."""
    mine = {
        pk: (work, row, day)
        for pk, work, row, day in Clause.objects.filter(pk__in=pks, row__isnull=False).values_list(
            "pk", "document__work_id", "row", Coalesce("document__date", "document__work__date")
        )
    }
    theirs = _aligned_in(sorted({(work, row) for work, row, _day in mine.values()}), other)
    pairs = []
    for pk in pks:
        if pk not in mine:
            continue
        work, row, day = mine[pk]
        if (work, row) in theirs:
            other_pk, text = theirs[(work, row)]
            pairs.append(_Pair(pk, other_pk, text, day.year if day else None))
    return pairs


def _aligned_in(rows: list[tuple[int, int]], language: str) -> dict[tuple[int, int], tuple]:
    """For each (work, row), the first clause of that row in the work's version in `language`,
    as (id, text). A work has one version per language: the rows are looked up by its
    versions' ids, which the clauses' index holds, and only the clauses chosen bring their
    text."""
    wanted = set(rows)
    versions = dict(
        Document.objects.filter(work_id__in={work for work, _row in rows}, language=language)
        .values_list("pk", "work_id")
        .order_by()
    )
    chosen: dict[tuple[int, int], int] = {}
    ids = sorted(versions)
    for start in range(0, len(ids), ROWS_PER_QUERY):
        found = Clause.objects.filter(
            document_id__in=ids[start : start + ROWS_PER_QUERY],
            row__in={row for _work, row in rows},
        ).values_list("pk", "document_id", "row")
        for pk, document, row in found.order_by("-sequence", "-pk"):
            key = (versions[document], row)
            if key in wanted:
                chosen[key] = pk  # the first in order is written last
    texts = dict(Clause.objects.filter(pk__in=chosen.values()).values_list("pk", "text"))
    return {key: (pk, texts[pk]) for key, pk in chosen.items()}


def _load_examples(shown: list[Equivalent], examples: dict[str, list[_Pair]]) -> None:
    """The example pairs of the equivalents shown, as clauses with their versions: one query."""
    pks = {pk for pairs in examples.values() for pair in pairs for pk in pair[:2]}
    clauses = (
        Clause.objects.select_related("document__work").defer(*_LARGE_DOCUMENT_COLUMNS).in_bulk(pks)
    )
    for equivalent in shown:
        equivalent.examples = [
            (clauses[pair.mine], clauses[pair.theirs])
            for pair in examples.get(equivalent.key, [])
            if pair.mine in clauses and pair.theirs in clauses
        ]
