"""Comparing two statements clause by clause: what they share, what one rewords, what is new.

Clauses are paired by the similarity recurring language uses (archive/research/recurring.py), each
clause with at most one of the other text, the most similar pairs first. A pair at `SHARED` or
above is the same commitment; at `RECURS` or above, the same commitment reworded (shown with
its diff); at `RELATED` or above, the same subject in other words; a clause left unpaired is
new in its text.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from archive.models import Clause, Document
from archive.research.recurring import RECURS, RELATED, SHARED, diff, shingles

KINDS = ("shared", "reworded", "related", "only-a", "only-b")


@dataclass
class Pair:
    kind: str  # one of KINDS
    a: Clause | None
    b: Clause | None
    similarity: float = 0.0
    diff: list[tuple[str, str]] = field(default_factory=list)  # from a to b


@dataclass
class Comparison:
    a: Document
    b: Document
    pairs: list[Pair]  # in a's order, each clause of b only in b placed after its neighbour

    def count(self, kind: str) -> int:
        return sum(1 for pair in self.pairs if pair.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {kind.replace("-", "_"): self.count(kind) for kind in KINDS}

    def only(self, kind: str) -> list[Pair]:
        """The pairs of one kind ("" for all), in the comparison's order."""
        return [pair for pair in self.pairs if not kind or pair.kind == kind]


def _scores(left: list[Clause], right: list[Clause], language: str) -> list[tuple]:
    """(similarity, i, j) for every pair with similarity ≥ RELATED: the shared shingles
    counted through an index of the right side, so unrelated pairs cost nothing."""
    right_sets = [shingles(c.text, language) for c in right]
    postings = defaultdict(list)
    for j, found in enumerate(right_sets):
        for value in found:
            postings[value].append(j)
    scores = []
    for i, clause in enumerate(left):
        mine = shingles(clause.text, language)
        shared = Counter(j for value in mine for j in postings.get(value, ()))
        for j, n in shared.items():
            score = n / (len(mine) + len(right_sets[j]) - n)
            if score >= RELATED:
                scores.append((score, i, j))
    return scores


def compare(a: Document, b: Document) -> Comparison:
    """Two versions in the same language, clause by clause (the caller checks the language)."""
    left, right = list(a.clauses.all()), list(b.clauses.all())
    partner: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for score, i, j in sorted(_scores(left, right, a.language), key=lambda s: (-s[0], s[1], s[2])):
        if i not in partner and j not in taken:
            partner[i] = (j, score)
            taken.add(j)
    pairs: list[Pair] = []
    placed: set[int] = set()
    for i, clause in enumerate(left):
        if i not in partner:
            pairs.append(Pair("only-a", clause, None))
            continue
        j, score = partner[i]
        other = right[j]
        kind = "shared" if score >= SHARED else "reworded" if score >= RECURS else "related"
        pieces = diff(clause.text, other.text, a.language) if kind == "reworded" else []
        pairs.append(Pair(kind, clause, other, score, pieces))
        placed.add(j)
    # b's own clauses go after the pair of the b clause before them, keeping b's order.
    position = {pair.b.pk: n for n, pair in enumerate(pairs) if pair.b is not None}
    inserted: dict[int, list[Pair]] = defaultdict(list)
    anchor = -1
    for j, clause in enumerate(right):
        if j in placed:
            anchor = position[clause.pk]
        else:
            inserted[anchor].append(Pair("only-b", None, clause))
    ordered = list(inserted[-1])
    for n, pair in enumerate(pairs):
        ordered.append(pair)
        ordered.extend(inserted[n])
    return Comparison(a, b, ordered)
