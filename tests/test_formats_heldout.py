"""A held-out set of texts of the same family as tests/texts/: joint statements, press releases,
action plans and chair's summaries of Japan and the Central Asian states, in layouts the first set
does not show (full-width numbering, bare-number and 【】 headings, markdown copied from web pages,
ALL CAPS and Roman-caps headings, 令和/平成 posting dates, ranges across months, PDF wraps with a
hyphen or a 。 at the wrap and page numbers inside a paragraph, CRLF, two-column signatures, end
marks). It checks that the importer generalizes rather than fits the first set.

tests/texts_heldout/expected.toml says what each text must give; its header lists the keys this
module adds to those of tests/test_formats.py, whose checks it reuses.
"""

import functools
import re
import tomllib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from archive.ingest.parsing import parse_document
from archive.ingest.scoring import non_space, source_without_markup, text_in_order
from tests.test_formats import (
    CHECKS,
    false_alarms,
    has_warning,
    heading_of,
    silent_errors,
)

TEXTS = Path(__file__).resolve().parent / "texts_heldout"
EXPECTED = tomllib.loads((TEXTS / "expected.toml").read_text(encoding="utf-8"))
AMBIGUOUS = {name: e["ambiguous"] for name, e in EXPECTED.items() if "ambiguous" in e}
TEXT_FILES = sorted(path.stem for path in TEXTS.glob("*.txt"))
FRAME = "【】[]［］*＊ 　"
CIRCLED = re.compile(r"^[\u2460-\u2473]\s*")


def source(name: str) -> str:
    """The file as stored: CRLF line ends and trailing spaces are part of what is tested."""
    with open(TEXTS / f"{name}.txt", encoding="utf-8", newline="") as file:
        return file.read()


@functools.cache
def parsed(name: str):
    return parse_document(source(name), name[:2])


def frame_free(heading: str) -> str:
    return heading.strip(FRAME)


# --- Checks this set adds to those of tests/test_formats.py -------------------------------------


def check_headings(doc, expected):
    assert [[frame_free(s.heading), s.level] for s in doc.sections] == expected


def check_paragraphs_by_heading(doc, counts):
    got = Counter()
    for c in doc.clauses:
        got[frame_free(heading_of(doc, c.section) or "")] += len(c.paragraphs)
    assert dict(got) == counts


def _items_of_topic(doc, parent, printed, topic):
    """The items under `(1) topic`: clauses of a level-2 section, or the clause's paragraphs
    after the topic line."""
    for index, section in enumerate(doc.sections):
        if [section.label, section.heading] == [printed, topic]:
            assert section.level == 2, f"{printed} {topic} is a level-{section.level} section"
            assert heading_of(doc, section.parent) == parent, f"{topic} is not under {parent}"
            return [p for c in doc.clauses if c.section == index for p in c.paragraphs]
    found = [
        c
        for c in doc.clauses
        if c.printed_label == printed and heading_of(doc, c.section) == parent
    ]
    assert found, f"{printed} {topic} is neither a level-2 section nor a clause under {parent}"
    paragraphs = [p for c in found for p in c.paragraphs]
    assert paragraphs[0] == topic, f"{printed}: first paragraph {paragraphs[0]!r}"
    return paragraphs[1:]


def check_subtopics(doc, topics):
    for parent, printed, topic, starts in topics:
        items = [CIRCLED.sub("", p) for p in _items_of_topic(doc, parent, printed, topic)]
        assert len(items) == len(starts), f"{printed} {topic}: {items}"
        assert all(p.startswith(s) for p, s in zip(items, starts, strict=True)), items


def check_title_contains(doc, parts):
    missing = [part for part in parts if part not in doc.title]
    assert not missing, f"title {doc.title!r} lacks {missing}"


def check_genre(doc, genre):
    lines = [m for m in doc.metadata_lines if m.text.strip() == genre]
    in_title = genre in doc.title
    assert in_title or any(m.role in ("genre", "issuer") for m in lines), (
        f"{genre!r} is neither in the title nor a genre line: {[m.role for m in lines]}"
    )
    assert not any(genre in c.text for c in doc.clauses), f"{genre!r} is inside a clause"


HELDOUT_CHECKS = {
    **CHECKS,
    "headings": check_headings,
    "paragraphs_by_heading": check_paragraphs_by_heading,
    "subtopics": check_subtopics,
    "title_contains": check_title_contains,
    "genre": check_genre,
}
WARNING_CHECKS = {"warnings", "truncated_after"}
NOT_CHECKS = {"ambiguous", "allow"}
CASES = [
    (name, aspect)
    for name, expected in EXPECTED.items()
    for aspect in expected
    if aspect not in NOT_CHECKS
]


# --- Tests ---------------------------------------------------------------------------------------


def test_every_heldout_text_has_its_expected_reading_written_down():
    assert sorted(EXPECTED) == TEXT_FILES
    assert {aspect for _, aspect in CASES} <= set(HELDOUT_CHECKS)


@pytest.mark.parametrize(
    ("name", "aspect"), CASES, ids=[f"{name}:{aspect}" for name, aspect in CASES]
)
def test_heldout_text_reads_as_a_historian_reads_it(name, aspect):
    HELDOUT_CHECKS[aspect](parsed(name), EXPECTED[name][aspect])


RESIDUE = ("link", "furniture")


def without_residue_lines(text: str, residue: list[str]) -> str:
    """The source without the lines kept as residue, each removed once."""
    left, kept = list(residue), []
    for line in text.splitlines(keepends=True):
        if line.strip() in left:
            left.remove(line.strip())
        else:
            kept.append(line)
    assert not left, f"residue lines not found as lines of the source: {left}"
    return "".join(kept)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_text_lost_in_heldout_texts(name):
    """Every non-space character is kept once, in order. A page number printed between two lines
    of one paragraph cannot sit in order with the clause that spans it, so residue lines are
    checked as whole lines of the source and the rest in order."""
    doc = parsed(name)
    residue = [m.text for m in doc.metadata_lines if m.role in RESIDUE]
    kept = [m for m in doc.metadata_lines if m.role not in RESIDUE]
    rest = text_in_order(replace(doc, metadata_lines=kept))
    expected = without_residue_lines(source_without_markup(source(name)), residue)
    assert non_space(rest) == non_space(expected)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_preamble_comes_first_and_only_it_is_labelled_p(name):
    """p1, p2… are the paragraphs before the first numbered clause or heading, and only they."""
    clauses = parsed(name).clauses
    wrong = [c.label for c in clauses if c.is_preamble != c.label.startswith("p")]
    assert not wrong, f"is_preamble disagrees with the label of {wrong}"
    flags = [c.is_preamble for c in clauses]
    assert flags == sorted(flags, reverse=True), (
        f"preamble after body: {[c.label for c in clauses]}"
    )


@pytest.mark.parametrize("name", TEXT_FILES)
def test_heldout_clause_labels_are_unique(name):
    labels = [c.label for c in parsed(name).clauses]
    assert len(labels) == len(set(labels)), labels


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_residue_or_end_mark_becomes_a_clause_or_heading(name):
    """Lines a web page or PDF leaves behind (links, images, rules, page numbers, 了/End) are kept
    as metadata, never as text of a clause, heading or title."""
    doc = parsed(name)
    residue = [m.text for m in doc.metadata_lines if m.role in ("link", "furniture")]
    body = [c.text for c in doc.clauses] + [s.heading for s in doc.sections] + [doc.title]
    marks = re.compile(r"^(?:[(（]\s*了\s*[)）]|以上|\(End\)|[-－]\s*[0-9０-９]+\s*[-－])$")
    leaked = [p for text in body for p in text.splitlines() if marks.match(p.strip())]
    assert not leaked, f"end marks or page numbers in the text: {leaked} (residue: {residue})"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_silent_errors_in_heldout_texts(name):
    wrong = silent_errors(parsed(name), EXPECTED[name], HELDOUT_CHECKS)
    assert not wrong, f"wrong without a warning: {wrong}"


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_ambiguous_heldout_texts_are_imported_with_a_warning(name):
    doc = parsed(name)
    assert has_warning(doc, AMBIGUOUS[name]), (
        f"no warning mentions {AMBIGUOUS[name]}; warnings: {doc.warnings}"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_false_alarm_in_heldout_texts(name):
    doc = parsed(name)
    false = false_alarms(doc, EXPECTED[name])
    assert not false, f"warns of {false} without cause: {doc.warnings}"
