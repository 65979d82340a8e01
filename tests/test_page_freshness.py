"""Reading pages are fixed between two changes of the archive: each carries an ETag, answers
its own ETag with 304 without being drawn, and says how long a shared cache may keep it."""

import pytest
from django.test import Client

from archive.signals import send_documents_changed
from tests.utils import FIXED_PAGES, TURKMENISTAN

pytestmark = pytest.mark.django_db

PAGES = FIXED_PAGES


@pytest.mark.parametrize("url", PAGES)
def test_a_page_answers_its_own_etag_with_304_without_being_drawn(
    client, seeded, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the archive's generation
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_change_of_the_archive_gives_every_page_a_new_etag(client, seeded):
    from archive.models import Document

    before = client.get(f"/documents/{TURKMENISTAN}/ja/")["ETag"]
    send_documents_changed([Document.objects.first().pk])  # what an import or an edit does
    after = client.get(f"/documents/{TURKMENISTAN}/ja/", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def test_each_interface_language_and_question_has_its_own_etag(client, seeded):
    url = f"/documents/{TURKMENISTAN}/ja/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert english["ETag"] != japanese["ETag"]
    assert (
        client.get(url, HTTP_ACCEPT_LANGUAGE="ja", HTTP_IF_NONE_MATCH=english["ETag"]).status_code
        == 200
    )
    assert client.get("/documents/?page=2")["ETag"] != client.get("/documents/")["ETag"]


def test_a_shared_cache_may_keep_a_readers_page_but_never_a_curators(client, admin_client, seeded):
    url = f"/documents/{TURKMENISTAN}/ja/"
    reader = client.get(url)
    assert "public" in reader["Cache-Control"] and "max-age=60" in reader["Cache-Control"]
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in reader["Vary"].split(",")}
    curator = admin_client.get(url)
    assert "private" in curator["Cache-Control"] and "public" not in curator["Cache-Control"]
    assert curator["ETag"] != reader["ETag"]


def test_no_page_carries_a_readers_token_and_the_language_switch_still_works(seeded):
    client = Client(enforce_csrf_checks=True)  # as a browser meets the site
    page = client.get(f"/documents/{TURKMENISTAN}/ja/")
    assert b"csrfmiddlewaretoken" not in page.content and "csrftoken" not in page.cookies
    switched = client.post("/i18n/setlang/", {"language": "ja", "next": "/documents/"})
    assert switched.status_code == 302 and switched["Location"] == "/documents/"
    assert client.get("/documents/")["Content-Language"] == "ja"
