"""Plain-text outlines of a document for a curator's review: before import, and as stored.

`outline(prepared)` shows what `import_documents --dry-run` would store from one file, manifest
corrections applied; `stored_outline(document)` shows the same body from the archive's rows (for
the admin). Both only read what they are given: the outline of a prepared file touches no database.
"""

from archive.ingest import gazetteer

EXCERPT = 30  # characters of each clause shown: enough to recognise it, short enough to scan


def outline(prepared) -> str:
    """What importing one PreparedDocument would store, as indented text."""
    entry, parsed = prepared.entry, prepared.parsed
    place_printed = entry.place or parsed.place_as_printed
    place = gazetteer.canonical_place(place_printed) if place_printed else ""
    if place_printed and place_printed != place:
        place += f" ({place_printed})"
    date_range = getattr(parsed, "date_range", None)  # not every parser version has it
    lines = [
        f"{entry.file}: {entry.slug} [{entry.language}], {entry.kind}",
        _fact("title", parsed.title, entry.title),
        _fact("subtitle", parsed.subtitle, entry.subtitle),
        _fact("date", parsed.date and parsed.date.isoformat(), entry.date),
    ]
    if date_range:
        lines.append(_fact("date range", f"{date_range[0]} – {date_range[1]}"))
    lines += [
        _fact("place", place, entry.place and place),
        _fact("provisional", "yes" if parsed.is_provisional else "no"),
        *_body(
            parsed.sections,
            parsed.clauses,
            [c.section for c in parsed.clauses],
            parsed.closing,
            parsed.signatories,
        ),
        _heading("metadata lines", parsed.metadata_lines),
        *(f"    {m.role:<12} {m.text}" for m in parsed.metadata_lines),
    ]
    warnings = [*prepared.source.warnings, *parsed.warnings]
    lines.append(_heading("warnings", warnings))
    lines += [f"    {warning}" for warning in warnings]
    return "\n".join(lines)


def stored_outline(document) -> str:
    """The sections, clauses, closing and signatories of a stored Document, as indented text."""
    sections = list(document.sections.all())
    clauses = list(document.clauses.all())
    position = {section.pk: n for n, section in enumerate(sections)}
    return "\n".join(
        _body(
            sections,
            clauses,
            [position.get(c.section_id) for c in clauses],
            document.closing,
            list(document.signatories.all()),
        )
    )


def _fact(name: str, value: str | None, correction: str = "") -> str:
    """One line of the header; a manifest correction wins over the text and says so."""
    if correction:
        return f"  {name:<14}{correction} (manifest)"
    return f"  {name:<14}{value or '—'}"


def _heading(name: str, items) -> str:
    return f"  {name}" if items else f"  {name:<14}none"


def _body(sections, clauses, section_of, closing, signatories) -> list[str]:
    """Sections as a tree holding their clause labels, then every clause with its opening words.

    Works for parsed and stored pieces alike: both have label/heading/level and
    label/printed_label/text; `section_of` gives each clause's index in `sections` (or None).
    """
    held = [[] for _ in sections]
    loose = []
    for clause, index in zip(clauses, section_of, strict=True):
        (loose if index is None else held[index]).append(clause.label)
    lines = [_heading("sections", sections)]
    if sections and loose:
        lines.append(f"    (no section): {_runs(loose)}")
    for section, labels in zip(sections, held, strict=True):
        indent = "  " * (section.level + 1)
        name = f"{section.label} {section.heading}".strip()
        lines.append(f"{indent}{name}: {_runs(labels) or 'no clauses'}")
    lines.append(_heading("clauses", clauses))
    width = max((len(c.label) for c in clauses), default=0)
    for clause in clauses:
        text = clause.text.replace("\n", " ")
        excerpt = text[:EXCERPT] + ("…" if len(text) > EXCERPT else "")
        printed = clause.printed_label.strip()
        printed = f"[{printed}] " if printed and printed != clause.label else ""
        preamble = "(preamble) " if clause.is_preamble else ""
        lines.append(f"    {clause.label:<{width}}  {printed}{preamble}{excerpt}")
    lines.append(_fact("closing", closing))
    lines.append(_heading("signatories", signatories))
    lines += [f"    {s.title} {s.name}".rstrip() for s in signatories]
    return lines


def _runs(labels: list[str]) -> str:
    """Labels with consecutive numbers folded (1–12, p1, 13), so a gap or repeat stands out."""
    parts: list[list[str]] = []
    for label in labels:
        last = parts[-1] if parts else None
        if last and label.isdigit() and last[-1].isdigit() and int(label) == int(last[-1]) + 1:
            last[1:] = [label]
        else:
            parts.append([label])
    return ", ".join("–".join(part) for part in parts)
