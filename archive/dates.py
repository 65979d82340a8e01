"""Reading dates as diplomatic texts print them: 2025年12月20日, ２０１７年５月１日, 平成22年8月7日,
令和元年, 平成二十二年八月七日, December 20, 2025, 20 December 2025."""

import datetime
import re
import unicodedata

ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}
KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}

_NUM = r"[0-9〇零一二三四五六七八九十]+|元"
JA_DATE = re.compile(
    rf"(?P<era>令和|平成|昭和|大正|明治)?\s*(?P<year>{_NUM})\s*年\s*(?P<month>{_NUM})\s*月"
    rf"\s*(?P<day>{_NUM})\s*日"
)
_MONTH_NAMES = "|".join(m.capitalize() for m in MONTHS)
EN_DATE_MDY = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b"
)
EN_DATE_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_NAMES}),?\s+(?P<year>\d{{4}})\b"
)


def kanji_number(text: str) -> int:
    """Read 22, 二十二, 二二, 元 (the first year of an era) as an integer."""
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(KANJI_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (KANJI_DIGITS[tens] if tens else 1) * 10 + (KANJI_DIGITS[ones] if ones else 0)


def find_date(text: str) -> tuple[datetime.date, re.Match] | None:
    """The first date printed in `text`, with the match (on the NFKC form, same length here)."""
    folded = unicodedata.normalize("NFKC", text)
    candidates = []
    for pattern in (JA_DATE, EN_DATE_MDY, EN_DATE_DMY):
        match = pattern.search(folded)
        if match:
            candidates.append(match)
    for match in sorted(candidates, key=lambda m: m.start()):
        date = _to_date(match)
        if date:
            return date, match
    return None


def parse_date(text: str) -> datetime.date | None:
    found = find_date(text)
    return found[0] if found else None


def _to_date(match: re.Match) -> datetime.date | None:
    groups = match.groupdict()
    try:
        if groups["month"].isalpha() and groups["month"].lower() in MONTHS:
            return datetime.date(
                int(groups["year"]), MONTHS[groups["month"].lower()], int(groups["day"])
            )
        year = kanji_number(groups["year"])
        if groups.get("era"):
            year += ERAS[groups["era"]]
        return datetime.date(year, kanji_number(groups["month"]), kanji_number(groups["day"]))
    except (KeyError, ValueError):
        return None
