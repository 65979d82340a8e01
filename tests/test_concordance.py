"""The concordance: every occurrence of a search's words in the clauses it finds, one line each
in context, in the order asked, with the aligned clauses of the other versions, on a page,
in the API and in streamed exports."""

import csv
import io
import json
import re

import pytest

from archive.models import Clause
from tests.utils import KYRGYZ, TURKMENISTAN

pytestmark = pytest.mark.django_db

# Whole words energy / energies, as the search matches them (stems, any case).
ENERGY = re.compile(r"(?<![A-Za-z])energ(?:y|ies)(?![A-Za-z])", re.IGNORECASE)


def lines(client, **params) -> list[dict]:
    """Every line of the concordance, page after page, from the API."""
    found, page = [], 1
    while True:
        body = client.get("/api/concordance", {**params, "page": page}).json()
        found += body["lines"]
        if page >= body["pages"]:
            return found
        page += 1


def in_its_clause(line: dict) -> bool:
    """The line's left context, keyword and right context stand in that order in its clause."""
    slug, language, label = line["url"].rstrip("/").split("/")[-3:]
    text = Clause.objects.get(
        document__work__slug=slug, document__language=language, label=label
    ).text
    return line["left"] + line["keyword"] + line["right"] in text


def test_each_occurrence_is_one_line_with_its_keyword_between_its_context(client, seeded):
    texts = Clause.objects.values_list("text", flat=True)
    expected = sum(len(ENERGY.findall(text)) for text in texts)
    found = lines(client, q="energy")
    assert expected > 3 and len(found) == expected
    assert all(ENERGY.fullmatch(line["keyword"]) for line in found)
    assert all(in_its_clause(line) for line in found)
    assert all(len(line["left"]) <= 60 and len(line["right"]) <= 60 for line in found)


def test_a_japanese_word_is_found_inside_longer_words_as_the_search_finds_it(client, seeded):
    expected = sum(text.count("協力") for text in Clause.objects.values_list("text", flat=True))
    found = lines(client, q="協力")
    assert len(found) == expected and all(line["keyword"] == "協力" for line in found)
    assert all(in_its_clause(line) for line in found)


def test_reading_order_is_oldest_text_first_and_date_order_newest_first(client, seeded):
    oldest = [line["date"] for line in lines(client, q="協力")]
    newest = [line["date"] for line in lines(client, q="協力", sort="date")]
    assert oldest == sorted(oldest) and newest == sorted(newest, reverse=True)
    assert oldest[0] < oldest[-1]


def _last_word(text: str) -> str:
    """The word nearest the keyword on its left ("" at the start of a clause)."""
    return ([""] + re.findall(r"[A-Za-z0-9]+", text))[-1].casefold()


def _first_word(text: str) -> str:
    """The word nearest the keyword on its right ("" at the end of a clause)."""
    return (re.findall(r"[A-Za-z0-9]+", text) + [""])[0].casefold()


@pytest.mark.parametrize(("sort", "word"), [("L1", _last_word), ("R1", _first_word)])
def test_lines_ordered_by_the_word_beside_the_keyword(client, seeded, sort, word):
    found = lines(client, q="energy OR cooperation", sort=sort)
    beside = [word(line["left"] if sort == "L1" else line["right"]) for line in found]
    assert beside == sorted(beside) and len(set(beside)) > 3
    assert len(found) == len(lines(client, q="energy OR cooperation"))


def test_lines_ordered_by_a_japanese_word_keep_each_word_together(client, seeded):
    """Ordered by MeCab's first word to the right: lines whose right context starts with the
    same word stand together, in the order of those words."""
    found = lines(client, q="協力", sort="R1")
    starts = [line["right"][:2] for line in found]
    runs = [start for i, start in enumerate(starts) if i == 0 or start != starts[i - 1]]
    assert "の" in {s[:1] for s in starts}
    assert len(runs) < len(starts)
    assert all(runs.count(start) == 1 for start in {"の", "を", "に"} & set(runs))


def test_by_text_groups_the_lines_of_each_text(client, seeded):
    titles = [line["title"].casefold() for line in lines(client, q="協力", sort="text")]
    assert titles == sorted(titles)


def test_filters_narrow_the_lines_as_they_narrow_a_search(client, seeded):
    english = lines(client, q="energy OR エネルギー", lang="en")
    assert english and {line["language"] for line in english} == {"en"}
    one_text = lines(client, q="協力", doc=KYRGYZ)
    assert one_text and {line["slug"] for line in one_text} == {KYRGYZ}


def test_each_line_can_show_the_aligned_clause_of_the_other_version(client, seeded):
    found = lines(client, q="energy", parallel="on")
    assert found and all(line["aligned"] for line in found)
    for line in found:
        (other,) = line["aligned"]
        assert other["language"] == "ja" and other["label"] == line["label"]
        assert "エネルギー" in other["text"]
    assert all(line["aligned"] == [] for line in lines(client, q="energy"))


def test_the_decided_equivalent_is_marked_in_the_aligned_clauses(client, seeded):
    """energy ↔ エネルギー is decided by the fixtures' pairs (tests/test_equivalents.py): each
    aligned Japanese clause marks it; a search with no decided equivalent marks nothing."""
    answer = client.get("/api/concordance", {"q": "energy", "parallel": "on"}).json()
    assert answer["equivalent"] == "エネルギー"
    html = client.get("/concordance/", {"q": "energy", "parallel": "on"}).content.decode()
    aligned = re.findall(r'<tr class="kwic-aligned">(.*?)</tr>', html, re.S)
    assert aligned and all("<mark>エネルギー</mark>" in row for row in aligned)
    assert "the archive’s pairs decide it as the equivalent of this search (2 pairs)" in html
    undecided = client.get("/concordance/", {"q": "terrorism", "parallel": "on"})
    assert "decide no equivalent of this search" in undecided.content.decode()
    assert "<mark>" not in "".join(
        re.findall(r'<tr class="kwic-aligned">(.*?)</tr>', undecided.content.decode(), re.S)
    )
    without = client.get("/api/concordance", {"q": "energy"}).json()
    assert without["equivalent"] is None


def test_an_english_equivalent_is_marked_as_whole_words_with_their_endings():
    from search.concordance import pieces

    assert pieces("New Investments and investment; reinvestment.", "investment", "en") == [
        ("New ", False), ("Investments", True), (" and ", False), ("investment", True),
        ("; reinvestment.", False),
    ]  # fmt: skip
    assert pieces("法の支配に基づく", "法の支配", "ja") == [("法の支配", True), ("に基づく", False)]


def test_a_line_of_a_text_without_another_version_says_so(client, seeded):
    page = client.get("/concordance/", {"q": "協力", "doc": KYRGYZ, "parallel": "on"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "This text has no other language version aligned with this clause." in html
    with_other = client.get("/concordance/", {"q": "energy", "parallel": "on"}).content.decode()
    assert "no other language version" not in with_other and 'lang="ja"' in with_other


def test_the_page_lists_the_lines_in_a_table_linked_to_their_clauses(client, seeded):
    html = client.get("/concordance/", {"q": "GOSAT"}).content.decode()
    count = len(lines(client, q="GOSAT"))
    assert html.count('class="kwic-line"') == count > 0
    assert re.search(f'href="/documents/{TURKMENISTAN}/(en|ja)/[0-9]+/"', html)
    assert "<mark>GOSAT</mark>" in html
    assert '<a href="/concordance/">' in client.get("/").content.decode()  # in the menu


def test_an_order_by_words_over_more_clauses_than_it_reads_says_so(client, seeded, monkeypatch):
    monkeypatch.setattr("search.concordance.WORD_SORT_CLAUSES", 3)
    body = client.get("/api/concordance", {"q": "協力", "sort": "R1"}).json()
    assert body["partial"] and body["clauses"] > 3
    assert len({line["url"] for line in body["lines"]}) <= 3
    html = client.get("/concordance/", {"q": "協力", "sort": "R1"}).content.decode()
    assert "covers the occurrences in the first 3 clauses" in html
    assert not client.get("/api/concordance", {"q": "協力"}).json()["partial"]


def test_the_exports_stream_every_line_in_the_order_asked(client, seeded):
    expected = lines(client, q="energy", sort="R1")
    answer = client.get("/concordance/export.csv", {"q": "energy", "sort": "R1"})
    assert answer.streaming and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Left", "Keyword", "Right"]
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        (line["left"], line["keyword"], line["right"]) for line in expected
    ]
    answer = client.get("/concordance/export.json", {"q": "energy", "sort": "R1"})
    body = json.loads(b"".join(answer.streaming_content))
    assert [row["Keyword"] for row in body["lines"]] == [line["keyword"] for line in expected]
    assert body["clauses"] == 2 and body["partial"] is False


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "energy", "sort": "L4"}, {"q": "energy", "parallel": "yes"}]
)
def test_a_request_it_cannot_answer_gets_a_sentence_not_a_traceback(client, seeded, params):
    for path in ("/api/concordance", "/concordance/export.csv"):
        answer = client.get(path, params)
        assert answer.status_code == 400 and answer.json()["error"]
    page = client.get("/concordance/", params)
    assert page.status_code == 200
    if params.get("q"):
        assert 'role="alert"' in page.content.decode()


def test_further_pages_of_an_order_by_words_read_only_their_own_clauses(
    client, seeded, page_cache, django_assert_num_queries
):
    """The order is computed once and kept; page 2 loads the clauses it shows, nothing else."""
    params = {"q": "協力", "sort": "R1"}
    assert client.get("/api/concordance", params).json()["pages"] >= 2
    with django_assert_num_queries(2):  # the archive's generation, the page's clauses
        second = client.get("/api/concordance", {**params, "page": 2}).json()["lines"]
    export = client.get("/concordance/export.json", params)
    every = json.loads(b"".join(export.streaming_content))["lines"]
    assert [(line["url"], line["left"]) for line in second] == [
        (row["Clause URL"], row["Left"]) for row in every[50:100]
    ]
