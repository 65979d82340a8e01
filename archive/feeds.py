"""The Atom feed of new and changed documents: language versions, the last (re)imported first.

Django's syndication framework writes the XML. `AtomFeed` adds what it leaves out: each entry's
language (`xml:lang`), since one feed lists Japanese and English texts while its own title is in
the reader's interface language. search.feeds builds the feed of a search on the same pieces.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.citations import PUBLISHER, translation_note
from archive.facets import kind_label
from archive.models import Document
from archive.templatetags.citing import reader_date
from archive.text import xml_text

ENTRIES = 50


class AtomFeed(Atom1Feed):
    """Atom 1.0 (RFC 4287) with `xml:lang` on each entry that names its language (§2 allows
    it on any element); an item gets it from the feed's `item_extra_kwargs`. What XML cannot
    carry (a control character a source held) is left out of the feed, never of the archive:
    Django's writer would refuse it and fail the whole feed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_clean(args), **_clean(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_clean(args), **_clean(kwargs))

    def item_attributes(self, item):
        return {"xml:lang": item["language"]} if item.get("language") else {}


def _clean(values):
    """Strings (and lists of them) without the characters XML cannot hold."""
    if isinstance(values, dict):
        return {key: _clean(value) for key, value in values.items()}
    if isinstance(values, list | tuple):
        return type(values)(_clean(value) for value in values)
    return xml_text(values) if isinstance(values, str) else values


def voice(document: Document) -> str:
    """The language an entry about this version is written in, as its citation is."""
    return "ja" if document.language == "ja" else "en"


def place(document: Document) -> str:
    """Where the text was issued, as its citation names it: as printed in Japanese."""
    if voice(document) == "ja":
        return document.place_as_printed or document.place
    return document.place


class VersionEntries:
    """What every entry about a language version says the same way, in either feed; and the
    page a browser gets instead of the XML (a feed reader asks for Atom, a browser for HTML):
    what the feed is, its address to copy, and its entries."""

    feed_type = AtomFeed

    def __call__(self, request, *args, **kwargs):
        wanted = request.get_preferred_type(["application/atom+xml", "text/html"])
        if wanted == "text/html":
            feed = self.get_feed(self.get_object(request, *args, **kwargs), request)
            address = request.build_absolute_uri(request.get_full_path())
            response = render(
                request,
                "feed_page.html",
                {"feed": feed.feed, "entries": feed.items, "address": address},
            )
        else:
            response = super().__call__(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    def item_author_name(self, item) -> str:
        # Every text of the archive is issued by Japan's foreign ministry (archive.citations);
        # with an author on each entry the feed needs none of its own (RFC 4287 §4.1.1).
        return PUBLISHER[voice(self.version(item))]

    def item_updateddate(self, item) -> datetime.datetime:
        return self.version(item).imported_at

    def item_pubdate(self, item) -> datetime.datetime | None:
        """The statement's date: when the text first became available. A date, so midnight in
        the archive's time zone (Django makes a naive datetime aware in it)."""
        date = self.version(item).work.date
        return datetime.datetime.combine(date, datetime.time()) if date else None

    def item_extra_kwargs(self, item) -> dict:
        return {"language": self.version(item).language}

    def version(self, item) -> Document:
        raise NotImplementedError


class DocumentsFeed(VersionEntries, Feed):
    """/feeds/documents.atom: the ENTRIES language versions imported or changed most recently.

    A version's id is its page's address, a permalink (slug + language), so a reader's feed
    program shows a re-imported version as the same entry, updated."""

    def get_object(self, request):
        return request

    def title(self) -> str:
        return _("Central Asia + Japan Diplomatic Texts: new and changed documents")

    def subtitle(self) -> str:
        return _("The language versions imported or changed most recently, up to %(count)s.") % {
            "count": ENTRIES
        }

    def link(self) -> str:
        return reverse("archive:document_list")

    def feed_guid(self, request) -> str:
        return request.build_absolute_uri(reverse("archive:feed_documents"))

    def items(self):
        # One query: the work joined, the clauses counted, the source files left behind.
        return (
            Document.objects.with_work()
            .light()
            .annotate(clause_count=Count("clauses"))
            .order_by("-imported_at", "work__slug", "language")[:ENTRIES]
        )

    def version(self, item) -> Document:
        return item

    def item_title(self, document) -> str:
        return document.title

    def item_description(self, document) -> str:
        """'Joint statement · 2025-12-20 · Tokyo · 52 clauses', in the version's language;
        escaped, as Django's Atom summary is of type html."""
        with translation.override(voice(document)):
            parts = [
                kind_label(document.work.kind),
                reader_date(document.work.date),
                place(document),
                ngettext("%(count)s clause", "%(count)s clauses", document.clause_count)
                % {"count": document.clause_count},
                translation_note(document, voice(document)),
            ]
        return escape(" · ".join(part for part in parts if part))
