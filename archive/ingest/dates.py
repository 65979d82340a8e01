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

# Abbreviated as pages print them (Oct 3, 2031; 5 Sept. 2031): the name, a period or none.
ABBREVIATED = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8}
ABBREVIATED |= {"sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12}


def month_number(name: str) -> int:
    """January, Jan or Jan. → 1 (KeyError for no month)."""
    name = name.lower().rstrip(".")
    return MONTHS[name] if name in MONTHS else ABBREVIATED[name]


def _named(month: str) -> bool:
    """A month printed by its English name (March, Mar.), not by a number or a kanji."""
    return month[:1].isascii() and month[:1].isalpha()


_NUM = r"[0-9〇零一二三四五六七八九十]+|元"
JA_DATE = re.compile(
    rf"(?P<era>令和|平成|昭和|大正|明治)?\s*(?P<year>{_NUM})\s*年\s*(?P<month>{_NUM})\s*月"
    rf"\s*(?P<day>{_NUM})\s*日"
)
# Full names first: an alternation takes the first that matches (June before Jun).
_MONTH_NAMES = "|".join(
    [m.capitalize() for m in MONTHS] + [rf"{m.capitalize()}\.?" for m in ABBREVIATED]
)
EN_DATE_MDY = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b"
)
EN_DATE_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_NAMES}),?\s+(?P<year>\d{{4}})\b"
)


# 2022/1/26, 2022-01-26 or 2025.12.22, as a web page or a database prints the day it posted;
# 24/12/2022 and 24.12.2022, day first, as Central Asian sites print it (12/24/2022, month
# first, where the day is > 12).
NUMERIC_DATE = re.compile(
    r"(?<![0-9/.])(?:(?P<year>(?:19|20)\d\d)(?P<ysep>[/.-])(?P<month>\d{1,2})(?P=ysep)"
    r"(?P<day>\d{1,2})"
    r"|(?P<first>\d{1,2})(?P<sep>[/.])(?P<second>\d{1,2})(?P=sep)(?P<year2>(?:19|20)\d\d))"
    r"(?![0-9/]|\.\d)"  # a full stop may end the sentence (DUSHANBE, 02.05.2031. …)
)


_DASH = r"(?:-|–|—|―|‐|－|~|〜|～|to|through|until)"
# 2013年5月14日から16日まで, 2013年5月14日～6月2日, 2013年5月14日から2013年5月16日まで
JA_RANGE = re.compile(
    rf"{JA_DATE.pattern}\s*(?:から|{_DASH})\s*(?:(?P<year2>{_NUM})\s*年)?\s*"
    rf"(?:(?P<month2>{_NUM})\s*月)?\s*(?P<day2>{_NUM})\s*日(?:まで)?"
)
# from May 14 to 16, 2013; May 30 - June 2, 2013
EN_RANGE_MDY = re.compile(
    rf"\b(?:from\s+)?(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}})\s*{_DASH}\s*"
    rf"(?:(?P<month2>{_MONTH_NAMES})\s+)?(?P<day2>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b"
)
# 14–16 May 2013; from 30 May to 2 June 2013
EN_RANGE_DMY = re.compile(
    rf"\b(?:from\s+)?(?P<day>\d{{1,2}})(?:\s+(?P<month1>{_MONTH_NAMES}))?\s*{_DASH}\s*"
    rf"(?P<day2>\d{{1,2}})\s+(?P<month>{_MONTH_NAMES}),?\s+(?P<year>\d{{4}})\b"
)


def find_range(text: str) -> tuple[datetime.date, datetime.date, re.Match] | None:
    """The first span of days printed in `text` (a visit, a meeting over several days)."""
    # Weekdays stand between the days of a span (Tuesday, August 29 to Wednesday, August 30).
    folded = re.sub(r"\s+", " ", _WEEKDAY.sub("", unicodedata.normalize("NFKC", text)))
    found = []
    for pattern in (JA_RANGE, EN_RANGE_MDY, EN_RANGE_DMY):
        for match in pattern.finditer(folded):
            span = _to_range(match)
            if span:
                found.append((match.start(), span, match))
                break
    if not found:
        return None
    _, (start, end), match = min(found, key=lambda item: item[0])
    return start, end, match


def _to_range(match: re.Match) -> tuple[datetime.date, datetime.date] | None:
    groups = match.groupdict()
    start = _to_date(match)
    if start is None:
        return None
    try:
        if groups["month"].isalpha():
            month1 = groups.get("month1")
            if month1:  # 30 May to 2 June: the first month is printed with the first day
                start = start.replace(month=month_number(month1))
            month2 = groups.get("month2")
            end_month = month_number(month2) if month2 else start.month
            if month1:
                end_month = month_number(groups["month"])
            end = datetime.date(start.year, end_month, int(groups["day2"]))
        else:
            year = kanji_number(groups["year2"]) if groups.get("year2") else start.year
            if groups.get("year2") and groups.get("era"):
                year += ERAS[groups["era"]]
            month = kanji_number(groups["month2"]) if groups.get("month2") else start.month
            end = datetime.date(year, month, kanji_number(groups["day2"]))
    except (KeyError, ValueError):
        return None
    return (start, end) if start < end <= start + datetime.timedelta(days=31) else None


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
    for pattern in (JA_DATE, EN_DATE_MDY, EN_DATE_DMY, NUMERIC_DATE):
        match = pattern.search(folded)
        if match:
            candidates.append(match)
    for match in sorted(candidates, key=lambda m: m.start()):
        date = _to_date(match)
        if date:
            return date, match
    return None


# A day printed without its year (8月6日（木曜日）、… / On March 12, …): the year comes from
# a date the text prints elsewhere.
JA_MONTH_DAY = re.compile(
    rf"(?<![年0-9〇一二三四五六七八九十])(?P<month>{_NUM})\s*月\s*(?P<day>{_NUM})\s*日"
)
EN_MONTH_DAY = re.compile(
    rf"\b(?:(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s+"
    rf"(?P<month2>{_MONTH_NAMES}))\b(?!,?\s+\d{{4}})"
)


def find_all(text: str, year: int | None = None) -> list[tuple[datetime.date, re.Match]]:
    """Every date printed in `text`, in order (matches on the NFKC form); with `year`, also the
    days printed without one, taken to be in that year."""
    folded = unicodedata.normalize("NFKC", text)
    found = []
    for pattern in (JA_DATE, EN_DATE_MDY, EN_DATE_DMY, NUMERIC_DATE):
        for match in pattern.finditer(folded):
            if date := _to_date(match):
                found.append((date, match))
    if year is not None:
        taken = [match.span() for _date, match in found]
        for pattern in (JA_MONTH_DAY, EN_MONTH_DAY):
            for match in pattern.finditer(folded):
                inside = any(a <= match.start() < b for a, b in taken)
                if not inside and (day := _month_day(match, year)):
                    found.append((day, match))
    return sorted(found, key=lambda item: item[1].start())


def _month_day(match: re.Match, year: int) -> datetime.date | None:
    groups = match.groupdict()
    try:
        month = groups["month"] or groups.get("month2")
        day = groups["day"] or groups.get("day2")
        number = month_number(month) if _named(month) else kanji_number(month)
        return datetime.date(year, number, kanji_number(day))
    except (KeyError, ValueError, AttributeError):
        return None


# What a dateline prints beside the day that is neither date nor place: the weekday, the hour.
_WEEKDAY = re.compile(
    r"[(（]\s*[月火水木金土日](?:曜日?)?\s*[)）]|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b,?",
    re.I,
)
_TIME = re.compile(
    r"\b\d{1,2}[:：]\d{2}(?:[:：]\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)?"
    r"|(?:午[前後]\s*)?\d{1,2}時(?:\d{1,2}分)?",
    re.I,
)


# A day with its weekday, then what happened on it: the first line of a day's row in a
# programme table flattened to text (8月15日(水曜日) 外相表敬).
_DAY_ROW = re.compile(
    r"^\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[(（]\s*[月火水木金土日](?:曜日?)?\s*[)）]\s+\S"
)


def opens_day_row(text: str) -> bool:
    """Whether `text` opens a day's row of a flattened programme: the day, then its events."""
    return bool(_DAY_ROW.match(unicodedata.normalize("NFKC", text)))


def is_day_line(text: str) -> bool:
    """A day alone on its line with its weekday (6月2日(月曜日), Monday, June 2): a day of a
    programme, over that day's events."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _WEEKDAY.search(folded):
        return False
    rest = re.sub(r"\s+", " ", _WEEKDAY.sub("", folded)).strip(" ,、")
    patterns = (JA_MONTH_DAY, EN_MONTH_DAY, JA_DATE, EN_DATE_MDY, EN_DATE_DMY)
    return any(pattern.fullmatch(rest) for pattern in patterns)


def dateline_parts(text: str) -> tuple[str, str] | None:
    """(before, after): what a line prints before and after its date, weekday and hour left
    out (`Saturday, May 18, 2019, 7:33 p.m. Dushanbe` → ("", "Dushanbe")); None without a
    date."""
    inner = re.sub(r"\s+", " ", _TIME.sub("", _WEEKDAY.sub("", text)))
    inner = inner.strip().lstrip("•・ ").strip("()（）[]［］")
    found = find_range(inner) or find_date(inner)
    if not found:
        return None
    match = found[-1]
    # (2014年7月16日付): the date a text bears, 付 saying only that.
    after = re.sub(r"^付け?(?![\w])", "", inner[match.end() :])
    # [Cabinet Office] [Tuesday, Oct 27, 2015]: each field in its own brackets, the first
    # naming who issued the text, not where.
    before = inner[: match.start()].strip(" ，,、　")
    if re.fullmatch(r"[^\[\]［］]+[\]］]\s*[\[［]", before):
        before = ""
    return before, after.strip(" ，,、　.[]［］")


def parse_date(text: str) -> datetime.date | None:
    found = find_date(text)
    return found[0] if found else None


def _to_date(match: re.Match) -> datetime.date | None:
    groups = match.groupdict()
    if groups.get("year2"):
        first, second = int(groups["first"]), int(groups["second"])
        day, month = (second, first) if second > 12 else (first, second)
        try:
            return datetime.date(int(groups["year2"]), month, day)
        except ValueError:
            return None
    try:
        if _named(groups["month"]):
            return datetime.date(
                int(groups["year"]), month_number(groups["month"]), int(groups["day"])
            )
        year = kanji_number(groups["year"])
        if groups.get("era"):
            year += ERAS[groups["era"]]
        return datetime.date(year, kanji_number(groups["month"]), kanji_number(groups["day"]))
    except (KeyError, ValueError):
        return None
