"""Language versions of one text: shared clause labels, and side-by-side rows that pair them.

Each pair in tests/texts/pairs/ is an invented joint statement in Japanese and English whose
paragraphs share a year or a Latin acronym (ODA, JICA, 2030) with their translation, so a row of
the side-by-side page can be checked by those markers alone. Where the versions disagree, each
test runs with either language as the authentic one: the aligner keeps the authentic version's
reading order, and a reader expects the same rows whichever it is.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Document
from tests.utils import Row, markers, side_by_side, with_authentic

pytestmark = pytest.mark.django_db

PAIRS = Path(__file__).resolve().parent / "texts" / "pairs"
UZBEKISTAN = "pair-japan-uzbekistan-strategic-partnership"
TAJIKISTAN = "pair-japan-tajikistan-joint-statement"
KAZAKHSTAN = "pair-japan-kazakhstan-joint-statement"
KYRGYZ = "pair-japan-kyrgyz-joint-statement"
TURKMENISTAN = "pair-japan-turkmenistan-joint-statement"
FOREIGN_MINISTERS = "pair-caj-foreign-ministers-joint-statement"
NUMBERED = [str(n) for n in range(1, 9)]


def import_versions(*paths):
    call_command("import_documents", *map(str, paths), stdout=io.StringIO(), stderr=io.StringIO())


AUTHENTIC = pytest.mark.parametrize("authentic", ["en", "ja"], ids=["en-authentic", "ja-authentic"])


def label_pairs(rows: list[Row]) -> list[tuple[list[str], list[str]]]:
    return [(row.ja.labels, row.en.labels) for row in rows if row.kind == "clause"]


def assert_translations_share_rows(rows: list[Row]) -> None:
    """Every clause row holds a paragraph and its translation: the same years and acronyms."""
    for number, row in enumerate(rows, start=2):
        if row.kind == "clause" and row.ja.labels and row.en.labels:
            assert markers(row.ja.text) == markers(row.en.text), (number, row)


def version(slug, language) -> Document:
    return Document.objects.get(work__slug=slug, language=language)


def version_warnings(slug, language) -> list[str]:
    """Warnings from comparing this version with the others (not the parser's own)."""
    return [w for w in version(slug, language).warnings if "version" in w]


def test_versions_numbered_alike_pair_clause_k_with_clause_k(client):
    import_versions(PAIRS / "numbered-both")
    rows = side_by_side(client, UZBEKISTAN)
    assert label_pairs(rows) == [([label], [label]) for label in ["p1", *NUMBERED]]
    assert all("—" not in (row.ja.text, row.en.text) for row in rows)
    assert all(markers(row.en.text) for row in rows)
    assert_translations_share_rows(rows)
    assert version_warnings(UZBEKISTAN, "ja") == version_warnings(UZBEKISTAN, "en") == []


TAJIK_LABELS = ["p1", "p2", "1", "2", "3", "4", "5", "6", "7"]


def assert_unnumbered_english_took_the_japanese_labels(client):
    ja, en = version(TAJIKISTAN, "ja"), version(TAJIKISTAN, "en")
    assert list(en.clauses.values_list("label", flat=True)) == TAJIK_LABELS
    assert list(ja.clauses.values_list("label", flat=True)) == TAJIK_LABELS
    assert list(en.clauses.filter(is_preamble=True).values_list("label", flat=True)) == [
        "p1",
        "p2",
    ]
    assert en.clauses.get(label="3").text.startswith("The two leaders welcomed the training")
    [taken] = version_warnings(TAJIKISTAN, "en")
    assert "take the labels of the 'ja' version" in taken
    assert version_warnings(TAJIKISTAN, "ja") == []
    rows = side_by_side(client, TAJIKISTAN)
    assert label_pairs(rows) == [([label], [label]) for label in TAJIK_LABELS]
    assert_translations_share_rows(rows)
    html = client.get(f"/documents/{TAJIKISTAN}/clauses/3/").content.decode()
    assert "国際協力機構（JICA）" in html and "Japan International Cooperation Agency" in html
    assert client.get(f"/documents/{TAJIKISTAN}/en/p2/").status_code == 200


def test_an_unnumbered_version_takes_the_labels_of_the_numbered_one(client):
    import_versions(PAIRS / "numbered-ja-only")
    assert_unnumbered_english_took_the_japanese_labels(client)


@pytest.mark.parametrize(
    "calls",
    [
        [["ja.txt"], ["en.txt"]],
        [["en.txt"], ["ja.txt"]],
        [["ja.txt", "en.txt"]],
    ],
    ids=["ja-then-en", "en-then-ja", "together-ja-listed-first"],
)
def test_labels_warnings_and_rows_do_not_depend_on_the_order_versions_are_imported(client, calls):
    for names in calls:
        import_versions(*(PAIRS / "numbered-ja-only" / name for name in names))
    assert_unnumbered_english_took_the_japanese_labels(client)


@AUTHENTIC
def test_a_paragraph_split_in_two_shares_one_row_and_later_rows_still_pair(
    client, tmp_path, authentic
):
    import_versions(with_authentic(PAIRS, tmp_path, "split-paragraph", authentic))
    rows = side_by_side(client, KAZAKHSTAN)
    split = next(row for row in rows if "UNDP" in row.en.text)
    assert split.ja.labels == ["6", "7"] and split.en.labels == ["6"]
    assert len(rows) == 11
    assert "国連開発計画（UNDP）" in split.ja.text and "2027年に開催される" in split.ja.text
    after = rows[rows.index(split) + 1 :]
    assert [r.en.labels for r in after] == [["7"], ["8"], ["9"], ["10"], ["11"]]
    assert [r.ja.labels for r in after] == [["8"], ["9"], ["10"], ["11"], ["12"]]
    assert all(markers(row.en.text) for row in rows)
    assert_translations_share_rows(rows)
    [ja_warning] = version_warnings(KAZAKHSTAN, "ja")
    assert "the 'en' version has 11 clauses and this one 12" in ja_warning
    [en_warning] = version_warnings(KAZAKHSTAN, "en")
    assert "the 'ja' version has 12 clauses and this one 11" in en_warning


# One disagreement between versions per test, each asserted as the one above is.
@AUTHENTIC
def test_a_preamble_paragraph_one_version_lacks_gets_a_row_of_its_own(client, tmp_path, authentic):
    import_versions(with_authentic(PAIRS, tmp_path, "extra-preamble", authentic))
    rows = side_by_side(client, KYRGYZ)
    assert label_pairs(rows) == [
        (["p1"], ["p1"]),
        (["p2"], []),
        *(([label], [label]) for label in NUMBERED[:7]),
    ]
    extra = next(row for row in rows if row.ja.labels == ["p2"])
    assert "天皇陛下と御会見" in extra.ja.text and extra.en.text == "—"
    assert_translations_share_rows(rows)
    assert "only there: p2" in version_warnings(KYRGYZ, "en")[0]


@AUTHENTIC
def test_a_clause_number_one_version_omits_leaves_the_others_paired_by_number(
    client, tmp_path, authentic
):
    import_versions(with_authentic(PAIRS, tmp_path, "missing-number", authentic))
    rows = side_by_side(client, TURKMENISTAN)
    assert label_pairs(rows) == [
        (["p1"], ["p1"]),
        *(([label], [label] if label != "5" else []) for label in NUMBERED),
    ]
    lone = next(row for row in rows if row.ja.labels == ["5"])
    assert "日本語講座" in lone.ja.text and lone.en.text == "—"
    assert_translations_share_rows(rows)
    [ja_warning] = version_warnings(TURKMENISTAN, "ja")
    assert "labels only here: 5;" in ja_warning
    [en_warning] = version_warnings(TURKMENISTAN, "en")
    assert "only there: 5." in en_warning


@AUTHENTIC
def test_headings_pair_with_their_translations_and_an_extra_heading_stands_alone(
    client, tmp_path, authentic
):
    import_versions(with_authentic(PAIRS, tmp_path, "sections", authentic))
    rows = side_by_side(client, FOREIGN_MINISTERS)
    outline = [
        (row.ja.text, row.en.text) if row.kind == "section" else (row.ja.labels, row.en.labels)
        for row in rows
    ]
    assert outline == [
        (["1"], ["1"]),
        ("政治分野", "Political field"),
        (["2"], ["2"]),
        (["3"], ["3"]),
        ("経済分野", "Economic field"),
        (["4"], ["4"]),
        (["5"], ["5"]),
        ("—", "Regional cooperation"),
        (["6"], ["6"]),
        (["7"], ["7"]),
        ("人的交流", "People-to-people exchanges"),
        (["8"], ["8"]),
        (["9"], ["9"]),
    ]
    assert_translations_share_rows(rows)
