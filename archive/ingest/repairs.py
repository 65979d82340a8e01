"""Named repair steps for text extracted from PDFs and web pages: markup, wraps, page breaks.

Each step is a small pure function, tested on the defect it fixes. None of them drops a character
of the text itself: markup (`**`, `#`, `<sup>`, list dashes) is the only thing removed, and
`MARKUP` says exactly what, so the "no text lost" check can remove the same from the source.
"""

import re
import unicodedata

from archive.text import is_wide

# Markup the importer removes; everything else in a source file ends up in the archive.
MARKUP = re.compile(
    r"\*\*|</?(?:sup|sub|b|i|strong|em)>|^\s*#{1,6}\s+|^\s*[-*]\s+(?=\S)(?!.*\s[-*][ \t]*$)", re.M
)

# A paragraph ends with a full stop, colon, question or exclamation mark, possibly followed by
# closing quotes or brackets. Anything else (、 ， , or a letter) means the text goes on.
_CLOSED = re.compile(r"[。．！？!?：:.;；](?:[」』）)”\"'’\]])*$")
# A list dash is markup only when an item follows on the same line, and not when a dash closes
# the line too: "- A New Stage of Partnership -" is a subtitle framed by dashes.
_BULLET = re.compile(r"^[-*]\s+(?=\S)(?!.*\s[-*]$)")
_HEADING_HASHES = re.compile(r"^#{1,6}\s+")
_INLINE_TAGS = re.compile(r"</?(?:sup|sub|b|i|strong|em)>")


def strip_markup(line: str) -> tuple[str, bool, bool, bool]:
    """Remove markdown and tags from one line.

    Returns (text, was_bold, was_heading, was_bullet): whether the line was wholly bold, a
    markdown heading (`##`), or a list item (`- `). Those flags are structure the parser uses.
    """
    text = line.strip()
    was_heading = bool(_HEADING_HASHES.match(text))
    text = _HEADING_HASHES.sub("", text)
    was_bullet = bool(_BULLET.match(text))
    text = _BULLET.sub("", text)
    was_bold = text.startswith("**") or text.endswith("**")
    text = text.replace("**", "")
    text = _INLINE_TAGS.sub("", text)
    return text.strip(), was_bold, was_heading, was_bullet


# A remark in brackets after the last full stop (…締結した。（5月22日に署名済み）) ends nothing.
_AFTERWORD = re.compile(r"(?<=[。．.!?！？])\s*[(（][^()（）]{1,60}[)）]$")
# Titles that a name always follows: a line ending in one never ends a sentence.
_TITLE_ABBREVIATION = re.compile(r"\b(?:H\.E|Mr|Ms|Mrs|Dr|Prof|St|No|Nos)\.$")


def ends_paragraph(text: str) -> bool:
    """True when `text` ends a sentence; a PDF line or page break after it is a real break."""
    text = _AFTERWORD.sub("", text.rstrip())
    return bool(_CLOSED.search(text)) and not _TITLE_ABBREVIATION.search(text)


def join_wrapped(first: str, second: str, language: str) -> str:
    """Join two pieces of one paragraph that a line wrap or page break separated.

    Japanese joins with no space (「とい」+「う。」). English joins with one space, except after a
    hyphen inside a word, which is kept as printed. Two Latin words inside a Japanese text are
    kept apart by a space, since a wrap there falls between words far more often than inside one.
    """
    first, second = first.rstrip(), second.lstrip()
    if not first or not second:
        return first + second
    last, next_ = first[-1], second[0]
    if language == "ja" or (is_wide(last) and is_wide(next_)):
        latin_pair = last.isascii() and last.isalnum() and next_.isascii() and next_.isalnum()
        return first + (" " if latin_pair else "") + second
    if last == "-" and len(first) > 1 and first[-2].isalpha():
        return first + second
    return f"{first} {second}"


_LISTED_LABEL = re.compile(r"^\s*[•・]?\s*\d{1,3}\s*\.\s*(?:\(\s*(\d{1,3})\s*\)|(\d{1,3}))\s*$")


def normalize_label(printed: str) -> str:
    """The label a clause is cited by: (4 1) → 41, （50） → 50, １４ → 14, ① → 1, (a) → a,
    and 1. (1) or 1. 1 → 1: a copied list numbers its items again before the label they
    print."""
    folded = unicodedata.normalize("NFKC", printed)
    if listed := _LISTED_LABEL.match(folded):
        return listed.group(1) or listed.group(2)
    folded = re.sub(r"[\s()（）.．、•・]", "", folded)
    if folded in _KANA:
        return _KANA[folded]  # ア → a, ロ → ro: a label that can stand in a link
    return folded.lower()


# The kana an outline numbers its items with (ア, イ, ウ … or イ, ロ, ハ …), as romaji.
_KANA = dict(
    re.findall(
        r"(\S):([a-z]+)",
        "ア:a イ:i ウ:u エ:e オ:o カ:ka キ:ki ク:ku ケ:ke コ:ko サ:sa "
        "シ:shi ス:su セ:se ソ:so タ:ta チ:chi ツ:tsu テ:te ト:to ナ:na ニ:ni "
        "ヌ:nu ネ:ne ノ:no ハ:ha ヒ:hi フ:fu ヘ:he ホ:ho マ:ma ミ:mi ム:mu "
        "メ:me モ:mo ヤ:ya ユ:yu ヨ:yo ラ:ra リ:ri ル:ru レ:re ロ:ro ワ:wa ",
    )
)


def strip_markup_from_source(text: str) -> str:
    """The source with the markup removed, as the "no text lost" check compares against."""
    return MARKUP.sub("", text)
