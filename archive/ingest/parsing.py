"""Turning one source text into structure: metadata lines, sections, clauses, closing, signatories.

Plain Python, no Django: `parse_document(text, language, hints)` returns a `ParsedDocument`
(parsed.py). The stages, in order: residue lines out (residue.py), the wrap width of the file,
the title block and the signature block (frontmatter.py), paragraphs (rejoining lines a wrap or
a page break cut), numbering and headings, then the date and the self-checks (checks.py) that
turn every doubtful decision into a warning.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from archive.ingest import checks
from archive.ingest.backmatter import CLOSING, read_back_matter
from archive.ingest.datelines import is_dateline, is_place_line
from archive.ingest.frontmatter import read_front_matter
from archive.ingest.lines import (
    CONTINUES,
    REFERENCE,
    SENTENCE_PUNCTUATION,
    Line,
    display_width,
    ends_sentence,
    is_japanese,
    looks_like_heading,
    marked_heading,
    numbering,
    split_lines,
)
from archive.ingest.parsed import (
    PROVISIONAL_LINE,
    MetadataLine,
    ParsedClause,
    ParsedDocument,
    ParsedSection,
    ParseHints,
    ParseWarning,
)
from archive.ingest.repairs import ends_paragraph, join_wrapped, normalize_label
from archive.ingest.residue import (
    PHOTO_CREDIT,
    ends_with_photo_credit,
    is_cut_link,
    is_link_words,
    is_page_number,
    residue_role,
)

__all__ = ["ParseError", "ParseHints", "ParseWarning", "ParsedDocument", "parse_document"]

# Heading ranks: a heading closes every open heading of the same or a lower rank.
RANK_MARK, RANK_ROMAN, RANK_NUMBERED, RANK_SUBNUMBERED, RANK_PLAIN = 0, 1, 2, 2.5, 3
# Headings that carry a number (Ⅱ, 第2章, 2., (1)): paragraphs before the first are the preamble.
NUMBERED_RANKS = (RANK_ROMAN, RANK_NUMBERED, RANK_SUBNUMBERED)
# What a clause label may look like: it is part of the clause's URL (archive/urls.py).
CITABLE_LABEL = re.compile(r"^[0-9a-z]{1,20}(?:-[0-9a-z]{1,20}){0,4}$")
# In a hard-wrapped file, a line at least this share of the wrap width was cut by the wrap.
AT_WIDTH = 0.85


# A heading over the preamble: 前文, 【前文】, Preamble.
_PREAMBLE_HEADING = re.compile(r"^[【\[［(（]?\s*(?:前文|preamble)\s*[】\]］)）]?$", re.I)
# How a recital ends: a comma or semicolon (a colon announces what follows instead).
_RECITAL_END = re.compile(r"[、，,;；]$")
# How an English recital opens (Recalling that …, Recognizing …, Bearing in mind …).
_RECITAL_OPENS = re.compile(
    r"^(?:Recalling|Recognizing|Recognising|Noting|Reaffirming|Welcoming|Emphasizing|Stressing"
    r"|Acknowledging|Considering|Desiring|Convinced|Determined|Bearing in mind|Expressing"
    r"|Taking into account|Mindful)\b"
)
# The sentence that ends a preamble by announcing what follows.
_ANNOUNCES = re.compile(r"以下のとおり|次のとおり|as follows|the following", re.I)
_LEAD_ANNOUNCES = re.compile(
    r"(?:以下|次)のとおり(?:です|である)?。$|(?:are|is|were|was) as follows[.:]$", re.I
)
# A Japanese line never starts with one of these particles: the line before it goes on.
_PARTICLES = "のをにがとでへや"
# A row of a table flattened into text: cells set apart by | (5月 | 17日 | 羽田発 |).
_TABLE_ROW = re.compile(r"[|｜].*[|｜]")
_EN_GOES_ON = re.compile(r"\b(?:of|and|the|to|for|in|on|with|a|an|by|between|or|its|their)$|-$")


class ParseError(ValueError):
    """The text has no body the archive could store."""


@dataclass
class _Paragraph:
    text: str
    offset: int
    lines: list[Line]
    numbering: tuple[str, str] | None = None  # (style, printed label)
    heading: tuple[str, str] | None = None  # (label, heading) when this is a heading
    rank: int = RANK_PLAIN
    after_colon: bool = False  # heading-like, but after "as follows:" (see _structure)
    # (line, its start) of each piece joined across a blank line
    page_joins: list[tuple[int, str]] = field(default_factory=list)
    # Lines joined after a line that ends a sentence, right at the wrap or at a bare line
    # break, where a paragraph may as well have ended: (line, its start, why it joined).
    wrap_joins: list[tuple[int, str, str]] = field(default_factory=list)
    level: int | None = None  # a heading's level as the curator set it
    in_reference: bool = False  # in a reference part ([参考1]), which numbers its items afresh
    settled: bool = False  # the curator said whether this line is a heading


def parse_document(text: str, language: str, hints: ParseHints | None = None) -> ParsedDocument:
    """Parse one source text; raises ParseError when there is no body to store."""
    hints = hints or ParseHints()
    doc = ParsedDocument(language=language)
    doc.count_lines(text)
    lines = _set_residue_aside(split_lines(text), doc, hints.furniture)
    width = wrap_width(lines)
    doc.hard_wrapped = width is not None
    body_lines = read_front_matter(lines, doc, hints.title_lines)
    body_lines = read_back_matter(body_lines, doc)
    body_lines = _set_datelines_aside(body_lines, doc)
    paragraphs = _build_paragraphs(body_lines, language, width, hints)
    if not paragraphs:
        raise ParseError("no body text was found after the title and metadata lines")
    last = paragraphs[-1]
    if CLOSING.search(last.text) and not last.numbering and len(paragraphs) > 1:
        doc.closing, doc.closing_offset = last.text, last.offset
        paragraphs.pop()
    _structure(paragraphs, doc, hints)
    if not doc.clauses:
        raise ParseError("no clause or paragraph was found, only headings")
    doc.metadata_lines.sort(key=lambda line: line.offset)
    checks.settle_date(doc)
    checks.check(doc)
    return doc


def _set_residue_aside(
    lines: list[Line], doc: ParsedDocument, furniture: frozenset[int] = frozenset()
) -> list[Line]:
    """Link words, images, table rules, page numbers, running page headers and the lines a
    curator calls furniture become metadata; the line after one counts it as a blank line, so
    a page number between two halves of a paragraph is a gap."""
    kept: list[Line] = []
    carried = 0
    headers = _running_headers(lines) | _gallery(lines) | _bulleted_menu(lines)
    previous_role = None
    for index, line in enumerate(lines):
        role = residue_role(line.text)
        if not role and index == len(lines) - 1 and is_cut_link(line.text):
            role = "link"
        role = role or ("furniture" if index in headers or line.number in furniture else None)
        if not role and PROVISIONAL_LINE.match(line.text):
            role = "provisional"
        if not role and previous_role == "link" and line.bullet and _is_crumb(line.text):
            role = "link"  # the last item of a list of links: the page's own place in the site
        previous_role = role if line.bullet else None
        if role:
            doc.metadata_lines.append(MetadataLine(role, line.text, line.offset))
            carried += line.blank_before + 1
            above = kept[-1] if kept and index and kept[-1] is lines[index - 1] else None
            # A credit alone follows its caption; a caption that ends with its credit may
            # have begun on the line above (a long caption wrapped).
            credit_alone = bool(PHOTO_CREDIT.match(line.text))
            wrapped = ends_with_photo_credit(line.text) and not line.blank_before
            if (
                (credit_alone or wrapped)
                and above
                and _is_caption(above.text, 60 if credit_alone else 100)
            ):
                caption = kept.pop()  # the caption (or its first line) above the credit
                doc.metadata_lines.append(MetadataLine("furniture", caption.text, caption.offset))
                carried += caption.blank_before + 1
            continue
        line.blank_before += carried
        carried = 0
        kept.append(line)
    return kept


def _set_datelines_aside(lines: list[Line], doc: ParsedDocument) -> list[Line]:
    """A line in the body that is only a date or a place (平成18年6月5日 / 東京 before an annex)
    dates the text; it is neither a heading nor a clause."""
    kept: list[Line] = []
    carried = 0
    for line in lines:
        role = "place" if is_place_line(line.text) else None
        if not role and is_dateline(line.text):
            role = "date" if is_dateline(line.text, place=False) else "date_place"
        if role and not numbering(line.text):
            doc.metadata_lines.append(MetadataLine(role, line.text, line.offset))
            carried += line.blank_before + 1
            continue
        line.blank_before += carried
        line.after_aside = line.after_aside or bool(carried and kept)
        carried = 0
        kept.append(line)
    return kept


def _bulleted_menu(lines: list[Line]) -> set[int]:
    """Indexes of a site's menu copied as a bulleted list (• Home, • About JICA, • English):
    four or more short bulleted lines in a row, one of them a link word."""
    menu: set[int] = set()
    run: list[int] = []
    items = [
        _MARK.sub("", line.text) if line.bullet or _MARK.match(line.text) else None
        for line in lines
    ]
    for index, item in enumerate([*items, None]):
        if item is not None and _is_crumb(item) and len(item) <= 30:
            run.append(index)
            continue
        if len(run) >= 4 and any(is_link_words(items[i]) for i in run):
            menu.update(run)
        run = []
    return menu


_MARK = re.compile(r"^[•●・◦▪‣*\-]\s*")


def _gallery(lines: list[Line]) -> set[int]:
    """Indexes of photo captions numbered in a row (… Call on the President 1 / … 2): lines
    the same but for a number at the end."""
    bare = [re.sub(r"\s*[0-9０-９]+$", "", line.text) for line in lines]
    return {
        i + step
        for i in range(len(lines) - 1)
        if bare[i] == bare[i + 1] and bare[i] != lines[i].text and bare[i + 1] != lines[i + 1].text
        for step in (0, 1)
    }


def _is_caption(text: str, longest: int = 60) -> bool:
    return len(text) <= longest and not ends_sentence(text) and not is_dateline(text)


def _is_crumb(text: str) -> bool:
    return len(text) <= 60 and not SENTENCE_PUNCTUATION.search(text) and not numbering(text)


def _running_headers(lines: list[Line]) -> set[int]:
    """Indexes of a PDF's running page header (or footer): a line beside a page number
    (－２－ then 日・ウズベキスタン共同声明（仮訳）) that the text prints more than once. The
    title at the top, when the header repeats it, stands beside no page number and stays."""
    beside = {
        index + step
        for index, line in enumerate(lines)
        if is_page_number(line.text)
        for step in (-1, 1)
        if 0 <= index + step < len(lines)
    }
    texts = [line.text for line in lines]
    return {
        index
        for index in beside
        if texts.count(texts[index]) > 1
        and not numbering(texts[index])
        and not is_page_number(texts[index])
    }


def wrap_width(lines: list[Line]) -> int | None:
    """The width a PDF wrapped the text at, or None when lines end where paragraphs do.

    In a hard-wrapped file most lines are nearly as wide as the widest ordinary line, hardly
    any is wider, and most of those wide lines stop on a letter, cut mid-sentence; in a file
    of one paragraph (or one recital) per line, lines end on 。 . 、 , instead.
    """
    measured = [(display_width(line.text), line.text) for line in lines]
    measured = [(width, text) for width, text in measured if width >= 20]
    if len(measured) < 4:
        return None
    widths = sorted(width for width, _ in measured)
    width = widths[int(len(widths) * 0.9) - 1]
    near = [text for w, text in measured if AT_WIDTH * width <= w <= width * 1.05]
    cut = [text for text in near if unicodedata.category(text[-1])[0] in "LN"]
    wider = sum(1 for w in widths if w > width * 1.1)
    if (
        len(near) >= 0.4 * len(widths)
        and len(cut) >= 0.5 * len(near)
        and wider <= 0.1 * len(widths)
        and width <= 200
    ):
        return width
    return None


def _build_paragraphs(
    lines: list[Line], language: str, width: int | None, hints: ParseHints
) -> list[_Paragraph]:
    """Join wrapped lines and page-broken paragraphs; mark numbered ones and headings. The
    curator's line corrections (hints) decide wherever they speak."""
    paragraphs: list[_Paragraph] = []
    levels = hints.heading_levels
    apart = [line for line in lines[1:] if line.blank_before]
    spaced = width is None and len(lines) >= 6 and len(apart) >= 0.8 * (len(lines) - 1)
    for index, line in enumerate(lines):
        previous = paragraphs[-1] if paragraphs else None
        starts = line.number in hints.clause_starts or line.number in levels
        joins = line.number in hints.joins and previous is not None
        goes_on = previous is not None and _continues(previous, line, width, spaced)
        if joins or goes_on and not starts:
            previous.text = join_wrapped(previous.text, line.text, language)
            previous.lines.append(line)
            if joins and previous.heading and previous.settled:
                label, heading = previous.heading  # a heading the curator set, on two lines
                previous.heading = (label, join_wrapped(heading, line.text, language))
            elif joins and previous.heading:
                previous.heading, previous.rank = None, RANK_PLAIN  # text, not a heading
            if width is None and line.blank_before and not joins:
                previous.page_joins.append((line.number, line.text[:20]))
            elif not joins and len(previous.lines) > 1 and ends_paragraph(previous.lines[-2].text):
                how = (
                    "ends a sentence at the full width of the page"
                    if width
                    else ("ends a sentence, and only blank lines set paragraphs apart here")
                )
                previous.wrap_joins.append((line.number, line.text[:20], how))
            continue
        paragraph = _Paragraph(line.text, line.offset, [line], numbering=numbering(line.text))
        following = lines[index + 1] if index + 1 < len(lines) else None
        if line.number in levels:
            paragraph.heading, paragraph.rank = _forced_heading(line.text)
            paragraph.numbering, paragraph.level = None, levels[line.number]
            paragraph.settled = True
        elif line.number in hints.not_headings or line.number in hints.clause_starts:
            paragraph.settled = True
        elif not paragraph.numbering and (heading := _heading(line, previous, following, width)):
            paragraph.heading = heading[:2]
            paragraph.rank = heading[2]
        elif following and previous and previous.text.endswith((":", "：")):
            paragraph.after_colon = looks_like_heading(line.text) and not paragraph.numbering
        paragraphs.append(paragraph)
    # After "stated as follows:" a short line is a heading when the text has headings like
    # it elsewhere; in a text without them it is what the colon announces (a list item).
    if any(p.heading and p.rank == RANK_PLAIN for p in paragraphs):
        for paragraph in paragraphs:
            if paragraph.after_colon:
                paragraph.heading = ("", paragraph.text)
    return paragraphs


def _recitals(paragraphs: list[_Paragraph]) -> int | None:
    """In a text with no numbers: how many paragraphs are preamble, when it opens with
    recitals (…に留意し、/ Noting …,) and then says what the parties do. The preamble runs to
    the last recital, and takes the line that announces what follows (以下のとおり声明した。)."""
    body = [p for p in paragraphs if not p.heading]
    # One cut short is known by how it opens (Recognizing …).
    recital = [
        bool(_RECITAL_END.search(p.text))
        or bool(_RECITAL_OPENS.match(p.text))
        and not ends_paragraph(p.text)
        for p in body
    ]
    first = next((i for i, is_recital in enumerate(recital[:4]) if is_recital), None)
    if first is None:
        # A lead that ends by announcing the rest (…会談したところ、概要は以下のとおりです。)
        # is the preamble of what it announces.
        lead = body[0].text if body else ""
        return 1 if len(body) > 1 and _LEAD_ANNOUNCES.search(lead) else None
    last = first
    while last + 1 < len(body) and recital[last + 1]:
        last += 1
    if last == first:
        return None  # one sentence ending in a comma (…said in his address,) is no recital
    if last + 1 >= len(body):
        return len(body)  # a text cut short in its recitals
    if _ANNOUNCES.search(body[last + 1].text) and last + 2 < len(body):
        last += 1
    return last + 1


def _is_bulleted(paragraph: _Paragraph) -> bool:
    return paragraph.lines[0].bullet or paragraph.text.startswith("•")


def _forced_heading(text: str) -> tuple[tuple[str, str], int]:
    """(label, heading) and rank of a line the curator calls a heading."""
    if marked := marked_heading(text):
        return marked[:2], marked[2]
    if numbered := numbering(text):
        return (numbered[1], text[len(numbered[1]) :].lstrip()), RANK_NUMBERED
    return ("", text), RANK_PLAIN


def _continues(previous: _Paragraph, line: Line, width: int | None, spaced: bool = False) -> bool:
    """Whether `line` goes on with the paragraph before it (a wrap or a page break)."""
    if previous.heading or previous.after_colon or line.md_heading or line.bullet or line.bold:
        return False
    if line.after_aside:
        return False
    last = previous.lines[-1].text
    if _TABLE_ROW.search(line.text) and not line.blank_before:
        return bool(_TABLE_ROW.search(last))  # the rows of one table are one paragraph
    if numbering(line.text) or marked_heading(line.text):
        # In a PDF a number can start a line the wrap cut (… the / 21. The Forum …).
        cut = width is not None and display_width(last) >= AT_WIDTH * width
        return cut and not ends_paragraph(previous.text) and not line.blank_before
    if ends_paragraph(previous.text):
        # In a PDF a sentence may end right at the wrap; the paragraph goes on unless the
        # next line is indented or set apart by a blank line. In a page that sets every
        # paragraph apart by a blank line, a bare line break is one inside a paragraph (a
        # numbered item takes the line after it as its second paragraph instead).
        at_wrap = width is not None and display_width(last) >= 0.95 * width
        inside = spaced and not previous.numbering and not previous.lines[0].bullet
        return (at_wrap or inside) and not line.blank_before and not line.indented
    lowercase = line.text[0].isascii() and line.text[0].islower()
    at_width = width is not None and display_width(last) >= AT_WIDTH * width
    one_numbered_line = previous.numbering and len(previous.lines) == 1 and not at_width
    if one_numbered_line and looks_like_heading(_rest(previous)) and not lowercase:
        return False  # 2.経済分野における協力, with its first paragraph on the next line
    if width is not None:
        # Hard-wrapped: a line as wide as the wrap was cut by it; a shorter one that ends
        # with 、 or , ended its paragraph (a recital) where the text stopped.
        return at_width or lowercase or not CONTINUES.search(last)
    # A paragraph that itself starts in lower case is an item of a list, which a blank line ends.
    in_list = previous.text[0].isascii() and previous.text[0].islower()
    if line.blank_before and in_list:
        return False
    if CONTINUES.search(last):
        return lowercase  # recitals printed one per line: …を再確認し、 / Noting …,
    if line.blank_before == 0:
        # Japanese cut with no punctuation goes on, and so does a line that starts with a
        # particle (a link such as 決議(PDF) broke it there); an English line goes on when the
        # next starts in lower case, when it stops on a word that cannot end a phrase, or when
        # a long line stops mid-sentence before one that is no heading (a page wrapped at <br>).
        # Short Japanese lines with no punctuation, one after another, are a list.
        listed = display_width(last) < 40 and display_width(line.text) < 40
        # Rows of a list in two columns (キルギス エルラン・…外務大臣) stand one per line.
        listed = listed or bool(_ROW.fullmatch(last) and _ROW.fullmatch(line.text))
        return (
            (is_japanese(last[-1:]) and not (listed and looks_like_heading(line.text)))
            or line.text[0] in _PARTICLES
            or line.text[0] in ")）」』]］"  # a link's bracket closed on the next line
            or lowercase
            or bool(_EN_GOES_ON.search(last))
            or (
                display_width(last) >= 40
                and not is_japanese(last)
                and not looks_like_heading(line.text)
            )
        )
    # A blank line between: only a page break that cut a sentence or a word joins across it:
    # English goes on in lower case; Japanese stops on a kana or kanji, with no 。 or 、.
    cut_japanese = is_japanese(last[-1:]) and unicodedata.category(last[-1]) == "Lo"
    return lowercase or (cut_japanese and is_japanese(line.text[:1]))


# A row of a two-column list copied as text: a name, a space, a name, and no punctuation.
_ROW = re.compile(r"[^\s。、，,．.]+[ 　]+[^\s。、，,．.]+")


def _heading(
    line: Line, previous: _Paragraph | None, following: Line | None, width: int | None
) -> tuple[str, str, int] | None:
    """(label, heading, rank) when the line is a section heading."""
    if marked := marked_heading(line.text):
        return marked
    if following is None or _TABLE_ROW.search(line.text):
        return None  # a heading is followed by body text, and is no row of a table
    short = display_width(line.text) <= 24  # - 供与条件, a topic over what follows
    if line.bullet and not (line.bold or line.md_heading or short):
        return None  # an item of a list, with what follows it as its text
    if following.text[0].isascii() and following.text[0].islower() and not following.blank_before:
        return None  # the next line goes on with this one
    after_closed = previous is None or previous.heading or ends_paragraph(previous.text)
    if not after_closed or previous and previous.text.endswith((":", "：")):
        return None  # after a colon comes what it announces, not a new section
    if width is not None and display_width(line.text) >= AT_WIDTH * width:
        return None  # a line cut by the wrap is never a heading
    if (line.bold or line.md_heading) and len(line.text) <= 120 and not line.text.endswith("。"):
        return "", line.text, RANK_PLAIN
    if looks_like_heading(line.text) and not ends_paragraph(line.text):
        return "", line.text, RANK_PLAIN
    return None


def _numbered_headings(paragraphs: list[_Paragraph]) -> str:
    """`2.経済分野における協力` followed by body text: a numbering style whose every item is a
    short line without sentence punctuation, each followed by other text, numbers headings.

    Where only some items of a style are such lines, each followed by items of another style
    (１．sentence / ２．出席者 （１）… （２）…), those items are headings and the other style
    numbers the clauses under them: its name is returned ("" otherwise)."""
    styles: dict[str, list[int]] = {}
    for index, paragraph in enumerate(paragraphs):
        if paragraph.numbering and not paragraph.settled:
            styles.setdefault(paragraph.numbering[0], []).append(index)
    heading_styles = 0
    for style, indexes in styles.items():
        items = [paragraphs[i] for i in indexes]
        if not all(len(p.lines) == 1 and looks_like_heading(_rest(p)) for p in items):
            continue
        following = [paragraphs[i + 1] if i + 1 < len(paragraphs) else None for i in indexes]
        followed = all(
            p is not None and (p.numbering or ("", ""))[0] != style and not p.heading
            for p in following
        )
        # One such item is a heading when it is the first of its style (1., (1)) and body
        # text follows it: a text cut short, or one with a single topic.
        if len(indexes) < 2 and not (
            followed and normalize_label(items[0].numbering[1]) in ("1", "a", "i")
        ):
            continue
        if followed:
            # Styles that number headings nest in the order they first appear: 1. over (1).
            rank = RANK_NUMBERED if not heading_styles else RANK_SUBNUMBERED
            heading_styles += 1
            for paragraph in items:
                paragraph.heading = (paragraph.numbering[1], _rest(paragraph))
                paragraph.rank = rank
                paragraph.numbering = None
    if heading_styles:
        return ""
    for style, indexes in styles.items():
        over = [
            i
            for i in indexes
            if len(paragraphs[i].lines) == 1
            and looks_like_heading(_rest(paragraphs[i]))
            and i + 1 < len(paragraphs)
            and paragraphs[i + 1].numbering
            and paragraphs[i + 1].numbering[0] != style
        ]
        if over and len(over) < len(indexes):
            for i in over:
                paragraph = paragraphs[i]
                paragraph.heading = (paragraph.numbering[1], _rest(paragraph))
                paragraph.rank = RANK_NUMBERED
                paragraph.numbering = None
            return paragraphs[over[0] + 1].numbering[0]
    return ""


def _rest(paragraph: _Paragraph) -> str:
    return paragraph.text[len(paragraph.numbering[1]) :].lstrip() if paragraph.numbering else ""


def _primary_style(paragraphs: list[_Paragraph]) -> str | None:
    for paragraph in paragraphs:
        if paragraph.numbering and paragraph.numbering[0] != "bare-number":
            return paragraph.numbering[0]
        if paragraph.numbering and normalize_label(paragraph.numbering[1]) == "1":
            return "bare-number"
    return None


def _accept_numbering(
    paragraphs: list[_Paragraph], doc: ParsedDocument, secondary: str = ""
) -> tuple[str, bool]:
    """Keep the numbering of the primary style; a bare number must continue the sequence.

    A reference part ([参考1], (Reference 2)) numbers its items afresh, in a style of its
    own: its numbered items are labelled under its heading (s2-1). Returns (style or "",
    restarts): `restarts` when the numbers start again at 1 under each heading, so labels are
    qualified by the heading (2-1, 2-2, 3-1).
    """
    parts = [[]]
    for paragraph in paragraphs:
        if paragraph.heading and REFERENCE.match("".join(paragraph.heading)):
            parts.append([])
        parts[-1].append(paragraph)
    style, restarts = _accept_part_numbering(parts[0], doc, secondary)
    for part in parts[1:]:
        part_style, _ = _accept_part_numbering(part, doc, "")
        style = style or part_style
        for paragraph in part:
            paragraph.in_reference = True
    return style, restarts


def _accept_part_numbering(
    paragraphs: list[_Paragraph], doc: ParsedDocument, secondary: str
) -> tuple[str, bool]:
    style = _primary_style(paragraphs)
    expected, seen, restarts = 1, set(), False
    for paragraph in paragraphs:
        if paragraph.heading and (expected > 1 or seen) and paragraph.rank <= RANK_PLAIN:
            following = _next_number(paragraphs, paragraph, style)
            if following in ("1", "a", "i") and seen:
                expected, seen, restarts = 1, set(), True
            continue
        if not paragraph.numbering:
            continue
        if secondary and paragraph.numbering[0] == secondary and style != secondary:
            restarts = True  # clauses under numbered headings: cited as 2-1, 3-1 …
            continue
        if paragraph.numbering[0] != style:
            paragraph.numbering = None  # a sub-item: stays in the clause's text as printed
            continue
        label = normalize_label(paragraph.numbering[1])
        if style == "bare-number" and label != str(expected):
            paragraph.numbering = None  # a wrapped line that starts with a number
            continue
        if label in seen:
            doc.warn(
                "structure",
                f"clause number {paragraph.numbering[1]} appears twice; the text was imported "
                "as unnumbered paragraphs. If this line is a heading, say so in the manifest: "
                f"headings = [[{paragraph.lines[0].number}, 1]]",
                paragraph.lines[0].number,
            )
            for p in paragraphs:
                p.numbering = None
            return "", False
        seen.add(label)
        if label.isdigit():
            if int(label) != expected:
                doc.warn(
                    "structure",
                    f"clause {label} follows clause {expected - 1}",
                    paragraph.lines[0].number,
                )
            expected = int(label) + 1
    return (style or "") if seen or restarts else "", restarts


def _next_number(paragraphs: list[_Paragraph], after: _Paragraph, style: str | None) -> str:
    for paragraph in paragraphs[paragraphs.index(after) + 1 :]:
        if paragraph.heading:
            return ""
        if paragraph.numbering and paragraph.numbering[0] == style:
            return normalize_label(paragraph.numbering[1])
    return ""


def _structure(paragraphs: list[_Paragraph], doc: ParsedDocument, hints: ParseHints) -> None:
    if hints.labels == "order":
        for paragraph in paragraphs:
            paragraph.numbering = None
    secondary = "" if hints.labels == "order" else _numbered_headings(paragraphs)
    style, restarts = _accept_numbering(paragraphs, doc, secondary)
    numbered_headings = any(p.heading and p.rank in NUMBERED_RANKS for p in paragraphs)
    # A list of bulleted items (- …, • …) after a lead paragraph: the lead is its preamble,
    # as it is before numbered items.
    bulleted = [p for p in paragraphs if _is_bulleted(p)]
    preamble_count = hints.preamble
    headed = any(p.heading for p in paragraphs)
    if preamble_count is None and not (style or headed or bulleted):
        preamble_count = _recitals(paragraphs)
    open_headings: list[tuple[int, int]] = []  # (rank, section index)
    clauses: list[dict] = []
    clause: dict | None = None
    ordinal = preamble = 0
    in_preamble = True
    body_paragraphs = 0
    unnumbered_in: dict[int | None, int] = {}  # section -> unnumbered paragraphs so far
    last_numbered = ""  # label of the latest numbered clause
    plain_heading_after = ""  # a plain heading that came right after a numbered clause
    plain_heading_line = 0  # its source line

    for paragraph in paragraphs:
        if paragraph.heading:
            label, heading = paragraph.heading
            if paragraph.level:
                del open_headings[paragraph.level - 1 :]
            while open_headings and open_headings[-1][0] >= paragraph.rank and not paragraph.level:
                open_headings.pop()
            parent = open_headings[-1][1] if open_headings else None
            level = len(open_headings) + 1
            doc.sections.append(ParsedSection(label, heading, level, parent, paragraph.offset))
            open_headings.append((paragraph.rank, len(doc.sections) - 1))
            doc.body_order.append(("section", len(doc.sections) - 1))
            if paragraph.rank in NUMBERED_RANKS:
                in_preamble = False
            if paragraph.rank == RANK_PLAIN and clause is not None and clause["printed"]:
                plain_heading_after, plain_heading_line = heading, paragraph.lines[0].number
            clause = None
            continue
        current_section = open_headings[-1][1] if open_headings else None
        if plain_heading_after and not paragraph.numbering:
            number = plain_heading_line
            doc.warn(
                "structure",
                f"“{plain_heading_after[:40]}” after clause {last_numbered} was read as a "
                "heading over unnumbered text; if it is part of that clause, set "
                f"not_headings = [{number}] in the manifest.",
                number,
            )
        plain_heading_after = ""
        body_paragraphs += 1
        if preamble_count is not None:
            in_preamble = body_paragraphs <= preamble_count
        if paragraph.numbering and not (preamble_count and in_preamble):
            in_preamble = False
            printed = paragraph.numbering[1]
            last_numbered = normalize_label(printed)
            clause = _clause(
                _qualified(
                    normalize_label(printed),
                    doc,
                    current_section,
                    restarts or paragraph.in_reference,
                ),
                printed,
                paragraph.text[len(printed) :].lstrip(),
                current_section,
                False,
                paragraph,
            )
        elif current_section is not None and _PREAMBLE_HEADING.match(
            doc.sections[current_section].heading
        ):
            # Paragraphs under a heading that says so (前文, Preamble) are the preamble.
            preamble += 1
            clause = _clause(f"p{preamble}", "", paragraph.text, current_section, True, paragraph)
        elif (
            clause is not None
            and (style or clause["bulleted"])
            and not (clause["bulleted"] and _is_bulleted(paragraph))
            and not paragraph.lines[0].after_aside
            and not (preamble_count and in_preamble)
        ):
            clause["paras"].append(paragraph.text)
            clause["sources"].append(paragraph)
            continue
        elif bulleted and _is_bulleted(paragraph) and clause is not None and clause["bulleted"]:
            ordinal += 1  # the next item of a list, in a text numbered elsewhere too
            clause = _clause(str(ordinal), "", paragraph.text, current_section, False, paragraph)
        elif bulleted and paragraph is bulleted[0] and not preamble_count:
            in_preamble = False
            ordinal += 1
            clause = _clause(str(ordinal), "", paragraph.text, current_section, False, paragraph)
        elif in_preamble and (style or numbered_headings or preamble_count or bulleted):
            preamble += 1
            clause = _clause(f"p{preamble}", "", paragraph.text, current_section, True, paragraph)
        elif style:
            # An unnumbered paragraph between a heading and its first clause: cited by the
            # heading (2-p1), so that only the preamble is p1, p2 …
            unnumbered_in[current_section] = count = unnumbered_in.get(current_section, 0) + 1
            label = f"{_section_key(doc, current_section)}-p{count}"
            clause = _clause(label, "", paragraph.text, current_section, False, paragraph)
        else:
            ordinal += 1
            clause = _clause(str(ordinal), "", paragraph.text, current_section, False, paragraph)
        clauses.append(clause)
        doc.body_order.append(("clause", len(clauses) - 1))
        # Only a numbered or bulleted item takes the unmarked paragraphs that follow it.
        clause["bulleted"] = bool(bulleted) and _is_bulleted(paragraph)
        clause = clause if paragraph.numbering or clause["bulleted"] else None

    _unique_labels(clauses, doc)
    doc.clauses = [
        ParsedClause(
            c["label"], c["printed"], tuple(c["paras"]), c["section"], c["preamble"], c["offset"]
        )
        for c in clauses
    ]
    for c in clauses:
        for extra in c["sources"][1:]:
            if (
                looks_like_heading(extra.text)
                and len(extra.lines) == 1
                and not numbering(extra.text)
            ):
                number = extra.lines[0].number
                doc.warn(
                    "structure",
                    f"clause {c['label']} contains a line that looks like a heading "
                    f"(“{extra.text[:40]}”); if a new section starts there, set "
                    f"headings = [[{number}, 1]] in the manifest (or its level).",
                    number,
                )
        for source in c["sources"]:
            for number, piece in source.page_joins:
                doc.warn(
                    "structure",
                    f"clause {c['label']}: a paragraph cut by a page break was joined across a "
                    f"blank line (at “{piece}…”); if they are two paragraphs, set "
                    f"clause_starts = [{number}] in the manifest.",
                    number,
                )
            for number, piece, how in source.wrap_joins:
                doc.warn(
                    "structure",
                    f"clause {c['label']}: the line before “{piece}…” {how}, so a paragraph "
                    f"may end there; if line {number} starts one, set clause_starts = "
                    f"[{number}] in the manifest.",
                    number,
                )
    if not style and any(p.numbering for p in paragraphs):
        doc.warn("structure", "numbering could not be followed; paragraphs are labelled by order")


def _unique_labels(clauses: list[dict], doc: ParsedDocument) -> None:
    """A label is a clause's address, so no two may share one: a repeat gets a suffix
    (5, 5-2) and a warning, never a failed import."""
    seen: set[str] = set()
    for number, clause in enumerate(clauses, start=1):
        label = clause["label"]
        if not CITABLE_LABEL.match(label):
            clause["label"] = f"n{number}"
            doc.warn(
                "labels",
                f"label “{label[:30]}” cannot be part of a link; clause {number} is labelled "
                f"{clause['label']} instead.",
            )
            label = clause["label"]
        if label in seen:
            suffix = 2
            while f"{label}-{suffix}" in seen:
                suffix += 1
            clause["label"] = f"{label}-{suffix}"
            doc.warn(
                "labels",
                f"label {label} would be given twice; the second is {clause['label']}. Check "
                'the numbering, or set labels = "order" in the manifest.',
            )
        seen.add(clause["label"])


def _clause(label, printed, text, section, is_preamble, paragraph) -> dict:
    return {
        "label": label,
        "printed": printed,
        "paras": [text],
        "section": section,
        "preamble": is_preamble,
        "offset": paragraph.offset,
        "sources": [paragraph],
        "bulleted": False,
    }


def _qualified(label: str, doc: ParsedDocument, section: int | None, restarts: bool) -> str:
    """(1) under heading 2 is cited as 2-1 when the numbers start again under each heading."""
    if not restarts or section is None:
        return label
    return f"{_section_key(doc, section)}-{label}"


def _section_key(doc: ParsedDocument, section: int | None) -> str:
    """How labels under a section are qualified: the printed numbers of it and the sections
    above it (ii-1 under Ⅱ › 1.), else s and the place of its top-level section (s3)."""
    if section is None:
        return "s0"
    reference = REFERENCE.match(doc.sections[section].label)
    if reference and doc.sections[section].parent is None:
        # [参考1] and (Reference 1) are the same part of two versions: ref1 in both.
        return "ref" + "".join(re.findall(r"[0-9]", unicodedata.normalize("NFKC", reference[0])))
    numbers, index, root = [], section, section
    while index is not None:
        printed = normalize_label(doc.sections[index].label)
        if printed.isascii() and printed.isalnum():
            numbers.insert(0, printed)
        root, index = index, doc.sections[index].parent
    if numbers:
        return "-".join(numbers)
    top = [i for i, s in enumerate(doc.sections) if s.parent is None]
    return f"s{top.index(root) + 1}"
