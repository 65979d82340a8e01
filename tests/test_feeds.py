"""Atom feeds: new and changed documents, and any search, valid as RFC 4287 says."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from archive.models import Clause, Document
from search.feeds import SUMMARY_CHARS
from tests.utils import TOKYO_DECLARATION, TURKMENISTAN, index_at, squeezed

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"atom": "http://www.w3.org/2005/Atom"}
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "vendor" / "atom.rng")))
# RFC 3339's date-time, with the upper-case T and Z that RFC 4287 (section 3.3) requires.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")
DOCUMENTS_FEED = "/feeds/documents.atom"
SEARCH_FEED = "/search/feed"


def rfc4287_problems(feed) -> list[str]:
    """What RFC 4287 forbids in `feed` beyond what tests/vendor/atom.rng checks: its Schematron
    rules, unique entry ids and RFC 3339 dates."""
    problems = []
    if not SCHEMA.validate(feed):
        problems.append(str(SCHEMA.error_log))
    for name in ("id", "title", "updated"):
        if len(feed.findall(ATOM + name)) != 1:
            problems.append(f"the feed needs exactly one {name}")
    entries = feed.findall(ATOM + "entry")
    ids = [entry.findtext(ATOM + "id") for entry in entries]
    if len(set(ids)) != len(ids):
        problems.append("entry ids repeat")
    for date in feed.xpath("//atom:updated | //atom:published", namespaces=NS):
        if not RFC3339.match(date.text):
            problems.append(f"{date.text} is not an RFC 3339 timestamp")
    for entry in entries:
        if not entry.xpath("atom:author or ../atom:author", namespaces=NS):
            problems.append("an entry has no author and neither has the feed")
        if not entry.xpath(
            "atom:link[@rel='alternate' or not(@rel)] or atom:content", namespaces=NS
        ):
            problems.append("an entry has neither an alternate link nor content")
    return problems


def atom(response):
    """The feed of a response, checked against RFC 4287."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = etree.fromstring(response.content)
    assert rfc4287_problems(feed) == []
    return feed


def entries(feed) -> list[dict]:
    return [
        {
            "title": entry.findtext(ATOM + "title"),
            "id": entry.findtext(ATOM + "id"),
            "link": entry.find(ATOM + "link").get("href"),
            "updated": entry.findtext(ATOM + "updated"),
            "published": entry.findtext(ATOM + "published"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "summary": entry.findtext(ATOM + "summary"),
            "lang": entry.get(XML_LANG),
        }
        for entry in feed.findall(ATOM + "entry")
    ]


def search_feed(client, **params):
    return atom(client.get(SEARCH_FEED, params))


def api_total(client, **params) -> int:
    return client.get("/api/search", params).json()["total"]


# The checks themselves must be able to fail.


def test_the_schema_and_the_rfc_checks_reject_what_rfc_4287_forbids(client, seeded):
    feed = etree.fromstring(client.get(DOCUMENTS_FEED).content)
    without_id = etree.fromstring(etree.tostring(feed))
    without_id.remove(without_id.find(ATOM + "id"))
    assert not SCHEMA.validate(without_id)

    repeated = etree.fromstring(etree.tostring(feed))
    first, second = repeated.findall(f"{ATOM}entry/{ATOM}id")[:2]
    second.text = first.text
    repeated.find(ATOM + "updated").text = "2025-12-20T10:00:00"  # an xsd:dateTime, no zone
    entry = repeated.find(ATOM + "entry")
    entry.remove(entry.find(ATOM + "author"))
    assert rfc4287_problems(repeated) == [
        "entry ids repeat",
        "2025-12-20T10:00:00 is not an RFC 3339 timestamp",
        "an entry has no author and neither has the feed",
    ]


# The documents feed.


def test_documents_feed_lists_every_version_with_links_that_resolve(client, seeded):
    found = entries(atom(client.get(DOCUMENTS_FEED)))
    versions = Document.objects.with_work()
    assert sorted(e["link"] for e in found) == sorted(
        f"http://testserver{v.get_absolute_url()}" for v in versions
    )
    assert len(found) == versions.count() == 5
    for entry in found:
        assert entry["id"] == entry["link"]  # the version's permalink
        assert client.get(entry["link"]).status_code == 200
        assert entry["lang"] == entry["link"].rstrip("/").rsplit("/", 1)[1]
    assert [e["updated"] for e in found] == sorted((e["updated"] for e in found), reverse=True)


def test_a_documents_entry_says_what_the_text_is_in_its_own_language(client, seeded):
    by_link = {e["link"]: e for e in entries(atom(client.get(DOCUMENTS_FEED)))}
    english = by_link[f"http://testserver/documents/{TURKMENISTAN}/en/"]
    japanese = by_link[f"http://testserver/documents/{TOKYO_DECLARATION}/ja/"]
    document = Document.objects.get(work__slug=TOKYO_DECLARATION, language="ja")
    assert japanese["title"] == document.title
    assert japanese["author"] == "外務省"
    assert english["author"] == "Ministry of Foreign Affairs of Japan"
    assert japanese["summary"].startswith("宣言 · 2025年12月20日")
    assert f"{document.clauses.count()} 項" in japanese["summary"]
    assert "仮訳" in japanese["summary"]
    assert re.fullmatch(
        r"Joint press release · \d{4}-\d\d-\d\d · .+ · \d+ clauses", english["summary"]
    )
    # published is the statement's date, in the archive's time zone
    assert japanese["published"] == "2025-12-20T00:00:00+09:00"


def test_a_reimported_version_comes_first_as_the_same_entry_updated(client, seeded):
    before = entries(atom(client.get(DOCUMENTS_FEED)))
    last = Document.objects.get(work__slug=TOKYO_DECLARATION, language="ja")
    changed = timezone.now() + datetime.timedelta(hours=1)
    Document.objects.filter(pk=last.pk).update(imported_at=changed)
    after = entries(atom(client.get(DOCUMENTS_FEED)))
    assert after[0]["id"] == f"http://testserver{last.get_absolute_url()}"
    assert after[0]["updated"] == changed.isoformat()
    assert {e["id"] for e in after} == {e["id"] for e in before}


def test_documents_feed_speaks_the_interface_language(client, seeded):
    english = atom(client.get(DOCUMENTS_FEED))
    japanese = atom(client.get(DOCUMENTS_FEED, HTTP_ACCEPT_LANGUAGE="ja"))
    assert english.get(XML_LANG) == "en" and japanese.get(XML_LANG) == "ja"
    assert english.findtext(ATOM + "title").endswith("new and changed documents")
    assert japanese.findtext(ATOM + "title").endswith("新着・更新文書")
    assert english.findtext(ATOM + "id") == "http://testserver/feeds/documents.atom"


def test_documents_feed_is_one_query(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(1):  # versions, their works and clause counts
        client.get(DOCUMENTS_FEED)


# The feed of a search.


def test_search_feed_lists_every_matching_clause_with_permalinks_that_resolve(client, seeded):
    feed = search_feed(client, q="GOSAT")
    found = entries(feed)
    assert len(found) == api_total(client, q="GOSAT") >= 3
    assert "“GOSAT”" in feed.findtext(ATOM + "title")
    assert feed.findtext(ATOM + "id") == "http://testserver/search/feed?q=GOSAT"
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/search/?q=GOSAT&sort=date"
    for entry in found:
        assert re.fullmatch(
            r"http://testserver/documents/[a-z0-9-]+/(ja|en)/[0-9a-z-]+/", entry["id"]
        )
        assert entry["link"] == entry["id"]
        assert client.get(entry["link"]).status_code == 200
        assert "GOSAT" in entry["summary"]
    # newest text first
    assert [e["published"] for e in found] == sorted((e["published"] for e in found), reverse=True)


def test_search_entries_are_titled_as_citations_name_the_clause(client, seeded):
    english = entries(search_feed(client, q="GOSAT", lang="en"))
    document = Document.objects.get(work__slug=TURKMENISTAN, language="en")
    assert english[0]["title"] == f"{document.title}, 15th paragraph (unnumbered in the original)"
    assert english[0]["lang"] == "en"
    assert english[0]["author"] == "Ministry of Foreign Affairs of Japan"
    assert english[0]["link"] == f"http://testserver/documents/{TURKMENISTAN}/en/15/"


def test_a_filter_narrows_the_feed_and_is_named_in_its_title(client, seeded):
    feed = search_feed(client, q="GOSAT", lang="en")
    found = entries(feed)
    assert len(found) == api_total(client, q="GOSAT", lang="en") == 1
    assert found[0]["lang"] == "en"
    assert feed.findtext(ATOM + "title").startswith("Clauses matching “GOSAT” (Language: English)")
    assert feed.findtext(ATOM + "id") == "http://testserver/search/feed?q=GOSAT&lang=en"


def test_a_japanese_search_has_a_feed(client, seeded):
    found = entries(search_feed(client, q="温室効果ガス"))
    assert len(found) == min(50, api_total(client, q="温室効果ガス")) > 0
    assert all(entry["lang"] == "ja" for entry in found)
    japanese = atom(client.get(SEARCH_FEED, {"q": "温室効果ガス"}, HTTP_ACCEPT_LANGUAGE="ja"))
    assert japanese.findtext(ATOM + "title").startswith("「温室効果ガス」に一致する項")


def test_a_common_word_gives_the_newest_fifty(client, seeded):
    found = entries(search_feed(client, q="協力"))
    assert api_total(client, q="協力") > len(found) == 50


def test_a_long_clause_is_cut_short_and_escaped_in_its_summary(client, seeded):
    clause = Clause.objects.get(
        document__work__slug=TURKMENISTAN, document__language="en", label="15"
    )
    clause.text = "GOSAT & <partners>\n" + "cooperation " * 100
    clause.save()
    (entry,) = entries(search_feed(client, q="GOSAT", lang="en"))
    assert entry["summary"].startswith("GOSAT &amp; &lt;partners&gt;<br>cooperation cooperation")
    plain = html.unescape(entry["summary"].replace("<br>", "\n"))
    assert len(plain) == SUMMARY_CHARS and plain.endswith("…")


def test_a_repaired_query_still_has_a_feed_that_says_what_was_repaired(client, seeded):
    feed = search_feed(client, q='"GOSAT')
    assert len(entries(feed)) == api_total(client, q="GOSAT")
    assert "was not closed" in feed.findtext(ATOM + "subtitle")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "needs a search"),
        ({"q": ""}, "needs a search"),
        ({"q": "   "}, "needs a search"),
        ({"q": '"'}, "nothing to search for"),
        ({"q": "-GOSAT"}, "only said what to leave out"),
        ({"q": "GOSAT", "year": "0"}, "year must be four digits"),
        ({"q": "GOSAT", "lang": "xx"}, "lang must be a language code"),
        ({"q": "GOSAT", "sort": "random"}, "sort must be"),
    ],
)
def test_a_search_that_cannot_be_a_feed_is_a_400_that_says_why(client, seeded, params, message):
    response = client.get(SEARCH_FEED, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_missing_index_is_a_503_naming_the_command(client, seeded, tmp_path):
    with index_at(tmp_path / "none"):
        response = client.get(SEARCH_FEED, {"q": "GOSAT"})
    assert response.status_code == 503
    assert "make index" in response.content.decode()


def test_search_feed_queries_are_the_same_for_one_hit_or_fifty(
    client, seeded, django_assert_num_queries
):
    for params in ({"q": "GOSAT", "lang": "en"}, {"q": "GOSAT"}, {"q": "協力"}):
        with django_assert_num_queries(1):  # the clauses, their documents, works and sections
            client.get(SEARCH_FEED, params)


# Finding the feeds from the pages.


def test_every_page_points_feed_readers_at_the_documents_feed(client, seeded):
    html = squeezed(client.get("/").content.decode())
    assert (
        '<link rel="alternate" type="application/atom+xml" title="New and changed documents '
        '(Atom)" href="/feeds/documents.atom">'
    ) in html


def test_search_results_offer_their_feed(client, seeded):
    html = squeezed(
        client.get("/search/", {"q": "GOSAT", "lang": "en", "page": "1"}).content.decode()
    )
    href = "/search/feed?q=GOSAT&amp;lang=en"
    title = "Clauses matching “GOSAT” (Atom)"
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{href}">' in html
    )
    assert f'<a href="{href}" type="application/atom+xml">Follow this search (Atom)</a>' in html
    japanese = client.get("/search/", {"q": "GOSAT"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "この検索をフォロー (Atom)" in japanese


def test_a_search_without_hits_can_still_be_followed(client, seeded):
    html = squeezed(client.get("/search/", {"q": "zzyzx"}).content.decode())
    assert 'href="/search/feed?q=zzyzx" type="application/atom+xml">Follow this search' in html
    assert entries(search_feed(client, q="zzyzx")) == []


def test_a_search_with_an_ignored_filter_offers_no_feed(client, seeded):
    html = client.get("/search/", {"q": "GOSAT", "year": "0"}).content.decode()
    assert "/search/feed" not in html


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("url", ["/feeds/documents.atom", "/search/feed?q=GOSAT"])
def test_a_browser_gets_a_page_that_says_what_the_feed_is_and_a_reader_gets_atom(
    client, seeded, url
):
    page = client.get(url, HTTP_ACCEPT=BROWSER, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    html = page.content.decode()
    assert "This is an Atom feed" in html
    assert f'value="http://testserver{html_escape(url)}"' in html  # the address to copy
    atom = client.get(url, HTTP_ACCEPT="application/atom+xml,application/xml;q=0.9,*/*;q=0.8")
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = etree.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    listed = html.split('<ol class="feed-entries">')[1].split("</ol>")[0]
    assert entries and listed.count("<li") == len(entries)
    for entry in entries:
        title = entry.findtext("{http://www.w3.org/2005/Atom}title")
        assert html_escape(title) in listed


def html_escape(text: str) -> str:
    return html.escape(text, quote=True)


def test_a_control_character_in_a_text_leaves_every_feed_readable(client, seeded):
    document = Document.objects.get(work__slug=TURKMENISTAN, language="en")
    Document.objects.filter(pk=document.pk).update(title="Joint\x0bPress\x01Release")
    clause = document.clauses.get(label="15")
    Clause.objects.filter(pk=clause.pk).update(text=clause.text.replace("GOSAT", "GO\x0cSAT", 1))
    for url in ("/feeds/documents.atom", "/search/feed?q=Observing"):
        response = client.get(url, HTTP_ACCEPT="application/atom+xml")
        assert response.status_code == 200, url
        feed = etree.fromstring(response.content)  # well-formed XML
        assert not rfc4287_problems(feed)
    titles = etree.fromstring(client.get("/feeds/documents.atom").content).findall(
        ".//{http://www.w3.org/2005/Atom}title"
    )
    assert "JointPressRelease" in [t.text for t in titles]
    # The archive keeps the characters; only the feed leaves them out.
    assert Document.objects.get(pk=document.pk).title == "Joint\x0bPress\x01Release"
