"""Turning one source text into structure: metadata lines, sections, clauses, closing, signatories.

Plain Python, no Django: `parse_document(text, language, hints)` returns a `ParsedDocument`
(parsed.py). The stages, in order: residue and furniture set aside (setaside.py), the title
block (frontmatter.py), notes and the signature block (backmatter.py), paragraphs and headings
(paragraphs.py), then, here, numbering and the structure of sections and clauses, and last
the date and the self-checks (checks.py) that turn every doubtful decision into a warning.
"""

import itertools
import re
import unicodedata

from archive.ingest import checks
from archive.ingest.backmatter import CLOSING, read_back_matter
from archive.ingest.frontmatter import read_front_matter
from archive.ingest.lines import (
    INTRODUCTION,
    NAMES_A_SPEECH,
    REFERENCE,
    display_width,
    looks_like_heading,
    numbering,
    split_lines,
)
from archive.ingest.paragraphs import (
    LEAD_ANNOUNCES,
    NUMBERED_RANKS,
    RANK_NUMBERED,
    RANK_OVER_NUMBERED,
    RANK_PLAIN,
    RANK_SUBNUMBERED,
    REPRINT_ANNOUNCED,
    Paragraph,
    build_paragraphs,
    is_bulleted,
    recitals,
    rest_of,
    wrap_width,
)
from archive.ingest.parsed import (
    ParsedClause,
    ParsedDocument,
    ParsedSection,
    ParseHints,
    ParseWarning,
)
from archive.ingest.repairs import ends_paragraph, normalize_label
from archive.ingest.setaside import set_datelines_aside, set_residue_aside

__all__ = ["ParseError", "ParseHints", "ParseWarning", "ParsedDocument", "parse_document"]

# What a clause label may look like: it is part of the clause's URL (archive/urls.py).
CITABLE_LABEL = re.compile(r"^[0-9a-z]{1,20}(?:-[0-9a-z]{1,20}){0,4}$")

# A heading over the preamble: 前文, 【前文】, Preamble.
_PREAMBLE_HEADING = re.compile(r"^[【\[［(（]?\s*(?:前文|preamble)\s*[】\]］)）]?$", re.I)


class ParseError(ValueError):
    """The text has no body the archive could store."""


def parse_document(text: str, language: str, hints: ParseHints | None = None) -> ParsedDocument:
    """Parse one source text; raises ParseError when there is no body to store."""
    hints = hints or ParseHints()
    doc = ParsedDocument(language=language)
    doc.count_lines(text)
    lines = set_residue_aside(split_lines(text), doc, hints.furniture)
    width = wrap_width(lines)
    doc.hard_wrapped = width is not None
    body_lines = read_front_matter(lines, doc, hints.title_lines)
    body_lines = read_back_matter(body_lines, doc)
    body_lines = set_datelines_aside(body_lines, doc)
    paragraphs = build_paragraphs(body_lines, language, width, hints)
    if not paragraphs:
        raise ParseError("no body text was found after the title and metadata lines")
    last = paragraphs[-1]
    if CLOSING.search(last.text) and not last.numbering and len(paragraphs) > 1:
        doc.closing, doc.closing_offset = last.text, last.offset
        paragraphs.pop()
    _structure(paragraphs, doc, hints)
    if not doc.clauses:
        raise ParseError("no clause or paragraph was found, only headings")
    doc.metadata_lines.sort(key=lambda line: line.offset)
    checks.settle_date(doc)
    checks.check(doc)
    return doc


def _numbered_headings(paragraphs: list[Paragraph]) -> str:
    """`2.経済分野における協力` followed by body text: a numbering style whose every item is a
    short line without sentence punctuation, each followed by other text, numbers headings.

    Where only some items of a style are such lines, each followed by items of another style
    (１．sentence / ２．出席者 （１）… （２）…), those items are headings and the other style
    numbers the clauses under them: its name is returned ("" otherwise)."""
    styles: dict[str, list[int]] = {}
    for index, paragraph in enumerate(paragraphs):
        if paragraph.numbering and not paragraph.settled:
            styles.setdefault(paragraph.numbering[0], []).append(index)
    heading_styles = 0
    for style, indexes in styles.items():
        items = [paragraphs[i] for i in indexes]
        if not all(len(p.lines) == 1 and looks_like_heading(rest_of(p)) for p in items):
            continue
        following = [paragraphs[i + 1] if i + 1 < len(paragraphs) else None for i in indexes]
        # What follows may be a plain heading of its own (a day over that day's events).
        followed = all(
            p is not None
            and (p.numbering or ("", ""))[0] != style
            and (not p.heading or p.rank == RANK_PLAIN)
            for p in following
        )
        # One such item is a heading when it is the first of its style (1., (1)) and body
        # text follows it: a text cut short, or one with a single topic.
        if len(indexes) < 2 and not (
            followed and normalize_label(items[0].numbering[1]) in ("1", "a", "i")
        ):
            continue
        if followed:
            # Styles that number headings nest in the order they first appear: 1. over (1).
            rank = RANK_NUMBERED if not heading_styles else RANK_SUBNUMBERED
            heading_styles += 1
            for paragraph in items:
                paragraph.heading = (paragraph.numbering[1], rest_of(paragraph))
                paragraph.rank = rank
                paragraph.numbering = None
    if heading_styles:
        return _numbered_subheadings(paragraphs)
    for style, indexes in styles.items():
        over = [
            i
            for i in indexes
            if len(paragraphs[i].lines) == 1
            and looks_like_heading(rest_of(paragraphs[i]))
            and i + 1 < len(paragraphs)
            and paragraphs[i + 1].numbering
            and paragraphs[i + 1].numbering[0] != style
        ]
        if over and len(over) < len(indexes):
            for i in over:
                paragraph = paragraphs[i]
                paragraph.heading = (paragraph.numbering[1], rest_of(paragraph))
                paragraph.rank = RANK_NUMBERED
                paragraph.numbering = None
            return paragraphs[over[0] + 1].numbering[0]
    return ""


def _lead_numbered(paragraphs: list[Paragraph]) -> int | None:
    """How many opening paragraphs carry the number the first numbered heading prints too
    (1. On June 26 … / 1. Bilateral Relations): a copied list's marks on the lead, which is
    the preamble. None when the text does not open so."""
    first_heading = next((p for p in paragraphs if p.heading), None)
    if first_heading is None or first_heading.rank not in NUMBERED_RANKS:
        return None
    lead = list(itertools.takewhile(lambda p: not p.heading, paragraphs))
    numbered = [p for p in lead if p.numbering]
    printed = first_heading.heading[0]
    if (
        len(numbered) == 1
        and lead[0] is numbered[0]
        and numbering(printed) is not None
        and numbering(printed)[0] == lead[0].numbering[0]
        and normalize_label(lead[0].numbering[1]) == normalize_label(printed)
    ):
        return 1  # the lead, with the paragraphs under it
    return None


def _numbered_subheadings(paragraphs: list[Paragraph]) -> str:
    """Under numbered headings, an item of the clauses' numbering that is a short line over
    unnumbered paragraphs ((1) Terrorism, narcotics / Each participant …) heads them, while
    the items that are sentences stay clauses. Returns the style that numbers the items under
    such sub-headings ((3) 二国間関係 / (イ) …), or ""."""
    under = ""
    for paragraph, following in itertools.pairwise(paragraphs):
        # Over unnumbered text, or over items numbered otherwise ((3) 二国間関係 / (イ) …).
        sub_items = following.numbering and paragraph.numbering
        sub_items = sub_items and following.numbering[0] != paragraph.numbering[0]
        over_text = not (following.numbering and not sub_items or following.heading)
        over_text = over_text and not paragraph.settled
        if (
            paragraph.numbering
            and over_text
            and len(paragraph.lines) == 1
            and looks_like_heading(rest_of(paragraph))
        ):
            under = under or (following.numbering[0] if sub_items else "")
            paragraph.heading = (paragraph.numbering[1], rest_of(paragraph))
            paragraph.rank = RANK_SUBNUMBERED
            paragraph.numbering = None
    return under


def _primary_style(paragraphs: list[Paragraph]) -> str | None:
    for paragraph in paragraphs:
        if paragraph.numbering and paragraph.numbering[0] != "bare-number":
            if _list_artefact(paragraphs, paragraph):
                continue
            return paragraph.numbering[0]
        if paragraph.numbering and normalize_label(paragraph.numbering[1]) == "1":
            return "bare-number"
    return None


def _list_artefact(paragraphs: list[Paragraph], first: Paragraph) -> bool:
    """A lone 1. over items that print their own numbers 1, 2, … (1.  本26日… / 1 岸田大臣
    から… / 2 …): the page's list numbered its first item, the lead, and the items' own
    numbers are the text's."""
    if first.numbering[0] != "dotted-number" or normalize_label(first.numbering[1]) != "1":
        return False
    numbered = [p for p in paragraphs[paragraphs.index(first) + 1 :] if p.numbering]
    if any(p.numbering[0] == "dotted-number" for p in numbered):
        return False
    own = [normalize_label(p.numbering[1]) for p in numbered if p.numbering[0] == "bare-number"]
    return own[:2] == ["1", "2"]


def _accept_numbering(
    paragraphs: list[Paragraph], doc: ParsedDocument, secondary: str = ""
) -> tuple[str, bool]:
    """Keep the numbering of the primary style; a bare number must continue the sequence.

    A reference part ([参考1], (Reference 2)) numbers its items afresh, in a style of its
    own: its numbered items are labelled under its heading (s2-1). Returns (style or "",
    restarts): `restarts` when the numbers start again at 1 under each heading, so labels are
    qualified by the heading (2-1, 2-2, 3-1).
    """
    parts = [[]]
    for paragraph in paragraphs:
        if paragraph.heading and REFERENCE.match("".join(paragraph.heading)):
            parts.append([])
        parts[-1].append(paragraph)
    style, restarts = _accept_part_numbering(parts[0], doc, secondary)
    for part in parts[1:]:
        part_style, _ = _accept_part_numbering(part, doc, "")
        style = style or part_style
        for paragraph in part:
            paragraph.in_reference = True
    return style, restarts


def _accept_part_numbering(
    paragraphs: list[Paragraph], doc: ParsedDocument, secondary: str
) -> tuple[str, bool]:
    style = _primary_style(paragraphs)
    expected, seen, restarts = 1, set(), False
    for paragraph in paragraphs:
        if paragraph.heading and (expected > 1 or seen) and paragraph.rank <= RANK_PLAIN:
            following = _next_number(paragraphs, paragraph, style)
            if following in ("1", "a", "i") and seen:
                expected, seen, restarts = 1, set(), True
            continue
        if not paragraph.numbering:
            continue
        if secondary and paragraph.numbering[0] == secondary and style != secondary:
            restarts = True  # clauses under numbered headings: cited as 2-1, 3-1 …
            continue
        if paragraph.numbering[0] != style:
            paragraph.numbering = None  # a sub-item: stays in the clause's text as printed
            continue
        label = normalize_label(paragraph.numbering[1])
        if style == "bare-number" and label != str(expected):
            paragraph.numbering = None  # a wrapped line that starts with a number
            continue
        if label in seen:
            doc.warn(
                "structure",
                f"clause number {paragraph.numbering[1]} appears twice; the text was imported "
                "as unnumbered paragraphs. If this line is a heading, say so in the manifest: "
                f"headings = [[{paragraph.lines[0].number}, 1]]",
                paragraph.lines[0].number,
            )
            for p in paragraphs:
                p.numbering = None
            return "", False
        seen.add(label)
        if label.isdigit():
            if int(label) != expected:
                doc.warn(
                    "structure",
                    f"clause {label} follows clause {expected - 1}",
                    paragraph.lines[0].number,
                )
            expected = int(label) + 1
    return (style or "") if seen or restarts else "", restarts


def _next_number(paragraphs: list[Paragraph], after: Paragraph, style: str | None) -> str:
    for paragraph in paragraphs[paragraphs.index(after) + 1 :]:
        if paragraph.heading:
            return ""
        if paragraph.numbering and paragraph.numbering[0] == style:
            return normalize_label(paragraph.numbering[1])
    return ""


def _structure(paragraphs: list[Paragraph], doc: ParsedDocument, hints: ParseHints) -> None:
    if hints.labels == "order":
        for paragraph in paragraphs:
            paragraph.numbering = None
    secondary = "" if hints.labels == "order" else _numbered_headings(paragraphs)
    style, restarts = _accept_numbering(paragraphs, doc, secondary)
    # After the lead, a plain heading right over heading 1 names what the numbered parts
    # report (the meeting, under the page's lead), so it holds them.
    after_text = False
    for paragraph, following in itertools.pairwise(paragraphs):
        first_numbered = following.heading and following.rank == RANK_NUMBERED
        first_numbered = first_numbered and normalize_label(following.heading[0]) == "1"
        if paragraph.heading and paragraph.rank == RANK_PLAIN and first_numbered and after_text:
            paragraph.rank = RANK_OVER_NUMBERED
        after_text = after_text or not paragraph.heading
    numbered_headings = any(p.heading and p.rank in NUMBERED_RANKS for p in paragraphs)
    # A list of bulleted items (- …, • …) after a lead paragraph: the lead is its preamble,
    # as it is before numbered items.
    bulleted = [p for p in paragraphs if is_bulleted(p) and not p.heading]
    # Bullets before the first number are the text's own list: a bullet after numbered
    # items is the next item of it, not a part of the last numbered one.
    first_number = next((i for i, p in enumerate(paragraphs) if p.numbering), len(paragraphs))
    top_bullets = any(is_bulleted(p) for p in paragraphs[:first_number])
    # A lead of a paragraph or two (or recitals) before a bulleted list is its preamble; a
    # list that comes after several paragraphs of a report is a part of its body.
    first_bullet = paragraphs.index(bulleted[0]) if bulleted else 0
    opening = paragraphs[:first_bullet]
    if first_bullet > 3 and not any(p.heading for p in opening) and recitals(opening) is None:
        bulleted = []
    preamble_count = hints.preamble
    headed = any(p.heading for p in paragraphs)
    speech = headed and bool(NAMES_A_SPEECH.search(doc.title))
    if preamble_count is None and not (style or headed or bulleted):
        preamble_count = recitals(paragraphs)
    preamble_count = preamble_count if preamble_count is not None else _lead_numbered(paragraphs)
    if preamble_count is None and not paragraphs[0].heading and len(paragraphs) > 1:
        # A lead that announces the rest (…概要は以下のとおりです。, …挨拶は以下の通りです。)
        # above the first heading, or above the paragraphs it announces.
        lead = paragraphs[0].text
        announces = LEAD_ANNOUNCES.search(lead) or REPRINT_ANNOUNCED.search(lead)
        # An agency's lead over the article it reprints is a clause like the article's own
        # paragraphs, unless the article's name stands under it (REPRINT_ANNOUNCED).
        unnumbered = not (style or headed or any(p.numbering for p in paragraphs))
        unnumbered = unnumbered and bool(LEAD_ANNOUNCES.search(lead))
        preamble_count = 1 if announces and (paragraphs[1].heading or unnumbered) else None
    open_headings: list[tuple[int, int]] = []  # (rank, section index)
    clauses: list[dict] = []
    clause: dict | None = None
    ordinal = preamble = 0
    in_preamble = True
    body_paragraphs = 0
    unnumbered_in: dict[int | None, int] = {}  # section -> unnumbered paragraphs so far
    last_numbered = ""  # label of the latest numbered clause
    plain_heading_after = ""  # a plain heading that came right after a numbered clause
    plain_heading_line = 0  # its source line

    for paragraph in paragraphs:
        if paragraph.heading:
            label, heading = paragraph.heading
            if paragraph.level:
                del open_headings[paragraph.level - 1 :]
            while open_headings and open_headings[-1][0] >= paragraph.rank and not paragraph.level:
                open_headings.pop()
            parent = open_headings[-1][1] if open_headings else None
            level = len(open_headings) + 1
            doc.sections.append(ParsedSection(label, heading, level, parent, paragraph.offset))
            open_headings.append((paragraph.rank, len(doc.sections) - 1))
            doc.body_order.append(("section", len(doc.sections) - 1))
            if paragraph.rank in NUMBERED_RANKS:
                in_preamble = False
            if paragraph.rank == RANK_PLAIN and clause is not None and clause["printed"]:
                plain_heading_after, plain_heading_line = heading, paragraph.lines[0].number
            clause = None
            continue
        current_section = open_headings[-1][1] if open_headings else None
        # A speech opens with an introduction before its first heading (or under one that
        # says so): the preamble, in a speech with headings.
        introduction = speech and (
            not doc.sections
            or len(doc.sections) == 1
            and not doc.sections[0].label
            and INTRODUCTION.match(doc.sections[0].heading)
        )
        if plain_heading_after and not paragraph.numbering:
            number = plain_heading_line
            doc.warn(
                "structure",
                f"“{plain_heading_after[:40]}” after clause {last_numbered} was read as a "
                "heading over unnumbered text; if it is part of that clause, set "
                f"not_headings = [{number}] in the manifest.",
                number,
            )
        plain_heading_after = ""
        body_paragraphs += 1
        if preamble_count is not None:
            in_preamble = body_paragraphs <= preamble_count
        if paragraph.numbering and not (preamble_count and in_preamble):
            in_preamble = False
            printed = paragraph.numbering[1]
            last_numbered = normalize_label(printed)
            clause = _clause(
                _qualified(
                    normalize_label(printed),
                    doc,
                    current_section,
                    restarts or paragraph.in_reference,
                ),
                printed,
                paragraph.text[len(printed) :].lstrip(),
                current_section,
                False,
                paragraph,
            )
        elif current_section is not None and _PREAMBLE_HEADING.match(
            doc.sections[current_section].heading
        ):
            # Paragraphs under a heading that says so (前文, Preamble) are the preamble.
            preamble += 1
            clause = _clause(f"p{preamble}", "", paragraph.text, current_section, True, paragraph)
        elif (
            clause is not None
            and (style or clause["bulleted"])
            and not ((clause["bulleted"] or top_bullets) and is_bulleted(paragraph))
            and not paragraph.lines[0].after_aside
            and not paragraph.lines[0].after_residue
            and not (preamble_count and in_preamble)
        ):
            clause["paras"].append(paragraph.text)
            clause["sources"].append(paragraph)
            continue
        elif (
            clause is not None
            and clause.get("turn")
            and not (paragraph.turn or paragraph.numbering)
        ):
            clause["paras"].append(paragraph.text)  # the turn goes on: (Prime Minister) …
            clause["sources"].append(paragraph)
            continue
        elif (
            clause is not None
            and clause.get("row")
            and not (paragraph.row or paragraph.numbering or paragraph.turn)
            and not paragraph.lines[0].blank_before
        ):
            clause["paras"].append(paragraph.text)  # the day's next event, on a line of its own
            clause["sources"].append(paragraph)
            continue
        elif bulleted and is_bulleted(paragraph) and clause is not None and clause["bulleted"]:
            ordinal += 1  # the next item of a list, in a text numbered elsewhere too
            label = _qualified(str(ordinal), doc, current_section, paragraph.in_reference)
            clause = _clause(label, "", paragraph.text, current_section, False, paragraph)
        elif bulleted and paragraph is bulleted[0] and not preamble_count:
            in_preamble = False
            ordinal += 1
            label = _qualified(str(ordinal), doc, current_section, paragraph.in_reference)
            clause = _clause(label, "", paragraph.text, current_section, False, paragraph)
        elif in_preamble and (
            style or numbered_headings or preamble_count or bulleted or introduction
        ):
            preamble += 1
            printed = paragraph.numbering[1] if paragraph.numbering else ""
            text = paragraph.text[len(printed) :].lstrip()
            clause = _clause(f"p{preamble}", printed, text, current_section, True, paragraph)
        elif style:
            # An unnumbered paragraph between a heading and its first clause: cited by the
            # heading (2-p1), so that only the preamble is p1, p2 …
            unnumbered_in[current_section] = count = unnumbered_in.get(current_section, 0) + 1
            label = f"{_section_key(doc, current_section)}-p{count}"
            clause = _clause(label, "", paragraph.text, current_section, False, paragraph)
        else:
            ordinal += 1
            clause = _clause(str(ordinal), "", paragraph.text, current_section, False, paragraph)
        clauses.append(clause)
        doc.body_order.append(("clause", len(clauses) - 1))
        # Only a numbered or bulleted item, a speaker's turn or a day's row takes the
        # unmarked paragraphs that follow it.
        clause["bulleted"] = bool(bulleted) and is_bulleted(paragraph)
        clause["turn"] = paragraph.turn
        clause["row"] = paragraph.row
        taking = paragraph.numbering or clause["bulleted"] or paragraph.turn or paragraph.row
        clause = clause if taking else None

    _unique_labels(clauses, doc)
    doc.clauses = [
        ParsedClause(
            c["label"], c["printed"], tuple(c["paras"]), c["section"], c["preamble"], c["offset"]
        )
        for c in clauses
    ]
    for c in clauses:
        for extra in c["sources"][1:]:
            if (numbering(extra.text) or ("",))[0] == "paren-number":
                number = extra.lines[0].number
                doc.warn(
                    "structure",
                    f"clause {c['label']} holds a numbered line (“{extra.text[:20]}…”) as a "
                    "paragraph of its own; if it starts a clause, set clause_starts = "
                    f"[{number}] in the manifest.",
                    number,
                )
            elif (
                looks_like_heading(extra.text)
                and len(extra.lines) == 1
                and not numbering(extra.text)
                and not c["row"]  # a day's events, one to a line
            ):
                number = extra.lines[0].number
                doc.warn(
                    "structure",
                    f"clause {c['label']} contains a line that looks like a heading "
                    f"(“{extra.text[:40]}”); if a new section starts there, set "
                    f"headings = [[{number}, 1]] in the manifest (or its level).",
                    number,
                )
        for source in c["sources"]:
            for number, piece in source.page_joins:
                doc.warn(
                    "structure",
                    f"clause {c['label']}: a paragraph cut by a page break was joined across a "
                    f"blank line (at “{piece}…”); if they are two paragraphs, set "
                    f"clause_starts = [{number}] in the manifest.",
                    number,
                )
            for number, piece, how in source.wrap_joins:
                doc.warn(
                    "structure",
                    f"clause {c['label']}: the line before “{piece}…” {how}, so a paragraph "
                    f"may end there; if line {number} starts one, set clause_starts = "
                    f"[{number}] in the manifest.",
                    number,
                )
    _check_table_head(clauses, doc)
    if not style and any(p.numbering for p in paragraphs):
        doc.warn("structure", "numbering could not be followed; paragraphs are labelled by order")


def _check_table_head(clauses: list[dict], doc: ParsedDocument) -> None:
    """Short lines right above a programme's first day row (日程 / 日付 内容): what is left
    of the table's caption and column names, read as clauses."""
    first = next((i for i, c in enumerate(clauses) if c["row"]), None)
    if first is None:
        return
    above = []
    for clause in reversed(clauses[:first]):
        source = clause["sources"][0]
        later = (above[-1] if above else clauses[first])["sources"][0]
        short = len(clause["sources"]) == 1 and display_width(source.text) <= 24
        if not short or ends_paragraph(source.text) or later.lines[0].blank_before:
            break
        above.append(clause)
    if above:
        lines = sorted(c["sources"][0].lines[0].number for c in above)
        doc.warn(
            "structure",
            f"lines {', '.join(map(str, lines))} above a programme's rows of days may be its "
            "caption and column names; if so, set furniture = "
            f"[{', '.join(map(str, lines))}] in the manifest.",
            lines[0],
            lines,
        )


def _unique_labels(clauses: list[dict], doc: ParsedDocument) -> None:
    """A label is a clause's address, so no two may share one: a repeat gets a suffix
    (5, 5-2) and a warning, never a failed import."""
    seen: set[str] = set()
    for number, clause in enumerate(clauses, start=1):
        label = clause["label"]
        if not CITABLE_LABEL.match(label):
            clause["label"] = f"n{number}"
            doc.warn(
                "labels",
                f"label “{label[:30]}” cannot be part of a link; clause {number} is labelled "
                f"{clause['label']} instead.",
            )
            label = clause["label"]
        if label in seen:
            suffix = 2
            while f"{label}-{suffix}" in seen:
                suffix += 1
            clause["label"] = f"{label}-{suffix}"
            line = clause["sources"][0].lines[0].number
            doc.warn(
                "labels",
                f"label {label} would be given twice; the second is {clause['label']}. Check "
                'the numbering, or set labels = "order" in the manifest.',
                line,
            )
        seen.add(clause["label"])


def _clause(label, printed, text, section, is_preamble, paragraph) -> dict:
    return {
        "label": label,
        "printed": printed,
        "paras": [text],
        "section": section,
        "preamble": is_preamble,
        "offset": paragraph.offset,
        "sources": [paragraph],
        "bulleted": False,
        "turn": False,
    }


def _qualified(label: str, doc: ParsedDocument, section: int | None, restarts: bool) -> str:
    """(1) under heading 2 is cited as 2-1 when the numbers start again under each heading."""
    if not restarts or section is None:
        return label
    return f"{_section_key(doc, section)}-{label}"


def _section_key(doc: ParsedDocument, section: int | None) -> str:
    """How labels under a section are qualified: the printed numbers of it and the sections
    above it (ii-1 under Ⅱ › 1.), else s and the place of its top-level section (s3)."""
    if section is None:
        return "s0"
    reference = REFERENCE.match(doc.sections[section].label)
    if reference and doc.sections[section].parent is None:
        # [参考1] and (Reference 1) are the same part of two versions: ref1 in both.
        return "ref" + "".join(re.findall(r"[0-9]", unicodedata.normalize("NFKC", reference[0])))
    numbers, index, root = [], section, section
    while index is not None:
        printed = normalize_label(doc.sections[index].label)
        if printed.isascii() and printed.isalnum():
            numbers.insert(0, printed)
        root, index = index, doc.sections[index].parent
    if numbers:
        return "-".join(numbers)
    top = [i for i, s in enumerate(doc.sections) if s.parent is None]
    return f"s{top.index(root) + 1}"
