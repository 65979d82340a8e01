"""Scoring the importer against an archivist's reading of real texts (tests/real_sources.toml).

Plain Python, no Django. `score_text` compares one parse with the facts written for its text
(title lines, headings, clause starts and labels, preamble, paragraphs, date, place, furniture)
and says what differs; a difference is *announced* when the parse carries a warning of a kind
that points at it, and *silent* otherwise. `score_pair` aligns two language versions as the
importer does and checks that the clauses the archivist paired share a row. The facts name
lines, never sentences, so no real text has to enter the repository.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from archive.ingest.alignment import align_versions, clause_item, heading_item
from archive.ingest.parsed import ParsedDocument
from archive.ingest.repairs import normalize_label, strip_markup_from_source

# Which warning kinds point at a difference in each aspect of a reading.
ANNOUNCED_BY = {
    "title": {"title"},
    "subtitle": {"title"},
    "furniture": {"title", "structure"},
    "sections": {"structure"},
    "clauses": {"structure"},
    "preamble": {"structure", "preamble"},
    "paragraphs": {"structure"},
    "date": {"date"},
    "place": {"date", "place"},
    "closing": {"structure"},
    "signatures": {"structure"},
    "text": set(),  # characters lost or repeated: never acceptable, warned or not
    "refused": {"refused"},
}


# Pieces of a title line that are not the title: they count neither for nor against it.
BESIDE_TITLE = {"label", "provisional", "date", "date_place", "place"}


# How near (in lines) a warning must name a line to be about a difference there.
NEAR = 2


@dataclass(frozen=True)
class Difference:
    aspect: str  # a key of ANNOUNCED_BY
    message: str
    lines: frozenset[int] = frozenset()  # the source lines it concerns, where it has any

    def announced_by(self, warning) -> bool:
        """Whether `warning` points at this difference: of a kind about this aspect and
        naming no line or a line near it, or naming one of its lines whatever its kind."""
        named = getattr(warning, "lines", ())
        if set(named) & self.lines:
            return True
        if getattr(warning, "kind", "") not in ANNOUNCED_BY[self.aspect]:
            return False
        return (
            not named
            or not self.lines
            or any(abs(line - n) <= NEAR for line in named for n in self.lines)
        )


@dataclass
class TextScore:
    file: str
    held_out: bool = False
    differences: list[Difference] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_kinds: set[str] = field(default_factory=set)
    last_line: int = 0  # where the parse's last heading or clause starts

    @property
    def right(self) -> bool:
        return not self.differences

    @property
    def silent(self) -> list[Difference]:
        """The differences no warning points at."""
        if "refused" in self.warning_kinds:
            return []
        return [d for d in self.differences if not any(map(d.announced_by, self.warnings))]


@dataclass
class PairScore:
    work: str
    files: tuple[str, str]
    misaligned: list[str] = field(default_factory=list)

    @property
    def aligned(self) -> bool:
        return not self.misaligned


def line_of(text: str, offset: int) -> int:
    """The 1-based line (split at "\\n") that holds character `offset` of `text`."""
    return text.count("\n", 0, offset) + 1


def non_space(text: str) -> str:
    return re.sub(r"\s", "", text)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", non_space(text))


def text_in_order(doc: ParsedDocument) -> str:
    """Every piece of the parse (metadata, headings, clauses, closing, signatures) in source
    order: equal, spaces aside, to the source without its markup when no text was lost."""
    pieces = [(m.offset, m.text) for m in doc.metadata_lines]
    pieces += [(s.offset, s.label + s.heading) for s in doc.sections]
    pieces += [(c.offset, c.printed_label + "".join(c.paragraphs)) for c in doc.clauses]
    if doc.closing:
        pieces.append((doc.closing_offset, doc.closing))
    for signatory in doc.signatories:
        pieces += [
            (signatory.name_offset, signatory.name),
            (signatory.title_offset, signatory.title),
        ]
    return "".join(text for offset, text in sorted(p for p in pieces if p[1] and p[0] is not None))


# `- A New Stage of Partnership -` is a subtitle framed by dashes, not a list item: its dashes
# are text of the source, so the markup removal leaves that line alone.
_FRAMED_BY_DASHES = re.compile(r"^\s*-\s.*\S\s+-\s*$")


def source_without_markup(text: str) -> str:
    return "".join(
        line if _FRAMED_BY_DASHES.match(line) else strip_markup_from_source(line)
        for line in text.splitlines(keepends=True)
    )


def score_text(facts: dict, source: str, doc: ParsedDocument) -> TextScore:
    """How `doc`, the parse of `source`, differs from the archivist's `facts`."""
    score = TextScore(facts["file"], bool(facts.get("held_out")))
    score.warnings = list(doc.warnings)
    score.warning_kinds = {getattr(w, "kind", "") for w in doc.warnings}
    starts = [s.offset for s in doc.sections] + [c.offset for c in doc.clauses]
    score.last_line = line_of(source, max(starts)) if starts else 0
    lines = source.split("\n")

    def differ(aspect: str, message: str, concerns=()) -> None:
        score.differences.append(Difference(aspect, message, frozenset(concerns)))

    def printed(numbers) -> str:
        """The lines' text, less the pieces read off them that are not title: a bracketed
        field name ([文書名]), a provisional mark, a date and place printed after it."""
        text = "".join(strip_markup_from_source(lines[n - 1]) for n in numbers)
        for piece in doc.metadata_lines:
            if piece.role in BESIDE_TITLE and line_of(source, piece.offset) in numbers:
                text = text.replace(piece.text, "", 1)
        return _folded(text)

    for aspect, role in (("title", "title"), ("subtitle", "subtitle")):
        expected = printed(facts.get(f"{aspect}_lines", []))
        got = _folded("".join(m.text for m in doc.lines(role)))
        if got != expected:
            read = _lines(doc, source, role)
            differ(
                aspect,
                f"{aspect} read from lines {read}, should be lines "
                f"{facts.get(f'{aspect}_lines', [])}",
                {*read, *facts.get(f"{aspect}_lines", [])},
            )

    set_aside = {
        line_of(source, m.offset) for m in doc.metadata_lines if m.role not in ("title", "subtitle")
    }
    for number in facts.get("furniture_lines", []):
        if number not in set_aside:
            differ("furniture", f"line {number} is furniture but was read as text", {number})

    got_sections = [(line_of(source, s.offset), s.level) for s in doc.sections]
    want_sections = [(line, level) for line, _label, level in facts.get("sections", [])]
    if got_sections != want_sections:
        differ(
            "sections",
            f"headings (line, level) {got_sections} should be {want_sections}",
            {line for line, _ in set(got_sections) ^ set(want_sections)},
        )

    got_clauses = [(line_of(source, c.offset), _label(c.printed_label)) for c in doc.clauses]
    want_clauses = [(line, _label(label)) for line, label in facts.get("clauses", [])]
    if got_clauses != want_clauses:
        differ(
            "clauses",
            _sequence_difference("clauses (line, label)", got_clauses, want_clauses),
            {line for line, _ in set(got_clauses) ^ set(want_clauses)},
        )
    else:
        preamble = sum(c.is_preamble for c in doc.clauses)
        want_preamble = facts.get("preamble", 0)
        if preamble != want_preamble:
            differ(
                "preamble",
                f"{preamble} preamble paragraphs, should be {want_preamble}",
                {
                    line
                    for i, ((line, _), c) in enumerate(zip(got_clauses, doc.clauses, strict=True))
                    if c.is_preamble != (i < want_preamble)
                },
            )
        counts = {str(line): n for line, n in facts.get("paragraphs", {}).items()}
        for (line, _), clause in zip(got_clauses, doc.clauses, strict=True):
            want = int(counts.get(str(line), 1))
            if len(clause.paragraphs) != want:
                differ(
                    "paragraphs",
                    f"clause at line {line} has {len(clause.paragraphs)} "
                    f"paragraphs, should have {want}",
                    {line},
                )

    _score_date(facts, doc, differ)
    place = facts.get("place", "")
    if doc.place != place:
        differ("place", f"place {doc.place!r} should be {place!r}")

    if "closing_line" in facts:
        got = line_of(source, doc.closing_offset) if doc.closing else None
        if got != facts["closing_line"]:
            differ("closing", f"closing formula at line {got}, should be {facts['closing_line']}")
    signed = {
        line_of(source, offset)
        for s in doc.signatories
        for offset in (s.name_offset, s.title_offset)
        if offset is not None
    }
    if not signed <= set(facts.get("signature_lines", [])):
        differ(
            "signatures",
            f"signatures read at lines {sorted(signed)}, should be "
            f"{facts.get('signature_lines', [])}",
        )

    if non_space(text_in_order(doc)) != non_space(source_without_markup(source)):
        differ("text", "characters of the source are lost, repeated or out of order")
    return score


def _score_date(facts: dict, doc: ParsedDocument, differ) -> None:
    date, date_range = facts.get("date"), facts.get("date_range")
    if date_range:
        want = tuple(date_range)
        if doc.date_range != want:
            differ("date", f"date range {doc.date_range} should be {want}")
        return
    if isinstance(date, datetime.datetime):
        date = date.date()
    if doc.date == date:
        return
    if facts.get("date_in_body") and doc.date is None:
        # The body names the day and no line dates the text: a warning is the right answer.
        if "date" not in {getattr(w, "kind", "") for w in doc.warnings}:
            differ("date", f"no date read and no warning; the body names {date}")
        return
    differ("date", f"date {doc.date} should be {date}")


def _label(printed: str) -> str:
    return normalize_label(printed) if printed.strip() else ""


def _lines(doc: ParsedDocument, source: str, role: str) -> list[int]:
    return [line_of(source, m.offset) for m in doc.lines(role)]


def _sequence_difference(what: str, got: list, want: list) -> str:
    first = next(
        (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
        min(len(got), len(want)),
    )
    return (
        f"{what}: {len(got)} read, {len(want)} expected; first difference at item "
        f"{first + 1}: read {got[first : first + 3]}, expected {want[first : first + 3]}"
    )


def body_items(doc: ParsedDocument) -> list:
    """The body of a parse as alignment items, keyed by the line each piece starts on."""
    items = []
    for kind, index in doc.body_order:
        if kind == "section":
            section = doc.sections[index]
            items.append(heading_item(("section", section.offset), section.heading, section.label))
        else:
            clause = doc.clauses[index]
            key = ("clause", clause.offset)
            items.append(clause_item(key, clause.label, clause.printed_label, clause.text))
    return items


def score_pair(
    work: str, first: tuple[dict, str, ParsedDocument], second: tuple[dict, str, ParsedDocument]
) -> PairScore:
    """Whether the clauses the archivist paired across two versions share an aligned row.

    The pairs are written on one version (`pairs = [[line here, line there]]`); the version
    that is not a provisional translation is the pivot, as at import."""
    (facts_a, source_a, doc_a), (facts_b, source_b, doc_b) = first, second
    if not facts_a.get("pairs"):
        (facts_a, source_a, doc_a), (facts_b, source_b, doc_b) = second, first
    score = PairScore(work, (facts_a["file"], facts_b["file"]))
    pivot_first = doc_b.is_provisional or not doc_a.is_provisional
    rows_a, rows_b = (
        align_versions(body_items(doc_a), [body_items(doc_b)])
        if pivot_first
        else reversed(align_versions(body_items(doc_b), [body_items(doc_a)]))
    )
    row_a = {line_of(source_a, key[1]): row for key, row in rows_a.items() if key[0] == "clause"}
    row_b = {line_of(source_b, key[1]): row for key, row in rows_b.items() if key[0] == "clause"}
    for line_a, line_b in facts_a.get("pairs", []):
        if line_a not in row_a or line_b not in row_b:
            score.misaligned.append(f"{line_a}~{line_b}: no clause starts there")
        elif row_a[line_a] != row_b[line_b]:
            score.misaligned.append(f"{line_a}~{line_b}: rows {row_a[line_a]} and {row_b[line_b]}")
    return score
