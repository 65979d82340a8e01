"""The facets a reader filters by, defined once: language, year, kind, series, country.

Each facet names its URL parameter (the same on /documents/, /search/ and the API), the field
the search index holds it in, the lookup from a Work in the database, its heading, and how a
value is shown in the interface's language. Browse, the search form, the facet lists, the
filter summaries and the bench all read this table.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from archive.ingest.gazetteer import COUNTRIES
from archive.models import Kind

# Language names in each voice: the interface's, or a citation's (archive.citations).
LANGUAGES = {
    "ja": {"ja": "日本語", "en": "Japanese"},
    "en": {"ja": "英語", "en": "English"},
    "ru": {"ja": "ロシア語", "en": "Russian"},
}
# Series as the manifest names them (in English), shown in the interface's language.
SERIES = {
    "Central Asia + Japan Dialogue Summit": _("Central Asia + Japan Dialogue Summit"),
    "Central Asia + Japan Dialogue Foreign Ministers' Meeting": _(
        "Central Asia + Japan Dialogue Foreign Ministers' Meeting"
    ),
    "Bilateral summit meetings": _("Bilateral summit meetings"),
}


def japanese_interface() -> bool:
    return (get_language() or "en").startswith("ja")


def language_label(code: str, voice: str = "") -> str:
    """A language's name in `voice` ("ja" or "en"; the interface's language by default)."""
    voice = voice or ("ja" if japanese_interface() else "en")
    return LANGUAGES.get(code, {}).get(voice, code)


def country_label(code: str) -> str:
    names = COUNTRIES.get(code)
    if not names:
        return code
    return names[1] if japanese_interface() else names[0]


def kind_label(value: str) -> str:
    return str(dict(Kind.choices).get(value, value))


def series_label(value: str) -> str:
    return str(SERIES.get(value, value))


def year_label(value: str) -> str:
    return f"{value}年" if japanese_interface() and value.isdigit() else value


def is_language(value: str) -> bool:
    return value in LANGUAGES


def is_year(value: str) -> bool:
    """Four ASCII digits: ２０２５, ² or 10000 are no year the database or the index holds."""
    return len(value) == 4 and value.isascii() and value.isdigit() and value != "0000"


def is_kind(value: str) -> bool:
    return value in Kind.values


def is_series(value: str) -> bool:
    return len(value) <= 200


def is_country(value: str) -> bool:
    return len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()


@dataclass(frozen=True)
class Facet:
    name: str  # the search index's field
    param: str  # the URL parameter
    lookup: str  # from a Work, in the database
    title: Promise  # heading of its list of values
    label: Callable[[str], str]  # a value as the interface shows it
    accepts: Callable[[str], bool]  # whether a value can be one: browse and search alike
    rule: Promise  # what a value must be, as the search page and the API say it
    ignored: Promise  # browse's notice for a value that cannot be one (%(value)s, %(name)s)


_NOT_A_CODE = _("“%(value)s” is not a two-letter code; the %(name)s filter was ignored.")

FACETS = (
    Facet(
        "language",
        "lang",
        "documents__language",
        _("Language"),
        language_label,
        is_language,
        _("lang must be a language code the archive knows: ja, en or ru."),
        _NOT_A_CODE,
    ),
    Facet(
        "year",
        "year",
        "date__year",
        _("Year"),
        year_label,
        is_year,
        _("year must be four digits, such as 2025."),
        _("“%(value)s” is not a year; the year filter was ignored."),
    ),
    Facet(
        "kind",
        "kind",
        "kind",
        _("Kind"),
        kind_label,
        is_kind,
        _("kind must be a kind of document such as joint-statement."),
        _("“%(value)s” is not a kind of text; the kind filter was ignored."),
    ),
    Facet(
        "series",
        "series",
        "series",
        _("Series"),
        series_label,
        is_series,
        _("series is too long."),
        _("“%(value)s” is too long to be a series; the series filter was ignored."),
    ),
    Facet(
        "country",
        "country",
        "countries__code",
        _("Country"),
        country_label,
        is_country,
        _("country must be a two-letter ISO code such as KZ."),
        _NOT_A_CODE,
    ),
)
BY_NAME = {facet.name: facet for facet in FACETS}
BY_PARAM = {facet.param: facet for facet in FACETS}


def summary(active: dict[str, str]) -> list[tuple[str, str]]:
    """(facet heading, value label) for each active filter, keyed by URL parameter."""
    return [
        (str(BY_PARAM[param].title), BY_PARAM[param].label(value))
        for param, value in active.items()
        if param in BY_PARAM
    ]


def toggled(query, param: str, value: str | None) -> str:
    """The query string `query` (a QueryDict) with `param` set to `value`, or removed when
    `value` is None, and the page reset: how a facet link adds or removes its filter while
    keeping the others."""
    query = query.copy()
    query.pop("page", None)
    if value is None:
        query.pop(param, None)
    else:
        query[param] = value
    return f"?{query.urlencode()}"
