"""One source line and what it looks like: markup flags, numbering, heading marks, width.

Plain Python. The parser's stages (front matter, body, back matter) all ask these questions of
lines, so the answers live in one place.
"""

import re
from dataclasses import dataclass

from archive.ingest.repairs import strip_markup
from archive.text import is_wide


@dataclass
class Line:
    text: str  # markup removed, stripped
    offset: int  # where the line's text starts in the source
    blank_before: int  # blank lines (or removed residue lines) just before it
    bold: bool = False
    md_heading: bool = False
    bullet: bool = False
    indented: bool = False  # starts with an ideographic space or a tab: a new paragraph
    number: int = 0  # the line's number in the source (from 1, counted at "\n"), as cat -n
    # A date line or a note was set aside just before it: what follows starts afresh, so that
    # no clause runs across a line kept apart from it.
    after_aside: bool = False
    # Page residue (a caption, a link) was set aside just before it: a new paragraph here
    # starts a clause, so that no clause holds text on both sides of what was set aside.
    after_residue: bool = False


def split_lines(text: str) -> list[Line]:
    lines, blank, offset, number = [], 0, 0, 1
    for raw in text.splitlines(keepends=True):
        content, bold, md_heading, bullet = strip_markup(raw)
        if content:
            start = offset + (len(raw) - len(raw.lstrip()))
            indented = raw[:1] in ("\u3000", "\t")
            lines.append(Line(content, start, blank, bold, md_heading, bullet, indented, number))
            blank = 0
        else:
            blank += 1
        offset += len(raw)
        number += raw.count("\n")
    return lines


# Clause numbering styles, tried in order. Each gives the printed label as group "label".
# A list bullet may stand before the number (• (1) …); it is part of the printed label, and so
# is the number a copied list adds before it (1. (1) …, see repairs.normalize_label).
_BULLET = r"(?:[•・]\s*)?"
_LIST_NUMBER = r"(?:[0-9０-９]{1,3}[.．]\s*)?"
NUMBERING = [
    (
        "paren-number",
        re.compile(
            rf"^(?P<label>{_BULLET}{_LIST_NUMBER}[(（]\s*[0-9０-９][0-9０-９ 　]*\s*[)）])\s*"
        ),
    ),
    # 1. 1 本23日…: a copied list's number before the bare number the item prints.
    ("bare-number", re.compile(r"^(?P<label>(?P<n>[0-9]{1,3})\.\s+(?P=n))[ 　]+(?=\S)")),
    # A full-width ．is never a decimal point, so １．３月７日 is clause 1 (1.5 is a number).
    (
        "dotted-number",
        re.compile(rf"^(?P<label>{_BULLET}[0-9０-９]{{1,3}}(?:\.(?![0-9０-９])|．))\s*"),
    ),
    ("bare-number", re.compile(rf"^(?P<label>{_BULLET}[0-9０-９]{{1,3}})[ 　\t]+(?=\S)")),
    ("circled-number", re.compile(r"^(?P<label>[①-⑳㉑-㉟])\s*")),
    ("paren-roman", re.compile(r"^(?P<label>[(（](?:i{1,3}|iv|vi{0,3}|ix|xi{0,3})[)）])\s*")),
    ("paren-letter", re.compile(r"^(?P<label>[(（][a-zａ-ｚ][)）])\s*")),
    # ア 金利, イ 償還期間 / (イ) 両首脳は: the kana a Japanese outline numbers items with.
    ("kana", re.compile(r"^(?P<label>[(（][ア-ン][)）]|[ア-ン](?=[ 　]+\S))[ 　]*")),
]
# Section marks: ◆ and friends open a top-level section; Roman numerals number sections,
# with a period (I., Ⅱ．) or a space (Ⅱ 地域協力, III Regional Cooperation); 第1章 too.
MAJOR_MARK = re.compile(r"^(?P<label>[◆◇■□●])\s*(?P<heading>\S.*)$")
ROMAN_HEADING = re.compile(
    r"^(?P<label>(?:[IVX]{1,5}|[Ⅰ-Ⅻ]{1,3}|[ⅩⅠ-Ⅻ]{2,4})\s*[.．])\s*(?P<heading>\S.*)$"
    r"|^(?P<label2>[Ⅰ-Ⅻ]{1,3}|[IVX]{1,5})[ 　]+(?P<heading2>\S.*)$"
    r"|^(?P<label3>第[0-9０-９一二三四五六七八九十]{1,3}[章部節編])[ 　]*(?P<heading3>\S.*)$"
)
# Sentence punctuation inside or at the end of a line.
SENTENCE_PUNCTUATION = re.compile(r"[。、，,．；;]|[.](?:\s|$)")
SENTENCE_END = re.compile(r"[。．！？!?]|[.](?:\s|$)")
# Periods that end an abbreviation, not a sentence: H.E. Mr. Aslov, the U.N. Charter.
ABBREVIATION = re.compile(
    r"\b(?:H\.E|Mr|Ms|Mrs|Dr|Prof|St|No|Nos|Jr|Sr|Co|Ltd|Inc|vs|etc|e\.g|i\.e"
    r"|U\.S|U\.N|U\.K|E\.U)\.(?=\s|$)"
)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` holds a sentence end (。 . ! ?), abbreviations such as H.E. aside."""
    return bool(SENTENCE_END.search(ABBREVIATION.sub("", text)))


# Words by which a title says what kind of text or meeting it is.
NAMES_A_TEXT = re.compile(
    r"声明|宣言|会談|会合|会議|発表|概要|談話|総括|計画|表敬|訪問|訪日|開催|署名|について|結果|出席"
    r"|リリース|ステートメント|協定|合意|覚書|書簡|メッセージ|ロードマップ|サマリー|電話|首脳|外相|大臣"
    r"|統計|議事|条約|演説|挨拶|スピーチ|対話・|会見記録"
    r"|statement|declaration|meeting|talk|release|summary|visit|plan|call|conference"
    r"|message|letter|roadmap|agreement|memorandum|telephone|summit|forum|session|speech"
    r"|remarks|communiqu|exchange|dialogue[:：]|videoconference|treaty|minutes|address",
    re.I,
)


# The marks a list copied as text keeps before each item: • and, in Japanese, ・.
BULLET_MARKS = ("•", "・")


# (Reporter), (Prime Minister Takaichi), (記者), (高市総理): who speaks, alone on the line
# above what they say, as the Prime Minister's Office records a press conference.
SPEAKER_LABEL = re.compile(
    r"^[(（](?:記者|司会|質問者|[^()（）。]{0,12}(?:総理|大臣|長官|報道官|副大臣)"
    r"|Reporter|Moderator|Questioner"
    r"|(?:Prime |Chief Cabinet )?(?:Minister|Secretary)[^()]{0,40})[)）]$"
)


# The heading a press conference record opens with. Over a topic heading of its own it holds
# every topic after it, the questions' too; it never titles the record.
OPENING_REMARKS = re.compile(r"^(?:冒頭発言|Opening (?:Remarks|Statement)s?)$", re.I)


# How a speaker greets the audience: a line of its own, whole though it ends in a comma.
SALUTATION = re.compile(
    r"^(?:(?:Distinguished|Honou?rable|Dear)\s[\w ,'.-]{1,80}|Ladies and gentlemen"
    r"|(?:Your )?Excellenc(?:y|ies)(?:[, ]\s*[\w ,.'-]{1,100})?|Mr\.? (?:Chairman|President)"
    r"|(?:ご列席の|ご来場の|お集まりの)?(?:皆様|皆さん)"
    # マラヒモフ国民教育大臣、: the first person a Japanese speech addresses, by office.
    r"|[^。、,，\s]{1,30}(?:大臣|大統領|首相|大使|閣下|議長|長官|知事|市長|校長))[、，,!！]?$",
    re.I,
)
# A title that names a speech: its opening, before its first heading, is its preamble.
NAMES_A_SPEECH = re.compile(r"演説|スピーチ|挨拶|あいさつ|speech|address", re.I)
# A speech's introduction under a heading of its own (はじめに, (冒頭)): its preamble too.
INTRODUCTION = re.compile(r"^[(（]?(?:はじめに|冒頭|序論|Introduction)[)）]?$", re.I)


# A line that ends like this goes on: a list of recitals, or a wrapped clause.
CONTINUES = re.compile(r"[、，,;；:：]$")


def numbering(text: str) -> tuple[str, str] | None:
    """(style, printed label) when the line starts with a clause number."""
    for style, pattern in NUMBERING:
        match = pattern.match(text)
        if match:
            return style, match.group("label")
    return None


# An annex starts a part of its own, beside the body's top-level sections.
ANNEX = re.compile(
    r"^(?:別添|別紙|附属書|付属書|Annex|Attachment|Appendix)(?:\s*[0-9０-９IVX]{0,3})$", re.I
)


# [参考1] 河野外務大臣出張日程, (Reference 2) Previous Tokyo Dialogues, （参考）: the reference
# part a ministry page adds after the text, as a heading over its items. A reference mark
# followed by a sentence is a note instead (backmatter.NOTE).
REFERENCE = re.compile(
    r"^(?P<label>[［\[【(（]\s*(?:参考|Reference)\s*[0-9０-９]*\s*[］\]】)）])\s*(?P<heading>.*)$",
    re.I,
)


_GLOSS = re.compile(r"[(（][^()（）]*(?:[)）]|$)")
# A sentence after a mark (● 本年は、…を迎え、…。): an item marked as a list's, not a heading.
_SENTENCE_INSIDE = re.compile(r"[。．]|[、，].*[、，]")


def marked_heading(text: str) -> tuple[str, str, int] | None:
    """(label, heading, rank) for a line with a section mark; rank 0 is ◆, an annex or a
    reference part, 1 Roman or 第N章."""
    if (match := MAJOR_MARK.match(text)) and not _SENTENCE_INSIDE.search(match.group("heading")):
        return match.group("label"), match.group("heading"), 0
    # What a reference part's name explains in brackets (CA+JAD、Central Asia plus …) is no
    # sentence of it.
    if (match := REFERENCE.match(text)) and (
        not match.group("heading")
        or looks_like_heading(_GLOSS.sub("", match.group("heading")) or "-")
    ):
        return match.group("label"), match.group("heading"), 0
    if ANNEX.match(text.strip()):
        return "", text.strip(), 0
    if match := ROMAN_HEADING.match(text):
        label = match.group("label") or match.group("label2") or match.group("label3")
        heading = match.group("heading") or match.group("heading2") or match.group("heading3")
        if match.group("label2") and not looks_like_heading(heading):
            return None  # "I would like …" is a sentence, not heading I
        return label, heading, 1
    return None


def display_width(text: str) -> int:
    """Columns the text takes in a fixed-width layout: full-width characters count two."""
    return sum(2 if is_wide(c) else 1 for c in text)


def is_japanese(text: str) -> bool:
    """Whether the line is set as Japanese: a full-width character among its first 40."""
    return any(is_wide(c) for c in text[:40])


def looks_like_heading(text: str) -> bool:
    """Short, with no sentence punctuation at its end or inside: 経済分野, Outcome of the Talks.

    English commas are allowed (Peace, Stability and Security); a trailing comma is not,
    since a recital or a wrapped sentence ends that way.
    """
    text = text.strip()
    if not text or ends_sentence(text) or CONTINUES.search(text):
        return False
    if "。" in text:
        return False
    if is_japanese(text):
        # Japanese headings list with ・, not 、: a short line with 、 is a cut sentence.
        return len(text) <= 50 and "、" not in text and "，" not in text
    return len(text) <= 90 and len(text.split()) <= 14 and not text[0].islower()
