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


@dataclass(frozen=True)
class Facet:
    name: str  # the search index's field
    param: str  # the URL parameter
    lookup: str  # from a Work, in the database
    title: Promise  # heading of its list of values
    label: Callable[[str], str]  # a value as the interface shows it


FACETS = (
    Facet("language", "lang", "documents__language", _("Language"), language_label),
    Facet("year", "year", "date__year", _("Year"), year_label),
    Facet("kind", "kind", "kind", _("Kind"), kind_label),
    Facet("series", "series", "series", _("Series"), series_label),
    Facet("country", "country", "countries__code", _("Country"), country_label),
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
