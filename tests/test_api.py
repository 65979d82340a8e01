"""The read-only JSON API gives researchers' scripts every text, version and clause."""

import pytest

from tests.conftest import FOREIGN_MINISTERS_2017, TOKYO_DECLARATION, TURKMENISTAN

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
