"""Texts nobody tuned the importer for: the layouts of MOFA joint statements, press releases, action
plans and chair's summaries (Japan and Central Asia, 2002–2025), read as a historian reads them.

Each file in tests/texts/ is a short invented text (no sentence is taken from a real document or
from fixtures/) showing one or a few layout patterns of the issue: wrapped titles, dash and bracket
subtitles, datelines, issuer and genre lines, web-page residue, numbered and Roman headings, PDF
hard wraps, recitals, visit ranges, posting dates, signature blocks. tests/texts/expected.toml says,
per file, what the parse must give (its header explains each key); files with an `ambiguous` key are
texts where no single structure is right and a warning must say so. Warnings are matched by a
keyword at a word start, so their wording can change.
"""

import functools
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from archive.ingest.parsing import parse_document
from archive.ingest.scoring import non_space, source_without_markup, text_in_order

TEXTS = Path(__file__).resolve().parent / "texts"
EXPECTED = tomllib.loads((TEXTS / "expected.toml").read_text(encoding="utf-8"))
AMBIGUOUS = {name: e["ambiguous"] for name, e in EXPECTED.items() if "ambiguous" in e}
METADATA_KINDS = {
    "residue": {"link", "furniture"},  # link words, navigation, images, table rules
    "date": {"date", "date_place", "place"},
    "provisional": {"provisional"},
    "note": {"note"},
}

# Defects the parser must not report in a text that does not have them.
FALSE_ALARMS = ("truncated", "after the signature", "range")


@functools.cache
def parsed(name: str):
    """The parse of tests/texts/<name>.txt; the language is the first two letters of the name."""
    return parse_document(source(name), name[:2])


def source(name: str) -> str:
    return (TEXTS / f"{name}.txt").read_text(encoding="utf-8")


def has_warning(doc, keywords) -> bool:
    keywords = (keywords,) if isinstance(keywords, str) else keywords
    return any(
        re.search(rf"\b{re.escape(k)}", w, re.IGNORECASE) for w in doc.warnings for k in keywords
    )


def heading_of(doc, section):
    return None if section is None else doc.sections[section].heading


def clause(doc, label):
    found = [c for c in doc.clauses if c.label == label]
    assert found, f"no clause labelled {label!r}; labels are {[c.label for c in doc.clauses]}"
    return found[0]


def same_line(printed: str, expected: str) -> bool:
    printed = printed.strip()
    return printed == expected or printed.strip("（）() ") == expected


def loose(text: str) -> str:
    """A dateline without its brackets and separators, to match it however it was split."""
    return re.sub(r"[\s、，,（）()]", "", text)


# --- Checks: one per key of an EXPECTED entry; each raises AssertionError with a sentence -------


def check_title(doc, title):
    assert doc.title == title


def check_subtitle(doc, subtitle):
    assert doc.subtitle.strip(" -－―—「」") == subtitle
    assert not subtitle or subtitle not in doc.title, "the subtitle is also in the title"


def check_provisional(doc, provisional):
    assert doc.is_provisional is provisional


def check_date(doc, date):
    assert doc.date == date


def check_date_range(doc, date_range):
    assert getattr(doc, "date_range", None) == tuple(date_range)
    assert doc.date in (None, date_range[0]), "a range gives no date, or its first day"


def check_undated(doc, undated):
    assert (doc.date is None and getattr(doc, "date_range", None) is None) is undated


def check_place(doc, place):
    assert doc.place == place


def check_metadata(doc, lines):
    for text, kind in lines.items():
        if kind == "date":
            roles = METADATA_KINDS["date"]
            dated = "".join(m.text for m in doc.metadata_lines if m.role in roles)
            assert loose(text) in loose(dated), f"{text!r} is not in date/place metadata lines"
            continue
        found = [m for m in doc.metadata_lines if same_line(m.text, text)]
        assert found, f"{text!r} is not a metadata line"
        if kind == "not-title":
            assert all(m.role not in ("title", "subtitle") for m in found), f"{text!r} in title"
            assert text not in doc.title, f"{text!r} is part of the title"
        else:
            roles = METADATA_KINDS[kind]
            assert any(m.role in roles for m in found), (
                f"{text!r} has role {[m.role for m in found]}, expected one of {sorted(roles)}"
            )
        assert not any(text in c.text for c in doc.clauses), f"{text!r} is inside a clause"
        assert not any(text in s.heading for s in doc.sections), f"{text!r} is in a heading"


def check_sections(doc, sections):
    assert [[s.label, s.heading, s.level] for s in doc.sections] == sections
    top = None
    for index, section in enumerate(doc.sections):
        if section.level == 1:
            assert section.parent is None, f"level-1 section {section.heading!r} has a parent"
            top = index
        else:
            assert section.parent == top, f"{section.heading!r} is not under the section above it"


def check_level1(doc, expected):
    assert [[s.label, s.heading] for s in doc.sections if s.level == 1] == expected


def check_labels(doc, labels):
    assert [c.label for c in doc.clauses] == labels
    wrong = [c.label for c in doc.clauses if c.is_preamble != c.label.startswith("p")]
    assert not wrong, f"is_preamble is wrong for {wrong}"


def check_preamble(doc, labels):
    assert [c.label for c in doc.clauses if c.is_preamble] == labels


def check_printed(doc, printed):
    assert [c.printed_label for c in doc.clauses if c.printed_label] == printed


def check_numbered(doc, numbered):
    got = [[c.printed_label, heading_of(doc, c.section)] for c in doc.clauses if c.printed_label]
    assert got == numbered


def check_paragraphs(doc, counts):
    assert {label: len(clause(doc, label).paragraphs) for label in counts} == counts


def check_paragraphs_per_section(doc, counts):
    got = Counter()
    for c in doc.clauses:
        got[heading_of(doc, c.section) or ""] += len(c.paragraphs)  # "": no section
    assert dict(got) == counts


def check_clause_paragraphs(doc, expected):
    assert {label: list(clause(doc, label).paragraphs) for label in expected} == expected


def check_contains(doc, expected):
    for label, text in expected.items():
        assert text in clause(doc, label).text, f"clause {label} lacks {text!r}"


def check_closing(doc, closing):
    assert doc.closing == closing


def check_signatories(doc, signatories):
    assert [(non_space(s.name), non_space(s.title)) for s in doc.signatories] == [
        (non_space(name), non_space(title)) for name, title in signatories
    ]


def check_warnings(doc, required):
    missing = [keywords for keywords in required if not has_warning(doc, keywords)]
    assert not missing, f"no warning mentions {missing}; warnings: {doc.warnings}"


def check_truncated_after(doc, label):
    assert any(
        re.search(r"\btruncat", w, re.I) and re.search(rf"(?<!\d){label}(?!\d)", w)
        for w in doc.warnings
    ), f"no warning says the text is truncated after clause {label}: {doc.warnings}"


def check_topics(doc, topics):
    """`(1) Energy and transport` over a paragraph: a level-2 section or a clause, either is right;
    a new level-1 section or a paragraph merged into the topic line is wrong."""
    parent = "Outcome of the Talks"
    for printed, topic, starts in topics:
        sections = [
            i for i, s in enumerate(doc.sections) if [s.label, s.heading] == [printed, topic]
        ]
        if sections:
            section = doc.sections[sections[0]]
            assert section.level == 2 and heading_of(doc, section.parent) == parent
            paragraphs = [p for c in doc.clauses if c.section == sections[0] for p in c.paragraphs]
        else:
            found = [c for c in doc.clauses if c.printed_label == printed]
            assert found, f"{printed} {topic} is neither a level-2 section nor a clause"
            assert found[0].paragraphs[0] == topic, f"{printed}: {found[0].paragraphs[0]!r}"
            assert heading_of(doc, found[0].section) == parent
            paragraphs = list(found[0].paragraphs[1:])
        assert len(paragraphs) == len(starts), f"{printed} {topic}: {paragraphs}"
        assert all(p.startswith(s) for p, s in zip(paragraphs, starts, strict=True)), paragraphs


CHECKS = {
    "title": check_title,
    "subtitle": check_subtitle,
    "provisional": check_provisional,
    "date": check_date,
    "date_range": check_date_range,
    "undated": check_undated,
    "place": check_place,
    "metadata": check_metadata,
    "sections": check_sections,
    "level1": check_level1,
    "labels": check_labels,
    "preamble": check_preamble,
    "printed": check_printed,
    "numbered": check_numbered,
    "paragraphs": check_paragraphs,
    "paragraphs_per_section": check_paragraphs_per_section,
    "clause_paragraphs": check_clause_paragraphs,
    "contains": check_contains,
    "closing": check_closing,
    "signatories": check_signatories,
    "warnings": check_warnings,
    "truncated_after": check_truncated_after,
    "topics": check_topics,
}
WARNING_CHECKS = {"warnings", "truncated_after"}
NOT_CHECKS = {"ambiguous", "allow"}
CASES = [
    (name, aspect)
    for name, expected in EXPECTED.items()
    for aspect in expected
    if aspect not in NOT_CHECKS
]
TEXT_FILES = sorted(path.stem for path in TEXTS.glob("*.txt"))


# --- Tests ---------------------------------------------------------------------------------------


def test_every_text_has_its_expected_reading_written_down():
    assert sorted(EXPECTED) == TEXT_FILES
    assert {aspect for _, aspect in CASES} <= set(CHECKS)


@pytest.mark.parametrize(
    ("name", "aspect"), CASES, ids=[f"{name}:{aspect}" for name, aspect in CASES]
)
def test_text_reads_as_a_historian_reads_it(name, aspect):
    CHECKS[aspect](parsed(name), EXPECTED[name][aspect])


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_text_lost_every_character_of_the_source_is_kept_once_in_order(name):
    doc = parsed(name)
    assert non_space(text_in_order(doc)) == non_space(source_without_markup(source(name)))


@pytest.mark.parametrize("name", TEXT_FILES)
def test_clause_labels_are_unique_so_every_clause_can_be_cited(name):
    labels = [c.label for c in parsed(name).clauses]
    assert len(labels) == len(set(labels)), labels


def silent_errors(doc, expected: dict, checks: dict) -> list[str]:
    """The aspects of `expected` that `doc` gets wrong, when it carries no warning at all:
    the importer may get a text wrong, but then it must say so. Shared by every format set."""
    if doc.warnings:
        return []
    wrong = []
    for aspect, value in expected.items():
        if aspect in WARNING_CHECKS | NOT_CHECKS:
            continue
        try:
            checks[aspect](doc, value)
        except AssertionError as error:
            wrong.append(f"{aspect}: {(str(error).splitlines() or [''])[0]}")
    return wrong


def false_alarms(doc, expected: dict) -> list[str]:
    """The defects `doc` is warned of that its text does not have (FALSE_ALARMS keywords)."""
    allowed = {k for keywords in expected.get("warnings", []) for k in keywords}
    allowed |= set(expected.get("allow", []))
    if "date_range" in expected:
        allowed.add("range")
    if "truncated_after" in expected:
        allowed.add("truncated")
    return [k for k in FALSE_ALARMS if k not in allowed and has_warning(doc, k)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_silent_errors_a_wrong_structure_comes_with_a_warning(name):
    wrong = silent_errors(parsed(name), EXPECTED[name], CHECKS)
    assert not wrong, f"wrong without a warning: {wrong}"


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_ambiguous_texts_are_imported_with_a_warning(name):
    doc = parsed(name)
    assert has_warning(doc, AMBIGUOUS[name]), (
        f"no warning mentions {AMBIGUOUS[name]}; warnings: {doc.warnings}"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_warning_of_a_defect_the_text_does_not_have(name):
    doc = parsed(name)
    false = false_alarms(doc, EXPECTED[name])
    assert not false, f"warns of {false} without cause: {doc.warnings}"
