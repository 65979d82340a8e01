"""A fourth held-out set: English texts of Japan–Central Asia relations (2013–2025) as copied
from MOFA English pages (mofa.go.jp/region/…) and their PDFs — summit and foreign ministers'
meeting pages with "1. Opening remarks" headings and "(1) Economy" topics, joint statements with
"Recognizing …," recitals, chair's summaries of the "Central Asia plus Japan" Dialogue with
footnote markers, a declaration in Roman parts, an action plan with (a)/(b) items — with the page
furniture such copies carry ("Japanese", "Home > Foreign Policy > …", "Related Link", "[PDF]",
"Back to Central Asia", "Provisional translation", "(Note 1)") and the abbreviations and numbers
of English prose ("5:30 p.m.", "H.E. Mr.", "U.S.", "etc.", "No. 3", "2023–2025", "12%").

Some texts are adversarial but realistic: a PDF wrap that puts "21. The Forum" at a line start, a
gap in the paragraph numbering, a text cut mid-sentence, a posting date above a signed text.

tests/texts_english/expected.toml says what each text must give; its keys are those of the three
earlier sets, whose checks this module reuses.
"""

import functools
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from archive.ingest.parsing import parse_document
from archive.ingest.scoring import non_space, source_without_markup, text_in_order
from tests.test_formats import (
    false_alarms,
    has_warning,
    silent_errors,
)
from tests.test_formats_heldout import (
    NOT_CHECKS,
    without_residue_lines,
)
from tests.test_formats_realistic import CHECKS

TEXTS = Path(__file__).resolve().parent / "texts_english"
EXPECTED = tomllib.loads((TEXTS / "expected.toml").read_text(encoding="utf-8"))
AMBIGUOUS = {name: e["ambiguous"] for name, e in EXPECTED.items() if "ambiguous" in e}
TEXT_FILES = sorted(path.stem for path in TEXTS.glob("*.txt"))
CASES = [(name, aspect) for name, e in EXPECTED.items() for aspect in e if aspect not in NOT_CHECKS]
RESIDUE = ("link", "furniture")

# Lines of MOFA English page furniture: never text of a clause, heading or title.
FURNITURE = re.compile(
    r"^(?:Japanese|Related Links?|Back to .+|Home\s*>.*|.*\[PDF\]|\(?Provisional translation\)?)$",
    re.IGNORECASE,
)
# A paragraph that ends in one of these was cut at an abbreviation, not at its end.
ABBREVIATION_END = re.compile(r"(?:\bH\.E\.|\bMr\.|\bMs\.|\bNo\.|\b[ap]\.m\.|\bU\.)$")


def source(name: str) -> str:
    with open(TEXTS / f"{name}.txt", encoding="utf-8", newline="") as file:
        return file.read()


@functools.cache
def parsed(name: str):
    return parse_document(source(name), name[:2])


# --- Tests ---------------------------------------------------------------------------------------


def test_every_english_text_has_its_expected_reading_written_down():
    assert sorted(EXPECTED) == TEXT_FILES
    assert 10 <= len(TEXT_FILES) <= 12
    assert {aspect for _, aspect in CASES} <= set(CHECKS)


@pytest.mark.parametrize(("name", "aspect"), CASES, ids=[f"{n}:{a}" for n, a in CASES])
def test_english_text_reads_as_a_historian_reads_it(name, aspect):
    CHECKS[aspect](parsed(name), EXPECTED[name][aspect])


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_text_lost_in_english_texts(name):
    """Every non-space character is kept once, in order; residue lines as whole source lines."""
    doc = parsed(name)
    residue = [m.text for m in doc.metadata_lines if m.role in RESIDUE]
    kept = [m for m in doc.metadata_lines if m.role not in RESIDUE]
    rest = text_in_order(replace(doc, metadata_lines=kept))
    expected = without_residue_lines(source_without_markup(source(name)), residue)
    assert non_space(rest) == non_space(expected)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_english_clause_labels_are_unique_and_preamble_first(name):
    clauses = parsed(name).clauses
    labels = [c.label for c in clauses]
    assert len(labels) == len(set(labels)), labels
    wrong = [c.label for c in clauses if c.is_preamble != c.label.startswith("p")]
    assert not wrong, f"is_preamble disagrees with the label of {wrong}"
    flags = [c.is_preamble for c in clauses]
    assert flags == sorted(flags, reverse=True), f"preamble after body: {labels}"


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_page_furniture_becomes_a_clause_heading_or_title(name):
    doc = parsed(name)
    body = [c.text for c in doc.clauses] + [s.heading for s in doc.sections] + [doc.title]
    leaked = [p for text in body for p in text.splitlines() if FURNITURE.match(p.strip())]
    assert not leaked, f"page furniture in the text: {leaked}"


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_paragraph_is_cut_at_an_abbreviation(name):
    """ "H.E. Mr.", "5:30 p.m.", "U.S." and "No. 3" end no paragraph: a sentence goes on."""
    cut = [
        p for c in parsed(name).clauses for p in c.paragraphs if ABBREVIATION_END.search(p.strip())
    ]
    assert not cut, f"paragraphs cut at an abbreviation: {cut}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_silent_errors_in_english_texts(name):
    wrong = silent_errors(parsed(name), EXPECTED[name], CHECKS)
    assert not wrong, f"wrong without a warning: {wrong}"


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_ambiguous_english_texts_are_imported_with_a_warning(name):
    doc = parsed(name)
    assert has_warning(doc, AMBIGUOUS[name]), (
        f"no warning mentions {AMBIGUOUS[name]}; warnings: {doc.warnings}"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_false_alarm_in_english_texts(name):
    doc = parsed(name)
    false = false_alarms(doc, EXPECTED[name])
    assert not false, f"warns of {false} without cause: {doc.warnings}"
