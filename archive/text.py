"""How text is folded before it is compared, and which characters are Japanese, in one place and
with no Django: search (the index, queries, highlighting), recurring language and the importer
fold and tell scripts alike, so a clause that one of them takes for the same words as another,
the other does too."""

import re
import unicodedata

# Variant kanji that the source documents mix for the same word (002 prints 互惠 and 強靱, the
# others 互恵; IMEs type 強靭). NFKC leaves them alone because both forms are unified
# ideographs, so a reader typing the common form would miss the other. Keep the table small:
# pairs seen in the texts, or old forms of characters they use.
VARIANT_KANJI = str.maketrans(
    {
        "惠": "恵",  # 互惠 (002) vs 互恵 (000, 003, 004)
        "靱": "靭",  # 強靱 (002) vs 強靭 as typed
        "敎": "教",  # older printed form of 教
    }
)


def fold(text: str) -> str:
    """NFKC, then casefold, then NFKC again (casefold can leave text that NFKC would change,
    and the other way round: Unicode's NFKC_Casefold in effect), then the variant kanji."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", folded).translate(VARIANT_KANJI)


# The characters Japanese is written in: hiragana, katakana, the iteration marks, kanji. The
# katakana include ー and exclude ・ and ゠, which join the parts of a foreign name.
KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
JAPANESE = (
    "\u3041-\u309f"  # hiragana and voicing marks
    + KATAKANA
    + "\u3005-\u3007\u303b"  # 々 〆 〇 〻
    + "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # kanji
)
_JAPANESE_CHARACTER = re.compile(f"[{JAPANESE}]")


def has_japanese(text: str) -> bool:
    """Whether `text` holds a character of Japanese script (kana or kanji)."""
    return bool(_JAPANESE_CHARACTER.search(text))


def is_wide(char: str) -> bool:
    """Whether a character is set full width, as Japanese typesetting sets kana, kanji, its
    punctuation (、。「」) and full-width forms: what a line's width counts double."""
    return bool(char) and unicodedata.east_asian_width(char) in "WF"


# XML 1.0 forbids these characters (https://www.w3.org/TR/xml/#charsets): control characters
# but tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold: for the XML files the archive
    writes (TEI, TMX, Atom), never for the text it stores."""
    return _NOT_XML.sub("", text)
