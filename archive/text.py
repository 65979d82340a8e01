"""How text is folded before it is compared, in one place and with no Django: search (the index,
queries, highlighting) and recurring language fold alike, so a clause that one of them takes
for the same words as another, the other does too."""

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
