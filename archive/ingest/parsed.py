"""The structure a source text is parsed into: metadata lines, sections, clauses, signatories,
and the warnings the parser raises where it is unsure. Plain dataclasses, no Django.

Every piece keeps the offset where it starts in the source, so the "no text lost" promise can
be checked: the pieces in offset order hold every non-space character of the source except
removed markup.
"""

import bisect
import datetime
import re
from dataclasses import dataclass, field

from archive.ingest import dates, gazetteer


@dataclass(frozen=True)
class MetadataLine:
    # title, subtitle, provisional, date, date_place, place, issuer, genre, label, source,
    # note, link, furniture, after_signatures
    role: str
    text: str  # as printed, markup removed
    offset: int


@dataclass(frozen=True)
class ParsedSection:
    label: str  # as printed: ◆, I., Ⅱ., 2. or ""
    heading: str
    level: int
    parent: int | None  # index into ParsedDocument.sections
    offset: int


@dataclass(frozen=True)
class ParsedClause:
    label: str  # normalized: "41", "a", "p1" (preamble), "2-1" ((1) under heading 2)
    printed_label: str  # "(4 1)", "１", "" when unnumbered
    paragraphs: tuple[str, ...]
    section: int | None  # index into ParsedDocument.sections
    is_preamble: bool
    offset: int

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class ParsedSignatory:
    name: str
    title: str
    name_offset: int | None
    title_offset: int | None


class ParseWarning(str):
    """A doubtful decision, in a sentence; `kind` says what about (date, title, structure…)
    and `line` which source line, so a manifest correction can retire the warnings it
    answers."""

    kind: str
    line: int | None
    lines: tuple[int, ...]  # every line it is about, `line` first

    def __new__(cls, kind: str, message: str, line: int | None = None, lines=()):
        warning = super().__new__(cls, message)
        warning.kind = kind
        warning.line = line
        warning.lines = tuple(dict.fromkeys(([line] if line is not None else []) + list(lines)))
        return warning

    def __reduce__(self):
        return ParseWarning, (self.kind, str(self), self.line, self.lines)


@dataclass(frozen=True)
class ParseHints:
    """A curator's corrections from the manifest, for structure the text leaves ambiguous.
    Lines are numbered from 1 as `cat -n` shows them."""

    labels: str = ""  # "order": ignore printed numbers and label paragraphs 1, 2, …
    preamble: int | None = None  # the first N body paragraphs are preamble (p1…pN)
    title_lines: tuple[int, ...] | None = None  # exactly these lines form the title
    headings: tuple[tuple[int, int], ...] = ()  # (line, level): this line is a heading
    not_headings: frozenset[int] = frozenset()  # these lines are text, not headings
    clause_starts: frozenset[int] = frozenset()  # a clause (or paragraph) starts here
    joins: frozenset[int] = frozenset()  # this line goes on with the line before it
    furniture: frozenset[int] = frozenset()  # page furniture: no title, heading or clause

    @property
    def heading_levels(self) -> dict[int, int]:
        return dict(self.headings)


_PROVISIONAL_MARK = (
    r"[(（\[［【]\s*(?:仮訳|暫定訳|参考訳|provisional translation|unofficial translation|"
    r"tentative translation)\s*[)）\]］】]"
)
# (仮訳) on a line of its own, or 仮訳 in a [備考] note; and the mark at the end of a title line.
PROVISIONAL = re.compile(
    rf"^{_PROVISIONAL_MARK}$|^(?:provisional|unofficial|tentative) translation$|仮訳"
    r"|^this is an? (?:provisional|unofficial|tentative) translation\b",
    re.I,
)
PROVISIONAL_SUFFIX = re.compile(rf"\s*{_PROVISIONAL_MARK}\s*$", re.I)
# A line that is nothing but the mark, wherever it stands (the foot of a page, too), or the
# translator's note that says so: (*This is a provisional translation. The above date …).
PROVISIONAL_LINE = re.compile(
    rf"^{_PROVISIONAL_MARK}$|^(?:provisional|unofficial|tentative) translation$"
    r"|^[(（]?\s*[*＊※]?\s*this is an? (?:provisional|unofficial|tentative) translation\b"
    r"[^()（）]*[)）]?$",
    re.I,
)
AUTHENTIC_LANGUAGE = [
    (re.compile(r"英語で.*署名|in the English language|in English"), "en"),
    (re.compile(r"ロシア語で.*署名|in the Russian language"), "ru"),
    (re.compile(r"日本語で.*署名|in the Japanese language"), "ja"),
]
_DASH_FRAME = re.compile(r"^([-－―—–‐~〜～])\s*(.+?)\s*\1$")


@dataclass
class ParsedDocument:
    language: str
    metadata_lines: list[MetadataLine] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    clauses: list[ParsedClause] = field(default_factory=list)
    closing: str = ""
    closing_offset: int | None = None
    signatories: list[ParsedSignatory] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    body_order: list[tuple[str, int]] = field(default_factory=list)  # ("section"|"clause", i)
    date: datetime.date | None = None
    date_range: tuple[datetime.date, datetime.date] | None = None
    hard_wrapped: bool = False  # lines were wrapped at a fixed width (a PDF)
    # Offsets of the source's line starts, to name a line in a warning (see line_at).
    line_starts: list[int] = field(default_factory=lambda: [0], repr=False, compare=False)

    def count_lines(self, text: str) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_at(self, offset: int | None) -> int | None:
        """The source line (from 1, as cat -n numbers it) that holds `offset`."""
        return None if offset is None else bisect.bisect_right(self.line_starts, offset)

    def warn(self, kind: str, message: str, line: int | None = None, lines=()) -> None:
        """Record a doubt; with `line`, the message starts by naming that source line (and
        `lines`, any others it is about)."""
        if line is not None:
            message = f"line {line}: {message}"
        if message not in self.warnings:
            self.warnings.append(ParseWarning(kind, message, line, lines))

    def lines(self, *roles: str) -> list[MetadataLine]:
        return [line for line in self.metadata_lines if line.role in roles]

    @property
    def title(self) -> str:
        # Title lines a blank line apart are parts (「…」対話・首脳会合 / 東京宣言); wrapped
        # lines were already joined into one part.
        return " ".join(part.text for part in self.lines("title"))

    @property
    def subtitle(self) -> str:
        """The subtitle, without the dashes that frame it as printed (-…-, ―…―)."""
        parts = []
        for line in self.lines("subtitle"):
            framed = _DASH_FRAME.match(line.text)
            parts.append(framed.group(2) if framed else line.text)
        return " ".join(parts)

    @property
    def is_provisional(self) -> bool:
        return bool(self.lines("provisional")) or any(
            PROVISIONAL.search(line.text) for line in self.lines("note")
        )

    @property
    def place_as_printed(self) -> str:
        places = self.lines("place")
        # A venue in two lines (International Conference Room, / Ministry of …): the line that
        # names a known place says where.
        for line in sorted(places, key=lambda p: not gazetteer.find_place(p.text)):
            return line.text
        for line in self.lines("date_place"):
            if place := place_in_dateline(line.text):
                return place
        # A news report is dated from where its wire-service dateline says (DUSHANBE, …).
        for clause in self.clauses[:3]:
            if place := gazetteer.find_wire_place(clause.paragraphs[0]):
                return place
        # The opening paragraph says where, or a second one when the first is a lead and
        # the second is no numbered item (those report what was said).
        for index, clause in enumerate(self.clauses[:2]):
            if index and clause.printed_label:
                break
            if place := self._meeting_place(clause.paragraphs[0]):
                return place
        # A speech's title says where it was given (… at the Japan National Press Club).
        if place := gazetteer.find_meeting_place(self.title):
            return place
        return gazetteer.find_meeting_place(self.closing) or ""

    def _meeting_place(self, paragraph: str) -> str | None:
        """Where the paragraph says something happened, from a sentence about no month
        before the text's: 本年2月に…東京で開催した「専門家会合」 in March reports an earlier
        meeting, where 6月5日、東京で… in a notice of May 30 announces the text's own."""
        for sentence in _SENTENCE_END.split(paragraph):
            months = {int(m) for m in _MONTH.findall(sentence)}
            months |= {dates.MONTHS[m.lower()] for m in _MONTH_NAME.findall(sentence)}
            earlier = [0 < (self.date.month - m) % 12 <= 6 for m in months] if self.date else []
            if earlier and all(earlier):
                continue
            if place := gazetteer.find_meeting_place(sentence):
                return place
        return None

    @property
    def place(self) -> str:
        printed = self.place_as_printed
        return gazetteer.canonical_place(printed) if printed else ""

    @property
    def authentic_language(self) -> str:
        """The language the closing formula says the text was signed in, when it says so."""
        for pattern, language in AUTHENTIC_LANGUAGE:
            if pattern.search(self.closing):
                return language
        return ""

    @property
    def body_clauses(self) -> list[ParsedClause]:
        return [c for c in self.clauses if not c.is_preamble]


_SENTENCE_END = re.compile(r"(?<=[。．!?！？])|(?<=\.)\s+")
# The month a sentence dates its event by (本年2月に, 2014年11月, 2月15日).
_MONTH = re.compile(r"(?<![0-9])([0-9]{1,2})月")
_MONTH_NAME = re.compile(rf"\b({'|'.join(dates.MONTHS)})\b", re.I)


def place_in_dateline(text: str) -> str:
    """The place printed beside a date: `２０１７年５月１日，アシガバット市`,
    `Dushanbe, March 5, 2009`, `（2009年3月5日、アスタナ）`."""
    parts = dates.dateline_parts(text)
    if parts is None:
        return ""
    before, after = parts
    for piece in (after, before):
        # POLITICS | 21:29 / 11.07.2024, 2025-12-20 17:10:00 / News: a news site's section
        # beside the date and hour is no place, unless it names a city the gazetteer knows.
        segments = [p.strip() for p in re.split(r"[|｜/]", piece) if p.strip()]
        if len(segments) > 1 or segments != [piece.strip()]:
            piece = next((p for p in segments if gazetteer.find_place(p)), "")
        piece = piece.strip(" ，,、　.")
        piece = re.sub(r"^(?:にて|において|in|at)\s*|\s*(?:にて|において)$", "", piece).strip()
        if piece:
            return piece
    return ""
