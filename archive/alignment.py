"""Aligning the language versions of a text, clause by clause and heading by heading.

Pure Python: `align_versions` takes each version's body (sections and clauses in reading order)
and returns, for every item, the row it shares with its counterparts. Numbered clauses align by
label. Unnumbered paragraphs align within matching sections by order and length (a small
Gale–Church-style dynamic programme), so a paragraph that one version splits in two shares a
row with both halves and every other row still lines up. Nothing is dropped: an item with no
counterpart gets a row of its own.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    kind: str  # "section" or "clause"
    key: object  # caller's handle (a pk), returned with the row
    label: str = ""  # clause label; "" for sections
    numbered: bool = False  # printed number, so the label is meaningful across versions
    length: int = 0  # characters, for length-based matching
    section: int | None = None  # index of the enclosing section among the version's sections


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


def _match(pivot: list[Item], other: list[Item]) -> dict[int, int]:
    """Map indexes of `other` to indexes of `pivot` (several may map to one: a split)."""
    matches: dict[int, int] = {}
    pivot_sections = [i for i, item in enumerate(pivot) if item.kind == "section"]
    other_sections = [i for i, item in enumerate(other) if item.kind == "section"]
    for p, o in zip(pivot_sections, other_sections, strict=False):
        matches[o] = p
    by_label = {item.label: i for i, item in enumerate(pivot) if item.kind == "clause"}
    numbered = [i for i, item in enumerate(other) if item.kind == "clause" and item.numbered]
    for o in numbered:
        if other[o].label in by_label:
            matches[o] = by_label[other[o].label]
    # Everything else: by section, then by order and length within the section.
    section_count = max(len(pivot_sections), len(other_sections))
    for section in [None, *range(section_count)]:
        left = [i for i, item in enumerate(pivot) if _loose(item, section)]
        right = [i for i, item in enumerate(other) if _loose(item, section)]
        left = [i for i in left if i not in matches.values()]
        right = [i for i in right if i not in matches]
        for o, p in _align_runs([pivot[i].length for i in left], [other[i].length for i in right]):
            matches[right[o]] = left[p]
    return matches


def _loose(item: Item, section: int | None) -> bool:
    return item.kind == "clause" and not item.numbered and item.section == section


def _align_runs(left: list[int], right: list[int]) -> list[tuple[int, int]]:
    """Pairs (right index, left index) by a length-based alignment allowing 1-1, 1-2, 2-1,
    1-0 and 0-1 steps; the lengths are scaled by the overall ratio between the two languages."""
    if not left or not right:
        return []
    ratio = (sum(left) or 1) / (sum(right) or 1)
    n, m = len(left), len(right)
    infinity = float("inf")
    cost = [[infinity] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    steps = [(1, 1, 0.0), (1, 2, 0.6), (2, 1, 0.6), (1, 0, 2.5), (0, 1, 2.5)]
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == infinity:
                continue
            for di, dj, penalty in steps:
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                size_left = sum(left[i:a])
                size_right = sum(right[j:b]) * ratio
                mismatch = abs(size_left - size_right) / max(size_left + size_right, 1)
                total = cost[i][j] + penalty + (mismatch if di and dj else 0.0)
                if total < cost[a][b]:
                    cost[a][b] = total
                    back[a][b] = (i, j)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        previous = back[i][j]
        assert previous is not None
        pi, pj = previous
        if i > pi and j > pj:
            pairs.extend(
                (right_index, left_index)
                for left_index in range(pi, i)
                for right_index in range(pj, j)
                if i - pi == 1 or j - pj == 1
            )
        i, j = pi, pj
    # A 2-1 step pairs the one right item with both left items; keep its first left item.
    best: dict[int, int] = {}
    for right_index, left_index in sorted(pairs):
        best.setdefault(right_index, left_index)
    return sorted(best.items())
