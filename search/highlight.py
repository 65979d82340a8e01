"""Owns keyword-in-context snippets: escaped clause text with <mark> around matched words."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence

from search.analysis import analyze_spans, fold_for_match, match_spans

# Characters normalization deletes between katakana (ネット・ゼロ), and characters after which
# a snippet may start or before which it may end without cutting a word or a sentence.
_JOINERS = frozenset("・･＝=゠")
_BREAKS = frozenset("。、，．,.;:!?！？；：「」『』（）()[]【】〔〕・／/")
# How far a snippet edge may move to land on a sentence or clause boundary.
_SLACK = 30
ELLIPSIS = "…"
# A longer text is analyzed only around its first match: analyzing a whole long clause costs
# in proportion to its length, and a common word's best-ranked hits are the longest clauses.
# The match is looked for in folded pieces of this many characters.
_WHOLE_TEXT = 480
_PIECE = 128

_Token = tuple[str, int, int]  # analyzed text, startchar, endchar


def phrase_terms(tokens: Sequence[str]) -> set[str]:
    """The ``terms`` that mark one searched word or quote, given its analyzed tokens.

    One token marks itself. Several mark only as the whole phrase, written joined by spaces
    ("温室 効果 ガス"): a stray 効果 elsewhere in the clause was not what matched.
    """
    if len(tokens) == 1:
        return set(tokens)
    return {" ".join(tokens)}


def mark_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` to mark, adjacent matches merged, in order.

    ``terms`` are analyzed token texts (``oda`` marks ＯＤＡ) and phrases written as tokens
    joined by spaces (``温室 効果 ガス``, as ``search.query`` gives them). A phrase is also
    marked where MeCab split the same characters differently in the text (非/核/化 for the
    query's 非核/化), because touching tokens are compared by their joined characters.
    """
    return [(start, end) for start, end, _size in _marks(text, analyze_spans(text), terms)]


def occurrences(
    text: str, terms: Iterable[str], needles: Iterable[str] = ()
) -> tuple[list[_Token], list[tuple[int, int]]]:
    """``text``'s tokens, and the (start, end) of each place a snippet would mark: every
    occurrence of the terms and needles (as for :func:`highlight`) in the whole text."""
    tokens = analyze_spans(text)
    marks = _merged(_marks(text, tokens, list(terms)), match_spans(text, list(needles)))
    return tokens, [(start, end) for start, end, _size in marks]


def _marks(text: str, tokens: list[_Token], terms: Iterable[str]) -> list[list[int]]:
    """[start, end, number of tokens] for each mark."""
    words = {term for term in terms if " " not in term}
    phrases = [term.split(" ") for term in terms if " " in term]
    joined = words | {"".join(phrase) for phrase in phrases}
    texts = [token for token, _start, _end in tokens]
    # A text token may also be a whole phrase of the query's (十分 for the query's 十/分).
    matched = [token in joined for token in texts]

    for phrase in phrases:
        size = len(phrase)
        for first in range(len(tokens) - size + 1):
            if texts[first : first + size] == phrase and all(
                _mergeable(text[tokens[i][2] : tokens[i + 1][1]])
                for i in range(first, first + size - 1)
            ):
                matched[first : first + size] = [True] * size

    prefixes = {term[:size] for term in joined for size in range(1, len(term))}
    for first in range(len(tokens)):
        characters = texts[first]
        for last in range(first + 1, len(tokens)):
            if characters not in prefixes or not _touching(text, tokens[last - 1], tokens[last]):
                break
            characters += texts[last]
            if characters in joined:
                matched[first : last + 1] = [True] * (last + 1 - first)

    marks: list[list[int]] = []
    previous = None
    for index, (_token, start, end) in enumerate(tokens):
        if not matched[index]:
            continue
        # Tokens of one phrase (温室|効果|ガス, greenhouse gas) become one mark.
        if marks and previous == index - 1 and _mergeable(text[marks[-1][1] : start]):
            marks[-1][1] = end
            marks[-1][2] += 1
        else:
            marks.append([start, end, 1])
        previous = index
    return marks


# A mark for exactly what the reader typed outranks one for a stray token when centring.
_NEEDLE_WEIGHT = 100


def _merged(marks: list[list[int]], needle_spans: list[tuple[int, int]]) -> list[list[int]]:
    """Token marks and needle marks as one sorted list, overlapping ones joined."""
    every = sorted(marks + [[start, end, _NEEDLE_WEIGHT] for start, end in needle_spans])
    joined: list[list[int]] = []
    for start, end, size in every:
        if joined and start < joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
            joined[-1][2] = max(joined[-1][2], size)
        else:
            joined.append([start, end, size])
    return joined


def _touching(text: str, left: _Token, right: _Token) -> bool:
    return all(char in _JOINERS for char in text[left[2] : right[1]])


def _mergeable(gap: str) -> bool:
    return all(char.isspace() or char in _JOINERS for char in gap)


def highlight(
    text: str, terms: Iterable[str], *, width: int = 160, needles: Iterable[str] = ()
) -> str:
    """An HTML snippet of about ``width`` characters around the first match, with marks.

    The result is safe to mark as safe: every character of ``text`` is escaped and the only
    markup is our own ``<mark>``. Escaping works character by character, so escaping each
    piece between marks equals escaping the whole text first and inserting marks after.
    ``terms`` are as for :func:`mark_spans`; ``needles`` are folded strings marked wherever
    they occur, inside longer words too (ジャパロフ in サディル・ジャパロフ). Without a match
    the snippet is the start of the text. A long text costs what its window costs
    (:func:`match_window`), not what the whole text would.
    """
    return snippet_and_marks(text, terms, width=width, needles=needles)[0]


def snippet_and_marks(
    text: str, terms: Iterable[str], *, width: int = 160, needles: Iterable[str] = ()
) -> tuple[str, tuple[str, ...]]:
    """The snippet :func:`highlight` gives, and the marked strings of the clause, folded as
    the index folds them (``partners``, ``温室効果ガス``): what the hit's link asks the
    document page to mark, so the words marked there are the words that matched here."""
    terms, needles = list(terms), list(needles)
    offset, stop = match_window(text, terms, needles=needles, width=width)
    window = text[offset:stop]
    tokens = analyze_spans(window)
    marks = _merged(_marks(window, tokens, terms), match_spans(window, needles))
    spans = [(start, end) for start, end, _size in marks]
    start, end = _bounds(window, tokens, marks, width)

    pieces = [ELLIPSIS] if offset + start > 0 else []
    position = start
    for mark_start, mark_end in spans:
        if start <= mark_start and mark_end <= end:
            pieces.append(html.escape(window[position:mark_start]))
            pieces.append(f"<mark>{html.escape(window[mark_start:mark_end])}</mark>")
            position = mark_end
    pieces.append(html.escape(window[position:end]))
    if offset + end < len(text):
        pieces.append(ELLIPSIS)
    shown = [(a, b) for a, b in spans if start <= a and b <= end]
    marked = dict.fromkeys(fold_for_match(window[a:b]).strip() for a, b in shown)
    return "".join(pieces), tuple(word for word in marked if word)


def match_window(
    text: str, terms: Iterable[str], *, needles: Iterable[str] = (), width: int = 160
) -> tuple[int, int]:
    """(start, end) of the part of ``text`` a snippet of ``width`` needs to be analyzed.

    A short text is needed whole. Of a longer one, a few hundred characters around the first
    place where a needle or a term's characters occur (folded as the index folds them), or
    its start when none does: a text's cost is then bounded by the snippet, not the clause.
    Matches are looked for cheaply, in C-speed folding of pieces of the text, so the window
    may start at an earlier place than the one the whole-text snippet would centre on.
    """
    if len(text) <= _WHOLE_TEXT:
        return 0, len(text)
    # Room for what _bounds does with a match anywhere in the piece: a third of the width
    # before it, the rest after, and each edge moved by up to _SLACK to a boundary.
    before, after = width // 3 + 2 * _SLACK, width + 2 * _SLACK
    wanted = {needle for needle in needles if needle}
    wanted |= {"".join(term.split(" ")) for term in terms if term.strip()}
    found = _first_piece(text, wanted)
    if found is None:
        return 0, after
    start, end = found
    return max(0, start - before), min(len(text), end + after)


def _first_piece(text: str, wanted: set[str]) -> tuple[int, int] | None:
    """(start, end) of the first piece of ``text`` whose folded characters contain a string
    of ``wanted``. Pieces overlap by more than the longest string, so none falls between."""
    if not wanted:
        return None
    overlap = 4 * max(map(len, wanted)) + 16  # folding can shorten text (ﾃﾞ, spaces, ・)
    # NFKC and casefold alone find most matches ten times faster than the full fold, which
    # is needed only for variant kanji, ・ between katakana and runs of white space.
    for fold in (_quick_fold, fold_for_match):
        for start in range(0, len(text), _PIECE):
            end = min(len(text), start + _PIECE + overlap)
            folded = fold(text[start:end])
            if any(string in folded for string in wanted):
                return start, end
    return None


def _quick_fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _bounds(text: str, tokens: list[_Token], marks: list[list[int]], width: int) -> tuple[int, int]:
    """(start, end) of the snippet: centred on the best mark, edges on boundaries."""
    spans = [(start, end) for start, end, _size in marks]
    if len(text) <= width:
        start, end = 0, len(text)
    elif not marks:
        start, end = 0, _cut_end(text, tokens, width, 0)
    else:
        # Centre on the first of the longest marks: a whole phrase beats a stray word of it.
        first_start, first_end, _size = max(marks, key=lambda mark: (mark[2], -mark[0]))
        # A third of the room before the match, the rest after: readers read on.
        start = max(0, first_start - max(0, width - (first_end - first_start)) // 3)
        end = min(len(text), max(first_end, start + width))
        start = max(0, min(start, end - width))
        start = _cut_start(text, tokens, start, first_start)
        end = _cut_end(text, tokens, end, first_end)
        # Never cut a mark in half; widen the snippet to take it whole instead.
        start = min([start] + [mark_start for mark_start, mark_end in spans if mark_end > start])
        end = max([end] + [mark_end for mark_start, mark_end in spans if mark_start < end])
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_start(text: str, tokens: list[_Token], start: int, limit: int) -> int:
    """Move ``start`` forward, not past ``limit``, to a boundary, else to a word's start."""
    if start == 0:
        return 0
    stop = min(limit, start + _SLACK)
    for index in range(start, stop):
        if text[index] in _BREAKS or text[index].isspace():
            return index + 1
    return next((s for _t, s, _e in tokens if start <= s <= limit), start)


def _cut_end(text: str, tokens: list[_Token], end: int, floor: int) -> int:
    """Move ``end`` back, not before ``floor``, to a boundary, else to a word's end."""
    if end >= len(text):
        return len(text)
    for index in range(end - 1, max(floor, end - _SLACK) - 1, -1):
        if text[index] in _BREAKS or text[index].isspace():
            return index + 1
    return max((e for _t, _s, e in tokens if floor <= e <= end), default=end)
