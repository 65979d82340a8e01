"""Owns how clause text becomes search tokens: folding, MeCab for Japanese, stemming for English,
and the character n-grams that let a query match inside a word as grep would."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise
from typing import Any

import MeCab
from whoosh.analysis import CompositeAnalyzer, Filter, StemFilter, Token, Tokenizer
from whoosh.lang import stemmer_for_language

from archive.text import JAPANESE, KATAKANA, fold
from archive.words import thread_tagger

_IS_KATAKANA = re.compile(f"[{KATAKANA}]")
# A Japanese run goes to MeCab; any other run of letters/digits is one word, as in Whoosh's
# RegexTokenizer. The Latin class excludes Japanese so "gosat協力" splits into two runs.
_RUNS = re.compile(f"(?P<ja>[{JAPANESE}]+)|[^\\W_{JAPANESE}]+")
# After NFKC, ･ is ・ and ＝ is =; these join parts of one foreign name or loanword.
_KATAKANA_JOINERS = frozenset("・=゠")
# MeCab's part-of-speech tags for punctuation and symbols. A token so tagged is dropped only
# when it holds no letter, digit, kana or kanji: MeCab tags some kanji as symbols (玄 in
# 玄葉光一郎), and dropping those lost real text from the index.
_SYMBOL_POS = frozenset({"補助記号", "記号", "空白"})


_fold_cluster = lru_cache(maxsize=8192)(fold)


@lru_cache(maxsize=8192)
def _starts_cluster(char: str) -> bool:
    # Half-width ﾞ/ﾟ become combining marks under NFKC; they must be folded together with
    # the kana before them (ｶﾞ -> ガ), so they never start a cluster of their own.
    first = unicodedata.normalize("NFKC", char)[:1]
    return not first or unicodedata.combining(first) == 0


# Per character: (its fold, whether it starts a cluster). Filled as characters are seen; a
# dict lookup per character is cheaper than two cached calls.
_CHARACTERS: dict[str, tuple[str, bool]] = {}


def _character(char: str) -> tuple[str, bool]:
    found = _CHARACTERS.get(char)
    if found is None:
        found = (_fold_cluster(char), _starts_cluster(char))
        if len(_CHARACTERS) < 65536:
            _CHARACTERS[char] = found
    return found


def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """Normalized text plus, per normalized character, its original (start, end) span."""
    characters = [_character(char) for char in text]
    if all(starts for _fold, starts in characters):  # no combining marks: one per cluster
        pieces = [(folded, i, i + 1) for i, (folded, _starts) in enumerate(characters)]
    else:
        bounds = [i for i, (_f, starts) in enumerate(characters) if i == 0 or starts]
        bounds.append(len(text))
        pieces = [(_fold_cluster(text[a:b]), a, b) for a, b in pairwise(bounds)]

    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, (piece, start, end) in enumerate(pieces):
        if piece in _KATAKANA_JOINERS and chars and _IS_KATAKANA.match(chars[-1]):
            following = pieces[index + 1][0][:1] if index + 1 < len(pieces) else ""
            if following and _IS_KATAKANA.match(following):
                continue  # ネット・ゼロ and ネットゼロ must give the same tokens
        for char in piece:
            chars.append(char)
            starts.append(start)
            ends.append(end)
    return "".join(chars), starts, ends


def normalize(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for searching; also return each folded character's offset in ``text``.

    Folding is NFKC (widths, U+3000, half-width katakana), casefold, a small variant-kanji
    table, and dropping ・/＝ between katakana. One original character may yield several
    folded ones (㍻ -> 平成), all pointing at it; dropped characters leave no entry.
    """
    folded, starts, _ends = _fold(text)
    return folded, starts


def _word_spans(node: Any) -> list[tuple[int, int]]:
    """Offsets of the words in one MeCab parse (a node chain), punctuation left out."""
    words = []
    cursor = 0
    while node is not None:
        surface = node.surface
        if surface:
            # A run holds no whitespace, so MeCab's surfaces tile it exactly and a cursor
            # gives true offsets even when the same word occurs twice.
            end = cursor + len(surface)
            if node.feature.split(",", 1)[0] not in _SYMBOL_POS or _has_word_character(surface):
                words.append((cursor, end))
            cursor = end
        node = node.next
    return words


def _has_word_character(text: str) -> bool:
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _covered(words: list[tuple[int, int]]) -> set[int]:
    return {index for start, end in words for index in range(start, end)}


class BilingualTokenizer(Tokenizer):
    """Whoosh tokenizer: MeCab words for Japanese runs, letter/digit words for everything else.

    Positions are consecutive ordinals over the whole value (phrase queries rely on it);
    ``startchar``/``endchar`` are offsets into the original, unfolded value.
    """

    def _tagger(self) -> MeCab.Tagger:
        return thread_tagger()

    def _japanese_words(self, run: str) -> list[tuple[int, int]]:
        """(start, end) offsets in ``run`` of MeCab's words, punctuation left out."""
        return _word_spans(self._tagger().parseToNode(run))

    def _japanese_alternatives(self, run: str, limit: int) -> list[list[tuple[int, int]]]:
        """Up to ``limit`` distinct segmentations of ``run``, the indexed one first."""
        best = self._japanese_words(run)
        covered = _covered(best)
        found = [best]
        tagger = self._tagger()
        tagger.parseNBestInit(run)
        # N-best lists repeat a segmentation with different part-of-speech tags, so look
        # a little further than ``limit`` to collect distinct ones.
        for _ in range(limit * 4):
            node = tagger.nextNode()
            if len(found) >= limit or node is None:
                break
            words = _word_spans(node)
            # Lower-ranked paths sometimes tag a kana as a symbol (テ + symbol ロ); such a
            # path would search fewer characters than the user typed, so it is no alternative.
            if words not in found and _covered(words) == covered:
                found.append(words)
        return found

    def _spans(self, folded: str) -> Iterator[tuple[int, int]]:
        for match in _RUNS.finditer(folded):
            if match.group("ja") is None:
                yield match.span()
                continue
            offset = match.start()
            for start, end in self._japanese_words(match.group()):
                yield offset + start, offset + end

    def _segments(self, value: str) -> tuple[tuple[str, int, int], ...]:
        """(folded token text, original start, original end) for each token of ``value``."""
        folded, starts, ends = _fold(value)
        return tuple(
            (folded[start:end], starts[start], ends[end - 1]) for start, end in self._spans(folded)
        )

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.text = _fold(value)[0]
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return

        # Titles and headings repeat on every clause of a document; segment them once.
        segments = (
            _cached_segments(value) if len(value) <= _CACHED_LENGTH else self._segments(value)
        )
        # Whoosh reuses one Token object for the whole stream; consumers copy what they keep.
        for ordinal, (text, start, end) in enumerate(segments):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + ordinal
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


_CACHED_LENGTH = 300


@lru_cache(maxsize=4096)
def _cached_segments(value: str) -> tuple[tuple[str, int, int], ...]:
    # Every BilingualTokenizer segments alike (it has no settings), so one cache serves all.
    return _SEGMENTER._segments(value)


_SEGMENTER = BilingualTokenizer()


_SNOWBALL = stemmer_for_language("en")
# Snowball stems "gases" to "gase" but "gas" to "gas"; 001 has both "greenhouse gas" and
# "Greenhouse gases". Add a word here only when the real texts show a pair that misses.
_STEM_EXCEPTIONS = {"gases": "gas"}


def stem_english(word: str) -> str:
    """Snowball (Porter2) English stem, with the few fixes in ``_STEM_EXCEPTIONS``.

    Kana and kanji come back unchanged: no English suffix rule matches them.
    """
    return _STEM_EXCEPTIONS.get(word) or _SNOWBALL(word)


def bilingual_analyzer() -> CompositeAnalyzer:
    """The analyzer for every Japanese/English text field, at index and at query time."""
    # A module-level stem function pickles by name, so the index can store this analyzer.
    return BilingualTokenizer() | StemFilter(stemfn=stem_english)


PAIR_SEPARATOR = " "  # never inside a token: the tokenizer splits on whitespace


def pair_term(first: str, second: str) -> str:
    """The indexed term for two adjacent tokens (温室, 効果 -> "温室 効果")."""
    return f"{first}{PAIR_SEPARATOR}{second}"


class PairFilter(Filter):
    """Adds a term for every two adjacent tokens, so phrases need no positions.

    A word MeCab splits (温室効果ガス) must match only adjacent and in order. Whoosh checks
    phrases position by position in Python, slowly for a common phrase; adjacent pairs are
    plain terms, intersected like any word. Two tokens
    are matched exactly; three or more by all their adjacent pairs (see search/query.py).
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        previous = ""
        for token in tokens:
            text = token.text
            yield token
            if previous:
                token.text = pair_term(previous, text)
                yield token
                token.text = text
            previous = text


def indexing_analyzer() -> CompositeAnalyzer:
    """What the index stores for a text field: the tokens, and each adjacent pair of them."""
    return bilingual_analyzer() | PairFilter()


_ANALYZER = bilingual_analyzer()
_TOKENIZER, _STEMMER = _ANALYZER.items
# A query word with several Japanese runs could multiply alternatives; a handful is plenty.
_MAX_ALTERNATIVES = 6


def analyze_terms(text: str) -> list[str]:
    """The token texts ``text`` is indexed as, in order (what a query must match)."""
    return [token.text for token in _ANALYZER(text)]


def analyze_spans(text: str) -> list[tuple[str, int, int]]:
    """(token text, startchar, endchar) for each token, offsets into ``text`` itself."""
    return [(t.text, t.startchar, t.endchar) for t in _ANALYZER(text, chars=True)]


def analyze_alternatives(text: str, limit: int = 3) -> list[list[str]]:
    """Ways the indexed text may have split ``text``: ``analyze_terms(text)`` first.

    MeCab segments by context: 枠内 alone is one word but 枠/内 in "枠内における", and
    十分 alone is 十/分 but one word in "十分に". Indexing emits only the best split, so a
    query matches any of MeCab's next-best splits of the word as well. Every alternative
    spells the same characters, so it can only match where the word itself occurs.
    """
    folded, _starts = normalize(text)
    choices = []
    for match in _RUNS.finditer(folded):
        if match.group("ja") is None:
            choices.append([[match.span()]])
            continue
        offset = match.start()
        alternatives = _TOKENIZER._japanese_alternatives(match.group(), limit)
        choices.append([[(offset + a, offset + b) for a, b in alt] for alt in alternatives])

    best = [alternatives[0] for alternatives in choices]
    variants = [best] + [
        best[:index] + [alt] + best[index + 1 :]
        for index, alternatives in enumerate(choices)
        for alt in alternatives[1:]
    ]
    found: list[list[str]] = []
    for variant in variants:
        texts = _stem([folded[a:b] for part in variant for a, b in part])
        if texts and texts not in found:
            found.append(texts)
    return found[:_MAX_ALTERNATIVES]


def _stem(texts: list[str]) -> list[str]:
    # Run the analyzer's own stem filter so alternatives are stemmed exactly as indexing does.
    def tokens() -> Iterator[Token]:
        token = Token()
        for text in texts:
            token.text = text
            token.stopped = False
            yield token

    return [token.text for token in _STEMMER(tokens())]


# ---- Character n-grams: matching inside words, as grep does --------------------------------

GRAM_SIZES = (1, 2, 3)  # a Japanese query of up to three characters is one exact term
_JAPANESE_RUN = re.compile(f"[{JAPANESE}]+")
_WHITESPACE = re.compile(r"\s+")


_JOINER_BETWEEN_KATAKANA = re.compile(f"(?<=[{KATAKANA}])[・=゠](?=[{KATAKANA}])")


def fold_for_match(text: str) -> str:
    """``text`` folded as the index folds it (NFKC, casefold, variant kanji, ・ between katakana
    dropped), with runs of white space as one space: what a substring match compares.

    The same result as ``normalize(text)[0]`` (a test holds them equal on the archive's texts),
    in C-speed string operations, since search checks whole clauses with it.
    """
    return _WHITESPACE.sub(" ", _JOINER_BETWEEN_KATAKANA.sub("", fold(text)))


def match_spans(text: str, needles) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of every occurrence of each folded needle, found in
    the folded text (as fold_for_match folds it) and mapped back to the original characters."""
    folded, starts, ends = _fold(text)
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for char, start, end in zip(folded, starts, ends, strict=True):
        if char.isspace():
            if chars and chars[-1] == " ":
                spans[-1] = (spans[-1][0], end)
                continue
            char = " "
        chars.append(char)
        spans.append((start, end))
    collapsed = "".join(chars)
    found = []
    for needle in needles:
        if not needle:
            continue
        at = collapsed.find(needle)
        while at != -1:
            found.append((spans[at][0], spans[at + len(needle) - 1][1]))
            at = collapsed.find(needle, at + 1)
    return sorted(found)


class GramTokenizer(Tokenizer):
    """Tokens for substring matching: every 1-, 2- and 3-character piece of each Japanese run,
    and each other run of letters and digits whole (it is matched against the lexicon).

    Positions are not kept: a query of three Japanese characters or fewer is one term, and a
    longer one is the AND of its three-character pieces, checked against the text (see
    search.index_view). Pickles: it holds no state.
    """

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Token]:
        t = Token(**{k: v for k, v in kwargs.items() if k in ("mode", "removestops")})
        for text in gram_terms(value):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            yield t


def gram_terms(value: str) -> list[str]:
    """The n-gram field's terms for ``value``, in order, repeats kept (they count as frequency)."""
    folded = _fold(value)[0]
    terms: list[str] = []
    for match in _RUNS.finditer(folded):
        run = match.group()
        if match.group("ja") is None:
            terms.append(run)
            continue
        for size in GRAM_SIZES:
            terms.extend(run[i : i + size] for i in range(len(run) - size + 1))
    return terms


def gram_analyzer() -> CompositeAnalyzer:
    """The analyzer of the n-gram field (a tokenizer alone, as Whoosh wants a composite)."""
    return CompositeAnalyzer(GramTokenizer())


def japanese_gram_query_terms(run: str) -> tuple[list[str], bool]:
    """The n-gram terms a Japanese run of a query must all match, and whether matching them
    is exact: a run of three characters or fewer is a single indexed term."""
    if len(run) <= max(GRAM_SIZES):
        return [run], True
    size = max(GRAM_SIZES)
    return [run[i : i + size] for i in range(len(run) - size + 1)], False


def substring_runs(text: str) -> list[tuple[str, bool]]:
    """The runs of a folded query word: (run, is_japanese), in order, punctuation left out."""
    return [(m.group(), m.group("ja") is not None) for m in _RUNS.finditer(text)]
