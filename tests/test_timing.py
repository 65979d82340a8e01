"""Server-Timing: every answer says where its time went, for a browser's network panel and
the bench."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.utils import TURKMENISTAN

pytestmark = pytest.mark.django_db


def parts(response) -> dict[str, tuple[float, str]]:
    found = {}
    for part in response["Server-Timing"].split(", "):
        name, duration, description = re.fullmatch(
            r'(\w+);dur=([\d.]+);desc="([^"]*)"', part
        ).groups()
        found[name] = (float(duration), description)
    return found


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/search/?q=GOSAT", {"db", "index", "snippets", "discovery", "template", "cpu", "total"}),
        ("/api/search?q=GOSAT", {"db", "index", "snippets", "cpu", "total"}),
        (f"/documents/{TURKMENISTAN}/ja/", {"db", "template", "cpu", "total"}),
        ("/api/documents/", {"db", "cpu", "total"}),
    ],
)
def test_every_answer_says_where_its_time_went(client, seeded, url, expected):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    found = parts(response)
    assert set(found) == expected
    total = found["total"][0]
    assert all(0 <= duration <= total for duration, _ in found.values())
    count = len(queries.captured_queries)
    assert found["db"][1] == f"{count} database quer{'y' if count == 1 else 'ies'}"


def test_an_error_page_is_timed_too(client, seeded):
    response = client.get("/documents/no-such-text/ja/")
    assert response.status_code == 404
    assert "total" in parts(response)
