"""Paragraphs out of lines: the wrap width of a hard-wrapped file, which lines go on with the
one before (a wrap, a page break, a link that broke a sentence) and which start a paragraph,
which lines are headings, and how many opening paragraphs are recitals (the preamble)."""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from archive.ingest.dates import is_day_line, opens_day_row
from archive.ingest.lines import (
    BULLET_MARKS,
    CONTINUES,
    OPENING_REMARKS,
    SALUTATION,
    SPEAKER_LABEL,
    Line,
    display_width,
    is_japanese,
    looks_like_heading,
    marked_heading,
    numbering,
)
from archive.ingest.parsed import ParseHints
from archive.ingest.repairs import ends_paragraph, join_wrapped
from archive.ingest.residue import FILE_MARK_END, LIST_MARK

# Heading ranks: a heading closes every open heading of the same or a lower rank.
RANK_MARK, RANK_ROMAN, RANK_NUMBERED, RANK_SUBNUMBERED, RANK_PLAIN = 0, 1, 2, 2.5, 3
# Opening Remarks right over a topic heading: above the plain headings, which it holds.
RANK_OPENING = 2.75
# A plain heading right over heading 1 (the meeting a page reports, over 1 意義・成果):
# above the numbered headings, which it holds.
RANK_OVER_NUMBERED = 1.5


# Headings that carry a number (Ⅱ, 第2章, 2., (1)): paragraphs before the first are the preamble.
NUMBERED_RANKS = (RANK_ROMAN, RANK_NUMBERED, RANK_SUBNUMBERED)


# In a hard-wrapped file, a line at least this share of the wrap width was cut by the wrap.
AT_WIDTH = 0.85


# How a recital ends: a comma or semicolon (a colon announces what follows instead).
_RECITAL_END = re.compile(r"[、，,;；]$")


# How an English recital opens (Recalling that …, Recognizing …, Bearing in mind …).
# A vocabulary of openings, as lines.py has of whole lines: alike in shape only.
_RECITAL_OPENS = re.compile(
    r"^(?:Recalling|Recognizing|Recognising|Noting|Reaffirming|Welcoming|Emphasizing|Stressing"
    r"|Acknowledging|Considering|Desiring|Convinced|Determined|Bearing in mind|Expressing"
    r"|Taking into account|Mindful)\b"
)


# A sentence that ends by announcing a list with a semicolon (The schemes funded are;).
_LIST_ANNOUNCED = re.compile(r"\b(?:are|is|include|includes|were|as follows|following)[;；]$")
# The sentence that ends a preamble by announcing what follows.
_ANNOUNCES = re.compile(r"以下のとおり|次のとおり|as follows|the following", re.I)


LEAD_ANNOUNCES = re.compile(
    r"(?:以下|次)の(?:とおり|通り)[^。、，,]{0,16}。$|(?:are|is|were|was) as follows[.:]$", re.I
)  # …概要は以下のとおりです。, …以下のとおり報告を行いました。
# A news agency's lead over the text it reprints (… publishes the article of …): the preamble
# when the text's own name stands under it as a heading; else a clause like the text's own.
REPRINT_ANNOUNCED = re.compile(
    r"\b(?:publishes|presents|reprints) (?:the |an? )?(?:full )?(?:text of the )?"
    r"(?:article|statement|speech|address|interview|message|op-ed)\b[^.!?]*\.$",
    re.I,
)


# A Japanese line never starts with one of these particles: the line before it goes on.
_PARTICLES = "のをにがとでへや"


_GLUED_ITEM = re.compile(r"[。．]\s+[-•・]\s*[^\s。、,]{1,30}$")
_LABEL_LINE = re.compile(r"[^。.]\s*[:：]$")


# A row of a table flattened into text: cells set apart by | (5月 | 17日 | 羽田発 |).
_TABLE_ROW = re.compile(r"[|｜].*[|｜]")


_EN_GOES_ON = re.compile(r"\b(?:of|and|the|to|for|in|on|with|a|an|by|between|or|its|their)$|-$")


@dataclass
class Paragraph:
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
    turn: bool = False  # it opens with a speaker's label alone on its line: (Reporter) …
    row: bool = False  # it opens a day's row of a flattened programme: 8月15日(水曜日) …


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


def build_paragraphs(
    lines: list[Line], language: str, width: int | None, hints: ParseHints
) -> list[Paragraph]:
    """Join wrapped lines and page-broken paragraphs; mark numbered ones and headings. The
    curator's line corrections (hints) decide wherever they speak."""
    paragraphs: list[Paragraph] = []
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
            elif (
                not joins
                and len(previous.lines) > 1
                and ends_paragraph(previous.lines[-2].text)
                and not _LABEL_LINE.search(previous.lines[-2].text)
            ):
                how = (
                    "ends a sentence at the full width of the page"
                    if width
                    else ("ends a sentence, and only blank lines set paragraphs apart here")
                )
                previous.wrap_joins.append((line.number, line.text[:20], how))
            continue
        paragraph = Paragraph(line.text, line.offset, [line], numbering=numbering(line.text))
        paragraph.turn = bool(SPEAKER_LABEL.match(line.text))
        paragraph.row = not is_day_line(line.text) and opens_day_row(line.text)
        following = lines[index + 1] if index + 1 < len(lines) else None
        listed = len(paragraphs) >= 2 and all(_one_line_item(p) for p in paragraphs[-2:])
        if line.number in levels:
            paragraph.heading, paragraph.rank = _forced_heading(line.text)
            paragraph.numbering, paragraph.level = None, levels[line.number]
            paragraph.settled = True
        elif line.number in hints.not_headings or line.number in hints.clause_starts:
            paragraph.settled = True
        elif not paragraph.numbering and (
            heading := _heading(line, previous, following, width, listed)
        ):
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
    for paragraph, following in itertools.pairwise(paragraphs):
        opening = paragraph.heading and OPENING_REMARKS.match(paragraph.heading[1])
        if opening and not paragraph.settled and following.heading and following.rank == RANK_PLAIN:
            paragraph.rank = RANK_OPENING
    return paragraphs


def recitals(paragraphs: list[Paragraph]) -> int | None:
    """In a text with no numbers: how many paragraphs are preamble, when it opens with
    recitals (…に留意し、/ Noting …,) and then says what the parties do. The preamble runs to
    the last recital, and takes the line that announces what follows (以下のとおり声明した。)."""
    body = [p for p in paragraphs if not p.heading and not SALUTATION.match(p.text)]
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
        return 1 if len(body) > 1 and LEAD_ANNOUNCES.search(lead) else None
    if _LIST_ANNOUNCED.search(body[first].text):
        return None  # … are; over the items of a list, each ending in ; too: no recitals
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


def _one_line_item(paragraph: Paragraph) -> bool:
    """An item of a list on one line: numbered or bulleted, and no heading."""
    one_line = len(paragraph.lines) == 1 and not paragraph.heading
    return one_line and bool(paragraph.numbering or is_bulleted(paragraph))


def is_bulleted(paragraph: Paragraph) -> bool:
    return paragraph.lines[0].bullet or paragraph.text.startswith(BULLET_MARKS)


def _forced_heading(text: str) -> tuple[tuple[str, str], int]:
    """(label, heading) and rank of a line the curator calls a heading."""
    if marked := marked_heading(text):
        return marked[:2], marked[2]
    if numbered := numbering(text):
        return (numbered[1], text[len(numbered[1]) :].lstrip()), RANK_NUMBERED
    return ("", text), RANK_PLAIN


def _runs_on(line: Line) -> bool:
    """A sentence cut mid-phrase by what was set aside: the next line starts in lower case or
    on a particle."""
    first = line.text[:1]
    return (first.isascii() and first.islower()) or first in _PARTICLES


def _continues(previous: Paragraph, line: Line, width: int | None, spaced: bool = False) -> bool:
    """Whether `line` goes on with the paragraph before it (a wrap or a page break)."""
    if SPEAKER_LABEL.match(previous.text) and len(previous.lines) == 1:
        return True  # (Reporter) / I am Yoshino …: the label opens the turn's first paragraph
    if previous.heading or previous.after_colon or line.md_heading or line.bullet or line.bold:
        return False
    if line.text.startswith(BULLET_MARKS) or _SPEAKER.match(line.text):
        return False  # a list item copied with its bullet, or a speaker's turn, starts one
    if line.after_aside:
        return False
    if line.after_residue and width is None and not _runs_on(line):
        # A page that is not hard-wrapped: no paragraph holds text on both sides of a line
        # set aside (a photograph's label between two captions), unless a sentence runs on.
        return False
    last = previous.lines[-1].text
    if _TABLE_ROW.search(line.text) and not line.blank_before:
        # The rows of one table are one paragraph; rows marked as items of a list
        # (・キルギス | …外務大臣 |) are items each.
        return bool(_TABLE_ROW.search(last)) and not LIST_MARK.match(line.text)
    if numbering(line.text) or marked_heading(line.text):
        # In a PDF a number can start a line the wrap cut (… the / 21. The Forum …).
        cut = width is not None and display_width(last) >= AT_WIDTH * width
        return cut and not ends_paragraph(previous.text) and not line.blank_before
    if _LABEL_LINE.search(last) and len(previous.lines) == 1 and not previous.numbering:
        # A short label ending in a colon (2006年3月 第1回東京対話:) goes on in the line
        # right under it, where the page broke the line after the label.
        return not line.blank_before and display_width(last) <= 60
    if _GLUED_ITEM.search(last):
        return False  # …一致しました。 - 二国間関係: a list's next heading run onto the line
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
    if one_numbered_line and looks_like_heading(rest_of(previous)) and not lowercase:
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
    if line.blank_before == 0 and _open_bracket(last):
        return True  # (H.E. Mr. / SULTANOV Marat, Minister of Finance): a bracket goes on
    if line.blank_before == 0:
        # Japanese cut with no punctuation goes on, and so does a line that starts with a
        # particle (a link such as 決議(PDF) broke it there); an English line goes on when the
        # next starts in lower case, when it stops on a word that cannot end a phrase, or when
        # a long line stops mid-sentence before one that is no heading (a page wrapped at <br>).
        # Short Japanese lines with no punctuation, one after another, are a list.
        # So are longer ones with no punctuation, unless the one before stops on a particle
        # (…との / 首脳会談 is one phrase broken by a link).
        listed = (display_width(last) < 40 and display_width(line.text) < 40) or (
            looks_like_heading(last) and last[-1] not in _PARTICLES + "はも"
        )
        # Rows of a list in two columns (キルギス エルラン・…外務大臣) stand one per line.
        listed = listed or bool(_ROW.fullmatch(last) and _ROW.fullmatch(line.text))
        return (
            (is_japanese(last[-1:]) and not (listed and looks_like_heading(line.text)))
            or bool(FILE_MARK_END.search(last) and is_japanese(last))
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
    line: Line,
    previous: Paragraph | None,
    following: Line | None,
    width: int | None,
    listed: bool = False,
) -> tuple[str, str, int] | None:
    """(label, heading, rank) when the line is a section heading; `listed`: the paragraphs
    before it end a list of two or more one-line items."""
    if marked := marked_heading(line.text):
        return marked
    if SPEAKER_LABEL.match(line.text):
        return None  # who speaks next, not what about
    if following is None or _TABLE_ROW.search(line.text):
        return None  # a heading is followed by body text, and is no row of a table
    if is_day_line(line.text) and not line.bullet:
        return "", line.text, RANK_PLAIN  # a day of a programme, over that day's events
    if previous is not None and previous.heading and looks_like_heading(following.text):
        return None  # the first of a list of short lines under a heading
    short = display_width(line.text) <= 24  # - 供与条件, a topic over what follows
    if line.text.startswith(BULLET_MARKS) and following.text.startswith(BULLET_MARKS):
        return None  # an item of a list copied with its bullets, the next item under it
    if line.bullet and not (line.bold or line.md_heading or short):
        return None  # an item of a list, with what follows it as its text
    if following.text[0].isascii() and following.text[0].islower() and not following.blank_before:
        return None  # the next line goes on with this one
    after_closed = previous is None or previous.heading or ends_paragraph(previous.text)
    after_closed = after_closed or bool(SALUTATION.match(previous.text))
    # A list of one-line items (・ project name (amount), 1. …) ends no sentence: a blank line
    # after its last item closes it (`listed`), and a short line there names what comes next.
    after_list = listed and bool(line.blank_before) and not line.bullet
    after_closed = after_closed or after_list and not line.text.startswith(BULLET_MARKS)
    if not after_closed or previous and previous.text.endswith((":", "：")):
        return None  # after a colon comes what it announces, not a new section
    if width is not None and display_width(line.text) >= AT_WIDTH * width:
        return None  # a line cut by the wrap is never a heading
    if (line.bold or line.md_heading) and len(line.text) <= 120 and not line.text.endswith("。"):
        return "", line.text, RANK_PLAIN
    if looks_like_heading(line.text) and not ends_paragraph(line.text):
        return "", line.text, RANK_PLAIN
    if _SPEAKER.match(following.text) and _topic(line.text):
        return "", line.text, RANK_PLAIN  # the topic a press conference turns to, 、 and all
    return None


# 【林外務大臣】, 【NHK 青木記者】: who speaks, at the start of a turn in a press conference.
_SPEAKER = re.compile(r"^【[^】]{1,30}】")


def _topic(text: str) -> bool:
    """A short line that names a topic and ends no sentence (林大臣のカザフスタン、ウズベキ
    スタン及びモンゴル訪問): a heading, where a speaker's turn follows it."""
    short = display_width(text) <= 70 and "。" not in text
    return short and not ends_paragraph(text) and not CONTINUES.search(text)


def _open_bracket(text: str) -> bool:
    """Whether a round bracket opened in `text` is still open at its end."""
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def rest_of(paragraph: Paragraph) -> str:
    return paragraph.text[len(paragraph.numbering[1]) :].lstrip() if paragraph.numbering else ""
