"""The read-only JSON API gives researchers' scripts every text, version and clause."""

import pytest

from tests.utils import FOREIGN_MINISTERS_2017, TOKYO_DECLARATION, TURKMENISTAN

pytestmark = pytest.mark.django_db


def test_document_list_names_every_text_with_its_versions(client, seeded):
    data = client.get("/api/documents/").json()
    versions = {t["slug"]: sorted(v["language"] for v in t["versions"]) for t in data["texts"]}
    assert versions[TURKMENISTAN] == ["en", "ja"]
    assert len(versions) == 4
    assert data["texts"][0]["date"] >= data["texts"][-1]["date"]  # newest first


def test_document_detail_has_sections_clauses_signatories_and_closing(client, seeded):
    data = client.get(f"/api/documents/{TOKYO_DECLARATION}/ja/").json()
    assert data["title"] == "「中央アジア＋日本」対話・首脳会合 東京宣言"
    assert data["is_provisional"] is True
    overview = data["sections"][0]
    assert (overview["label"], overview["heading"], overview["level"]) == ("◆", "総論", 1)
    assert data["sections"][1]["parent"] == 0
    assert data["sections"][1]["clause_labels"] == [str(n) for n in range(1, 8)]
    clause = next(c for c in data["clauses"] if c["label"] == "36")
    assert len(clause["paragraphs"]) == 2
    assert clause["anchor"] == "c36"
    assert clause["url"].endswith(f"/documents/{TOKYO_DECLARATION}/ja/36/")
    assert clause["url_in_context"].endswith(f"/documents/{TOKYO_DECLARATION}/ja/#c36")

    statement = client.get(f"/api/documents/{FOREIGN_MINISTERS_2017}/ja/").json()
    assert statement["signatories"][1] == {"name": "岸田 文雄", "title": "日本国外務大臣"}
    assert statement["place"] == "Ashgabat" and statement["date"] == "2017-05-01"


def test_translation_links_are_in_the_api(client, seeded):
    data = client.get(f"/api/documents/{TURKMENISTAN}/ja/").json()
    assert data["translation_of"] == "en"
    assert data["other_versions"] == ["en"]
    assert data["authentic_language"] == "en"


@pytest.mark.parametrize(
    "url", [f"/api/documents/{TURKMENISTAN}/ru/", "/api/documents/no-such-text/ja/"]
)
def test_unknown_text_or_language_is_a_json_404(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


def test_search_hits_give_the_permalink_date_section_and_a_plain_snippet_with_offsets(
    client, seeded
):
    body = client.get("/api/search", {"q": "GOSAT", "lang": "en"}).json()
    hit = body["hits"][0]
    assert hit["url"] == f"http://testserver/documents/{TURKMENISTAN}/en/15/"
    assert hit["in_context_url"] == f"http://testserver/documents/{TURKMENISTAN}/en/#c15"
    assert hit["date"] == "2025-12-20" and hit["section"]
    assert "<mark>" in hit["snippet_html"] and "<" not in hit["snippet"]
    assert [hit["snippet"][a:b] for a, b in hit["matches"]] == ["GOSAT"] * len(hit["matches"])
    assert hit["matches"]


def test_an_unknown_language_is_a_400_and_a_known_one_without_texts_finds_nothing(client, seeded):
    response = client.get("/api/search", {"q": "GOSAT", "lang": "xx"})
    assert response.status_code == 400 and "lang" in response.json()["error"]
    assert client.get("/api/search", {"q": "GOSAT", "lang": "ru"}).json()["total"] == 0


def test_a_text_without_a_language_is_its_versions_in_json(client, seeded):
    body = client.get(f"/api/documents/{TURKMENISTAN}/").json()
    assert body["slug"] == TURKMENISTAN
    assert {v["language"] for v in body["versions"]} == {"ja", "en"}
    missing = client.get("/api/documents/no-such-text/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    # Japanese stays readable in the JSON itself.
    assert "中央アジア" in client.get("/api/documents/").content.decode()


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_reads_the_api_description_as_a_reference_page(client, seeded):
    from archive.api import openapi_description

    description = openapi_description()
    page = client.get("/api/", HTTP_ACCEPT=BROWSER)
    assert page["Content-Type"].startswith("text/html") and "Accept" in page["Vary"]
    html = page.content.decode()
    for path, operations in description["paths"].items():
        for method, operation in operations.items():
            assert f"<code>{method.upper()} {path}</code>" in html
            assert f'id="{operation["operationId"]}"' in html
    for name in description["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "<code>q</code>" in html and "<code>GET /api/search</code>" in html
    # Scripts, curl (*/*) and ?format=json get the description itself.
    for accept, query in (("application/json", ""), ("*/*", ""), (BROWSER, "?format=json")):
        answer = client.get("/api/" + query, HTTP_ACCEPT=accept)
        assert answer["Content-Type"] == "application/json" and answer.json() == description
