"""A draft's source and manifest entry, read through the command line's own import: the file
and a manifest.toml holding its entry are written to a folder, and `prepare_imports` reads
that folder as it reads any other. The corrections a curator makes by pointing at a line are
the manifest's own keys, so the entry the workbench exports imports the same on the command
line."""

import json
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from archive.importing import (
    ImportResult,
    PreparedDocument,
    import_prepared,
    prepare_imports,
    publisher,
)
from archive.ingest.alignment import align_versions, clause_item, heading_item
from archive.ingest.dates import parse_date
from archive.ingest.sources import LINE_CORRECTIONS, MANIFEST_NAME, SOURCE_SUFFIXES, SourceError
from archive.models import Document
from archive.research import datasets

# The entry's fields, in the order the manifest writes them.
FIELDS = (
    "slug",
    "language",
    "kind",
    "series",
    "meeting",
    "meeting_ja",
    "countries",
    "translation_of",
    "authentic_language",
    "source_url",
    "title",
    "subtitle",
    "date",
    "place",
    "labels",
    "preamble",
)
# What a curator can say of a line, and the manifest key that says it.
LINE_ROLES = {
    "title": "title_lines",
    "heading-1": "headings",
    "heading-2": "headings",
    "heading-3": "headings",
    "not-heading": "not_headings",
    "clause-start": "clause_starts",
    "join": "joins",
    "furniture": "furniture",
}
CORRECTIONS = LINE_CORRECTIONS
# The slug a draft is read with before it has its own.
PROVISIONAL_SLUG = "draft"


class DraftError(Exception):
    """What is wrong with an upload or an entry, in one sentence for the curator."""


def manifest_text(file_name: str, entry: dict) -> str:
    """The entry as the [[document]] of a manifest.toml: what the command line imports."""
    lines = ["[[document]]", f"file = {_toml(file_name)}"]
    for key in (*FIELDS, *CORRECTIONS):
        value = entry.get(key)
        if value is None or value == "" or (value == [] and key != "title_lines"):
            continue
        lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    # A TOML basic string escapes as JSON does.
    return json.dumps(str(value), ensure_ascii=False)


def read(file_name: str, data: bytes, entry: dict, replace: bool = False) -> PreparedDocument:
    """The importer's reading of the draft, nothing written; raises DraftError with the
    import's own message when it cannot be read."""
    if Path(file_name).suffix.lower() not in SOURCE_SUFFIXES:
        raise DraftError(
            f"{file_name}: a source is a text file (.txt), a PDF (.pdf) or a web page (.html); "
            "save the document as one of them and add it again."
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        path.write_bytes(data)
        (Path(folder) / MANIFEST_NAME).write_text(manifest_text(file_name, entry), "utf-8")
        try:
            (prepared,) = prepare_imports([path], replace=replace, workbench_corrections=False)
        except SourceError as error:
            raise DraftError(str(error).replace(f"{folder}/", "").replace(folder, "")) from None
    return prepared


def proposed_slug(prepared: PreparedDocument) -> str:
    """A slug from the text's year and the words of its title that are written in Latin
    letters, or its kind when the title has none."""
    parsed, entry = prepared.parsed, prepared.entry
    year = str(parsed.date.year) if parsed.date else ""
    folded = unicodedata.normalize("NFKC", parsed.title).lower()
    words = re.findall(r"[a-z0-9]+", folded)[:8]
    if not words:
        words = [entry.kind.replace("_", "-"), entry.language]
    return "-".join([w for w in [year, *words] if w])[:80].strip("-")


# What a line can be that the manifest says by its text, not its number.
TEXT_ROLES = ("subtitle", "date-line")


def corrected(entry: dict, line: int, role: str, text: str = "") -> dict:
    """The entry with `role` said of `line` (a LINE_ROLES or TEXT_ROLES key, or "clear" for
    none): a line has one role, so what was said of it before is forgotten. A subtitle or a
    date line is said by what it prints (`text`): the manifest's subtitle, or its date."""
    if role == "subtitle":
        return {**corrected(entry, line, "clear"), "subtitle": text.strip()}
    if role == "date-line":
        day = parse_date(text)
        if day is None:
            raise DraftError(
                f"line {line} holds no date the importer can read; set the date in the facts."
            )
        return {**corrected(entry, line, "clear"), "date": day.isoformat()}
    entry = dict(entry)
    for key in CORRECTIONS:
        values = entry.get(key) or []
        entry[key] = [v for v in values if (v[0] if isinstance(v, list) else v) != line]
    if role == "clear":
        pass
    elif role.startswith("heading-"):
        entry["headings"] = sorted([*entry["headings"], [line, int(role[-1])]])
    elif role in LINE_ROLES:
        key = LINE_ROLES[role]
        entry[key] = sorted([*entry[key], line])
    else:
        raise DraftError(f"“{role}” is not something a line can be.")
    if not entry["title_lines"]:
        entry.pop("title_lines")  # no word on the title: the importer finds it
    for key in CORRECTIONS:
        if key in entry and not entry[key] and key != "title_lines":
            entry.pop(key)
    return entry


def stored_entry(document) -> dict:
    """The entry a stored version was imported with, with the corrections made to it in the
    workbench since; for a version imported before entries were kept, what its work says."""
    work = document.work
    entry = dict(document.entry) or {
        "slug": work.slug,
        "language": document.language,
        "kind": work.kind,
        "series": work.series,
        "meeting": work.meeting,
        "meeting_ja": work.meeting_ja,
        "countries": sorted(c.code for c in work.countries.all()),
        "source_url": document.source_url,
    }
    entry.pop("file", None)
    latest = document.drafts.order_by("-updated_at").first()
    for key in (*CORRECTIONS, "date", "place", "labels"):
        if latest and key in latest.entry and key not in entry:
            entry[key] = latest.entry[key]
    return {key: value for key, value in entry.items() if value not in ("", None, [])}


def changed_links(prepared: PreparedDocument) -> list[str]:
    """The clause labels of the stored version that publishing this reading removes, whose
    links would no longer find their clause."""
    return [label for _language, labels in prepared.lost_labels for label in labels]


def publish(
    file_name: str, data: bytes, entry: dict, replace: bool = False, user=None
) -> ImportResult:
    """Write the draft into the archive as `import_documents` does: read, then one
    transaction; the search index and the rest follow the import's commit. `user` is named
    on the revision the import keeps of what it replaces."""
    prepared = read(file_name, data, entry, replace=replace)
    token = publisher.set(user)
    try:
        with transaction.atomic():
            (result,) = import_prepared([prepared])
    finally:
        publisher.reset(token)
    return result


def regenerate_bulk_data() -> str:
    """The bulk data again after a publish, as `import_documents` does after an import: a
    failure is a sentence to show, never a failed publish, which is committed by now."""
    if datasets.is_current():
        return ""
    try:
        datasets.export_all()
    except Exception as error:  # any failure: a full disk, permissions, a bug
        return (
            f"The text is published, but the bulk data at /data/ was not regenerated "
            f"({type(error).__name__}: {error}); run `manage.py export_datasets` to retry."
        )
    return ""


def body(prepared: PreparedDocument) -> list[dict]:
    """The reading in order, as the reader's page shows it: each heading with its label and
    level, each clause with its label and text."""
    parsed, items = prepared.parsed, []
    for kind, index in parsed.body_order:
        if kind == "section":
            section = parsed.sections[index]
            items.append(
                {"heading": section.heading, "label": section.label, "level": section.level}
            )
        else:
            clause = parsed.clauses[index]
            items.append(
                {"label": clause.label, "printed": clause.printed_label, "text": clause.text}
            )
    return items


@dataclass
class Change:
    """What an import changed in a version: labels it took away and added, and the labels
    whose text it changed."""

    revision: object  # the Revision: the version before the import
    removed: list[str]
    added: list[str]
    rewritten: list[str]


def history(document) -> list[Change]:
    """The version's revisions, newest first, each with what the import after it changed."""
    revisions = list(document.revisions.defer("source_bytes").select_related("replaced_by"))
    after = dict(document.clauses.order_by("sequence").values_list("label", "text"))
    changes = []
    for revision in revisions:
        before = dict(revision.clauses)
        changes.append(
            Change(
                revision,
                [label for label in before if label not in after],
                [label for label in after if label not in before],
                [label for label in before if label in after and before[label] != after[label]],
            )
        )
        after = before
    return changes


@dataclass
class SourceLine:
    number: int
    text: str
    reading: str = ""  # what the importer made of the line, where something starts there
    warnings: list[str] = field(default_factory=list)
    said: str = ""  # what the curator said of it (a LINE_ROLES key)
    # The clauses of the text's stored versions in other languages that would stand beside
    # the clause starting here, side by side: (language, label).
    pairs: list[tuple[str, str]] = field(default_factory=list)


def pairs_in_other_versions(prepared: PreparedDocument) -> dict[int, list[tuple[str, str]]]:
    """For each clause of the reading (by index), the clauses of the text's stored versions in
    other languages that the alignment the import stores would put in its row."""
    parsed, entry = prepared.parsed, prepared.entry
    others = (
        Document.objects.light()
        .filter(work__slug=entry.slug)
        .exclude(language=entry.language)
        .prefetch_related("sections", "clauses")
    )
    bodies = []
    for document in others:
        items = [
            (s.sequence, heading_item(("section", s.pk), s.heading, s.label))
            for s in document.sections.all()
        ]
        items += [
            (
                c.sequence,
                clause_item((document.language, c.label), c.label, c.printed_label, c.text),
            )
            for c in document.clauses.all()
        ]
        bodies.append([item for _, item in sorted(items, key=lambda pair: pair[0])])
    if not bodies:
        return {}
    mine = []
    for kind, index in parsed.body_order:
        if kind == "section":
            section = parsed.sections[index]
            mine.append(heading_item(("section", index), section.heading, section.label))
        else:
            clause = parsed.clauses[index]
            mine.append(clause_item(index, clause.label, clause.printed_label, clause.text))
    rows = align_versions(mine, bodies)
    row_of = {key: row for key, row in rows[0].items() if isinstance(key, int)}
    found: dict[int, list[tuple[str, str]]] = {}
    for mapping in rows[1:]:
        by_row: dict[int, list[tuple[str, str]]] = {}
        for key, row in mapping.items():
            if key[0] != "section":
                by_row.setdefault(row, []).append(key)
        for index, row in row_of.items():
            found.setdefault(index, []).extend(by_row.get(row, []))
    return found


def source_lines(prepared: PreparedDocument, entry: dict) -> tuple[list[SourceLine], list[str]]:
    """The source's lines, numbered as the manifest numbers them, each with what the importer
    read it as and the warnings about it; and the warnings about no line."""
    parsed = prepared.parsed
    lines = [SourceLine(n, text) for n, text in enumerate(prepared.source.text.split("\n"), 1)]

    def at(offset: int) -> SourceLine | None:
        number = parsed.line_at(offset)
        return lines[number - 1] if number and 0 < number <= len(lines) else None

    for meta in parsed.metadata_lines:
        if (line := at(meta.offset)) and not line.reading:
            line.reading = meta.role
    for section in parsed.sections:
        if line := at(section.offset):
            label = f" {section.label}" if section.label else ""
            line.reading = f"heading {section.level}{label}"
    pairs = pairs_in_other_versions(prepared)
    for index, clause in enumerate(parsed.clauses):
        if line := at(clause.offset):
            line.reading = "preamble" if clause.is_preamble else f"clause {clause.label}"
            line.pairs = pairs.get(index, [])
    general = [str(w) for w in prepared.source.warnings]
    for warning in parsed.warnings:
        numbers = [n for n in getattr(warning, "lines", ()) if 0 < n <= len(lines)]
        if numbers:
            lines[numbers[0] - 1].warnings.append(str(warning))
        else:
            general.append(str(warning))
    for role, key in LINE_ROLES.items():
        for value in entry.get(key) or []:
            number = value[0] if isinstance(value, list) else value
            if 0 < number <= len(lines):
                if key == "headings" and role != f"heading-{value[1]}":
                    continue
                lines[number - 1].said = role
    return lines, general
