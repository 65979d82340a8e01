"""Owns turning what a reader typed into a Whoosh query, with notices instead of errors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from whoosh import query as wq

from search.analysis import (
    analyze_alternatives,
    fold_for_match,
    japanese_gram_query_terms,
    pair_term,
    substring_runs,
)
from search.highlight import phrase_terms

MAX_QUERY_LENGTH = 500
# Groups deeper than this are read as if their parentheses were not there: the parser and the
# query tree recurse once per level, and 237 levels fit in 500 characters.
MAX_GROUP_DEPTH = 20
DEFAULT_FIELD_ALIASES: Mapping[str, str] = {"title": "title", "section": "section"}

# NFKC turns ＂（） into ASCII but leaves typographic quotes, which IMEs and pasted text use.
_QUOTES = str.maketrans(dict.fromkeys("“”„‟〝〞〟", '"'))
_FIELD_PREFIX = re.compile(r"([A-Za-z_]+):")
_OPERATORS = frozenset({"OR", "AND", "NOT"})
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co"})  # control, format, surrogate, private use
# One alternative per lexeme. A quote without a partner falls through to ``quote``; a "-" is
# only reached at the start of a term, because words swallow inner hyphens (co-operate).
_LEXEMES = re.compile(
    r'(?P<open>\()|(?P<close>\))|"(?P<phrase>[^"]*)"|(?P<quote>")'
    r'|(?P<not>-)(?=[^ )])|(?P<dash>-)|(?P<word>[^ ()"]+)'
)

# Each notice says what went wrong and how to write it; the page shows them above results.
_TOO_LONG = "The search was {:,} characters long, so only the first {} were used. Try a few \
distinctive words instead."
_UNCLOSED_QUOTE = 'The quote before “{}” was not closed, so it was searched as plain words. \
Put a closing " to search a phrase.'
_LONE_QUOTE = 'A lone " was ignored. Put words between two " marks to search a phrase.'
_LONE_DASH = "A lone - was ignored. Put it directly before a word to leave it out, as in -石油."
_LONE_OPERATOR = "A lone {0} was ignored. Put a word on each side, as in ガス {0} 石油."
_LONE_NOT = "A lone NOT or - was ignored. Put it directly before the word to leave out, as in \
ガス -石油 or ガス NOT 石油."
_FIELD_WITHOUT_WORD = "{0}: needs a word right after the colon, as in {0}:energy; without one \
it was ignored."
_WILDCARDS = "Only a * at the end of a word is a wildcard (partner*, テロ*); other * and ? \
were searched as plain text."
_EMPTY_PARENTHESES = "Empty parentheses () were ignored."
_UNCLOSED_PARENTHESIS = "A ( was not closed, so it was ignored. Close each group with ), as in \
(ガス OR 石油) 輸送."
_UNOPENED_PARENTHESIS = "A ) had no matching ( before it, so it was ignored."
_TOO_DEEP = "Parentheses were nested more than {} deep; the deeper ones were ignored and the \
words inside them searched as in the group around them."
_UNSEARCHABLE = "Left out {}: there are no letters, digits or Japanese characters in it to \
search for."
_LONE_EXCLUSION = "An exclusion on its own inside OR or parentheses was ignored: -word can \
only narrow words that are searched for, as in (ガス -石油) OR 電力."
_NOTHING_TO_SEARCH = "There was nothing to search for. Type a word in Japanese or English, \
for example エネルギー or energy."
_ONLY_EXCLUSIONS = "The search only said what to leave out. Add at least one word to find, \
for example ガス -石油."


@dataclass(frozen=True)
class ParsedQuery:
    """A reader's query, ready for Whoosh; ``query`` is None when there is nothing to run."""

    query: wq.Query | None
    notices: list[str] = field(default_factory=list)
    # Token texts to mark; a word or quote of several tokens is also there as its tokens
    # joined by spaces ("温室 効果 ガス"), which search.highlight marks as one phrase.
    highlight_terms: frozenset[str] = frozenset()
    normalized: str = ""
    # Folded strings to mark wherever they occur, inside words too (search.highlight).
    highlight_needles: frozenset[str] = frozenset()


@dataclass
class _Node:
    kind: str  # word, phrase, prefix, all, any, not; while lexing also field, open, close, or, and
    text: str = ""
    children: list[_Node] = field(default_factory=list)
    field_name: str = ""  # as typed, e.g. "title"
    target: str = ""  # the schema field it maps to (for a field lexeme too)
    alternatives: list[list[str]] = field(default_factory=list)  # token lists, best first


def parse_query(
    raw: str,
    *,
    fields: Sequence[str] = ("text",),
    field_aliases: Mapping[str, str] = DEFAULT_FIELD_ALIASES,
    substrings: bool = True,
) -> ParsedQuery:
    """Parse a search box string; never raises, explains every repair in ``notices``.

    Words are ANDed; OR binds tighter than the implied AND (``energy japan OR kazakhstan``
    needs energy and one of the two); ``-word``/``NOT word`` exclude; ``"…"`` is a phrase, and
    so is one word the analyzer splits (温室効果ガス -> 温室 効果 ガス, adjacent and in order);
    ``title:word`` searches the field an alias maps to; ``word*`` is a prefix search, other
    ``*`` and ``?`` are plain text. Each word or phrase also matches wherever its folded
    characters occur inside longer words (the n-gram field), unless ``substrings`` is False.
    """
    notices: list[str] = []
    text = _clean(raw, notices)
    lexemes = _balance_parentheses(_lex(text, field_aliases, notices), notices)
    tree = _Parser(lexemes, notices).parse()
    builder = _Builder(tuple(fields), notices, substrings)
    query = builder.whole(tree) if tree else None
    if tree is None and text:
        notices.append(_NOTHING_TO_SEARCH)
    elif tree is not None and query is None:
        notices.append(_ONLY_EXCLUSIONS)
    # Each repair is explained once, however often it was made.
    unique = list(dict.fromkeys(notices))
    normalized = _render(tree) if tree else ""
    return ParsedQuery(
        query, unique, frozenset(builder.highlight), normalized, frozenset(builder.needles)
    )


def _clean(raw: str, notices: list[str]) -> str:
    text = unicodedata.normalize("NFKC", raw or "").translate(_QUOTES)
    # Control and format characters are invisible, so dropping them needs no notice; line
    # breaks and tabs still separate words.
    kept = (char for char in text if char.isspace() or unicodedata.category(char) not in _HIDDEN)
    text = " ".join("".join(kept).split())
    if len(text) > MAX_QUERY_LENGTH:
        notices.append(_TOO_LONG.format(len(text), MAX_QUERY_LENGTH))
        # Prefer ending at a space so the last word is not searched half-typed.
        space = text.rfind(" ", MAX_QUERY_LENGTH - 60, MAX_QUERY_LENGTH + 1)
        text = text[: space if space > 0 else MAX_QUERY_LENGTH]
    return text


def _lex(text: str, aliases: Mapping[str, str], notices: list[str]) -> list[_Node]:
    lexemes: list[_Node] = []
    for match in _LEXEMES.finditer(text):
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "quote":
            rest = text[match.end() :].strip()
            notices.append(_UNCLOSED_QUOTE.format(_preview(rest)) if rest else _LONE_QUOTE)
        elif kind == "dash":
            notices.append(_LONE_DASH)
        elif kind != "word":
            lexemes.append(_Node(kind, value if kind == "phrase" else ""))
        elif value in _OPERATORS:
            lexemes.append(_Node(value.lower()))
        else:
            prefix = _FIELD_PREFIX.match(value)
            target = aliases.get(prefix.group(1).lower()) if prefix else None
            if prefix and target:
                value = value[prefix.end() :]
                if value or text[match.end() : match.end() + 1] in ('"', "("):
                    lexemes.append(_Node("field", prefix.group(1).lower(), target=target))
                else:
                    notices.append(_FIELD_WITHOUT_WORD.format(prefix.group(1)))
                if not value:
                    continue
            prefix_search = value.endswith("*") and value.strip("*") and "*" not in value[:-1]
            if prefix_search:
                lexemes.append(_Node("prefix", value[:-1]))
                continue
            if "*" in value or "?" in value:
                notices.append(_WILDCARDS)
            lexemes.append(_Node("word", value))
    return lexemes


def _preview(text: str, size: int = 20) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _balance_parentheses(lexemes: list[_Node], notices: list[str]) -> list[_Node]:
    """Drop parentheses without a partner so the parser only sees balanced groups."""
    unmatched: set[int] = set()
    opened: list[int] = []
    for index, lexeme in enumerate(lexemes):
        if lexeme.kind == "open":
            opened.append(index)
        elif lexeme.kind == "close" and opened:
            opened.pop()
        elif lexeme.kind == "close":
            unmatched.add(index)
    if opened:
        notices.append(_UNCLOSED_PARENTHESIS)
    if unmatched:
        notices.append(_UNOPENED_PARENTHESIS)
    unmatched.update(opened)
    return _limit_depth([lexeme for i, lexeme in enumerate(lexemes) if i not in unmatched], notices)


def _limit_depth(lexemes: list[_Node], notices: list[str]) -> list[_Node]:
    """Drop the balanced parentheses nested deeper than MAX_GROUP_DEPTH."""
    kept: list[_Node] = []
    depth = 0
    for lexeme in lexemes:
        depth += lexeme.kind == "open"
        if lexeme.kind not in ("open", "close") or depth <= MAX_GROUP_DEPTH:
            kept.append(lexeme)
        depth -= lexeme.kind == "close"
    if len(kept) < len(lexemes):
        notices.append(_TOO_DEEP.format(MAX_GROUP_DEPTH))
    return kept


class _Parser:
    """Recursive descent: ``all := (any | AND)*``, ``any := unary (OR unary)*``,
    ``unary := NOT unary | primary``, ``primary := field? (word | phrase | "(" all ")")``."""

    _ENDS = (None, "close", "or", "and")

    def __init__(self, lexemes: list[_Node], notices: list[str]) -> None:
        self.lexemes = lexemes
        self.index = 0
        self.notices = notices
        self.unsearchable: list[str] = []
        self.field = ("", "")  # (prefix as typed, schema field) of the enclosing group

    def parse(self) -> _Node | None:
        # Parentheses are balanced, so the top-level group consumes every lexeme.
        tree = self._all()
        if self.unsearchable:
            listed = ", ".join(f"“{_preview(text)}”" for text in self.unsearchable[:5])
            self.notices.append(_UNSEARCHABLE.format(listed))
        return tree

    def _peek(self) -> str | None:
        return self.lexemes[self.index].kind if self.index < len(self.lexemes) else None

    def _next(self) -> _Node:
        self.index += 1
        return self.lexemes[self.index - 1]

    def _all(self) -> _Node | None:
        children: list[_Node] = []
        while (kind := self._peek()) not in (None, "close"):
            if kind in ("and", "or"):
                self._next()
                if kind == "or" or not children or self._peek() in self._ENDS:
                    self.notices.append(_LONE_OPERATOR.format(kind.upper()))
            elif (node := self._any()) is not None:
                children.append(node)
        return _group("all", children)

    def _any(self) -> _Node | None:
        children = [node] if (node := self._unary()) is not None else []
        while self._peek() == "or":
            self._next()
            if self._peek() in self._ENDS or not children:
                self.notices.append(_LONE_OPERATOR.format("OR"))
            if self._peek() not in self._ENDS and (right := self._unary()) is not None:
                children.append(right)
        return _group("any", children)

    def _unary(self) -> _Node | None:
        if self._peek() != "not":
            return self._primary()
        # "--x" and "NOT -x" are read as a single exclusion, which is what people mean.
        while self._peek() == "not":
            self._next()
        if self._peek() in self._ENDS:
            self.notices.append(_LONE_NOT)
            return None
        operand = self._unary()
        return _Node("not", children=[operand]) if operand is not None else None

    def _primary(self, field: tuple[str, str] | None = None) -> _Node | None:
        lexeme = self._next()
        if lexeme.kind == "field":
            if self._peek() in ("word", "phrase", "open", "prefix"):
                return self._primary((lexeme.text, lexeme.target))
            self.notices.append(_FIELD_WITHOUT_WORD.format(lexeme.text))
            return None
        # A word's own prefix wins over the one on its group: title:(ガス section:石油).
        field_name, target = field or self.field
        if lexeme.kind == "open":
            outer, self.field = self.field, (field_name, target)
            node = self._all()
            self.field = outer
            self._next()  # the matching ")", which balancing guarantees
            if node is None:
                self.notices.append(_EMPTY_PARENTHESES)
            return node
        if lexeme.kind == "prefix":
            folded = fold_for_match(lexeme.text).strip()
            if not substring_runs(folded):
                self.unsearchable.append(lexeme.text + "*")
                return None
            return _Node("prefix", lexeme.text, [], field_name, target, [[folded]])
        alternatives = analyze_alternatives(lexeme.text)
        if not alternatives:
            if lexeme.text.strip("*? "):  # a lone * already has the wildcard notice
                self.unsearchable.append(lexeme.text)
            return None
        return _Node(lexeme.kind, lexeme.text, [], field_name, target, alternatives)


def _group(kind: str, children: list[_Node]) -> _Node | None:
    # A word said twice asks nothing more of a clause (協力 協力 … is 協力): each repeat would
    # cost the ranking another term.
    unique: dict[str, _Node] = {}
    for child in children:
        unique.setdefault(_render(child), child)
    children = list(unique.values())
    if not children:
        return None
    return children[0] if len(children) == 1 else _Node(kind, children=children)


class _Builder:
    """Turns the parsed tree into Whoosh queries and collects the terms to highlight."""

    def __init__(self, fields: tuple[str, ...], notices: list[str], substrings: bool) -> None:
        self.fields = fields
        self.substrings = substrings
        self.notices = notices
        self.highlight: set[str] = set()
        self.needles: set[str] = set()

    def whole(self, node: _Node, negated: bool = False) -> wq.Query | None:
        """The query for ``node``; None when it only excludes."""
        positive, negatives = self._split(node, negated)
        if positive is None or not negatives:
            return positive
        # And(Not) rather than AndNot: Whoosh 2.7.4's AndNotMatcher lets excluded documents
        # through (`GOSAT -協力` still found a clause with both words); this form does not.
        return wq.And([positive, wq.Not(_combine(wq.Or, negatives))])

    def _split(self, node: _Node, negated: bool) -> tuple[wq.Query | None, list[wq.Query]]:
        """(what must match, what must not), so that -word narrows its siblings."""
        if node.kind in ("word", "phrase", "prefix"):
            return self._leaf(node, negated), []
        if node.kind == "not":
            excluded = self.whole(node.children[0], negated=True)
            return None, [excluded] if excluded is not None else []
        if node.kind == "any":
            options = [self.whole(child, negated) for child in node.children]
            if any(option is None for option in options):
                self.notices.append(_LONE_EXCLUSION)
            return _combine(wq.Or, [option for option in options if option is not None]), []
        positives, negatives = [], []
        for child in node.children:
            positive, excluded = self._split(child, negated)
            positives += [positive] if positive is not None else []
            negatives += excluded
        return _combine(wq.And, positives), negatives

    def _leaf(self, node: _Node, negated: bool) -> wq.Query | None:
        if node.kind == "prefix":
            return self._prefix(node, negated)
        if not negated:
            self.highlight |= phrase_terms(node.alternatives[0])
        fields = (node.target,) if node.target else self.fields
        # Several tokens from one word or quote must stay adjacent and in order: each
        # adjacent pair is an indexed term (search.analysis.PairFilter), so a phrase is the
        # AND of its pairs.
        queries = [
            wq.Term(name, words[0])
            if len(words) == 1
            else _combine(wq.And, [wq.Term(name, pair_term(a, b)) for a, b in pairwise(words)])
            for name in fields
            for words in node.alternatives
        ]
        needle = fold_for_match(node.text).strip()
        if not node.target and self.substrings and _has_japanese_run(needle):
            # And wherever the folded characters occur, inside longer words too (as grep),
            # which Japanese needs: it prints no spaces between words. An English word is
            # matched whole, with its inflections, never inside another word (war, toward).
            # Three tokens or more of one typed word match by their pairs, which may stand
            # apart in a clause (歓迎し … した for 歓迎した): its characters are checked
            # instead. A quoted phrase with spaces keeps its pairs: the text may print none.
            exact = [
                query
                for query, words in zip(queries, node.alternatives * len(fields), strict=True)
                if len(words) <= 2 or " " in needle
            ]
            queries = exact + [substring_query(needle, known=_combine(wq.Or, exact))]
            if not negated:
                self.needles.add(needle)
        return _combine(wq.Or, queries)

    def _prefix(self, node: _Node, negated: bool) -> wq.Query | None:
        """``partner*``, ``テロ*``: words that start with the characters typed."""
        folded = node.alternatives[0][0]
        runs = substring_runs(folded)
        if not negated and not node.target:  # a title's word is not marked in the clause
            self.needles.add(folded)
        if len(runs) == 1 and not runs[0][1] and not node.target:
            return Lexicon(GRAMS, runs[0][0], "prefix")  # Latin: the clause words it starts
        if len(runs) == 1:  # Japanese, or a field's: the indexed words that start with it
            fields = (node.target,) if node.target else self.fields
            return _combine(wq.Or, [Lexicon(name, runs[0][0], "prefix") for name in fields])
        return substring_query(folded)


def _has_japanese_run(needle: str) -> bool:
    return any(japanese for _run, japanese in substring_runs(needle))


GRAMS = "grams"  # the n-gram field (search.search_indexes.ClauseIndex.grams)


class Lexicon(wq.Query):
    """A placeholder for the indexed terms of ``fieldname`` that contain ``text`` (``mode``
    contains, prefix, suffix or exact); search.index_view expands it against the index."""

    def __init__(self, fieldname: str, text: str, mode: str) -> None:
        self.fieldname, self.text, self.mode = fieldname, text, mode
        self.boost = 1.0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and (self.fieldname, self.text, self.mode) == (
            other.fieldname,
            other.text,
            other.mode,
        )

    def __hash__(self) -> int:
        return hash((self.fieldname, self.text, self.mode))

    def __repr__(self) -> str:
        return f"Lexicon({self.fieldname!r}, {self.text!r}, {self.mode!r})"


class Substring(wq.And):
    """Clauses whose folded text contains ``needle``: the AND of n-gram terms (and Latin words
    from the lexicon). When ``exact`` is false the terms only narrow the candidates, and
    search.index_view checks each candidate not already matched by ``known`` against its text."""

    def __init__(self, subqueries, needle: str, exact: bool, known: wq.Query | None = None):
        super().__init__(subqueries)
        self.needle, self.exact, self.known = needle, exact, known

    def __repr__(self) -> str:
        return f"Substring({self.needle!r}, exact={self.exact})"


def substring_query(needle: str, known: wq.Query | None = None) -> Substring | None:
    """The n-gram query for a folded string: its Japanese runs as n-grams, its other runs as
    the lexicon's words that contain them (ending or starting where the string does)."""
    runs = substring_runs(needle)
    parts: list[wq.Query] = []
    exact = len(runs) == 1
    for index, (run, japanese) in enumerate(runs):
        if japanese:
            terms, whole = japanese_gram_query_terms(run)
            parts += [wq.Term(GRAMS, term) for term in terms]
            exact = exact and whole
            continue
        # A Latin run between other characters of the string must end (or start) the word
        # in the text where it does in the string: "gx" in "gx技術" ends a word.
        open_before = index == 0 and needle.startswith(run)
        open_after = index == len(runs) - 1 and needle.endswith(run)
        mode = {(True, True): "contains", (True, False): "suffix", (False, True): "prefix"}.get(
            (open_before, open_after), "exact"
        )
        parts.append(Lexicon(GRAMS, run, mode))
    if not parts:
        return None
    return Substring(parts, needle, exact, known)


def _combine(kind: type[wq.CompoundQuery], queries: list[wq.Query]) -> wq.Query | None:
    if len(queries) < 2:
        return queries[0] if queries else None
    return kind(queries)


def _render(node: _Node, parent: str = "") -> str:
    """The query as it was actually searched, in the same syntax the reader types."""
    if node.kind in ("word", "phrase", "prefix"):
        text = {"phrase": f'"{node.text}"', "prefix": f"{node.text}*"}.get(node.kind, node.text)
        return f"{node.field_name}:{text}" if node.field_name else text
    if node.kind == "not":
        return "-" + _render(node.children[0], "not")
    separator = " OR " if node.kind == "any" else " "
    rendered = separator.join(_render(child, node.kind) for child in node.children)
    # OR binds tighter than the implied AND, so only these nestings need parentheses.
    needs_parentheses = parent == "not" or (node.kind == "all" and parent == "any")
    return f"({rendered})" if needs_parentheses else rendered
