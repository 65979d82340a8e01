"""Template tags for how pages name paragraphs, versions, dates and facet values in the
interface's language: the same wording as the citations (archive.citations) and the facet
table (archive.facets)."""

import datetime
import re

from django import template
from django.utils.translation import get_language, gettext

from archive import citations, facets

register = template.Library()


def _voice() -> str:
    return "ja" if (get_language() or "").startswith("ja") else "en"


@register.simple_tag
def paragraph_reference(clause) -> str:
    """'para. 14', 'preamble, para. 1', '15th paragraph (unnumbered in the original)'…"""
    reference = citations.paragraph_reference(clause, _voice())
    return reference[:1].upper() + reference[1:]


@register.simple_tag
def translation_note(document) -> str:
    """'' for an authentic text; 'translation; authentic text in English', '仮訳'…"""
    return citations.translation_note(document, _voice())


@register.filter
def language_name(code: str) -> str:
    return citations.language_name(code, _voice())


@register.filter
def numbered_by_archive(clause) -> bool:
    return citations.is_numbered_by_archive(clause) and not clause.is_preamble


@register.filter
def preamble_number(clause) -> str:
    """'1' for the preamble's label p1; '' for any other clause."""
    label = clause.label
    return label[1:] if clause.is_preamble and label[:1] == "p" and label[1:].isdigit() else ""


# Japanese eras from their first day, newest first: (first day, name).
ERAS = ((datetime.date(2019, 5, 1), "令和"), (datetime.date(1989, 1, 8), "平成"))


def japanese_era(date: datetime.date) -> str:
    """'令和7年12月20日' (元年 for an era's first year); '' before Heisei."""
    for first, name in ERAS:
        if date >= first:
            year = date.year - first.year + 1
            return f"{name}{'元' if year == 1 else year}年{date.month}月{date.day}日"
    return ""


@register.filter
def reader_date(date) -> str:
    """A date as the interface writes it: 2025年12月20日 in Japanese, 2025-12-20 in English;
    '' for no date. The era is in the element's title (see the reader_date_title filter)."""
    if not date:
        return ""
    return f"{date.year}年{date.month}月{date.day}日" if _voice() == "ja" else date.isoformat()


@register.filter
def reader_date_title(date) -> str:
    return japanese_era(date) if date and _voice() == "ja" else ""


@register.filter
def facet_label(value: str, facet_name: str) -> str:
    """A facet's value as the interface shows it: {{ "KZ"|facet_label:"country" }}."""
    facet = facets.BY_NAME.get(facet_name)
    return facet.label(str(value)) if facet else value


_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


@register.simple_tag
def meeting_name(work) -> str:
    """The work's meeting as the interface says it: 1st is 第1回 in Japanese, and a named
    meeting takes the manifest's Japanese name (meeting_ja) when there is one."""
    if _voice() == "ja":
        if ordinal := _ORDINAL.match(work.meeting):
            return f"第{ordinal.group(1)}回"
        return work.meeting_ja or work.meeting
    return work.meeting


@register.simple_tag
def participants(countries) -> str:
    """The participants in the interface's language: 日本、カザフスタン or Japan, Kazakhstan."""
    if _voice() == "ja":
        return "、".join(country.name_ja for country in countries)
    return ", ".join(country.name_en for country in countries)


@register.simple_tag
def meeting_language(work) -> str:
    """The language the meeting's name is shown in, for its lang attribute."""
    if _voice() == "ja" and (_ORDINAL.match(work.meeting) or work.meeting_ja):
        return "ja"
    return "en"


@register.filter
def percent(value: float) -> str:
    """0.654 → '65%': how similar two clauses are."""
    return f"{round(value * 100)}%"


@register.simple_tag
def likeness(similarity: float, pieces) -> str:
    """How alike a clause is to the one it repeats, as the diff beside it shows: similarity
    ignores punctuation and spaces, so a diff with changes is never called 100% the same."""
    if all(op == "same" for op, _text in pieces):
        return gettext("identical")
    if round(similarity * 100) >= 100:
        return gettext("the same words; punctuation or spacing differs")
    return gettext("%(percent)s the same") % {"percent": percent(similarity)}
