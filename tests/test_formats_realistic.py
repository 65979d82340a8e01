"""A third held-out set: long invented texts in the shapes of real MOFA documents of Japan and
Central Asia (2002–2025) — PDF extractions with blank lines or hard wraps, running headers and
page numbers, web pages copied as markdown, action plans with three levels, declarations with
mark headings, chair's summaries, bilateral statements with recitals and signature columns —
and language pairs whose versions disagree the way real ones do.

tests/texts_realistic/expected.toml says what each single text must give (keys as in the two
earlier sets, whose checks are reused). Each pair in tests/texts_realistic/pairs/ shares one
marker (a year or a Latin acronym) per paragraph with its translation; PAIR_ROWS lists, row by
row, what the side-by-side page must show.
"""

import functools
import io
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.ingest.parsing import parse_document
from archive.ingest.scoring import non_space, source_without_markup, text_in_order
from tests.test_formats import (
    false_alarms,
    heading_of,
    silent_errors,
)
from tests.test_formats_heldout import (
    HELDOUT_CHECKS,
    NOT_CHECKS,
    without_residue_lines,
)
from tests.utils import markers, side_by_side

TEXTS = Path(__file__).resolve().parent / "texts_realistic"
PAIRS = TEXTS / "pairs"
EXPECTED = tomllib.loads((TEXTS / "expected.toml").read_text(encoding="utf-8"))
TEXT_FILES = sorted(path.stem for path in TEXTS.glob("*.txt"))
ITEM = re.compile(r"^[(（][a-z][)）]\s*")


def check_subtopics(doc, topics):
    """As the held-out check, but a topic's (a), (b) items may also be paragraphs of the topic
    clause that keep their printed letters: `(1) Expert Meetings` then `(a) …`, `(b) …`."""
    for parent, printed, topic, starts in topics:
        index = next(
            (i for i, s in enumerate(doc.sections) if [s.label, s.heading] == [printed, topic]),
            None,
        )
        if index is not None:
            assert doc.sections[index].level == 2, f"{topic} is not a level-2 section"
            assert heading_of(doc, doc.sections[index].parent) == parent, f"{topic} not in {parent}"
            items = [p for c in doc.clauses if c.section == index for p in c.paragraphs]
        else:
            found = [
                c
                for c in doc.clauses
                if c.printed_label == printed
                and heading_of(doc, c.section) == parent
                and c.paragraphs[0] == topic
            ]
            assert found, f"{printed} {topic} is neither a level-2 section nor a clause in {parent}"
            items = list(found[0].paragraphs[1:])
        items = [ITEM.sub("", p) for p in items]
        assert len(items) == len(starts), f"{printed} {topic}: {items}"
        assert all(p.startswith(s) for p, s in zip(items, starts, strict=True)), items


CHECKS = {**HELDOUT_CHECKS, "subtopics": check_subtopics}
CASES = [(name, aspect) for name, e in EXPECTED.items() for aspect in e if aspect not in NOT_CHECKS]


def source(name: str) -> str:
    with open(TEXTS / f"{name}.txt", encoding="utf-8", newline="") as file:
        return file.read()


@functools.cache
def parsed(name: str):
    return parse_document(source(name), name[:2])


# --- Single texts --------------------------------------------------------------------------------


def test_every_realistic_text_has_its_expected_reading_written_down():
    assert sorted(EXPECTED) == TEXT_FILES
    assert {aspect for _, aspect in CASES} <= set(CHECKS)


@pytest.mark.parametrize(("name", "aspect"), CASES, ids=[f"{n}:{a}" for n, a in CASES])
def test_realistic_text_reads_as_a_historian_reads_it(name, aspect):
    CHECKS[aspect](parsed(name), EXPECTED[name][aspect])


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_text_lost_in_realistic_texts(name):
    doc = parsed(name)
    residue = [m.text for m in doc.metadata_lines if m.role in ("link", "furniture")]
    kept = [m for m in doc.metadata_lines if m.role not in ("link", "furniture")]
    rest = text_in_order(replace(doc, metadata_lines=kept))
    expected = without_residue_lines(source_without_markup(source(name)), residue)
    assert non_space(rest) == non_space(expected)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_realistic_clause_labels_are_unique_and_preamble_first(name):
    clauses = parsed(name).clauses
    labels = [c.label for c in clauses]
    assert len(labels) == len(set(labels)), labels
    flags = [c.is_preamble for c in clauses]
    assert flags == sorted(flags, reverse=True), f"preamble after body: {labels}"


LINK_RESIDUE = re.compile(r"\]\(|https?://|^\s*[-－]\s*[0-9０-９]+\s*[-－]\s*$|^[0-9]+$", re.M)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_link_or_page_number_inside_a_clause_heading_or_title(name):
    doc = parsed(name)
    body = [c.text for c in doc.clauses] + [s.heading for s in doc.sections] + [doc.title]
    leaked = [text[:60] for text in body if LINK_RESIDUE.search(text)]
    assert not leaked, leaked


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_silent_errors_in_realistic_texts(name):
    wrong = silent_errors(parsed(name), EXPECTED[name], CHECKS)
    assert not wrong, f"wrong without a warning: {wrong}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_false_alarm_in_realistic_texts(name):
    doc = parsed(name)
    false = false_alarms(doc, EXPECTED[name])
    assert not false, f"warns of {false} without cause: {doc.warnings}"


# --- Language pairs ------------------------------------------------------------------------------

# Per pair: its slug, and the side-by-side rows in order: a heading row as (ja heading, en
# heading) with "—" for a missing one, a clause row as the set of markers both cells must show.
PAIR_ROWS = {
    "numbered-ja-only-headings": (
        "realistic-japan-kazakhstan-joint-statement",
        [{"2024"}, {"1992"}, ("政治分野", "Political Field"), {"2025"}, {"UNSC"}]
        + [("経済分野", "Economic Field"), {"ODA"}, {"JICA"}, {"2030"}]
        + [("人的交流", "People-to-People Exchanges"), {"KJC"}, {"2026"}],
    ),
    "en-splits-paragraph": (
        "realistic-japan-turkmenistan-joint-press-release",
        [{"2023"}, {"1992"}, ("経済分野", "Economic field"), {"LNG"}, {"ADB", "2026"}, {"JBIC"}]
        + [("人的交流", "People-to-people exchanges"), {"JDS"}, {"2027"}],
    ),
    "ja-extra-heading": (
        "realistic-caj-tenth-foreign-ministers-joint-statement",
        [("政治分野", "Political Field"), {"2004"}, {"UNSC"}, ("経済分野", "Economic Field")]
        + [{"ODA"}, {"JICA"}, {"2025"}, {"UNDP"}, ("今後の協力", "—"), {"2026"}, {"2027"}],
    ),
    "en-pdf-ja-web": (
        "realistic-japan-uzbekistan-joint-statement",
        [{"2025"}, {"2002"}, {"ODA"}, {"JETRO"}, {"JDS"}, {"JICA"}, {"2026"}],
    ),
}


HEADING_NUMBER = re.compile(r"^[0-9０-９IVXⅠ-Ⅻ]+[.．]\s*")


def outline(rows):
    got = []
    for row in rows:
        if row.kind == "section":
            got.append((HEADING_NUMBER.sub("", row.ja.text), HEADING_NUMBER.sub("", row.en.text)))
        else:
            ja, en = markers(row.ja.text), markers(row.en.text)
            got.append(ja if ja == en else f"ja {sorted(ja)} / en {sorted(en)}")
    return got


@pytest.mark.django_db
@pytest.mark.parametrize("pair", sorted(PAIR_ROWS))
def test_pair_rows_hold_a_paragraph_and_its_translation(client, pair):
    slug, expected = PAIR_ROWS[pair]
    call_command("import_documents", str(PAIRS / pair), stdout=io.StringIO(), stderr=io.StringIO())
    assert outline(side_by_side(client, slug)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("pair", sorted(set(PAIR_ROWS) - {"en-splits-paragraph"}))
def test_pair_versions_share_clause_labels_where_they_share_paragraphs(client, pair):
    """A clause row pairs the same labels, so /documents/<slug>/clauses/<label>/ shows both."""
    slug, _ = PAIR_ROWS[pair]
    call_command("import_documents", str(PAIRS / pair), stdout=io.StringIO(), stderr=io.StringIO())
    rows = [r for r in side_by_side(client, slug) if r.kind == "clause"]
    differ = [(r.ja.labels, r.en.labels) for r in rows if len(r.ja.labels) == len(r.en.labels) == 1]
    assert all(ja == en for ja, en in differ), differ
