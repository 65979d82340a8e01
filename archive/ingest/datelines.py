"""Lines that date a text or say where it was issued: 2017年5月1日，アシガバット市, Tokyo,
December 19, 2019, 於：外務省, a month alone (February, 2010). Shared by the front matter,
the back matter and the body, where such a line stands apart from the clauses."""

import re
import unicodedata

from archive.ingest import dates, gazetteer
from archive.ingest.lines import SENTENCE_PUNCTUATION

# A month with no day (February, 2010; 平成22年2月): it dates a text no more closely.
_MONTH_LINE = re.compile(
    r"^(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December),?\s+\d{4}|\d{4}年\s*\d{1,2}月|(?:平成|令和|昭和)\s*(?:\d{1,2}|元)年\s*\d{1,2}月)$",
    re.I,
)


def is_dateline(text: str, place: bool = True) -> bool:
    """A line that is a date (or a span of days), with at most a place beside it."""
    if _MONTH_LINE.match(unicodedata.normalize("NFKC", text).strip()):
        return True
    parts = dates.dateline_parts(text)
    if parts is None:
        return False
    before, after = parts
    after = re.sub(r"^(?:にて|において|於|in|at)\s*|\s*(?:にて|において)$", "", after)
    if not place:
        return not before and not after
    if before and after:
        return False
    rest = re.sub(r"\s+city$", "", before or after)  # 24.10.2015 13:11, Dushanbe city
    if _CITY_AND_COUNTRY.fullmatch(rest):
        return True  # Dushanbe, Republic of Tajikistan
    # What stands beside the date is a place (アシガバット市, Dushanbe), not a sentence.
    return (
        len(rest) <= 30
        and not SENTENCE_PUNCTUATION.search(rest.strip(" ."))
        and not re.search(r"[\u3040-\u309f「」『』（）()]", rest)
        and not re.search(r"\b[a-z]+\b", rest)  # Done at Tokyo on …: a sentence, not a place
    )


_NAME = r"[A-Z][\w'-]*(?:\s+(?:of\s+(?:the\s+)?|the\s+)?[A-Z][\w'-]*)*"


_VENUE = re.compile(r"^(?:於|場所|Venue)\s*[:：]\s*\S.{0,38}$|^於\s*\S.{0,38}$", re.I)


_CITY_AND_COUNTRY = re.compile(rf"{_NAME}(?:,\s*{_NAME}){{0,2}}")


# 於：東京, Venue: Tokyo, or a known place alone on its line (タシケント, Tokyo).
_PLACE_PREFIX = re.compile(r"^(?:於\s*[:：]?|場所\s*[:：]|(?:Venue|Place)\s*:)\s*", re.I)


def is_place_line(text: str) -> bool:
    """A line that only names where the text was issued: a place the gazetteer knows, or
    any venue after 於 / Venue: (於：外務省国際会議室)."""
    if _VENUE.match(text.strip()):
        return True
    name = _PLACE_PREFIX.sub("", text.strip()).strip(" 　()（）")
    name = re.sub(r"市$", "", name)
    return bool(name) and gazetteer.PLACES.get(name) is not None
