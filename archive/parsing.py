"""Turning one source text into structure: metadata lines, sections, clauses, closing, signatories.

Plain Python, no Django: `parse_document(text, language)` returns a `ParsedDocument`. Every piece
keeps the offset where it starts in the source, so the "no text lost" promise can be checked:
the pieces in offset order hold every non-space character of the source except removed markup.
"""

import re
from dataclasses import dataclass, field

from archive import dates, gazetteer
from archive.repairs import ends_paragraph, join_wrapped, normalize_label, strip_markup


@dataclass(frozen=True)
class MetadataLine:
    role: str  # title, subtitle, provisional, date, date_place, label, place, source, note, ...
    text: str  # as printed, markup removed
    offset: int


@dataclass(frozen=True)
class ParsedSection:
    label: str  # as printed: ◆, I., Ⅱ., Ⅰ． or ""
    heading: str
    level: int
    parent: int | None  # index into ParsedDocument.sections
    offset: int


@dataclass(frozen=True)
class ParsedClause:
    label: str  # normalized: "41", "a", or an ordinal for unnumbered paragraphs
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


@dataclass
class ParsedDocument:
    language: str
    metadata_lines: list[MetadataLine] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    clauses: list[ParsedClause] = field(default_factory=list)
    closing: str = ""
    closing_offset: int | None = None
    signatories: list[ParsedSignatory] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    body_order: list[tuple[str, int]] = field(default_factory=list)  # ("section"|"clause", i)

    def _lines(self, *roles: str) -> list[MetadataLine]:
        return [line for line in self.metadata_lines if line.role in roles]

    @property
    def title(self) -> str:
        # Title lines a blank line apart are parts (「…」対話・首脳会合 / 東京宣言); wrapped
        # lines were already joined into one part.
        return " ".join(part.text for part in self._lines("title"))

    @property
    def subtitle(self) -> str:
        return " ".join(line.text for line in self._lines("subtitle"))

    @property
    def is_provisional(self) -> bool:
        return bool(self._lines("provisional")) or any(
            PROVISIONAL.search(line.text) for line in self._lines("note")
        )

    @property
    def date(self):
        for line in self._lines("date", "date_place"):
            if found := dates.parse_date(line.text):
                return found
        body = self.clauses[:1] + [c for c in self.clauses if c.is_preamble]
        for clause in body[:2]:
            if found := dates.parse_date(clause.paragraphs[0]):
                return found
        return dates.parse_date(self.closing) if self.closing else None

    @property
    def place_as_printed(self) -> str:
        for line in self._lines("place"):
            return line.text
        for line in self._lines("date_place"):
            found = dates.find_date(line.text)
            rest = line.text[found[1].end() :] if found else line.text
            return rest.strip(" ，,、　")
        for clause in self.clauses[:2]:
            if place := gazetteer.find_meeting_place(clause.paragraphs[0]):
                return place
        return gazetteer.find_meeting_place(self.closing) or ""

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


@dataclass(frozen=True)
class ParseHints:
    """A curator's corrections from the manifest, for structure the text leaves ambiguous."""

    labels: str = ""  # "order": ignore printed numbers, label paragraphs 1, 2, …
    preamble: int | None = None  # the first N body paragraphs are preamble (p1…pN)


class ParseError(ValueError):
    """The text has no body the archive could store."""


_PROVISIONAL_MARK = (
    r"[(（]\s*(?:仮訳|暫定訳|provisional translation|unofficial translation|"
    r"tentative translation)\s*[)）]"
)
# (仮訳) on a line of its own, or 仮訳 in a [備考] note; and the mark at the end of a title line.
PROVISIONAL = re.compile(rf"^{_PROVISIONAL_MARK}$|仮訳", re.I)
_PROVISIONAL_SUFFIX = re.compile(rf"\s*{_PROVISIONAL_MARK}\s*$", re.I)
AUTHENTIC_LANGUAGE = [
    (re.compile(r"英語で.*署名|in the English language|in English"), "en"),
    (re.compile(r"ロシア語で.*署名|in the Russian language"), "ru"),
    (re.compile(r"日本語で.*署名|in the Japanese language"), "ja"),
]
CLOSING = re.compile(r"署名した。$|作成した。$|^Done at|^Signed (?:at|in)|signed in .+ copies")

# [文書名] …, [場所] …, [年月日] …: the World and Japan database's metadata block.
BRACKET_META = re.compile(r"^[\[［](?P<key>[^\]］]{1,12})[\]］]\s*(?P<value>.*)$")
BRACKET_ROLES = {
    "文書名": "title",
    "title": "title",
    "場所": "place",
    "place": "place",
    "年月日": "date",
    "date": "date",
    "出典": "source",
    "source": "source",
    "備考": "note",
    "notes": "note",
    "note": "note",
    "全文": "body_start",
    "full text": "body_start",
}

# Clause numbering styles, tried in order. Each gives the printed label as group "label".
NUMBERING = [
    ("paren-number", re.compile(r"^(?P<label>[(（]\s*[0-9０-９][0-9０-９ 　]*\s*[)）])\s*")),
    ("dotted-number", re.compile(r"^(?P<label>[0-9０-９]{1,3}[.．])(?![0-9０-９])\s*")),
    ("bare-number", re.compile(r"^(?P<label>[0-9０-９]{1,3})[ 　\t]+(?=\S)")),
    ("circled-number", re.compile(r"^(?P<label>[①-⑳㉑-㉟])\s*")),
    ("paren-roman", re.compile(r"^(?P<label>[(（](?:i{1,3}|iv|vi{0,3}|ix|xi{0,3})[)）])\s*")),
    ("paren-letter", re.compile(r"^(?P<label>[(（][a-zａ-ｚ][)）])\s*")),
]
# Section marks: ◆ and friends open a top-level section; Roman numerals number sections.
MAJOR_MARK = re.compile(r"^(?P<label>[◆◇■□●])\s*(?P<heading>\S.*)$")
ROMAN_HEADING = re.compile(
    r"^(?P<label>(?:[IVX]{1,5}|[Ⅰ-Ⅻ]{1,3}|[ⅩⅠ-Ⅻ]{2,4})\s*[.．])\s*(?P<heading>\S.*)$"
)
# A line with sentence punctuation is text, not a heading or a title.
SENTENCE_PUNCTUATION = re.compile(r"[。、，,．；;]|[.](?:\s|$)")
TITLE_SUFFIX = re.compile(
    r"(?:大臣|大統領|首相|総理|長官|議長|大使|代表|首長|国王|総裁|委員長|事務総長|事務局長|外相)$"
    r"|^(?:Prime Minister|President|Minister|Secretary|Ambassador|Chair(?:man|person)?)\b"
)


@dataclass
class _Line:
    text: str
    offset: int  # where the line's text starts in the source
    blank_before: int
    bold: bool
    md_heading: bool
    bullet: bool


@dataclass
class _Paragraph:
    text: str
    offset: int
    lines: list[_Line]
    numbering: tuple[str, str] | None = None  # (style, printed label)
    heading: tuple[str, str] | None = None  # (label, heading) when this is a heading
    major: bool = False


def parse_document(text: str, language: str, hints: ParseHints | None = None) -> ParsedDocument:
    """Parse one source text; raises ParseError when there is no body to store."""
    hints = hints or ParseHints()
    doc = ParsedDocument(language=language)
    lines = _split_lines(text)
    body_lines = _read_front_matter(lines, doc)
    body_lines = _read_back_matter(body_lines, doc)
    paragraphs = _build_paragraphs(body_lines, language)
    if not paragraphs:
        raise ParseError("no body text was found after the title and metadata lines")
    last = paragraphs[-1]
    if CLOSING.search(last.text) and not last.numbering and len(paragraphs) > 1:
        doc.closing, doc.closing_offset = last.text, last.offset
        paragraphs.pop()
    _structure(paragraphs, doc)
    if not doc.clauses:
        raise ParseError("no clause or paragraph was found, only headings")
    return doc


def _split_lines(text: str) -> list[_Line]:
    lines, blank, offset = [], 0, 0
    for raw in text.splitlines(keepends=True):
        content, bold, md_heading, bullet = strip_markup(raw)
        if content:
            start = offset + (len(raw) - len(raw.lstrip()))
            lines.append(_Line(content, start, blank, bold, md_heading, bullet))
            blank = 0
        else:
            blank += 1
        offset += len(raw)
    return lines


def _is_title_like(text: str) -> bool:
    return (
        len(text) <= 120
        and not SENTENCE_PUNCTUATION.search(text)
        and not MAJOR_MARK.match(text)
        and not ROMAN_HEADING.match(text)
        and not _numbering(text)
    )


def _read_front_matter(lines: list[_Line], doc: ParsedDocument) -> list[_Line]:
    """Title, subtitle, provisional mark, date and bracketed metadata before the body."""
    index, seen_date = 0, False
    previous_title: _Line | None = None
    while index < len(lines):
        line = lines[index]
        text = line.text
        meta = BRACKET_META.match(text)
        if meta and meta.group("key").strip().lower() in BRACKET_ROLES:
            role = BRACKET_ROLES[meta.group("key").strip().lower()]
            value = meta.group("value")
            value_offset = line.offset + meta.start("value")
            doc.metadata_lines.append(
                MetadataLine("label", text[: meta.start("value")].strip(), line.offset)
            )
            index += 1
            if role == "body_start":
                if value:
                    lines[index - 1] = _Line(value, value_offset, 0, False, False, False)
                    index -= 1
                break
            if value:
                doc.metadata_lines.append(MetadataLine(role, value, value_offset))
            continue
        if PROVISIONAL.match(text):
            doc.metadata_lines.append(MetadataLine("provisional", text, line.offset))
        elif _is_date_line(text):
            doc.metadata_lines.append(MetadataLine("date", text, line.offset))
            seen_date = True
        elif _is_date_line(text, with_place=True):
            doc.metadata_lines.append(MetadataLine("date_place", text, line.offset))
            seen_date = True
        elif not seen_date and (line.bold or _is_title_like(text)):
            _add_title_line(
                doc, line, wrapped=previous_title is not None and line.blank_before == 0
            )
            previous_title = line
        else:
            break
        index += 1
    return lines[index:]


def _add_title_line(doc: ParsedDocument, line: _Line, wrapped: bool) -> None:
    """A title line: a new title part, a wrapped continuation, or the subtitle."""
    suffix = _PROVISIONAL_SUFFIX.search(line.text)
    text = line.text[: suffix.start()] if suffix else line.text
    titles = [m for m in doc.metadata_lines if m.role in ("title", "subtitle")]
    if text and wrapped and titles:
        last = doc.metadata_lines.index(titles[-1])
        joined = join_wrapped(titles[-1].text, text, doc.language)
        doc.metadata_lines[last] = MetadataLine(titles[-1].role, joined, titles[-1].offset)
    elif text:
        enclosed = text.startswith("「") and text.endswith("」")
        role = "subtitle" if titles and (enclosed or line.blank_before >= 3) else "title"
        doc.metadata_lines.append(MetadataLine(role, text, line.offset))
    if suffix:
        marker = suffix.group().strip()
        doc.metadata_lines.append(
            MetadataLine("provisional", marker, line.offset + line.text.index(marker, len(text)))
        )


def _is_date_line(text: str, with_place: bool = False) -> bool:
    found = dates.find_date(text)
    if not found:
        return False
    _, match = found
    before, after = text[: match.start()].strip(), text[match.end() :].strip(" ，,、　")
    if with_place:
        return not before and 0 < len(after) <= 20 and not SENTENCE_PUNCTUATION.search(after)
    return not before and not after


def _read_back_matter(lines: list[_Line], doc: ParsedDocument) -> list[_Line]:
    """A trailing date/place line and the signature block (names paired with titles)."""
    end = len(lines)
    trailing_meta: list[MetadataLine] = []
    while end > 0 and (
        _is_date_line(lines[end - 1].text, with_place=True) or _is_date_line(lines[end - 1].text)
    ):
        line = lines[end - 1]
        role = "date" if _is_date_line(line.text) else "date_place"
        trailing_meta.insert(0, MetadataLine(role, line.text, line.offset))
        end -= 1
    block_start = end
    while block_start > 0 and _is_signature_line(lines[block_start - 1].text):
        block_start -= 1
    block = lines[block_start:end]
    titles = [line for line in block if _titles_in(line.text)]
    names = [line for line in block if not _titles_in(line.text)]
    if titles and names:
        doc.signatories = _pair_signatories(names, titles)
        end = block_start
    doc.metadata_lines.extend(trailing_meta)
    return lines[:end] if (titles and names) or trailing_meta else lines


def _is_signature_line(text: str) -> bool:
    if _titles_in(text):
        return True
    return (
        len(text) <= 30
        and not SENTENCE_PUNCTUATION.search(text)
        and not re.search(r"[0-9０-９:：「」()（）]", text)
        and not MAJOR_MARK.match(text)
    )


def _titles_in(text: str) -> list[str]:
    """The titles on a signature line: one, or several side by side from a two-column layout."""
    if TITLE_SUFFIX.search(text) and not SENTENCE_PUNCTUATION.search(text):
        parts = text.split()
        if len(parts) > 1 and all(TITLE_SUFFIX.search(p) for p in parts):
            return parts
        return [text]
    return []


def _pair_signatories(names: list[_Line], titles: list[_Line]) -> list[ParsedSignatory]:
    title_pieces: list[tuple[str, int]] = []
    for line in titles:
        cursor = 0
        for part in _titles_in(line.text):
            at = line.text.index(part, cursor)
            title_pieces.append((part, line.offset + at))
            cursor = at + len(part)
    signatories = []
    for i in range(max(len(names), len(title_pieces))):
        name = names[i] if i < len(names) else None
        title = title_pieces[i] if i < len(title_pieces) else None
        signatories.append(
            ParsedSignatory(
                name=name.text if name else "",
                title=title[0] if title else "",
                name_offset=name.offset if name else None,
                title_offset=title[1] if title else None,
            )
        )
    return signatories


def _numbering(text: str) -> tuple[str, str] | None:
    for style, pattern in NUMBERING:
        match = pattern.match(text)
        if match:
            return style, match.group("label")
    return None


def _heading(line: _Line, previous: _Paragraph | None) -> tuple[str, str, bool] | None:
    """(label, heading, major) when the line is a section heading."""
    text = line.text
    if match := MAJOR_MARK.match(text):
        return match.group("label"), match.group("heading"), True
    if match := ROMAN_HEADING.match(text):
        return match.group("label"), match.group("heading"), False
    after_closed = previous is None or previous.heading or ends_paragraph(previous.text)
    plain = len(text) <= 60 and not SENTENCE_PUNCTUATION.search(text) and not _numbering(text)
    if after_closed and plain and (line.bold or line.md_heading or not ends_paragraph(text)):
        return "", text, False
    return None


def _build_paragraphs(lines: list[_Line], language: str) -> list[_Paragraph]:
    """Join wrapped lines and page-broken paragraphs; mark numbered ones and headings."""
    paragraphs: list[_Paragraph] = []
    for line in lines:
        previous = paragraphs[-1] if paragraphs else None
        numbering = _numbering(line.text)
        marked_heading = MAJOR_MARK.match(line.text) or ROMAN_HEADING.match(line.text)
        open_previous = (
            previous is not None
            and not previous.heading
            and not ends_paragraph(previous.text)
            and not line.md_heading
            and not line.bullet
        )
        if open_previous and not numbering and not marked_heading:
            previous.text = join_wrapped(previous.text, line.text, language)
            previous.lines.append(line)
            continue
        paragraph = _Paragraph(line.text, line.offset, [line], numbering=numbering)
        if not numbering and (heading := _heading(line, previous)):
            paragraph.heading = (heading[0], heading[1])
            paragraph.major = heading[2]
            paragraph.offset = line.offset
        paragraphs.append(paragraph)
    return paragraphs


def _primary_style(paragraphs: list[_Paragraph]) -> str | None:
    for paragraph in paragraphs:
        if paragraph.numbering and paragraph.numbering[0] != "bare-number":
            return paragraph.numbering[0]
        if paragraph.numbering and normalize_label(paragraph.numbering[1]) == "1":
            return "bare-number"
    return None


def _accept_numbering(paragraphs: list[_Paragraph], doc: ParsedDocument) -> str | None:
    """Keep the numbering of the primary style; a bare number must continue the sequence."""
    style = _primary_style(paragraphs)
    expected, seen = 1, set()
    for paragraph in paragraphs:
        if not paragraph.numbering:
            continue
        if paragraph.numbering[0] != style:
            paragraph.numbering = None  # a sub-item: stays in the clause's text as printed
            continue
        label = normalize_label(paragraph.numbering[1])
        if style == "bare-number" and label != str(expected):
            paragraph.numbering = None  # a wrapped line that starts with a number
            continue
        if label in seen:
            doc.warnings.append(
                f"clause number {paragraph.numbering[1]} appears twice; the text was imported "
                "as unnumbered paragraphs"
            )
            for p in paragraphs:
                p.numbering = None
            return None
        seen.add(label)
        if label.isdigit():
            if int(label) != expected:
                doc.warnings.append(f"clause {label} follows clause {expected - 1}")
            expected = int(label) + 1
    return style if seen else None


def _structure(paragraphs: list[_Paragraph], doc: ParsedDocument) -> None:
    style = _accept_numbering(paragraphs, doc)
    current_section: int | None = None
    current_major: int | None = None
    clause: dict | None = None
    ordinal = preamble = 0
    clauses: list[dict] = []

    for paragraph in paragraphs:
        if paragraph.heading and not paragraph.numbering:
            label, heading = paragraph.heading
            if paragraph.major:
                parent, level = None, 1
            else:
                parent = current_major
                level = 2 if current_major is not None else 1
            doc.sections.append(ParsedSection(label, heading, level, parent, paragraph.offset))
            current_section = len(doc.sections) - 1
            if paragraph.major:
                current_major = current_section
            doc.body_order.append(("section", current_section))
            clause = None
            continue
        if paragraph.numbering:
            printed = paragraph.numbering[1]
            text = paragraph.text[len(printed) :].lstrip()
            clause = {
                "label": normalize_label(printed),
                "printed": printed,
                "paras": [text],
                "section": current_section,
                "preamble": False,
                "offset": paragraph.offset,
            }
        elif style and clause is not None:
            clause["paras"].append(paragraph.text)
            continue
        elif style:
            is_preamble = not doc.sections and not any(c["printed"] for c in clauses)
            preamble += 1
            clause = {
                "label": f"p{preamble}",
                "printed": "",
                "paras": [paragraph.text],
                "section": current_section,
                "preamble": is_preamble,
                "offset": paragraph.offset,
            }
        else:
            ordinal += 1
            clause = {
                "label": str(ordinal),
                "printed": "",
                "paras": [paragraph.text],
                "section": current_section,
                "preamble": False,
                "offset": paragraph.offset,
            }
        clauses.append(clause)
        doc.body_order.append(("clause", len(clauses) - 1))
        # Only a numbered clause takes the unnumbered paragraphs that follow it.
        clause = clause if paragraph.numbering else None

    doc.clauses = [
        ParsedClause(
            c["label"], c["printed"], tuple(c["paras"]), c["section"], c["preamble"], c["offset"]
        )
        for c in clauses
    ]
    if not style and any(p.numbering for p in paragraphs):
        doc.warnings.append("numbering could not be followed; paragraphs are labelled by order")
