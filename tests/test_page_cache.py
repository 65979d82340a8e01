"""The server's page cache: a page or a search is drawn once per change of the archive and of
the search index, then served as drawn to every reader who shares pages, identical to what a
fresh drawing gives, and never to a curator or across a change."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from archive.models import Generation
from tests.utils import FILES, FIXED_PAGES, KYRGYZ, TURKMENISTAN

pytestmark = pytest.mark.django_db

# Every kind of page the cache keeps, in both interface languages, with searches that differ
# by filter, sort, page and version grouping, a search that finds nothing, and a broken one.
PAGES = [
    *FIXED_PAGES,
    f"/compare/?a={TURKMENISTAN}/ja&b={KYRGYZ}/ja",
    "/search/?q=GOSAT",
    "/search/?q=協力&lang=ja",
    "/search/?q=cooperation&sort=date",
    "/search/?q=協力&page=2",
    "/search/?q=energy&versions=all",
    "/search/?q=penguin",
    '/search/?q="energy+transition',
    "/api/search?q=GOSAT",
    "/api/search?q=協力&year=2017",
]


def timing(response) -> dict[str, str]:
    """Server-Timing as {part: description}."""
    return dict(re.findall(r'(\w+);dur=[\d.]+;desc="([^"]*)"', response["Server-Timing"]))


def drawn(client, url: str, language: str):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response["Content-Type"], response.content


@pytest.mark.parametrize("language", ["en", "ja"])
def test_pages_and_searches_are_identical_with_the_cache_on_and_off(
    client, seeded, tmp_path, language
):
    fresh = {url: drawn(client, url, language) for url in PAGES}
    assert {url: answer[0] for url, answer in fresh.items()} == dict.fromkeys(PAGES, 200)
    on = {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path / "pages")}
    with override_settings(CACHES={**settings.CACHES, "pages": on}):
        kept = {url: drawn(client, url, language) for url in PAGES}
        served = {url: drawn(client, url, language) for url in PAGES}
        said = {url: timing(client.get(url, HTTP_ACCEPT_LANGUAGE=language)) for url in PAGES}
    assert {url: s.get("cache") for url, s in said.items()} == dict.fromkeys(PAGES, "hit")
    assert kept == fresh
    assert served == fresh


def test_a_page_kept_is_served_without_being_drawn_again(
    client, seeded, page_cache, django_assert_num_queries
):
    url = f"/documents/{TURKMENISTAN}/parallel/"
    first = client.get(url)
    assert timing(first)["cache"] == "miss" and "template" in timing(first)
    with django_assert_num_queries(1):  # the archive's generation, for the key
        again = client.get(url)
    assert timing(again)["cache"] == "hit" and "template" not in timing(again)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]


def test_a_change_of_the_archive_draws_the_page_again(client, seeded, page_cache):
    from archive.signals import send_documents_changed

    url = "/documents/"
    client.get(url)
    assert timing(client.get(url))["cache"] == "hit"
    send_documents_changed([1])  # what an import or an edit does
    assert timing(client.get(url))["cache"] == "miss"


def test_a_search_kept_before_the_index_caught_up_is_drawn_again_once_it_has(
    client, seeded, workdir, scratch_index, page_cache, django_capture_on_commit_callbacks
):
    """An import commits, then writes the index: a search kept in between holds the old
    index's answer under the new generation, and must not outlive that index."""
    url = "/search/?q=ペンギン観測"
    path = workdir / FILES["003"]
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "双方は、日本の特定技能制度", "双方は、ペンギン観測と日本の特定技能制度"
        ),
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks() as index_updates:
        call_command("import_documents", str(path), stdout=io.StringIO())
    between = client.get(url)
    assert "<mark>ペンギン観測</mark>" not in between.content.decode()
    assert timing(client.get(url))["cache"] == "hit"
    for update in index_updates:
        update()
    after = client.get(url)
    assert timing(after)["cache"] == "miss"
    assert "<mark>ペンギン観測</mark>" in after.content.decode()


def test_a_recreated_database_never_meets_the_old_ones_pages(client, seeded, page_cache):
    """A database made again, or restored from a backup, counts its generations again from
    where it was: the same number must not find the pages of another archive."""
    url = "/documents/"
    client.get(url)
    assert timing(client.get(url))["cache"] == "hit"
    Generation.objects.filter(pk=1).update(token="another-archive")
    assert timing(client.get(url))["cache"] == "miss"


def test_a_curator_is_never_served_a_readers_page_and_leaves_none(
    client, admin_client, seeded, page_cache
):
    url = f"/documents/{TURKMENISTAN}/ja/"
    for _ in range(2):
        assert "cache" not in timing(admin_client.get(url))
    assert timing(client.get(url))["cache"] == "miss"  # the curator's page was not kept
    assert "cache" not in timing(admin_client.get(url))
    # A reader whose browser holds a session (signed out since, or a message waiting).
    client.cookies["sessionid"] = "whatever"
    assert "cache" not in timing(client.get(url))


def test_a_search_cut_short_by_its_time_budget_is_not_kept(client, seeded, page_cache):
    url = "/search/?q=energy+OR+協力"
    api = "/api/search?q=energy+OR+協力"
    with override_settings(SEARCH_RANK_SECONDS=0):  # every ranking is past its budget at once
        assert "took longer than" in client.get(url).content.decode()
        assert "took longer than" in client.get(api).json()["notices"][-1]
    for address in (url, api):
        again = client.get(address)
        assert timing(again)["cache"] == "miss" and "took longer" not in again.content.decode()
        assert timing(client.get(address))["cache"] == "hit"


def test_an_answer_that_is_not_a_page_is_never_kept(client, seeded, page_cache):
    for url, status in (("/documents/no-such-text/ja/", 404), ("/api/search?q=x&year=zzzz", 400)):
        for _ in range(2):
            answer = client.get(url)
            assert answer.status_code == status and timing(answer)["cache"] == "miss"
