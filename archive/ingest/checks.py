"""The parser's self-checks: the document's date, chosen from what the text prints, and a
warning for every decision a curator should look at (a silent wrong structure is the worst
outcome for an archive).

Plain Python. `settle_date(doc)` sets `doc.date` / `doc.date_range`; `check(doc)` adds warnings
about the title, headings, sections, labels and a truncated end.
"""

import datetime
import itertools
import re
import unicodedata

from archive.ingest import dates, gazetteer
from archive.ingest.datelines import is_dateline
from archive.ingest.frontmatter import GENRE_ALONE, GENRE_UNDER_TITLE
from archive.ingest.lines import (
    CONTINUES,
    INTRODUCTION,
    NAMES_A_TEXT,
    OPENING_REMARKS,
    REFERENCE,
    SENTENCE_END,
    display_width,
    is_japanese,
    looks_like_heading,
    numbering,
)
from archive.ingest.paragraphs import LEAD_ANNOUNCES
from archive.ingest.parsed import MetadataLine, ParsedDocument
from archive.ingest.repairs import ends_paragraph
from archive.ingest.residue import is_link_words, is_qualifier, is_update_line

# What a title names: a kind of text, or the meeting or visit it reports.
_LINK_IN_TITLE = re.compile(r"はこちら|PDF|英語版|日本語版|English version|click here", re.I)
# A Japanese heading that ends in a particle or a cut verb stops mid-phrase (…を強化するた).
# はじめに, おわりに, 結びに (Introduction, Conclusion) end in に and are whole.
_JA_CUT = re.compile(
    r"(?<!はじめ)(?<!初め)(?<!おわり)(?<!終わり)(?<!結び)"
    r"(?:[をにがはのでやしたと]|及び|並びに|ため|ので)$"
)
_EN_CUT = re.compile(r"(?:\b(?:of|and|the|to|for|in|on|with|a|an|by|between|or)|-)$", re.I)
_MEETING_LEAD = re.compile(r"^(?:on|at|in)?$", re.I)
# A wire-service dateline's city before the date: DUSHANBE, March 28, 2016 / Prague, 26 August
_WIRE_CITY = re.compile(r"^[A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?$")


def settle_date(doc: ParsedDocument) -> None:
    """The signing or meeting day: the closing formula's, else the printed date line's, else
    one the body names; a span of days with no single day named is kept as `date_range`."""
    printed, printed_range, printed_days = None, None, []
    for line in doc.lines("date", "date_place"):
        if span := dates.find_range(line.text):
            printed_range = printed_range or span[:2]
        elif found := dates.find_date(line.text):
            printed = printed or found[0]
            printed_days.append(found[0])
    if len(set(printed_days)) > 1:
        doc.warn(
            "date",
            f"the text prints {len(set(printed_days))} different dates "
            f"({', '.join(str(d) for d in dict.fromkeys(printed_days))}); check which is the "
            'date of the text and set date = "YYYY-MM-DD" in the manifest.',
        )
    signed = dates.parse_date(doc.closing) if doc.closing else None
    opening = [c.paragraphs[0] for c in doc.clauses[:3]]
    body_range = next((span[:2] for p in opening if (span := dates.find_range(p))), None)
    opening_days = [day for p in opening if (day := _meeting_day(p, printed))]
    body_day = opening_days[0] if opening_days and not _chronology(doc, printed) else None

    if signed:
        doc.date = signed
        if printed and printed != signed:
            doc.warn(
                "date",
                f"the date printed above the text ({printed}) differs from the signing date in "
                f"the closing formula ({signed}); the signing date was used.",
            )
    elif printed:
        # The date a text prints under (or over) its title is its date, even where the body
        # reports a meeting some days before: a press release is dated the day it was issued.
        doc.date = printed
    elif span := printed_range or body_range:
        doc.date = _day_named_in(doc, span)
        doc.date_range = span if printed_range else None  # a visit's span, as printed
        if doc.date:
            doc.warn(
                "date",
                f"the text spans {span[0]} to {span[1]}; {doc.date}, the day the body names "
                "for the meeting, was used. Set date in the manifest if the text was signed "
                "on another day.",
            )
        else:
            doc.date_range = span
            doc.warn(
                "date",
                f"the text gives a range of days ({span[0]} to {span[1]}) and no single date; "
                'set date = "YYYY-MM-DD" in the manifest.',
            )
    elif body_day:
        doc.date = body_day
        if not any(gazetteer.find_wire_place(p) for p in opening):  # a wire's dateline
            doc.warn(
                "date",
                f"no date line; the date {body_day} was taken from the body. Set date in the "
                "manifest if the document is dated otherwise.",
            )
    elif updated := _update_line(doc):
        # The page's update line, the only date the page prints: the text's own, as far as
        # the page says.
        doc.date = updated
    else:
        doc.warn("date", 'no date found; set date = "YYYY-MM-DD" in the manifest.')
    _check_dated_heading(doc)


def _update_line(doc: ParsedDocument) -> datetime.date | None:
    """The date of the page's update line (Last Updated: …), set aside as furniture, which
    becomes the date line."""
    for index, line in enumerate(doc.metadata_lines):
        if line.role == "furniture" and is_update_line(line.text):
            doc.metadata_lines[index] = MetadataLine("date", line.text, line.offset)
            found = dates.find_date(line.text)
            return found[0] if found else None
    return None


def _check_dated_heading(doc: ParsedDocument) -> None:
    """A heading above the first clause that names another day (Law … dated June 16, 2005,
    over a note of March 10): the text may be dated by that heading, not by its date line."""
    if not doc.date or not doc.clauses:
        return
    for section in doc.sections:
        if section.offset > doc.clauses[0].offset:
            return
        found = dates.find_date(section.heading)
        if found and found[0] != doc.date:
            line = doc.line_at(section.offset)
            doc.warn(
                "date",
                f"the heading at line {line} names {found[0]}, and the text was dated "
                f'{doc.date}; if the heading dates it, set date = "{found[0]}" in the manifest.',
                line,
            )
            return


def _chronology(doc: ParsedDocument, printed: datetime.date | None = None) -> bool:
    """Whether the opening paragraphs each open with another year (1991年12月28日に、…承認。
    / 1992年1月26日に、…樹立。): a chronology, which dates and places events, not the text."""
    opening = [c.paragraphs[0] for c in doc.clauses[:3]]
    years = {day.year for p in opening if (day := _meeting_day(p, printed))}
    return len(years) >= 2


def _meeting_day(paragraph: str, printed: datetime.date | None) -> datetime.date | None:
    """A date the paragraph opens with: `2009年3月5日、…`, `On 5 March 2009, …`, or a day
    without its year (`8月6日（木曜日）、…`, `On March 12, …`) before a printed date."""
    found = dates.find_all(paragraph, printed.year if printed else None)
    if not found:
        return None
    day, match = found[0]
    if printed and day > printed and match.re in (dates.JA_MONTH_DAY, dates.EN_MONTH_DAY):
        day = day.replace(year=day.year - 1)  # 12月28日 above a date printed 1月5日
    before = unicodedata.normalize("NFKC", paragraph)[: match.start()].strip(" ,、，")
    return day if _MEETING_LEAD.match(before) or _WIRE_CITY.match(before) else None


def _day_named_in(doc: ParsedDocument, span) -> datetime.date | None:
    """A single day inside `span` that the body names apart from the span itself."""
    if not span:
        return None
    for clause in doc.clauses:
        for paragraph in clause.paragraphs:
            folded = unicodedata.normalize("NFKC", paragraph)
            ranges = [m.span() for m in _all_ranges(folded)]
            for day, match in dates.find_all(folded, span[0].year):
                inside_range = any(a <= match.start() < b for a, b in ranges)
                if not inside_range and span[0] <= day <= span[1]:
                    return day
    return None


def _all_ranges(text: str):
    for pattern in (dates.JA_RANGE, dates.EN_RANGE_MDY, dates.EN_RANGE_DMY):
        yield from pattern.finditer(text)


def check(doc: ParsedDocument) -> None:
    """Warnings for what a curator should look at before the text is trusted."""
    title = doc.title
    title_lines = [doc.line_at(m.offset) for m in doc.lines("title")]
    first = title_lines[0] if title_lines else None
    lines = ", ".join(map(str, title_lines))
    settle = "if it is not, set title_lines = [the lines of the title] in the manifest."
    if not title:
        doc.warn(
            "title",
            'no title was found; set title = "…", or title_lines = [its lines], in the manifest.',
        )
    elif len(title) > (120 if is_japanese(title) else 200):
        # ~120 characters of Japanese; English takes about twice the letters for a title.
        doc.warn(
            "title",
            f"the title (lines {lines}) is {len(title)} characters long; {settle}",
            first,
            title_lines,
        )
    if title and (
        _LINK_IN_TITLE.search(title)
        or (is_link_words(title.split()[-1]) and not is_qualifier(title.split()[-1]))
    ):
        doc.warn(
            "title", f"the title contains link words (“{title[:60]}”); {settle}", first, title_lines
        )
    # A short title that names no kind of text or meeting is a page's section, more often
    # than not; a longer one (Emergency Aid for Flood Damage in …) says what the text is.
    short = len(title) <= 16 if is_japanese(title) else len(title.split()) <= 5
    if title and short and not NAMES_A_TEXT.search(title):
        doc.warn(
            "title",
            f"the title “{title[:40]}” names no kind of text or meeting (statement, meeting, "
            f"press release…): it may be the section the page is filed in; {settle}",
            first,
            title_lines,
        )
    _check_title_parts(doc)
    _check_place(doc)
    _check_sections(doc)
    _check_clause_openings(doc)
    _check_heading_items(doc)
    _check_indented_headings(doc)
    _check_lines_before_lead(doc)
    _check_repeated_numbers(doc)
    _check_colon_lines(doc)
    _check_inner_title(doc)
    _check_lone_heading(doc)
    _check_heading_under_title(doc)
    _check_end(doc)
    _check_trailing_headlines(doc)
    _check_notes(doc)
    _check_all_preamble(doc)
    if doc.clauses and not any(c.printed_label for c in doc.clauses):
        doc.warn(
            "labels",
            "no printed paragraph numbers; paragraphs are labelled by their order (1, 2, …).",
        )


_SPEAKER_GENRE = re.compile(r"(?:談話|演説|スピーチ|挨拶)$")
# The genre under a theme, named by its place or occasion: 東京宣言, Astana Declaration.
_NAMED_GENRE = re.compile(
    r"^[^\s、。]{1,8}(?:宣言|声明|行動計画|議長総括)$|^\w+(?: \w+)? (?:Declaration|Statement)$"
)


def _check_title_parts(doc: ParsedDocument) -> None:
    """A title read from lines that stand apart (a blank line or another line between them)
    may have taken in a line of the page's (a speaker, a section, a caption) or left one out;
    a genre line under the title (議長総括, Joint Statement) or (概要) is one of its parts."""
    parts = doc.lines("title")
    if parts and (_SPEAKER_GENRE.search(parts[0].text) or GENRE_ALONE.match(parts[0].text)):
        # 外務報道官談話 / 福山外務副大臣演説, or Chair's Summary, over the text's own title
        parts = parts[1:]
    extra = [
        part
        for part in parts[1:]
        if not (
            GENRE_ALONE.match(part.text)
            or GENRE_UNDER_TITLE.match(part.text)
            or is_qualifier(part.text)
            or _NAMED_GENRE.search(part.text)
        )
    ]
    if extra:
        lines = [doc.line_at(part.offset) for part in parts]
        doc.warn(
            "title",
            f"the title is read from lines {', '.join(map(str, lines))}, which stand apart; "
            "if they are not all the title, set title_lines = [the lines of the title] in the "
            "manifest.",
            lines[0],
            lines,
        )


def _check_place(doc: ParsedDocument) -> None:
    """No place printed, though the body says something happened in a city (東京において,
    in Astana) after its opening paragraphs, which name the place where they say it; or no
    place anywhere, which a curator may know from elsewhere; or a place that names no city
    the archive knows (a venue, a file number), which a curator settles. A tour whose
    headings name two cities or more has no one place, and no warning says it should."""
    if doc.place and not gazetteer.is_known(doc.place):
        printed = doc.lines("place", "date_place")
        doc.warn(
            "place",
            f"the place read, “{doc.place}”, is not a city the archive knows; if it is a city, "
            'or the text says elsewhere where it was issued, set place = "…" in the manifest.',
            doc.line_at(printed[0].offset) if printed else None,
        )
        return
    if doc.place:
        return
    named = (gazetteer.find_place(s.heading) for s in doc.sections)
    headed = {gazetteer.canonical_place(p) for p in named if p}
    if len(headed) >= 2:
        return  # a tour, a city under each heading (1 ウズベキスタン(タシケント)): no one place
    for clause in [] if _chronology(doc, doc.date) else doc.clauses[2:8]:
        if _in_reference(doc, clause):
            break  # the ministry's background notes, not the text
        if found := gazetteer.find_meeting_place(clause.text):
            line = doc.line_at(clause.offset)
            doc.warn(
                "place",
                f"no place is printed with the date, but clause {clause.label} names "
                f"{found}; if the text was issued or the meeting held there, set "
                f'place = "{gazetteer.canonical_place(found)}" in the manifest.',
                line,
            )
            return
    doc.warn(
        "place",
        "no place was found in the dateline or the opening paragraphs; if the text was issued "
        'or the meeting held in one city, set place = "…" in the manifest.',
    )


def _check_notes(doc: ParsedDocument) -> None:
    """Notes kept apart after the text that hold numbered lines ((1) 両首脳は…) may be the
    rest of the text, taken for notes."""
    notes = doc.lines("note")
    numbered = [n for n in notes if numbering(n.text)]
    if len(notes) >= 3 and numbered:
        line = doc.line_at(notes[0].offset)
        doc.warn(
            "structure",
            f"{len(notes)} lines from line {line} were kept apart as notes, {len(numbered)} of "
            "them numbered: if they are text, set not_headings or clause_starts for them in "
            "the manifest, or mark the note's first line as a heading (headings = "
            f"[[{line}, 1]]).",
            line,
            [doc.line_at(n.offset) for n in numbered],
        )


def _check_all_preamble(doc: ParsedDocument) -> None:
    """Every clause read as preamble, those under headings too: the body was taken for its
    lead."""
    under = any(c.section is not None for c in doc.clauses)
    if under and len(doc.clauses) >= 3 and all(c.is_preamble for c in doc.clauses):
        line = doc.line_at(doc.clauses[1].offset)
        doc.warn(
            "preamble",
            f"all {len(doc.clauses)} paragraphs were read as preamble; if the body starts "
            "earlier, set preamble = (how many there are) in the manifest.",
            line,
            [doc.line_at(c.offset) for c in doc.clauses],
        )


def _check_sections(doc: ParsedDocument) -> None:
    holding = {c.section for c in doc.clauses} | {s.parent for s in doc.sections}
    for index, section in enumerate(doc.sections):
        heading = section.heading
        name = f"{section.label} {heading}".strip()[:40]
        line = doc.line_at(section.offset)
        not_heading = f"if it is not a heading, set not_headings = [{line}] in the manifest."
        if index not in holding:
            doc.warn("structure", f"section “{name}” has no clauses; {not_heading}", line)
        if is_dateline(heading) or dates.find_date(heading) and len(heading) <= 40:
            doc.warn("date", f"heading “{name}” reads like a date line; {not_heading}", line)
        too_long = len(heading) > (70 if is_japanese(heading) else 160)
        if too_long or "。" in heading or ends_paragraph(heading) and not section.label:
            doc.warn("structure", f"heading “{name}” reads like a sentence; {not_heading}", line)
        elif (_JA_CUT if is_japanese(heading[-1:]) else _EN_CUT).search(heading):
            doc.warn(
                "structure",
                f"heading “{name}” ends mid-phrase; if the next line goes on with it, set "
                f"joins = [{line + 1}] in the manifest.",
                line,
            )


def _check_lines_before_lead(doc: ParsedDocument) -> None:
    """Short lines that end no sentence, before the lead that announces the text (…概要は以下の
    とおりです。): what stands above a lead is the page's (photo captions, links)."""
    for index, clause in enumerate(doc.clauses[:6]):
        if LEAD_ANNOUNCES.search(clause.paragraphs[-1]):
            above = doc.clauses[:index]
            if above and all(
                len(c.text) <= 40 and not ends_paragraph(c.text) and not c.printed_label
                for c in above
            ):
                lines = [doc.line_at(c.offset) for c in above]
                doc.warn(
                    "structure",
                    f"lines {', '.join(map(str, lines))} stand before the lead and end no "
                    "sentence: if they are the page's (captions, links), set furniture = "
                    f"{lines} in the manifest.",
                    lines[0],
                    lines,
                )
            return


def _check_indented_headings(doc: ParsedDocument) -> None:
    """A top-level heading indented deeper than the numbered clause just before it (a list
    nested under 3. 両国は日本の以下のODAスキームを…): it may belong to that clause."""
    before = None
    for kind, index in doc.body_order:
        if kind == "clause":
            before = doc.clauses[index]
            continue
        section = doc.sections[index]
        deeper = before and _indent(doc, section.offset) > _indent(doc, before.offset)
        if deeper and before.printed_label and not before.is_preamble and section.level == 1:
            line = doc.line_at(section.offset)
            doc.warn(
                "structure",
                f"heading “{(section.label + section.heading)[:30]}” is indented under "
                f"clause {before.label}; if it belongs to that clause, set headings = "
                f"[[{line}, 2]] in the manifest.",
                line,
            )
            return
        before = None


def _indent(doc: ParsedDocument, offset: int) -> int:
    """How far into its line a piece starts: the depth of a list it was copied from."""
    return offset - doc.line_starts[doc.line_at(offset) - 1]


def _under_plain_heading(doc: ParsedDocument, clause, before) -> bool:
    """Whether `clause` stands under an unlabelled heading of its own, after `before`: the
    heading holds it («…»について over a note), where a labelled one ((ア)総論) may be the
    first of the headings that `before`, a short item, stands over."""
    moved = clause.section is not None and clause.section != before.section
    return moved and not doc.sections[clause.section].label


def _check_heading_items(doc: ParsedDocument) -> None:
    """Numbered items that alternate between a short line with no sentence (1. 冒頭) and a
    paragraph (2. 各国代表の皆様。…): the short ones may be headings numbered in one run
    with the paragraphs."""
    for clause, after in itertools.pairwise(doc.clauses):
        if (
            clause.printed_label
            and not after.printed_label
            and not _under_plain_heading(doc, after, clause)
            and len(clause.paragraphs) == 1
            and looks_like_heading(clause.text)
            and not ends_paragraph(clause.text)
            and not re.search(r"[:：]", clause.text)  # 調達条件:日本タイド is an item's value
        ):
            line = doc.line_at(clause.offset)
            doc.warn(
                "structure",
                f"clause {clause.label} (“{clause.text[:20]}”) reads like a heading over the "
                f"unnumbered paragraphs after it; if it is one, set headings = [[{line}, 1]] "
                "(or its level) in the manifest.",
                line,
            )
            return
    numbered = [c for c in doc.clauses if c.printed_label and not c.is_preamble]
    headings = [
        c
        for c, after in itertools.pairwise(numbered)
        if len(c.paragraphs) == 1
        and looks_like_heading(c.text)
        and not ends_paragraph(c.text)
        and not looks_like_heading(after.text)
    ]
    if len(headings) >= 2 and len(headings) * 3 >= len(numbered):
        lines = [doc.line_at(c.offset) for c in headings]
        doc.warn(
            "structure",
            f"numbered items {', '.join(c.printed_label.strip() for c in headings)} are short "
            "lines with no sentence, each before a paragraph: they may be headings numbered "
            f"with the paragraphs; if so, set headings = [{', '.join(f'[{n}, 1]' for n in lines)}]"
            " in the manifest.",
            lines[0],
            lines,
        )


def _check_clause_openings(doc: ParsedDocument) -> None:
    """A clause of several paragraphs whose first reads like a heading, (1) 首脳会談 over its
    text, may be a heading the parser took for a clause."""
    for clause in doc.clauses:
        first = clause.paragraphs[0]
        short = len(first) <= (50 if is_japanese(first) else 90)
        lead_in = CONTINUES.search(first)  # "… is as follows," announces a list
        row = dates.opens_day_row(first)  # a day, then its events: a programme's row
        if len(clause.paragraphs) > 1 and short and not (ends_paragraph(first) or lead_in or row):
            line = doc.line_at(clause.offset)
            doc.warn(
                "structure",
                f"clause {clause.label} opens with “{first[:30]}”, which reads like a heading "
                f"over the paragraphs after it; if it is one, set headings = [[{line}, 2]] "
                "(or its level) in the manifest.",
                line,
            )


def _check_colon_lines(doc: ParsedDocument) -> None:
    """A short line ending in a colon (2006年3月 第1回東京対話:) with an unnumbered paragraph
    on the very next line: that paragraph may be what the line introduces, one item."""
    for before, clause in itertools.pairwise(doc.clauses):
        text = before.paragraphs[-1]
        line = doc.line_at(clause.offset)
        if (
            len(before.paragraphs) == 1
            and text.endswith((":", "："))
            and display_width(text) <= 60
            and not clause.printed_label
            and line == doc.line_at(before.offset) + 1
        ):
            doc.warn(
                "structure",
                f"clause {before.label} ends with a colon, and clause {clause.label} on the next "
                "line may be what it introduces; if they are one paragraph, set "
                f"joins = [{line}] in the manifest.",
                line,
            )


def _check_repeated_numbers(doc: ParsedDocument) -> None:
    """A number printed on a paragraph before the first heading and again on a heading (1. On
    June 26 … / 1. Bilateral Relations): the first is a page's list marker or a misreading."""
    before = {
        c.printed_label.strip(): c for c in doc.clauses if c.section is None and not c.is_preamble
    }
    for section in doc.sections:
        clause = before.get(section.label.strip())
        if section.level == 1 and section.label and clause and clause.offset < section.offset:
            line, heading = doc.line_at(clause.offset), doc.line_at(section.offset)
            doc.warn(
                "structure",
                f"number {section.label.strip()} is printed on the paragraph at line {line} and "
                f"again on the heading at line {heading}; if that paragraph opens the text, "
                "set preamble = 1 (or how many there are) in the manifest.",
                line,
                [heading],
            )
            return


def _check_inner_title(doc: ParsedDocument) -> None:
    """Two unnumbered headings in a row, the first with nothing under it, after the text has
    begun: the title block of a document that a page (a database, a news site) wraps in its
    own heading and note."""
    empty = set(range(len(doc.sections))) - {c.section for c in doc.clauses}
    empty -= {s.parent for s in doc.sections}
    order = doc.body_order
    for at in range(1, len(order) - 1):
        (kind, i), (next_kind, j) = order[at], order[at + 1]
        run = kind == next_kind == "section" and i in empty
        run = run and not doc.sections[i].label and not doc.sections[j].label
        if run and any(k == "clause" for k, _ in order[:at]):
            opening = [
                doc.line_at(c.offset) for c in doc.clauses if c.offset < doc.sections[i].offset
            ]
            line = doc.line_at(doc.sections[i].offset)
            doc.warn(
                "title",
                f"lines {line} and {doc.line_at(doc.sections[j].offset)} read like the title of "
                "a document inside the page, below text of the page's own; if so, set "
                "title_lines = [those lines] and furniture = [the page's lines] in the manifest.",
                line,
                [
                    doc.line_at(doc.sections[j].offset),
                    *opening,
                    *(doc.line_at(m.offset) for m in doc.lines("title")),
                ],
            )
            return


def _check_lone_heading(doc: ParsedDocument) -> None:
    """The one unnumbered heading of a text, standing between two paragraphs numbered in one
    run (3. … / タリマルジャン火力発電所 / 4. …), with none over the first: a photo's caption
    more often than a section, since a text with sections opens with one."""
    if len(doc.sections) != 1 or doc.sections[0].label:
        return
    section = doc.sections[0]
    numbers = [
        (c.offset < section.offset, int(m.group()))
        for c in doc.clauses
        if not c.is_preamble and (m := re.search(r"\d+", c.printed_label))
    ]
    before = [n for above, n in numbers if above]
    after = [n for above, n in numbers if not above]
    if before and after and before[0] == 1 and after[0] == before[-1] + 1:
        line = doc.line_at(section.offset)
        doc.warn(
            "structure",
            f"heading “{section.heading[:30]}” stands between paragraphs {before[-1]} and "
            f"{after[0]}, which are numbered in one run, and no heading stands over paragraph "
            f"1: it may be a caption; if so, set furniture = [{line}] in the manifest.",
            line,
        )


_PART_OF_A_TALK = re.compile(
    rf"{OPENING_REMARKS.pattern}|{INTRODUCTION.pattern}"
    r"|^[【\[(（]?(?:質疑応答|Q\s*&\s*A|Questions and Answers)[】\])）]?$",
    re.I,
)


def _check_heading_under_title(doc: ParsedDocument) -> None:
    """The one unnumbered heading of a text, under the title with only the title block's lines
    between (a venue, [Provisional Translation]) and over every paragraph (Japanese ODA Loan
    Signed … / Developing a Logistics Arterial …): a subtitle printed with no dashes to frame
    it, or a venue, more often than a section."""
    titles = doc.lines("title")
    if len(doc.sections) != 1 or doc.sections[0].label or not titles:
        return
    section, line = doc.sections[0], doc.line_at(doc.sections[0].offset)
    if _PART_OF_A_TALK.match(section.heading):
        return  # 冒頭発言, 質疑応答: the parts a press conference or a speech is read in
    if doc.clauses and all(c.section == 0 for c in doc.clauses):
        doc.warn(
            "title",
            f"heading “{section.heading[:30]}” stands right under the title and over the whole "
            f'text: it may be the subtitle; if so, set subtitle = "{section.heading}" and '
            f"furniture = [{line}] in the manifest.",
            line,
        )


def _check_end(doc: ParsedDocument) -> None:
    """A last clause that stops mid-sentence, where the others end theirs, was cut off."""
    if not doc.clauses or doc.closing or doc.signatories:
        return
    last = doc.clauses[-1]
    if len(last.paragraphs) > 1 and numbering(last.paragraphs[-1]):
        return  # a list of sub-items (① 再生可能エネルギー) ends without a full stop
    if _in_reference(doc, last):
        return  # a reference part lists names, dates and themes, with no full stops
    text = last.paragraphs[-1]
    # A bracket left open at the very end was cut, whatever the other clauses end with.
    unclosed = text.count("(") + text.count("（") > text.count(")") + text.count("）")
    before = doc.clauses[-2] if len(doc.clauses) > 1 else None
    listed = before is not None and last.printed_label and before.printed_label
    if listed and display_width(text) <= 60 and not (unclosed or CONTINUES.search(text)):
        return  # (3)調達条件:アンタイド: a short item of a numbered list, a term and its value
    signed_off = dates.find_date(text[-40:])
    if signed_off and text.endswith(signed_off[1].group().rstrip(".")):
        return  # …the region.///Agency, 2 May 2031: an agency's sign-off with its date
    others = doc.clauses[:-1]
    ending = sum(ends_paragraph(c.paragraphs[-1]) for c in others)
    if not ends_paragraph(text) and (not others or ending >= 0.6 * len(others) or unclosed):
        doc.warn(
            "truncated",
            f"text appears truncated after clause {last.label}: it stops mid-sentence "
            f"(“…{last.paragraphs[-1][-30:]}”); check that the source is complete.",
            doc.line_at(last.offset),
        )


def _check_trailing_headlines(doc: ParsedDocument) -> None:
    """Three or more one-line paragraphs after the text's last sentence, each unnumbered and
    ending none (Farmers expect a record harvest / New bus lines open …): a news page's
    headlines of other stories more often than a list of the text's own."""
    run = []
    for clause in reversed(doc.clauses):
        text = clause.text
        alone = len(clause.paragraphs) == 1 and not clause.printed_label and len(text) <= 120
        if not alone or SENTENCE_END.search(text) or CONTINUES.search(text):
            break
        run.append(clause)
    before = doc.clauses[-len(run) - 1] if len(run) < len(doc.clauses) else None
    if len(run) < 3 or before is None or not ends_paragraph(before.paragraphs[-1]):
        return
    if len({c.section for c in run}) > 1:
        return  # lists under headings of their own (保健分野 / 教育分野): the text's, not links
    lines = sorted(doc.line_at(c.offset) for c in run)
    first = run[-1]
    if first.section is not None and first.section != before.section:
        heading = doc.sections[first.section]
        if not heading.label:  # the first of them, taken for a heading over the others
            lines.insert(0, doc.line_at(heading.offset))
    doc.warn(
        "structure",
        f"lines {lines[0]}–{lines[-1]}, after the text's last sentence, are {len(lines)} short "
        "lines that end no sentence: they may be links to other pages; if so, set furniture = "
        f"[{', '.join(map(str, lines))}] in the manifest.",
        lines[0],
        lines,
    )


def _in_reference(doc: ParsedDocument, clause) -> bool:
    """Whether the clause stands in a reference part ([参考1]) or a section under one."""
    index = clause.section
    while index is not None:
        section = doc.sections[index]
        if REFERENCE.match(section.label + section.heading):
            return True
        index = section.parent
    return False
