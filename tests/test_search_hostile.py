"""Search under hostile input and faults: no 500, no stray rows, nothing let in."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Clause
from search.highlight import highlight, match_window
from search.query import MAX_GROUP_DEPTH, parse_query
from tests.utils import index_at

SEARCH_URLS = ["/search/", "/api/search", "/search/export.csv", "/search/export.json"]
ENTRY = (
    '[[document]]\nfile = "{file}"\nslug = "{slug}"\nlanguage = "ja"\nkind = "joint-statement"\n'
)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def hits_of(url, response):
    """The clauses a search URL answered with, whatever its format."""
    if url == "/search/":
        results = response.context["results"]
        return results.hits if results else []
    if url == "/api/search":
        return response.json()["hits"]
    if url.endswith(".csv"):
        return csv_rows(response)[1:]
    return json.loads(response.getvalue())["results"]


# Item 1: one GET must not pull every hit's whole source file into memory.
@pytest.mark.django_db
@pytest.mark.parametrize("url", SEARCH_URLS)
def test_search_and_exports_never_load_source_bytes(client, seeded, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "協力"})
    assert response.status_code == 200 and hits_of(url, response)
    for query in queries.captured_queries:
        assert "source_bytes" not in query["sql"] and "extracted_text" not in query["sql"]


# Item 2: sorted by a field, Whoosh's score is the sort key, not a number.
@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["date", "oldest"])
@pytest.mark.parametrize("url", SEARCH_URLS)
def test_date_sorted_searches_with_hits_answer(client, seeded, url, sort):
    response = client.get(url, {"q": "energy", "sort": sort})
    assert response.status_code == 200
    assert hits_of(url, response)


# Item 3: Whoosh treats an empty filter as no filter.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"lang": "ru"}, {"year": "1999"}, {"country": "ZZ"}, {"doc": "no-such-doc"}]
)
@pytest.mark.parametrize("url", SEARCH_URLS)
def test_a_filter_that_matches_nothing_finds_nothing(client, seeded, url, params):
    for q in ("energy", "協力", "パートナー", "energy -japan"):
        response = client.get(url, {"q": q, **params})
        assert response.status_code == 200
        assert hits_of(url, response) == []
        if url == "/api/search":
            assert response.json()["total"] == 0


# Item 5: a corrupt index is a 503 that names the command that rebuilds it.
def truncate_toc(index):
    toc = next(index.glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes()[:100])


def empty_segments(index):
    for path in index.iterdir():
        if not path.name.endswith((".toc", ".lock")):
            path.write_bytes(b"")


def scramble_segments(index):
    for path in index.iterdir():
        if not path.name.endswith((".toc", ".lock")):
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2] + bytes(len(data) - len(data) // 2))


def assert_names_the_fix(message):
    assert "make index" in message and "build_search_index" in message
    assert message.count("rebuild_index") == message.count("rebuild_index --noinput")


@pytest.mark.django_db
@pytest.mark.parametrize("corrupt", [truncate_toc, empty_segments, scramble_segments])
def test_a_corrupt_index_answers_503_with_the_command_that_fixes_it(
    client, seeded, scratch_index, corrupt
):
    corrupt(scratch_index)
    for q in ("energy", "協力", "パートナー", "partner*"):
        page = client.get("/search/", {"q": q})
        assert page.status_code == 503
        assert_names_the_fix(page.content.decode())
        for url in SEARCH_URLS[1:]:
            response = client.get(url, {"q": q})
            assert response.status_code == 503
            assert_names_the_fix(response.json()["error"])


@pytest.mark.django_db
def test_a_missing_index_names_a_command_that_runs_without_a_terminal(client, seeded, tmp_path):
    with index_at(tmp_path / "none"):
        response = client.get("/api/search", {"q": "energy"})
    assert response.status_code == 503
    assert_names_the_fix(response.json()["error"])


# Item 7: parentheses nested within the length limit must not exhaust Python's stack.
DEEP = "(" * 237 + "energy" + ")" * 237


def test_deeply_nested_groups_are_flattened_with_a_notice():
    parsed = parse_query(DEEP)
    assert parsed.query is not None
    assert any(str(MAX_GROUP_DEPTH) in notice for notice in parsed.notices)
    assert parse_query("((energy))").notices == []


@pytest.mark.django_db
def test_deeply_nested_parentheses_search_with_a_notice(client, seeded):
    page = client.get("/search/", {"q": DEEP})
    assert page.status_code == 200
    assert page.context["results"].total > 0 and page.context["results"].notices
    api = client.get("/api/search", {"q": DEEP})
    assert api.status_code == 200
    assert api.json()["total"] == page.context["results"].total
    assert any(str(MAX_GROUP_DEPTH) in notice for notice in api.json()["notices"])


# Item 8: a spreadsheet must not run a clause as a formula.
FORMULAS = """日本・ウズベキスタン外相会談

両外務大臣は、以下の点につき意見交換を行った。
=HYPERLINK("http://example.invalid/","ペンギン観測")
+1+2 両外務大臣は、ペンギン観測の協力を歓迎した。
-2+3 両外務大臣は、ペンギン観測を継続することで一致した。
@SUM(1) 両外務大臣は、ペンギン観測の拡充を歓迎した。
=1+1 両外務大臣は、ペンギン観測の記録を共有した。
"""


@pytest.mark.django_db
def test_csv_export_neutralizes_cells_that_spreadsheets_read_as_formulas(
    client, seeded, scratch_index, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "new.txt").write_text(FORMULAS, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        ENTRY.format(file="new.txt", slug="formulas"), encoding="utf-8"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_documents", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    clauses = Clause.objects.filter(document__work__slug="formulas", text__contains="ペンギン")
    texts = set(clauses.values_list("text", flat=True))
    assert {text[0] for text in texts} == {"=", "+", "-", "@"}

    rows = csv_rows(client.get("/search/export.csv", {"q": "ペンギン観測"}))
    exported = {row[rows[0].index("Clause text")] for row in rows[1:]}
    assert exported == {"'" + text for text in texts}
    # The =HYPERLINK(…) line is read as a section heading, exported in its own column.
    assert any(row[rows[0].index("Section")].startswith("'=HYPERLINK") for row in rows[1:])
    for row in rows[1:]:
        assert all(cell[:1] not in ("=", "+", "-", "@", "\t", "\r") for cell in row)
    # The JSON export is data, not a spreadsheet: the text as printed.
    body = json.loads(client.get("/search/export.json", {"q": "ペンギン観測"}).getvalue())
    assert {row["Clause text"] for row in body["results"]} == texts


# Item 13: a snippet costs what the snippet costs, not what the clause costs.
def test_match_window_is_a_few_hundred_characters_around_the_first_match():
    text = (
        "両国は協力を確認した。" * 200_000
        + "双方は温室効果ガスの削減に取り組む。"
        + "以上。" * 1000
    )
    start, end = match_window(text, {"温室 効果 ガス"}, needles={"温室効果ガス"}, width=160)
    assert end - start <= 2000
    assert start <= text.index("温室効果ガス") < text.index("温室効果ガス") + 6 <= end


def test_a_match_at_the_end_of_a_huge_clause_is_marked_in_the_snippet():
    text = "両国は協力を確認した。" * 200_000 + "双方は温室効果ガスの削減に取り組む。"
    assert len(text) > 2_000_000
    snippet = highlight(text, {"温室 効果 ガス"}, needles={"温室効果ガス"})
    assert snippet.startswith("…") and "<mark>温室効果ガス</mark>" in snippet
    assert snippet.endswith("取り組む。") and len(snippet) < 400


def test_a_huge_clause_without_a_match_gives_its_start():
    text = "両国は協力を確認した。" * 200_000
    snippet = highlight(text, {"ペンギン"}, needles={"ペンギン"})
    assert snippet.startswith("両国は協力") and snippet.endswith("…") and len(snippet) < 400


def test_windowed_and_whole_text_snippets_agree_on_ordinary_clauses():
    text = "両国は協力を確認した。" * 30 + "双方は温室効果ガスの削減に取り組む。" + "以上。" * 30
    window = match_window(text, {"温室 効果 ガス"}, needles={"温室効果ガス"}, width=160)
    assert window == (0, len(text))


# Item 14: errors of the JSON API are JSON, whatever went wrong.
@pytest.mark.django_db
def test_an_unexpected_failure_in_the_search_api_is_a_json_500(client, seeded, django_db_blocker):
    with django_db_blocker.block():  # loading the hits fails, as with a lost database
        response = client.get("/api/search", {"q": "GOSAT"})
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == 500 and response.json()["error"]


# Item 10: invalid filters are a 400 in the API, ignored with a notice on the page.
BAD_YEARS = ["abc", "0", "１０", "２０２５", "²⁰²⁵", "10000", "9" * 20]


@pytest.mark.django_db
@pytest.mark.parametrize("year", BAD_YEARS)
def test_an_invalid_filter_is_a_400_in_the_api(client, seeded, year):
    response = client.get("/api/search", {"q": "energy", "year": year})
    assert response.status_code == 400
    assert "year" in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("year", BAD_YEARS)
def test_an_invalid_filter_is_ignored_with_a_notice_on_the_page(client, seeded, year):
    response = client.get("/search/", {"q": "energy", "year": year})
    assert response.status_code == 200
    unfiltered = client.get("/search/", {"q": "energy"}).context["results"].total
    assert response.context["results"].total == unfiltered > 0
    html = response.content.decode()
    assert "year must be four digits" in html and "was ignored" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("param", "value", "rule"),
    [("kind", "bogus-kind", "kind must be a kind of document"), ("lang", "fr", "lang must be")],
)
def test_search_and_browse_refuse_the_same_facet_values(client, seeded, param, value, rule):
    """One rule per facet (archive/facets.py): a value browse ignores, search ignores too."""
    search = client.get("/search/", {"q": "energy", param: value})
    assert rule in search.content.decode() and "was ignored" in search.content.decode()
    browse = client.get("/documents/", {param: value})
    assert browse.status_code == 200
    assert f"“{value}”" in browse.content.decode() and "ignored" in browse.content.decode()
