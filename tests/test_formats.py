"""Invented texts in every layout the importer reads, read as a historian reads them.

Five corpora of short invented texts (no sentence is taken from a real document or from
fixtures/), each with an expected.toml that says, per file, what the parse must give (its header
explains the keys):

- tests/texts/: the layouts of MOFA joint statements, press releases, action plans and chair's
  summaries (2002–2025), one or a few per file, and every layout a round of real texts showed;
- tests/texts_heldout/: layouts the first set does not show (full-width numbering, 【】 headings,
  markdown copied from web pages, 令和/平成 posting dates, PDF wraps, CRLF, end marks), written to
  check that the importer generalizes;
- tests/texts_realistic/: long texts in the shapes of real documents, and language pairs whose
  versions disagree the way real ones do (pairs/);
- tests/texts_era/: the shapes of the earlier era (2004–2012) of the Dialogue and its pages;
- tests/texts_english/: English pages and PDFs of MOFA, with their furniture and the
  abbreviations and numbers of English prose.

Files with an `ambiguous` key are texts where no single structure is right and a warning must
say so. Warnings are matched by a keyword at a word start, so their wording can change.
"""

import functools
import io
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.ingest.parsing import parse_document
from archive.ingest.scoring import non_space, source_without_markup, text_in_order
from tests.utils import markers, side_by_side

TESTS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Corpus:
    folder: str  # under tests/
    sizes: tuple[int, int] | None = None  # how many texts it holds, when that is fixed
    residue_apart: bool = True  # residue lines are checked as whole lines of the source
    # Lines a page or PDF leaves behind that must never be text of a clause, heading or title.
    leaks: re.Pattern | None = None

    @functools.cached_property
    def expected(self) -> dict:
        return tomllib.loads((TESTS / self.folder / "expected.toml").read_text(encoding="utf-8"))

    @functools.cached_property
    def files(self) -> list[str]:
        return sorted(path.stem for path in (TESTS / self.folder).glob("*.txt"))


CORPORA = {
    corpus.folder: corpus
    for corpus in (
        Corpus("texts", residue_apart=False),
        Corpus(
            "texts_heldout",
            leaks=re.compile(r"^(?:[(（]\s*了\s*[)）]|以上|\(End\)|[-－]\s*[0-9０-９]+\s*[-－])$"),
        ),
        Corpus(
            "texts_realistic",
            leaks=re.compile(r"\]\(|https?://|^\s*[-－]\s*[0-9０-９]+\s*[-－]\s*$|^[0-9]+$"),
        ),
        Corpus(
            "texts_era", sizes=(12, 16), leaks=re.compile(r"^(?:[(（]\s*了\s*[)）]|以上|\(End\))$")
        ),
        Corpus(
            "texts_english",
            sizes=(10, 12),
            leaks=re.compile(
                r"^(?:Japanese|Related Links?|Back to .+|Home\s*>.*|.*\[PDF\]"
                r"|\(?Provisional translation\)?)$",
                re.IGNORECASE,
            ),
        ),
    )
}
TEXTS = [(corpus, name) for corpus in CORPORA for name in CORPORA[corpus].files]
TEXT_IDS = [f"{corpus}/{name}" for corpus, name in TEXTS]
EXPECTED_TEXTS = [(c, n) for c in CORPORA for n in sorted(CORPORA[c].expected)]
AMBIGUOUS = [(c, n) for c, n in EXPECTED_TEXTS if "ambiguous" in CORPORA[c].expected[n]]
METADATA_KINDS = {
    "residue": {"link", "furniture"},  # link words, navigation, images, table rules
    "date": {"date", "date_place", "place"},
    "provisional": {"provisional"},
    "note": {"note"},
}
RESIDUE = ("link", "furniture")
# Defects the parser must not report in a text that does not have them.
FALSE_ALARMS = ("truncated", "after the signature", "range", "stand apart")
# Marks that frame a heading or an item, taken off when headings and items are compared.
MARKS = "■◆●○◎・【】[]［］*＊ 　"
ITEM = re.compile(
    r"^[\s　]*(?:[(（](?:[a-z]|[イロハニホヘト])[)）]|[○■●・◆]|[\u2460-\u2473])[\s　]*"
)
# A paragraph that ends in one of these was cut at an abbreviation, not at its end.
ABBREVIATION_END = re.compile(r"(?:\bH\.E\.|\bMr\.|\bMs\.|\bNo\.|\b[ap]\.m\.|\bU\.)$")


def source(corpus: str, name: str) -> str:
    """The file as stored: CRLF line ends and trailing spaces are part of what is tested."""
    with open(TESTS / corpus / f"{name}.txt", encoding="utf-8", newline="") as file:
        return file.read()


@functools.cache
def parsed(corpus: str, name: str):
    """The parse of a text; the language is the first two letters of its name."""
    return parse_document(source(corpus, name), name[:2])


def has_warning(doc, keywords) -> bool:
    keywords = (keywords,) if isinstance(keywords, str) else keywords
    return any(
        re.search(rf"\b{re.escape(k)}", w, re.IGNORECASE) for w in doc.warnings for k in keywords
    )


def bare(heading: str | None) -> str:
    return (heading or "").strip(MARKS)


# --- Checks: one per key of an expected entry; each raises AssertionError with a sentence -------


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
    assert doc.subtitle.strip(" -－―—−「」") == subtitle
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
    """The items under `(1) topic`: the paragraphs of a level-2 section's clauses, or the
    paragraphs of the topic clause after the topic line and of the item clauses after it."""
    for index, section in enumerate(doc.sections):
        if [section.label, bare(section.heading)] == [printed, topic]:
            assert section.level == 2, f"{printed} {topic} is a level-{section.level} section"
            assert bare(heading_of(doc, section.parent)) == parent, f"{topic} not under {parent}"
            return [p for c in doc.clauses if c.section == index for p in c.paragraphs]
    clauses = [c for c in doc.clauses if bare(heading_of(doc, c.section)) == parent]
    starts = [
        i
        for i, c in enumerate(clauses)
        if c.printed_label == printed and c.paragraphs[0].strip(" 　") == topic
    ]
    assert starts, f"{printed} {topic} is neither a level-2 section nor a clause under {parent}"
    items = list(clauses[starts[0]].paragraphs[1:])
    for c in clauses[starts[0] + 1 :]:
        if c.printed_label and not ITEM.match(c.printed_label + " "):
            break
        items += c.paragraphs
    return items


def check_subtopics(doc, topics):
    """`(1) topic` over its items (①, (a), (イ), ○ …), as a level-2 section or as a clause whose
    first paragraph is the topic; the items' marks are ignored when comparing starts."""
    for parent, printed, topic, starts in topics:
        items = [ITEM.sub("", p) for p in _topic_items(doc, parent, printed, topic)]
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
    "headings": check_headings,
    "paragraphs_by_heading": check_paragraphs_by_heading,
    "numbered_in": check_numbered_in,
    "under": check_under,
    "subtopics": check_subtopics,
    "title_contains": check_title_contains,
    "genre": check_genre,
    "clause_count": check_clause_count,
    "apart": check_apart,
}
WARNING_CHECKS = {"warnings", "truncated_after"}
NOT_CHECKS = {"ambiguous", "allow"}
CASES = [
    (corpus, name, aspect)
    for corpus, name in EXPECTED_TEXTS
    for aspect in CORPORA[corpus].expected[name]
    if aspect not in NOT_CHECKS
]


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


def silent_errors(doc, expected: dict) -> list[str]:
    """The aspects of `expected` that `doc` gets wrong, when it carries no warning at all:
    the importer may get a text wrong, but then it must say so."""
    if doc.warnings:
        return []
    wrong = []
    for aspect, value in expected.items():
        if aspect in WARNING_CHECKS | NOT_CHECKS:
            continue
        try:
            CHECKS[aspect](doc, value)
        except AssertionError as error:
            wrong.append(f"{aspect}: {(str(error).splitlines() or [''])[0]}")
    return wrong


def false_alarms(doc, expected: dict) -> list[str]:
    """The defects `doc` is warned of that its text does not have (FALSE_ALARMS keywords)."""
    allowed = {k for keywords in expected.get("warnings", []) for k in keywords}
    allowed |= set(expected.get("allow", [])) | set(expected.get("ambiguous", []))
    if "date_range" in expected:
        allowed.add("range")
    if "truncated_after" in expected:
        allowed.add("truncated")
    return [k for k in FALSE_ALARMS if k not in allowed and has_warning(doc, k)]


# --- Tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_text_has_its_expected_reading_written_down(corpus):
    texts = CORPORA[corpus]
    assert sorted(texts.expected) == texts.files
    assert {a for c, _n, a in CASES if c == corpus} <= set(CHECKS)
    if texts.sizes:
        assert texts.sizes[0] <= len(texts.files) <= texts.sizes[1]


@pytest.mark.parametrize(
    ("corpus", "name", "aspect"), CASES, ids=[f"{c}/{n}:{a}" for c, n, a in CASES]
)
def test_text_reads_as_a_historian_reads_it(corpus, name, aspect):
    CHECKS[aspect](parsed(corpus, name), CORPORA[corpus].expected[name][aspect])


@pytest.mark.parametrize(("corpus", "name"), TEXTS, ids=TEXT_IDS)
def test_no_text_lost_every_character_of_the_source_is_kept_once_in_order(corpus, name):
    """Every non-space character is kept once, in order. Where a page number printed between
    two lines of one paragraph cannot sit in order with the clause that spans it, residue lines
    are checked as whole lines of the source and the rest in order."""
    doc = parsed(corpus, name)
    text = source_without_markup(source(corpus, name))
    if not CORPORA[corpus].residue_apart:
        assert non_space(text_in_order(doc)) == non_space(text)
        return
    residue = [m.text for m in doc.metadata_lines if m.role in RESIDUE]
    kept = [m for m in doc.metadata_lines if m.role not in RESIDUE]
    rest = text_in_order(replace(doc, metadata_lines=kept))
    assert non_space(rest) == non_space(without_residue_lines(text, residue))


@pytest.mark.parametrize(("corpus", "name"), TEXTS, ids=TEXT_IDS)
def test_clause_labels_are_unique_so_every_clause_can_be_cited(corpus, name):
    labels = [c.label for c in parsed(corpus, name).clauses]
    assert len(labels) == len(set(labels)), labels


@pytest.mark.parametrize(("corpus", "name"), TEXTS, ids=TEXT_IDS)
def test_the_preamble_comes_first_and_only_it_is_labelled_p(corpus, name):
    clauses = parsed(corpus, name).clauses
    wrong = [c.label for c in clauses if c.is_preamble != c.label.startswith("p")]
    assert not wrong, f"is_preamble disagrees with the label of {wrong}"
    flags = [c.is_preamble for c in clauses]
    assert flags == sorted(flags, reverse=True), (
        f"preamble after body: {[c.label for c in clauses]}"
    )


LEAKING = [(c, n) for c, n in TEXTS if CORPORA[c].leaks is not None]


@pytest.mark.parametrize(("corpus", "name"), LEAKING, ids=[f"{c}/{n}" for c, n in LEAKING])
def test_no_page_residue_becomes_a_clause_heading_or_title(corpus, name):
    """Lines a web page or PDF leaves behind (links, furniture, page numbers, 了/End) are kept as
    metadata, never as text of a clause, heading or title."""
    doc = parsed(corpus, name)
    body = [c.text for c in doc.clauses] + [s.heading for s in doc.sections] + [doc.title]
    leaks = CORPORA[corpus].leaks
    leaked = [p[:60] for text in body for p in text.splitlines() if leaks.search(p.strip())]
    assert not leaked, f"page residue in the text: {leaked}"


@pytest.mark.parametrize(("corpus", "name"), TEXTS, ids=TEXT_IDS)
def test_no_paragraph_is_cut_at_an_abbreviation(corpus, name):
    """ "H.E. Mr.", "5:30 p.m.", "U.S." and "No. 3" end no paragraph: a sentence goes on."""
    cut = [
        p
        for c in parsed(corpus, name).clauses
        for p in c.paragraphs
        if ABBREVIATION_END.search(p.strip())
    ]
    assert not cut, f"paragraphs cut at an abbreviation: {cut}"


@pytest.mark.parametrize(
    ("corpus", "name"), EXPECTED_TEXTS, ids=[f"{c}/{n}" for c, n in EXPECTED_TEXTS]
)
def test_no_silent_errors_a_wrong_structure_comes_with_a_warning(corpus, name):
    wrong = silent_errors(parsed(corpus, name), CORPORA[corpus].expected[name])
    assert not wrong, f"wrong without a warning: {wrong}"


@pytest.mark.parametrize(("corpus", "name"), AMBIGUOUS, ids=[f"{c}/{n}" for c, n in AMBIGUOUS])
def test_ambiguous_texts_are_imported_with_a_warning(corpus, name):
    doc = parsed(corpus, name)
    keywords = CORPORA[corpus].expected[name]["ambiguous"]
    assert has_warning(doc, keywords), f"no warning mentions {keywords}; warnings: {doc.warnings}"


@pytest.mark.parametrize(
    ("corpus", "name"), EXPECTED_TEXTS, ids=[f"{c}/{n}" for c, n in EXPECTED_TEXTS]
)
def test_no_warning_of_a_defect_the_text_does_not_have(corpus, name):
    doc = parsed(corpus, name)
    false = false_alarms(doc, CORPORA[corpus].expected[name])
    assert not false, f"warns of {false} without cause: {doc.warnings}"


# --- Language pairs ------------------------------------------------------------------------------

PAIRS = TESTS / "texts_realistic" / "pairs"
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
