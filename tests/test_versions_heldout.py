"""Held-out language pairs: five invented MOFA-style texts whose Japanese and English versions
disagree the way real ones do, checked row by row on the side-by-side page.

Each pair in tests/texts/pairs_heldout/ shares one marker (a year or a Latin acronym) per
paragraph with its translation. PAIRS lists, row by row, what /documents/<slug>/parallel/ must
show: a heading row as ("§", ja heading, en heading) with "—" for a missing one, a clause row as
the set of markers both cells show, a row one version alone fills as ("ja"|"en", its markers).
Clause rows with no marker on either side (signature blocks) are checked separately. Every pair
is imported with either language as the authentic one: a reader expects the same rows.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.utils import markers, side_by_side, with_authentic

pytestmark = pytest.mark.django_db

HELDOUT = Path(__file__).resolve().parent / "texts" / "pairs_heldout"
AUTHENTIC = pytest.mark.parametrize("authentic", ["en", "ja"], ids=["en-authentic", "ja-authentic"])
HEADING_DECORATION = re.compile(r"^[0-9０-９IVXⅠ-Ⅻ]+[.．]\s*|[【】*]")

PAIRS = {
    "en-bold-ja-numbered": (
        "heldout-japan-tajikistan-strategic-partnership",
        [{"2025"}, ("§", "政治関係", "Political Relations"), {"1992"}, {"2026"}, {"UNSC"}]
        + [("§", "経済協力", "Economic Cooperation"), {"ODA"}, {"JICA"}, {"CAREC"}, {"ADB"}]
        + [("§", "環境・防災", "Environment and Disaster Risk Reduction"), {"UNDP"}, {"2030"}]
        + [("§", "人的交流", "People-to-People Exchanges"), {"JDS"}, {"2027"}],
    ),
    "ja-merges-and-splits": (
        "heldout-japan-uzbekistan-joint-press-statement",
        [{"2024"}, {"2014"}, {"UNSC"}, {"ODA", "JICA"}, {"JETRO"}, {"WTO"}, {"ADB", "2028"}]
        + [{"UNDP"}, {"JDS"}, {"2027"}],
    ),
    "signatures-date-moved": (
        "heldout-japan-kazakhstan-joint-declaration",
        # The closing formula (Done at Astana … 2024) is the closing, kept with the signatures.
        [{"1992"}, {"2030"}, {"NPT"}, {"CTBT"}, {"ODA"}, {"JICA"}, {"JOGMEC"}, {"JBIC"}]
        + [{"2026"}],
    ),
    "ja-pdf-en-web": (
        "heldout-japan-kyrgyz-foreign-ministers-joint-statement",
        [{"2023"}, {"1992"}, {"ODA"}, {"JICA"}, {"UNDP"}, {"CAREC"}, {"WTO"}, {"JDS"}, {"2030"}]
        + [{"2027"}],
    ),
    "en-note-ja-heading": (
        "heldout-japan-turkmenistan-joint-statement",
        [{"2025"}, ("§", "政治協力", "Political Cooperation"), {"1992"}, {"UNGA", "1995"}]
        + [{"OSCE"}, ("§", "経済協力", "Economic Cooperation"), {"ODA"}, {"JBIC"}, {"JICA"}]
        # The English "Note: …" after the text is kept apart as a note, not a clause.
        + [{"ADB"}, ("§", "人的交流", "—"), {"JDS"}, {"2026"}],
    ),
}

# Pairs where both versions print clause numbers, or one takes the other's: the clause labels
# each version shows on a paired row, in order (the preamble as p1).
NUMBERED_LABELS = {
    "en-bold-ja-numbered": ["p1", *map(str, range(1, 12))],
    "signatures-date-moved": ["p1", *map(str, range(1, 9))],
    "ja-pdf-en-web": ["p1", *map(str, range(1, 10))],
    "en-note-ja-heading": ["p1", *map(str, range(1, 10))],
}

# Signature blocks: the words each version's cell must show on the same row.
SIGNATURES = {
    "signatures-date-moved": [
        ("日本国のために", "For Japan"),
        ("カザフスタン共和国のために", "For the Republic of Kazakhstan"),
    ],
}


def import_pair(tmp_path, pair: str, authentic: str) -> str:
    """Import a copy of the pair in which the other version is the translation of `authentic`."""
    folder = with_authentic(HELDOUT, tmp_path, pair, authentic)
    call_command("import_documents", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    return PAIRS[pair][0]


def heading(text: str) -> str:
    return HEADING_DECORATION.sub("", text).strip() or "—"


def outline(rows):
    got = []
    for row in rows:
        if row.kind == "section":
            got.append(("§", heading(row.ja.text), heading(row.en.text)))
            continue
        ja, en = markers(row.ja.text), markers(row.en.text)
        if not ja and not en:
            continue  # signatures and other unmarked lines: see the signature test
        if row.en.text == "—":
            got.append(("ja", ja))
        elif row.ja.text == "—":
            got.append(("en", en))
        else:
            got.append(ja if ja == en else f"ja {sorted(ja)} / en {sorted(en)}")
    return got


def differences(expected, got) -> list[str]:
    """One line per row that differs, for a readable failure."""
    pairs = enumerate(zip(expected, got, strict=False), start=1)
    lines = [f"row {n}: expected {e!r}, got {g!r}" for n, (e, g) in pairs if e != g]
    if len(expected) != len(got):
        lines.append(f"expected {len(expected)} rows, got {len(got)}: extra {got[len(expected) :]}")
    return lines


@AUTHENTIC
@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_rows_hold_a_paragraph_and_its_translation(client, tmp_path, pair, authentic):
    slug = import_pair(tmp_path, pair, authentic)
    expected = PAIRS[pair][1]
    got = outline(side_by_side(client, slug))
    assert got == expected, "\n".join(differences(expected, got))


@AUTHENTIC
@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_no_row_pairs_paragraphs_with_different_markers(client, tmp_path, pair, authentic):
    slug = import_pair(tmp_path, pair, authentic)
    bad = [
        f"row {n}: ja {sorted(markers(r.ja.text))} / en {sorted(markers(r.en.text))}"
        for n, r in enumerate(side_by_side(client, slug), start=1)
        if r.kind == "clause"
        and "—" not in (r.ja.text, r.en.text)
        and markers(r.ja.text) != markers(r.en.text)
    ]
    assert not bad, "\n".join(bad)


@AUTHENTIC
@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_one_sided_rows_only_where_a_paragraph_has_no_counterpart(
    client, tmp_path, pair, authentic
):
    slug = import_pair(tmp_path, pair, authentic)
    allowed = [item for item in PAIRS[pair][1] if isinstance(item, tuple) and "—" in item]
    allowed += [item for item in PAIRS[pair][1] if isinstance(item, tuple) and len(item) == 2]
    lone = []
    for n, row in enumerate(side_by_side(client, slug), start=1):
        if "—" not in (row.ja.text, row.en.text):
            continue
        if row.kind == "section":
            item = ("§", heading(row.ja.text), heading(row.en.text))
        else:
            side = "ja" if row.en.text == "—" else "en"
            item = (side, markers(row.ja.text if side == "ja" else row.en.text))
        if item not in allowed:
            text = row.en.text if row.ja.text == "—" else row.ja.text
            lone.append(f"row {n}: {row.kind} only in {item}: {text}"[:160])
    assert not lone, "\n".join(lone)


@AUTHENTIC
@pytest.mark.parametrize("pair", sorted(NUMBERED_LABELS))
def test_paired_rows_show_the_same_clause_labels(client, tmp_path, pair, authentic):
    slug = import_pair(tmp_path, pair, authentic)
    rows = [r for r in side_by_side(client, slug) if r.kind == "clause"]
    marked = [r for r in rows if markers(r.ja.text) | markers(r.en.text)]
    got = [(r.ja.labels, r.en.labels) for r in marked if r.ja.labels and r.en.labels]
    expected = [([label], [label]) for label in NUMBERED_LABELS[pair]]
    assert got[: len(expected)] == expected, "\n".join(differences(expected, got))
    differ = [(ja, en) for ja, en in got if len(ja) == len(en) == 1 and ja != en]
    assert not differ, differ


@AUTHENTIC
@pytest.mark.parametrize("pair", sorted(SIGNATURES))
def test_signature_blocks_share_a_row_with_their_translation(client, tmp_path, pair, authentic):
    slug = import_pair(tmp_path, pair, authentic)
    rows = side_by_side(client, slug)
    for ja, en in SIGNATURES[pair]:
        ja_rows = [n for n, r in enumerate(rows) if ja in r.ja.text]
        en_rows = [n for n, r in enumerate(rows) if en in r.en.text]
        assert ja_rows == en_rows, f"{en!r}: ja in rows {ja_rows}, en in rows {en_rows}"


@AUTHENTIC
def test_a_note_and_a_closing_are_kept_apart_from_the_clauses(tmp_path, authentic):
    from archive.models import Document

    slug = import_pair(tmp_path, "en-note-ja-heading", authentic)
    english = Document.objects.get(work__slug=slug, language="en")
    assert any(
        m["role"] == "note" and m["text"].startswith("Note: This joint statement")
        for m in english.metadata_lines
    )
    slug = import_pair(tmp_path, "signatures-date-moved", authentic)
    for document in Document.objects.filter(work__slug=slug):
        assert "本書二通を作成した。" in document.closing or document.closing.startswith("Done at")
        assert document.signatories.count() == 2
        assert {m["role"] for m in document.metadata_lines} >= {"party"}
