"""Term history: clauses per year for one or several terms, as a chart that
reads without JavaScript, a table, CSV and JSON."""

import csv
import io
import json
import re
from html import unescape

import pytest
from lxml import etree

from search.trend import Series, TermHistory, chart, split_terms
from tests.utils import index_at

pytestmark = pytest.mark.django_db


def get(client, url, status=200, **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, (url, params, response.status_code)
    return response


def test_terms_are_split_on_latin_japanese_and_full_width_commas():
    assert split_terms("温室効果ガス, connectivity、テロ，GOSAT;;  ") == [
        "温室効果ガス",
        "connectivity",
        "テロ",
        "GOSAT",
    ]
    assert split_terms("GOSAT, GOSAT") == ["GOSAT"]


def test_the_history_of_gosat_shows_2025_only(client, seeded):
    body = json.loads(get(client, "/api/search/trend", q="GOSAT").content)
    (gosat,) = body["terms"]
    by_year = {y["year"]: y["clauses"] for y in gosat["years"]}
    assert {year for year, n in by_year.items() if n} == {2025}
    assert by_year[2025] == 4  # ja and en of the press release, the declaration, the Kyrgyz
    assert by_year[2017] == 0
    totals = {y["year"]: y["clauses"] for y in body["clauses_per_year"]}
    share = next(y["share"] for y in gosat["years"] if y["year"] == 2025)
    assert share == pytest.approx(4 / totals[2025], abs=1e-6)


def test_several_terms_share_one_chart_and_one_table(client, seeded):
    html = unescape(
        get(client, "/search/trend/", q="温室効果ガス, connectivity, テロ").content.decode()
    )
    svg = html[
        html.index('<svg class="trend-chart"') : html.index("</svg>", html.index("trend-chart")) + 6
    ]
    chart = etree.fromstring(svg.encode())  # well-formed SVG, drawn on the server
    assert len(chart.findall("{*}g")) == 3  # one line per term
    assert "温室効果ガス" in chart.findtext("{*}title")
    table = html[html.index('<table class="trend-table">') :]
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert headers == ["Year", "Clauses", "温室効果ガス", "connectivity", "テロ"]
    assert "<script" not in html[html.index("<main") :]  # reads without JavaScript


def chart_of(html: str):
    start = html.index('<svg class="trend-chart"')
    return etree.fromstring(html[start : html.index("</svg>", start) + 6].encode())


def test_years_with_no_text_are_gaps_the_lines_do_not_cross(client, seeded):
    chart = chart_of(get(client, "/search/trend/", q="協力, GOSAT").content.decode())
    # The seeds are of 2017 and 2025: the seven years between hold no text.
    gaps = chart.findall("{*}rect[@class='gap']")
    assert [g.findtext("{*}title") for g in gaps] == ["No text of this year in the archive"] * 7
    spans = [(float(g.get("x")), float(g.get("x")) + float(g.get("width"))) for g in gaps]
    for line in chart.findall(".//{*}polyline"):
        xs = [float(point.split(",")[0]) for point in line.get("points").split()]
        assert not any(min(xs) < left and right < max(xs) for left, right in spans)
    years = [t.text for t in chart.findall("{*}text") if t.get("text-anchor") == "middle"]
    assert years[0] == "2017" and years[-1] == "2025" and len(years) >= 5


def test_a_line_joins_consecutive_years_and_breaks_where_a_year_has_no_text():
    history = TermHistory(
        ["2017", "2018", "2025"],
        {"2017": 40, "2018": 30, "2025": 80},
        [Series("ODA", {"2017": 5, "2018": 2, "2025": 3})],
    )
    drawn = chart(history)
    (line,) = drawn.lines
    assert len(line["segments"]) == 1 and len(line["segments"][0].split()) == 2  # 2017–2018
    assert [m["year"] for m in line["markers"]] == ["2017", "2018", "2025"]
    assert len(drawn.gaps) == 6  # 2019 to 2024
    assert [t["label"] for t in drawn.y_ticks] == ["0", "2", "4", "6"]


def test_counts_have_whole_number_ticks(client, seeded):
    for q in ("GOSAT", "協力", "テロ, connectivity"):
        chart = chart_of(get(client, "/search/trend/", q=q).content.decode())
        labels = [t.text for t in chart.findall("{*}text") if t.get("text-anchor") == "end"]
        assert labels and all(label.isdigit() for label in labels), (q, labels)
        assert labels[0] == "0" and len(labels) >= 2


def test_the_header_search_box_does_not_take_the_list_of_terms(client, seeded):
    html = get(client, "/search/trend/", q="GOSAT, テロ").content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert 'value=""' in header and "GOSAT, テロ" not in header


def test_share_measure_scales_the_chart_in_per_cent(client, seeded):
    html = get(client, "/search/trend/", q="協力", measure="share").content.decode()
    assert "%</text>" in html
    marks = re.findall(r"<title>協力, (\d{4}): ([\d.]+)%</title>", html)
    assert marks and all(0 < float(v) <= 100 for _y, v in marks)


def test_csv_and_json_give_the_same_numbers_as_the_page(client, seeded):
    rows = list(
        csv.reader(io.StringIO(get(client, "/search/trend.csv", q="GOSAT, 協力").content.decode()))
    )
    assert rows[0] == [
        "Year",
        "Clauses",
        "GOSAT: clauses",
        "GOSAT: share",
        "協力: clauses",
        "協力: share",
    ]
    body = json.loads(get(client, "/api/search/trend", q="GOSAT, 協力").content)
    for row in rows[1:]:
        year = int(row[0])
        for n, term in enumerate(body["terms"]):
            found = next(y for y in term["years"] if y["year"] == year)
            assert int(row[2 + 2 * n]) == found["clauses"]


def test_filters_narrow_both_the_counts_and_the_year_totals(client, seeded):
    everything = json.loads(get(client, "/api/search/trend", q="GOSAT").content)
    english = json.loads(get(client, "/api/search/trend", q="GOSAT", lang="en").content)
    assert english["terms"][0]["total"] == 1
    assert english["clauses_per_year"] != everything["clauses_per_year"]


def test_bad_questions_get_a_clear_answer(client, seeded):
    for params in ({"q": ""}, {"q": "GOSAT", "lang": "xx"}):
        body = json.loads(get(client, "/api/search/trend", status=400, **params).content)
        assert body["status"] == 400 and body["error"]
    assert get(client, "/search/trend.csv", status=400, q="").content
    page = get(client, "/search/trend/", q='"((').content.decode()
    assert "trend-chart" in page or "notice" in page


def test_an_unavailable_index_is_a_503_with_the_fix(client, seeded, tmp_path):
    with index_at(tmp_path / "none"):
        api = get(client, "/api/search/trend", status=503, q="GOSAT")
        page = get(client, "/search/trend/", status=503, q="GOSAT")
    assert "make index" in json.loads(api.content)["error"]
    assert "make index" in page.content.decode()


def test_the_search_page_links_to_the_history_of_its_search(client, seeded):
    html = unescape(get(client, "/search/", q="GOSAT").content.decode())
    assert 'href="/search/trend/?q=GOSAT"' in html


def test_a_corrupt_index_is_a_503_too(client, seeded, scratch_index):
    from tests.test_search_hostile import truncate_toc

    truncate_toc(scratch_index)
    body = json.loads(get(client, "/api/search/trend", status=503, q="協力").content)
    assert "rebuild" in body["error"] or "make index" in body["error"]


def test_terms_beyond_the_limit_are_named_and_every_answer_agrees(client, seeded):
    q = "GOSAT, 協力, テロ, エネルギー, 投資, 観光, 教育, 農業"
    html = unescape(get(client, "/search/trend/", q=q).content.decode())
    assert "Only the first 6 terms are drawn; left out: 教育, 農業." in html
    table = html[html.index('<table class="trend-table">') :]
    assert "教育" not in table and "投資" in table
    rows = list(csv.reader(io.StringIO(get(client, "/search/trend.csv", q=q).content.decode())))
    assert all(len(row) == len(rows[0]) for row in rows)  # the header matches every row
    assert len(rows[0]) == 2 + 2 * 6
    api = client.get("/api/search/trend", {"q": q})
    assert api.status_code == 400 and "at most 6 terms" in api.json()["error"]


def test_every_api_error_is_json_even_from_django_itself(client, seeded):
    for url in ("/api/search?q=GOSAT", "/api/search/trend?q=GOSAT", "/api/documents/"):
        response = client.get(url, HTTP_HOST="not-this-site.example")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json()["status"] == 400
    page = client.get("/search/?q=GOSAT", HTTP_HOST="not-this-site.example")
    assert page.status_code == 400 and b"Bad request" in page.content
