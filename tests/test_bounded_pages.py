"""Pages bounded by the page, not the archive: home and /documents/ run the same
number of queries however many texts the archive holds, /documents/ is paginated, and the
search exports stream every hit."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_init
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from archive import views
from archive.models import Document, Work
from search.results import SearchRequest
from search.searching import search
from tests.utils import TURKMENISTAN, squeezed

pytestmark = pytest.mark.django_db

# Made up for these tests: a short joint statement, dated by the manifest.
TEXT = """日本国と架空国との共同声明（第{n}号）

1. 両国は、第{n}回の対話を歓迎した。
2. 両国は、人材育成分野の協力を継続することで一致した。
"""
ENTRY = """[[document]]
file = "{n:02}.txt"
slug = "test-work-{n:02}"
language = "ja"
kind = "{kind}"
series = "Test series {series}"
countries = ["JP", "{country}"]
date = "{year}-{month:02}-01"
"""


def grow_archive(tmp_path, count: int, start: int = 0) -> None:
    """`count` more works through the real importer, numbered from `start`: distinct dates
    (one a month from 2001), two series, two kinds and three countries, so that the facets
    grow with them."""
    folder = tmp_path / f"incoming-{start}"
    folder.mkdir()
    entries = []
    for n in range(start, start + count):
        (folder / f"{n:02}.txt").write_text(TEXT.format(n=n + 1), encoding="utf-8")
        entries.append(
            ENTRY.format(
                n=n,
                kind=("joint-statement", "declaration")[n % 2],
                series=n % 2,
                country=("KZ", "UZ", "TJ")[n % 3],
                year=2001 + n // 12,
                month=n % 12 + 1,
            )
        )
    (folder / "manifest.toml").write_text("\n".join(entries), encoding="utf-8")
    call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=io.StringIO())


def queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    return len(queries)


def shown_slugs(response) -> list[str]:
    """The texts a page links to, in order (a text in two languages has two links)."""
    links = re.findall(r'href="/documents/([a-z0-9-]+)/(?:ja|en)/"', response.content.decode())
    return list(dict.fromkeys(links))


def newest_first_slugs() -> list[str]:
    return [w.slug for w in Work.objects.order_by("-date", "slug")]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/", {}),
        ("/documents/", {}),
        ("/documents/", {"page": "2"}),
        ("/documents/", {"country": "JP", "lang": "ja"}),
        ("/documents/", {"year": "0", "kind": "no-such-kind"}),
    ],
)
def test_browse_pages_run_the_same_queries_with_5_or_30_works(
    client, seeded, tmp_path, monkeypatch, url, params
):
    monkeypatch.setattr(views, "WORKS_PER_PAGE", 10)
    assert Work.objects.count() == 4
    grow_archive(tmp_path, 1)
    small = queries_for(client, url, **params)
    grow_archive(tmp_path, 25, start=1)
    assert Work.objects.count() == 30
    assert queries_for(client, url, **params) == small


@pytest.mark.parametrize(
    ("url", "shown"), [("/", 10), ("/documents/", 10), ("/documents/?page=3", 10)]
)
def test_browse_pages_load_only_the_works_they_show(
    client, seeded, tmp_path, monkeypatch, url, shown
):
    """Constant queries are not enough: the rows read are bounded by the page too."""
    monkeypatch.setattr(views, "WORKS_PER_PAGE", 10)
    grow_archive(tmp_path, 36)
    loaded = {Work: 0, Document: 0}

    def count(sender, **kwargs):
        loaded[sender] += 1

    for model in loaded:
        post_init.connect(count, sender=model)
    try:
        assert client.get(url).status_code == 200
    finally:
        for model in loaded:
            post_init.disconnect(count, sender=model)
    assert Work.objects.count() == 40
    assert loaded[Work] == shown
    assert shown <= loaded[Document] <= 2 * shown  # one or two versions each


def test_home_lists_only_the_ten_newest_works(client, seeded, tmp_path):
    grow_archive(tmp_path, 26)
    response = client.get("/")
    assert [w.slug for w in response.context["latest"]] == newest_first_slugs()[:10]
    assert shown_slugs(response) == newest_first_slugs()[:10]
    assert "30 texts in 31 language versions" in response.content.decode()


def test_document_list_is_paginated_and_page_2_shows_the_next_works(
    client, seeded, tmp_path, monkeypatch
):
    monkeypatch.setattr(views, "WORKS_PER_PAGE", 10)
    grow_archive(tmp_path, 26)
    expected = newest_first_slugs()
    first = client.get("/documents/")
    second = client.get("/documents/", {"page": "2"})
    last = client.get("/documents/", {"page": "3"})
    assert [w.slug for w in first.context["works"]] == expected[:10]
    assert [w.slug for w in second.context["works"]] == expected[10:20]
    assert [w.slug for w in last.context["works"]] == expected[20:]
    html = second.content.decode()
    assert 'rel="prev" href="?page=1"' in html and 'rel="next" href="?page=3"' in html
    assert "Page 2 of 3" in html
    assert 'rel="next"' not in last.content.decode()


def test_document_list_pages_keep_the_filters(client, seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(views, "WORKS_PER_PAGE", 5)
    grow_archive(tmp_path, 26)
    response = client.get("/documents/", {"country": "KZ", "page": "2"})
    kazakh = [w.slug for w in Work.objects.filter(countries__code="KZ").order_by("-date", "slug")]
    assert [w.slug for w in response.context["works"]] == kazakh[5:10]
    assert 'href="?country=KZ&amp;page=3"' in response.content.decode()


@pytest.mark.parametrize(
    ("page", "shown"),
    [("abc", 1), ("0", 1), ("-1", 1), ("1.5", 1), ("²", 1), ("999", 3), ("9" * 30, 3), ("", 1)],
)
def test_a_page_number_that_is_not_one_answers_a_page_not_an_error(
    client, seeded, tmp_path, monkeypatch, page, shown
):
    monkeypatch.setattr(views, "WORKS_PER_PAGE", 10)
    grow_archive(tmp_path, 26)
    response = client.get("/documents/", {"page": page})
    assert response.status_code == 200
    assert response.context["works"].number == shown


def test_the_seed_archive_fits_one_page_without_page_links(client, seeded):
    response = client.get("/documents/")
    assert len(response.context["works"]) == Work.objects.count() == 4
    assert 'class="pagination"' not in response.content.decode()


def streamed_text(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize("query", [{"q": "協力"}, {"q": "energy", "sort": "date"}])
def test_exports_stream_every_hit_with_the_same_rows_in_both_formats(client, seeded, query):
    total = search(SearchRequest(q=query["q"], sort=query.get("sort", "relevance"))).total
    csv_response = client.get("/search/export.csv", query)
    json_response = client.get("/search/export.json", query)
    rows = list(csv.reader(io.StringIO(streamed_text(csv_response).removeprefix("\ufeff"))))
    body = json.loads(streamed_text(json_response))
    assert len(rows) - 1 == body["total"] == total > 0
    assert body["truncated"] is False and body["limit"] == 100_000
    assert [list(result.values()) for result in body["results"]] == rows[1:]
    assert list(body["results"][0]) == rows[0]
    for response in (csv_response, json_response):
        assert response["X-Export-Truncated"] == "false"
        assert response["X-Export-Rows"] == str(total)
        assert response["Content-Disposition"].startswith("attachment")


def test_an_export_past_its_limit_says_it_was_cut_short(client, seeded, monkeypatch):
    from search import views as search_views

    monkeypatch.setattr(search_views, "EXPORT_LIMIT", 5)
    body = json.loads(streamed_text(client.get("/search/export.json", {"q": "協力"})))
    assert body["truncated"] is True and body["total"] == len(body["results"]) == 5
    response = client.get("/search/export.csv", {"q": "協力"})
    assert response["X-Export-Truncated"] == "true" and response["X-Export-Limit"] == "5"
    assert len(list(csv.reader(io.StringIO(streamed_text(response))))) == 1 + 5


def test_an_export_loads_its_clauses_a_chunk_at_a_time(client, seeded, monkeypatch):
    """Memory of an export is bounded by the chunk, not the number of hits; the rows are the
    same, in the same order, whatever the chunk."""
    from search import hits

    whole = streamed_text(client.get("/search/export.csv", {"q": "協力", "sort": "date"}))
    loaded = []
    load_hits = hits.load_hits

    def recording(scored, *args, **kwargs):
        loaded.append(len(scored))
        return load_hits(scored, *args, **kwargs)

    monkeypatch.setattr(hits, "LOAD_CHUNK", 7)
    monkeypatch.setattr(hits, "load_hits", recording)
    chunked = streamed_text(client.get("/search/export.csv", {"q": "協力", "sort": "date"}))
    assert chunked == whole
    rows = len(list(csv.reader(io.StringIO(whole)))) - 1
    assert rows > 14 and max(loaded) == 7 and sum(loaded) == rows


def test_the_search_page_says_when_a_download_would_be_cut_short(client, seeded, monkeypatch):
    from search import views as search_views

    page = client.get("/search/", {"q": "協力"}).content.decode()
    assert "Download all results:" in page
    monkeypatch.setattr(search_views, "EXPORT_LIMIT", 5)
    page = client.get("/search/", {"q": "協力"}).content.decode()
    assert "Download the first 5 results:" in page and "Download all results:" not in page


def test_an_export_with_no_hits_is_valid_and_empty(client, seeded):
    body = json.loads(streamed_text(client.get("/search/export.json", {"q": "Antarctica"})))
    assert body["total"] == 0 and body["results"] == [] and body["truncated"] is False


def test_hits_on_a_later_page_are_numbered_from_where_the_page_starts(client, seeded):
    second = client.get("/search/", {"q": "協力", "page": 2}).content.decode()
    assert '<ol class="hits" start="21">' in second
    assert '<ol class="hits" start="1">' in client.get("/search/", {"q": "協力"}).content.decode()


def test_browse_counts_are_kept_until_the_archive_changes(
    client, seeded, django_assert_num_queries
):
    from archive.models import Work
    from archive.signals import send_documents_changed

    client.get("/documents/")  # counts computed and kept
    with django_assert_num_queries(4):  # generation, count, a page of works, their versions
        client.get("/documents/")
    work = Work.objects.get(slug=TURKMENISTAN)
    work.kind = "declaration"
    work.save()
    send_documents_changed([work.documents.first().pk])  # what an import or the admin does
    html = squeezed(client.get("/documents/").content.decode())
    assert "Declaration</a> (2)" in html


# A clause's row brings its document's columns along; without the source file and extracted
# text, or a page or an index write of N clauses reads the source N times.
ONE_TEXT = f"/documents/{TURKMENISTAN}"


@pytest.mark.parametrize(
    "url",
    [
        f"{ONE_TEXT}/parallel/",
        f"{ONE_TEXT}/ja/",
        f"{ONE_TEXT}/ja/17/",
        f"{ONE_TEXT}/clauses/17/",
        "/admin/archive/clause/",
        "/admin/archive/section/",
    ],
)
def test_pages_of_clauses_never_read_the_source_files(admin_client, seeded, url):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    for query in queries.captured_queries:
        assert "source_bytes" not in query["sql"] and "extracted_text" not in query["sql"]


def test_indexing_a_text_reads_its_source_file_not_once_per_clause(seeded, scratch_index):
    from search import indexing

    document = Document.objects.get(work__slug=TURKMENISTAN, language="ja")
    with CaptureQueriesContext(connection) as queries:
        written = indexing.reindex_documents([document.pk])
    assert written == document.clauses.count()
    for query in queries.captured_queries:
        assert "source_bytes" not in query["sql"] and "extracted_text" not in query["sql"]


def test_removing_a_text_from_the_index_never_copies_the_index_into_memory(seeded, scratch_index):
    # Whoosh copies a memory-mapped segment into the heap: a writer opened with maps held the
    # whole index (1.2 GB at 100,000 clauses) to replace one text's entries.
    import tracemalloc

    from search import indexing

    index_bytes = sum(f.stat().st_size for f in scratch_index.iterdir())
    document = Document.objects.get(work__slug=TURKMENISTAN, language="en")
    document.delete()
    tracemalloc.start()
    try:
        indexing.reindex_documents([document.pk])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < index_bytes / 2, (peak, index_bytes)
