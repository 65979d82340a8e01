"""Aligning the language versions of a text, clause by clause and heading by heading.

Pure Python: `align_versions` takes each version's body (sections and clauses in reading order)
and returns, for every item, the row it shares with its counterparts. One Gale–Church-style
dynamic programme over the two bodies aligns them by length, with printed numbers as anchors, so
a paragraph that one version splits in two shares a row with both halves, a paragraph one
version lacks gets a row of its own, and every other row still lines up. Nothing is dropped.
`reconcile_version_labels` compares the versions' labels at import.
"""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Item:
    kind: str  # "section" or "clause"
    key: object  # caller's handle (a pk), returned with the row
    label: str = ""  # clause label; "" for sections
    numbered: bool = False  # printed number, so the label is meaningful across versions
    length: int = 0  # characters, for length-based matching (a heading's too)


def align_versions(pivot: list[Item], others: list[list[Item]]) -> list[dict[object, int]]:
    """Row numbers (1-based) for the items of the pivot and of each other version.

    Returns one {key: row} mapping per version, pivot first. Rows follow the pivot's reading
    order; an unmatched item of another version is placed right after the row of the item
    that precedes it in its own version.
    """
    slots: list[list[tuple[int, object]]] = [[(0, item.key)] for item in pivot]
    for version_index, other in enumerate(others, start=1):
        matches = _match(pivot, other)  # other item index -> pivot item index
        extra_after: dict[int, list[object]] = {}
        last_pivot = -1
        for index, item in enumerate(other):
            if index in matches:
                slots[matches[index]].append((version_index, item.key))
                last_pivot = matches[index]
            else:
                extra_after.setdefault(last_pivot, []).append(item.key)
        for after in sorted(extra_after, reverse=True):
            for key in reversed(extra_after[after]):
                slots.insert(after + 1, [(version_index, key)])
    rows: list[dict[object, int]] = [{} for _ in range(len(others) + 1)]
    for row, slot in enumerate(slots, start=1):
        for version_index, key in slot:
            rows[version_index][key] = row
    return rows


# Costs of the alignment steps. Pairing two items costs how unlike their lengths are (0–1);
# one item against two (a paragraph one version splits) costs more; an item with no
# counterpart costs most; two printed numbers that differ all but forbid a pair.
SPLIT, SKIP, LABELS_DIFFER = 0.6, 1.5, 4.0
BAND = 12  # how far (in items) an alignment may stray from the diagonal, beyond the size gap


def _match(pivot: list[Item], other: list[Item]) -> dict[int, int]:
    """Map indexes of `other` to indexes of `pivot` (several may map to one: a split).

    One dynamic programme over both bodies, Gale–Church style, with printed numbers as
    anchors: 1-1, 1-2, 2-1, 1-0 and 0-1 steps, so one disagreement (a paragraph numbered in one
    version only, split in two, or missing) costs one step and never shifts the rows after it.
    """
    n, m = len(pivot), len(other)
    if not n or not m:
        return {}
    ratio = (sum(i.length for i in pivot) or 1) / (sum(i.length for i in other) or 1)
    band = BAND + abs(n - m)
    infinity = float("inf")
    cost: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n + 1):
        centre = i * m // n
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            here = cost.get((i, j), infinity)
            if here == infinity:
                continue
            for di, dj in ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1)):
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                step = _step_cost(pivot[i:a], other[j:b], ratio)
                if here + step < cost.get((a, b), infinity):
                    cost[(a, b)] = here + step
                    back[(a, b)] = (i, j)
    matches: dict[int, int] = {}
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[(i, j)]
        if i > pi and j > pj:
            for o in range(pj, j):
                matches[o] = pi  # a 2-1 step shares the first row; a 1-2 step both halves
        i, j = pi, pj
    return matches


def _step_cost(left: list[Item], right: list[Item], ratio: float) -> float:
    if not left or not right:
        return SKIP
    kinds = {item.kind for item in left + right}
    if len(kinds) > 1 or ("section" in kinds and len(left) + len(right) > 2):
        return float("inf")  # a heading pairs only with a heading
    size_left = sum(item.length for item in left)
    size_right = sum(item.length for item in right) * ratio
    cost = abs(size_left - size_right) / max(size_left + size_right, 1)
    if len(left) + len(right) > 2:
        cost += SPLIT
    numbered_left = {item.label for item in left if item.numbered}
    numbered_right = {item.label for item in right if item.numbered}
    if numbered_left and numbered_right:
        cost += 0.0 if numbered_left & numbered_right else LABELS_DIFFER
    return cost


@dataclass(frozen=True)
class LabelledClause:
    label: str
    printed_label: str
    is_preamble: bool


def labelled(clauses) -> list[LabelledClause]:
    return [LabelledClause(c.label, c.printed_label, c.is_preamble) for c in clauses]


def reconcile_version_labels(parsed, others: dict[str, list[LabelledClause]]) -> list[str]:
    """Compare one parsed version's clause labels with the other versions' and say where they
    disagree. A version that prints no numbers, with as many paragraphs as a version that
    does, takes that version's labels (p1, p2, 1, 2 …), so a clause is cited alike in both."""
    warnings = []
    for language, theirs in sorted(others.items()):
        mine = labelled(parsed.clauses)
        numbered_mine = any(c.printed_label for c in mine)
        numbered_theirs = any(c.printed_label for c in theirs)
        if not numbered_mine and numbered_theirs and len(mine) == len(theirs):
            parsed.clauses = [
                replace(clause, label=other.label, is_preamble=other.is_preamble)
                for clause, other in zip(parsed.clauses, theirs, strict=True)
            ]
            warnings.append(
                f"this version prints no paragraph numbers; its {len(mine)} paragraphs take the "
                f"labels of the '{language}' version, which numbers as many."
            )
            continue
        labels, their_labels = [c.label for c in mine], [c.label for c in theirs]
        if labels != their_labels:
            only_here = [x for x in labels if x not in set(their_labels)][:5]
            only_there = [x for x in their_labels if x not in set(labels)][:5]
            warnings.append(
                f"the '{language}' version has {len(theirs)} clauses and this one {len(mine)}; "
                f"labels only here: {', '.join(only_here) or '-'}; only there: "
                f"{', '.join(only_there) or '-'}. Check the side-by-side rows."
            )
    return warnings
