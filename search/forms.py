"""Validating search parameters: the page shows what was wrong, the API answers 400."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.facets import FACETS, LANGUAGES
from search.results import PER_PAGE, SORTS, SearchRequest

MAX_PAGE = 1000


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=False)
    # ASCII only: \d takes ２０２５, which the index never holds.
    lang = forms.RegexField(regex=r"\A[a-z]{2}\Z", required=False)
    year = forms.RegexField(regex=r"\A[0-9]{4}\Z", required=False)
    kind = forms.RegexField(regex=r"\A[a-z-]{1,40}\Z", required=False)
    series = forms.CharField(required=False, max_length=200)
    country = forms.RegexField(regex=r"\A[A-Z]{2}\Z", required=False)
    doc = forms.SlugField(required=False, max_length=120)
    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    error_messages = {
        "lang": _("lang must be a language code the archive knows: ja, en or ru."),
        "year": _("year must be four digits, such as 2025."),
        "kind": _("kind must be a kind of document such as joint-statement."),
        "country": _("country must be a two-letter ISO code such as KZ."),
        "doc": _("doc must be a document's slug."),
        "sort": _("sort must be relevance, date or oldest."),
        "page": _("page must be a whole number from 1 to 1000."),
        "series": _("series is too long."),
    }

    def clean_lang(self) -> str:
        value = self.cleaned_data.get("lang", "")
        if value and value not in LANGUAGES:
            raise forms.ValidationError("unknown language")
        return value

    def problems(self) -> list[str]:
        return [str(self.error_messages.get(name, e)) for name, e in self.errors.items()]

    def can_search(self) -> bool:
        """Whether there is a valid query to run; invalid filters are left out of
        :meth:`search_request` (the page says so, the API answers 400 instead)."""
        self.is_valid()
        return bool(self.cleaned_data.get("q"))

    def search_request(self, group_versions: bool = False, prefer: str = "") -> SearchRequest:
        data = self.cleaned_data
        filters = tuple(
            (facet.name, data[facet.param]) for facet in FACETS if data.get(facet.param)
        )
        return SearchRequest(
            q=data.get("q") or "",
            filters=filters,
            doc=data.get("doc") or "",
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            per_page=PER_PAGE,
            group_versions=group_versions,
            prefer=prefer,
        )
