"""Aligning the language versions of a text, clause by clause and heading by heading.

Pure Python: `align_versions` takes each version's body (sections and clauses in reading order)
and returns, for every item, the row it shares with its counterparts. One Gale–Church-style
dynamic programme over the two bodies aligns them by length, with printed numbers as anchors, so
a paragraph that one version splits in two shares a row with both halves, a paragraph one
version lacks gets a row of its own, and every other row still lines up. Nothing is dropped.
`reconcile_labels` makes the versions' labels correspond at import, or says where they cannot.
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    kind: str  # "section" or "clause"
    key: object  # caller's handle (a pk), returned with the row
    label: str = ""  # clause label; "" for sections
    numbered: bool = False  # printed number, so the label is meaningful across versions
    length: int = 0  # characters, for length-based matching (a heading's too)
    anchors: frozenset[str] = frozenset()  # numbers and Latin words: the same in translation


def heading_item(key: object, heading: str, label: str = "") -> Item:
    """A heading; the number in its label ((参考1), (Reference 1), Ⅱ.) is an anchor too."""
    folded = unicodedata.normalize("NFKC", label)
    numbers = frozenset(re.findall(r"[0-9]+", folded)) | _roman(folded)
    return Item("section", key, length=len(heading), anchors=anchors_of(heading) | numbers)


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7"}


def _roman(label: str) -> frozenset[str]:
    """Ⅱ. and II. are the same number in two versions: 2."""
    found = re.fullmatch(r"\W*([IVX]{1,4})\W*", label)
    if found and found.group(1) in _ROMAN:
        return frozenset({_ROMAN[found.group(1)]})
    return frozenset()


def clause_item(key: object, label: str, printed_label: str, text: str) -> Item:
    return Item("clause", key, label, bool(printed_label), len(text), anchors_of(text))


def anchors_of(text: str) -> frozenset[str]:
    """What a translation prints alike: numbers (1992, 30) and Latin words (ODA, JICA)."""
    folded = unicodedata.normalize("NFKC", text)
    return frozenset(
        word.lower() for word in _ANCHOR.findall(folded) if word.isdigit() or word.isupper()
    )


_ANCHOR = re.compile(r"[0-9]+|[A-Za-z][A-Za-z0-9]+")


def align_versions(pivot: list[Item], others: list[list[Item]]) -> list[dict[object, int]]:
    """Row numbers (1-based) for the items of the pivot and of each other version.

    Returns one {key: row} mapping per version, pivot first. Rows follow the pivot's reading
    order; two pivot paragraphs that render one of another version's share its row; an
    unmatched item of another version is placed right after the row of the item that precedes
    it in its own version.
    """
    matchings = [_match(pivot, other) for other in others]
    joined = {i for _matches, merged in matchings for i in merged}
    slots: list[list[tuple[int, object]]] = []
    slot_of: list[int] = []  # pivot index -> slot index
    for index, item in enumerate(pivot):
        if index in joined and slots:
            slots[-1].append((0, item.key))
        else:
            slots.append([(0, item.key)])
        slot_of.append(len(slots) - 1)
    for version_index, (other, (matches, _merged)) in enumerate(
        zip(others, matchings, strict=True), start=1
    ):
        extra_after: dict[int, list[object]] = {}
        last_slot = -1
        for index, item in enumerate(other):
            if index in matches:
                last_slot = slot_of[matches[index]]
                slots[last_slot].append((version_index, item.key))
            else:
                extra_after.setdefault(last_slot, []).append(item.key)
        for after in sorted(extra_after, reverse=True):
            for key in reversed(extra_after[after]):
                slots.insert(after + 1, [(version_index, key)])
        slot_of = _renumbered(slot_of, extra_after)
    rows: list[dict[object, int]] = [{} for _ in range(len(others) + 1)]
    for row, slot in enumerate(slots, start=1):
        for version_index, key in slot:
            rows[version_index][key] = row
    return rows


def _renumbered(slot_of: list[int], inserted_after: dict[int, list[object]]) -> list[int]:
    """Pivot slot indexes after rows were inserted after some slots."""
    return [
        slot + sum(len(keys) for after, keys in inserted_after.items() if after < slot)
        for slot in slot_of
    ]


# Costs of the alignment steps, Gale–Church style. Pairing two items costs how unlike their
# lengths are (scaled, 0–LENGTH) and how few of their numbers and Latin words they share;
# one item against two (a paragraph one version splits) costs SPLIT more; an item with no
# counterpart costs SKIP; printed numbers that are not the same on both sides forbid a pair.
LENGTH, ANCHORS, SPLIT, SKIP, LABELS_DIFFER = 2.0, 1.5, 1.0, 1.2, 8.0
BAND = 12  # how far (in items) an alignment may stray from the diagonal, beyond the size gap


def _match(pivot: list[Item], other: list[Item]) -> tuple[dict[int, int], set[int]]:
    """Map indexes of `other` to indexes of `pivot` (several may map to one: a split), and
    the pivot indexes that share the row of the pivot item before them (a split there).

    One dynamic programme over both bodies, with printed numbers and shared numbers and Latin
    words as anchors: 1-1, 1-2, 2-1, 1-0 and 0-1 steps, so one disagreement (a paragraph
    numbered in one version only, split in two, or missing) costs one step and never shifts
    the rows after it.
    """
    if not pivot or not other:
        return {}, set()
    ratio = (sum(i.length for i in pivot) or 1) / (sum(i.length for i in other) or 1)
    matches, merged = _programme(pivot, other, ratio)
    # Where one version is cut short (a stored page stops mid-text), the two totals compare
    # unlike spans: the pairs found give the languages' true ratio, and a second pass uses it.
    paired_pivot = sum(pivot[i].length for i in set(matches.values()))
    paired_other = sum(other[o].length for o in matches)
    if paired_pivot and paired_other:
        paired = paired_pivot / paired_other
        if abs(paired - ratio) > 0.15 * ratio:
            matches, merged = _programme(pivot, other, paired)
    return matches, merged


def _programme(
    pivot: list[Item], other: list[Item], ratio: float
) -> tuple[dict[int, int], set[int]]:
    n, m = len(pivot), len(other)
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
    merged: set[int] = set()
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[(i, j)]
        if i > pi and j > pj:
            for o in range(pj, j):
                matches[o] = pi
            merged.update(range(pi + 1, i))  # a 2-1 step: both pivot items share one row
        i, j = pi, pj
    return matches, merged


def _step_cost(left: list[Item], right: list[Item], ratio: float) -> float:
    if not left or not right:
        return SKIP
    split = len(left) + len(right) > 2
    kinds = {item.kind for item in left} | {item.kind for item in right}
    if len(kinds) > 1 or (split and "section" in kinds):
        return float("inf")  # a heading pairs only with a heading
    size_left = sum(item.length for item in left)
    size_right = sum(item.length for item in right) * ratio
    cost = LENGTH * abs(size_left - size_right) / max(size_left + size_right, 1)
    if split:
        cost += SPLIT
    numbered_left = {item.label for item in left if item.numbered}
    numbered_right = {item.label for item in right if item.numbered}
    if numbered_left and numbered_right and numbered_left != numbered_right:
        cost += LABELS_DIFFER
    anchors_left = left[0].anchors if len(left) == 1 else left[0].anchors | left[1].anchors
    anchors_right = right[0].anchors if len(right) == 1 else right[0].anchors | right[1].anchors
    if anchors_left or anchors_right:
        shared = len(anchors_left & anchors_right) / len(anchors_left | anchors_right)
        cost += ANCHORS * (1 - shared)
    return cost


@dataclass(frozen=True)
class LabelledClause:
    label: str
    printed_label: str
    is_preamble: bool


def labelled(clauses) -> list[LabelledClause]:
    return [LabelledClause(c.label, c.printed_label, c.is_preamble) for c in clauses]


def reconcile_labels(
    versions: dict[str, list[LabelledClause]],
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Make the labels of a text's language versions correspond, and say where they cannot.

    A version that prints no numbers, with as many paragraphs as a version that does, takes
    that version's labels (p1, p2, 1, 2 …), so a clause is cited alike in both. Returns
    ({language: language whose labels it takes}, {language: warnings}); the result does not
    depend on the order of ``versions``.
    """
    numbered = sorted(lang for lang, v in versions.items() if any(c.printed_label for c in v))
    adopted: dict[str, str] = {}
    final = dict(versions)
    warnings: dict[str, list[str]] = {language: [] for language in versions}
    for language in sorted(versions):
        clauses = versions[language]
        if language in numbered:
            continue
        source = next((n for n in numbered if len(versions[n]) == len(clauses)), None)
        if source is None:
            continue
        adopted[language] = source
        final[language] = [LabelledClause(c.label, "", c.is_preamble) for c in versions[source]]
        warnings[language].append(
            f"this version prints no paragraph numbers; its {len(clauses)} paragraphs take the "
            f"labels of the '{source}' version, which numbers as many."
        )
    for language in sorted(final):
        labels = [c.label for c in final[language]]
        for other in sorted(final):
            their_labels = [c.label for c in final[other]]
            if other == language or labels == their_labels:
                continue
            only_here = [x for x in labels if x not in set(their_labels)][:5]
            only_there = [x for x in their_labels if x not in set(labels)][:5]
            warnings[language].append(
                f"the '{other}' version has {len(their_labels)} clauses and this one "
                f"{len(labels)}; labels only here: {', '.join(only_here) or '-'}; only there: "
                f"{', '.join(only_there) or '-'}. Check the side-by-side rows."
            )
    return adopted, warnings
