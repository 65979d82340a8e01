"""A fourth held-out set: invented texts in the shapes of the EARLIER era (2004–2012) of the
"Central Asia plus Japan" Dialogue and of bilateral Japan–Central Asia relations, as a
diplomatic historian meets them on old MOFA pages and PDFs — the 2004 Astana launch, the 2006
Tokyo action plan, the 2010 Tashkent meeting, chair's summaries of senior officials' meetings,
bilateral statements of official visits with 平成 dates, 報道発表 press releases with 1． sections
and （1） items — and the artefacts of those pages: full-width spaces for indentation, ■ and ○
marks, （了）, a posting date alone at the top or bottom, ［参考］ notes, 別添 annexes, （注）
footnotes after the body, (Provisional Translation) above or below.

tests/texts_era/expected.toml says what each text must give; its header lists the keys this
module adds to those of the earlier sets, whose checks it reuses.
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
    false_alarms,
    has_warning,
    heading_of,
    silent_errors,
)
from tests.test_formats_heldout import (
    HELDOUT_CHECKS,
    NOT_CHECKS,
    without_residue_lines,
)

TEXTS = Path(__file__).resolve().parent / "texts_era"
EXPECTED = tomllib.loads((TEXTS / "expected.toml").read_text(encoding="utf-8"))
AMBIGUOUS = {name: e["ambiguous"] for name, e in EXPECTED.items() if "ambiguous" in e}
TEXT_FILES = sorted(path.stem for path in TEXTS.glob("*.txt"))
MARKS = "■◆●○◎・【】[]［］*＊ 　"
ITEM = re.compile(r"^[\s　]*(?:[(（](?:[a-z]|[イロハニホヘト])[)）]|[○■●・◆])[\s　]*")


def source(name: str) -> str:
    with open(TEXTS / f"{name}.txt", encoding="utf-8", newline="") as file:
        return file.read()


@functools.cache
def parsed(name: str):
    return parse_document(source(name), name[:2])


def bare(heading: str | None) -> str:
    return (heading or "").strip(MARKS)


# --- Checks this set adds ------------------------------------------------------------------------


def check_headings(doc, expected):
    assert [[bare(s.heading), s.level] for s in doc.sections] == expected


def check_paragraphs_by_heading(doc, counts):
    got = Counter()
    for c in doc.clauses:
        got[bare(heading_of(doc, c.section))] += len(c.paragraphs)
    assert dict(got) == counts


def check_numbered_in(doc, expected):
    got = {
        heading: [
            c.printed_label for c in doc.clauses if bare(heading_of(doc, c.section)) == heading
        ]
        for heading in expected
    }
    assert got == expected


def check_under(doc, expected):
    for heading, starts in expected.items():
        paragraphs = [
            p.lstrip(" 　")
            for c in doc.clauses
            if bare(heading_of(doc, c.section)) == heading
            for p in c.paragraphs
        ]
        assert len(paragraphs) == len(starts), f"{heading}: {paragraphs}"
        assert all(p.startswith(s) for p, s in zip(paragraphs, starts, strict=True)), paragraphs


def _topic_items(doc, parent, printed, topic):
    """The items under `（１）topic`: the paragraphs of a level-2 section's clauses, or the
    paragraphs of the topic clause after the topic line (and of item clauses that follow it)."""
    for index, section in enumerate(doc.sections):
        if [section.label, bare(section.heading)] == [printed, topic]:
            assert section.level == 2, f"{printed} {topic} is a level-{section.level} section"
            assert bare(heading_of(doc, section.parent)) == parent, f"{topic} not under {parent}"
            return [p for c in doc.clauses if c.section == index for p in c.paragraphs]
    clauses = [c for c in doc.clauses if bare(heading_of(doc, c.section)) == parent]
    starts = [i for i, c in enumerate(clauses) if c.printed_label == printed]
    assert starts, f"{printed} {topic} is neither a level-2 section nor a clause under {parent}"
    first = clauses[starts[0]]
    assert first.paragraphs[0].strip(" 　") == topic, f"{printed}: {first.paragraphs[0]!r}"
    items = list(first.paragraphs[1:])
    for c in clauses[starts[0] + 1 :]:
        if not ITEM.match(c.printed_label + " ") and c.printed_label:
            break
        items += c.paragraphs
    return items


def check_subtopics(doc, topics):
    for parent, printed, topic, starts in topics:
        items = [ITEM.sub("", p) for p in _topic_items(doc, parent, printed, topic)]
        assert len(items) == len(starts), f"{printed} {topic}: {items}"
        assert all(p.startswith(s) for p, s in zip(items, starts, strict=True)), items


def check_clause_count(doc, count):
    assert len(doc.clauses) == count, [c.label for c in doc.clauses]


def check_apart(doc, lines):
    for line in lines:
        whole = [m for m in doc.metadata_lines if m.text.strip() == line]
        alone = [c for c in doc.clauses if c.text.strip() == line]
        assert line not in doc.title, f"{line!r} is in the title"
        assert not any(line in s.heading for s in doc.sections), f"{line!r} is in a heading"
        assert all(m.role not in ("title", "subtitle") for m in whole), f"{line!r} is a title"
        assert whole or alone, f"{line!r} is merged into a clause or split"


ERA_CHECKS = {
    **HELDOUT_CHECKS,
    "headings": check_headings,
    "paragraphs_by_heading": check_paragraphs_by_heading,
    "numbered_in": check_numbered_in,
    "under": check_under,
    "subtopics": check_subtopics,
    "clause_count": check_clause_count,
    "apart": check_apart,
}
CASES = [(name, aspect) for name, e in EXPECTED.items() for aspect in e if aspect not in NOT_CHECKS]


# --- Tests ---------------------------------------------------------------------------------------


def test_every_era_text_has_its_expected_reading_written_down():
    assert sorted(EXPECTED) == TEXT_FILES
    assert {aspect for _, aspect in CASES} <= set(ERA_CHECKS)
    assert 12 <= len(TEXT_FILES) <= 16


@pytest.mark.parametrize(("name", "aspect"), CASES, ids=[f"{n}:{a}" for n, a in CASES])
def test_era_text_reads_as_a_historian_reads_it(name, aspect):
    ERA_CHECKS[aspect](parsed(name), EXPECTED[name][aspect])


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_text_lost_in_era_texts(name):
    doc = parsed(name)
    residue = [m.text for m in doc.metadata_lines if m.role in ("link", "furniture")]
    kept = [m for m in doc.metadata_lines if m.role not in ("link", "furniture")]
    rest = text_in_order(replace(doc, metadata_lines=kept))
    expected = without_residue_lines(source_without_markup(source(name)), residue)
    assert non_space(rest) == non_space(expected)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_era_clause_labels_are_unique_and_preamble_first(name):
    clauses = parsed(name).clauses
    labels = [c.label for c in clauses]
    assert len(labels) == len(set(labels)), labels
    wrong = [c.label for c in clauses if c.is_preamble != c.label.startswith("p")]
    assert not wrong, f"is_preamble disagrees with the label of {wrong}"
    flags = [c.is_preamble for c in clauses]
    assert flags == sorted(flags, reverse=True), f"preamble after body: {labels}"


END_MARK = re.compile(r"^(?:[(（]\s*了\s*[)）]|以上|\(End\))$")


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_end_mark_becomes_a_clause_heading_or_title(name):
    doc = parsed(name)
    body = [c.text for c in doc.clauses] + [s.heading for s in doc.sections] + [doc.title]
    leaked = [p for text in body for p in text.splitlines() if END_MARK.match(p.strip())]
    assert not leaked, f"end marks in the text: {leaked}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_silent_errors_in_era_texts(name):
    wrong = silent_errors(parsed(name), EXPECTED[name], ERA_CHECKS)
    assert not wrong, f"wrong without a warning: {wrong}"


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_ambiguous_era_texts_are_imported_with_a_warning(name):
    doc = parsed(name)
    assert has_warning(doc, AMBIGUOUS[name]), (
        f"no warning mentions {AMBIGUOUS[name]}; warnings: {doc.warnings}"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_false_alarm_in_era_texts(name):
    doc = parsed(name)
    false = false_alarms(doc, EXPECTED[name])
    assert not false, f"warns of {false} without cause: {doc.warnings}"
