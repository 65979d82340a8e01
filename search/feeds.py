"""The Atom feed of a search (/search/feed?q=…): the newest clauses that match, so that a
researcher can follow a topic.

The parameters are the search page's, checked by its form. Where the page ignores an invalid
filter and says so, the feed answers 400: a feed program shows no notices, and a feed that
quietly dropped a filter would follow a different topic than the one asked for.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from archive import facets
from archive.citations import paragraph_reference
from archive.feeds import ENTRIES, VersionEntries, voice
from archive.models import Document
from search.forms import SearchForm
from search.results import Hit, SearchUnavailable
from search.searching import all_matches

SUMMARY_CHARS = 600  # a clause can run to thousands of characters; the entry links to it


class BadSearch(Exception):
    """The parameters cannot make a feed; the message says what to change."""


@dataclass(frozen=True)
class FollowedSearch:
    """A valid search and its newest hits, as the feed describes them."""

    request: HttpRequest
    query: str  # as the search understood it (ParsedQuery.normalized)
    params: dict[str, str]  # the valid parameters, always in the same order
    notices: list[str]
    hits: list[Hit]

    def url(self, name: str, **extra: str) -> str:
        return f"{reverse(name)}?{urlencode({**self.params, **extra})}"


def plain_text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def followed_params(form: SearchForm) -> dict[str, str]:
    """q, the facet filters and doc, without sort and page (a feed has its own order and
    one page): the same search always has the same feed address, hence the same feed id."""
    data = form.cleaned_data
    names = ["q", *(facet.param for facet in facets.FACETS), "doc"]
    return {name: data[name] for name in names if data.get(name)}


class SearchFeed(VersionEntries, Feed):
    """Up to ENTRIES clauses, by the date of their text, newest first; each version of a clause
    is its own entry, as in the API (a feed for lang=en then holds the English ones)."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadSearch as error:
            return plain_text(str(error), 400)
        except SearchUnavailable as error:
            return plain_text(str(error), 503)

    def get_object(self, request) -> FollowedSearch:
        form = SearchForm(request.GET)
        if not form.is_valid():
            raise BadSearch(" ".join(form.problems()))
        if not form.cleaned_data["q"].strip():
            raise BadSearch(_("A search feed needs a search: add q=…, as in /search/feed?q=GOSAT."))
        search = replace(form.search_request(), sort="date", page=1, per_page=ENTRIES)
        parsed, hits = all_matches(search, limit=ENTRIES)  # one query for the clauses
        if parsed.query is None:  # nothing left to search once the query was repaired
            raise BadSearch(" ".join(parsed.notices))
        return FollowedSearch(
            request, parsed.normalized, followed_params(form), parsed.notices, hits
        )

    def title(self, search: FollowedSearch) -> str:
        title = _("Clauses matching “%(q)s”") % {"q": search.query}
        filters = facets.summary(search.params)
        if "doc" in search.params:
            filters.append((_("Document"), search.params["doc"]))
        if filters:
            title += " (" + ", ".join(f"{name}: {value}" for name, value in filters) + ")"
        return f"{title} · {_('Central Asia + Japan Diplomatic Texts')}"

    def subtitle(self, search: FollowedSearch) -> str:
        newest = _("The newest matching clauses, up to %(count)s, by the date of their text.") % {
            "count": ENTRIES
        }
        return " ".join([newest, *search.notices])

    def link(self, search: FollowedSearch) -> str:
        return search.url("search:results", sort="date")

    def feed_url(self, search: FollowedSearch) -> str:
        return search.url("search:feed")

    def feed_guid(self, search: FollowedSearch) -> str:
        return search.request.build_absolute_uri(search.url("search:feed"))

    def items(self, search: FollowedSearch) -> list[Hit]:
        return search.hits

    def version(self, hit: Hit) -> Document:
        return hit.clause.document

    def item_title(self, hit: Hit) -> str:
        """'Tokyo Declaration, para. 14' / '東京宣言 第14項': as a citation names the clause."""
        document = hit.clause.document
        reference = paragraph_reference(hit.clause, voice(document))
        separator = " " if voice(document) == "ja" else ", "
        return f"{document.title}{separator}{reference}"

    def item_link(self, hit: Hit) -> str:
        return hit.clause.get_permalink()  # also the entry's id, made absolute by Django

    def item_description(self, hit: Hit) -> str:
        # Escaped, its paragraphs kept apart: Django's Atom summary is of type html.
        return linebreaksbr(Truncator(hit.clause.text).chars(SUMMARY_CHARS))
