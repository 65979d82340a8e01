"""Validating search parameters: the page shows what was wrong, the API answers 400."""

from dataclasses import replace

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.facets import FACETS
from search.concordance import SORTS as CONCORDANCE_SORTS
from search.results import PER_PAGE, SORTS, SearchRequest

MAX_PAGE = 1000


class FacetField(forms.CharField):
    """A facet's URL parameter: valid when its facet accepts the value (archive.facets says
    what each must be, for browse and search alike)."""

    def __init__(self, facet, **kwargs):
        self.facet = facet
        super().__init__(required=False, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not self.facet.accepts(value):
            raise forms.ValidationError(self.facet.rule)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=False)
    doc = forms.SlugField(required=False, max_length=120)
    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    error_messages = {
        "doc": _("doc must be a document's slug."),
        "sort": _("sort must be relevance, date or oldest."),
        "page": _("page must be a whole number from 1 to 1000."),
        **{facet.param: facet.rule for facet in FACETS},
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for facet in FACETS:
            self.fields[facet.param] = FacetField(facet)

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


class ConcordanceForm(SearchForm):
    """A search, with the concordance's own orders and its parallel lines."""

    sort = forms.ChoiceField(choices=[(s, s) for s in CONCORDANCE_SORTS], required=False)
    # "on" is what the page's checkbox sends.
    parallel = forms.ChoiceField(choices=[(s, s) for s in ("on", "true", "false")], required=False)

    error_messages = {
        **SearchForm.error_messages,
        "sort": _("sort must be oldest, date, text, L1, L2, L3, R1, R2 or R3."),
        "parallel": _("parallel must be on, true or false."),
    }

    def order(self) -> str:
        return self.cleaned_data.get("sort") or "oldest"

    def parallel_lines(self) -> bool:
        return self.cleaned_data.get("parallel") in ("on", "true")

    def search_request(self, group_versions: bool = False, prefer: str = "") -> SearchRequest:
        # The concordance orders its lines itself (search.concordance).
        return replace(super().search_request(group_versions, prefer), sort="relevance")
