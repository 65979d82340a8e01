"""Writing parsed source files into the archive: everything or nothing, and idempotent.

`prepare_imports` reads, decodes, parses and checks every file before anything is written;
`import_prepared` writes them in one transaction. Clauses are upserted on (document, label), so
a clause keeps its row, anchor and URL across re-imports for as long as its label exists.
"""

import hashlib
import re
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from archive.ingest import gazetteer
from archive.ingest.alignment import (
    LabelledClause,
    align_versions,
    clause_item,
    heading_item,
    labelled,
    reconcile_labels,
)
from archive.ingest.lines import numbering
from archive.ingest.parsing import ParsedDocument, ParseError, ParseHints, parse_document
from archive.ingest.sources import (
    LINE_CORRECTIONS,
    MANIFEST_NAME,
    SOURCE_SUFFIXES,
    ManifestEntry,
    Source,
    SourceError,
    file_name_problem,
    load_manifest,
    read_source,
    source_format_of,
)
from archive.models import (
    Clause,
    ClauseMove,
    Country,
    Document,
    Draft,
    Revision,
    Section,
    Signatory,
    Work,
)
from archive.research import distinctive, recurring
from archive.signals import send_documents_changed

WORK_FIELDS = ("kind", "series", "meeting", "meeting_ja", "countries")


@dataclass
class PreparedDocument:
    entry: ManifestEntry
    source: Source
    parsed: ParsedDocument
    fingerprint: str
    # Stored versions of the same text to relabel when this import is written:
    # (language, labels to take, warnings), see compare_versions.
    stored_relabels: list = field(default_factory=list)
    # Labels of stored clauses this import removes, whose links will 404: (language, labels).
    lost_labels: list = field(default_factory=list)


@dataclass
class ImportResult:
    document: Document
    status: str  # new, updated, unchanged
    changed_clause_ids: list[int] = field(default_factory=list)
    removed_clause_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def source_files(paths: list[Path]) -> list[Path]:
    """The source files named, or found in the folders named (.txt, .pdf, .html), in order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
                )
            )
        elif path.is_file() and source_format_of(path):
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder.")
    if not files:
        raise SourceError(
            f"{', '.join(map(str, paths))}: no source files to import "
            f"({', '.join(sorted(SOURCE_SUFFIXES))})."
        )
    return files


def hints_from(entry: ManifestEntry) -> ParseHints:
    """What the manifest tells the parser about structure the text leaves ambiguous."""
    return ParseHints(
        labels=entry.labels,
        preamble=entry.preamble,
        title_lines=entry.title_lines,
        headings=entry.headings,
        not_headings=frozenset(entry.not_headings),
        clause_starts=frozenset(entry.clause_starts),
        joins=frozenset(entry.joins),
        furniture=frozenset(entry.furniture),
    )


def prepare_imports(
    paths: list[Path],
    manifest_path: Path | None = None,
    *,
    replace: bool = False,
    workbench_corrections: bool = True,
) -> list[PreparedDocument]:
    """Read and parse every file; raise SourceError on the first bad one, writing nothing.

    A file declared as a version the archive holds from another file is refused unless
    `replace` is given: it would silently take that version's place and its clause links.
    The corrections made to a stored version in the workbench apply unless
    `workbench_corrections` is off (the workbench's own drafts carry them in their entry, and
    one a curator took back must stay taken back).
    """
    prepared = []
    manifests: dict[Path, dict[str, ManifestEntry]] = {}
    for path in source_files(paths):
        problem = file_name_problem(path.name)
        if problem:
            raise SourceError(f"{ascii(str(path.parent))[1:-1]}: {problem}.")
        _check_size(path)
        manifest_file = manifest_path or path.parent / MANIFEST_NAME
        if manifest_file not in manifests:
            manifests[manifest_file] = load_manifest(manifest_file)
        entry = manifests[manifest_file].get(path.name)
        if entry is None:
            raise SourceError(
                f"{path}: no entry in {manifest_file}; add a [[document]] with "
                f'file = "{path.name}", slug, language and kind.'
            )
        source = read_source(path, settings.IMPORT_MAX_PDF_INFLATED_BYTES)
        _check_lines(path, source.text)
        if workbench_corrections:
            entry, source = with_workbench_corrections(entry, source)
        try:
            parsed = parse_document(source.text, entry.language, hints_from(entry))
        except ParseError as error:
            raise SourceError(
                f"{path}: {error}; check that this is the full text of the document."
            ) from None
        _check_limits(path, parsed)
        retire_answered_warnings(parsed, entry)
        prepared.append(PreparedDocument(entry, source, parsed, ""))
    _check_consistency(prepared)
    _check_replacements(prepared, replace)
    compare_versions(prepared)
    _find_lost_labels(prepared)
    for item in prepared:
        fingerprint = f"{item.source.sha256}{item.entry!r}{item.parsed!r}"
        item.fingerprint = hashlib.sha256(fingerprint.encode()).hexdigest()
    return prepared


# What a curator can set in the workbench: the manifest's line corrections and facts.
WORKBENCH_KEYS = (*LINE_CORRECTIONS, "date", "place", "labels")


def with_workbench_corrections(entry: ManifestEntry, source: Source):
    """The entry with the corrections a curator made in the workbench to the published version
    of this text, for every key the manifest leaves unset; and the source, with a warning when
    they were made on another copy of it, whose line numbers they would misread."""
    draft = (
        Draft.objects.filter(published__work__slug=entry.slug, published__language=entry.language)
        .defer("source_bytes")
        .order_by("-updated_at")
        .first()
    )
    stored = draft.entry if draft else {}
    said = {key: stored[key] for key in WORKBENCH_KEYS if key in stored}
    if not said:
        return entry, source
    if draft.published.source_sha256 != source.sha256:
        note = (
            f"{source.name}: corrections were made to this text in the workbench (draft "
            f"{draft.pk}) on another copy of its source; they are not applied here. Review it "
            "in the workbench, or set them in the manifest."
        )
        return entry, replace(source, warnings=(*source.warnings, note))
    unset = ManifestEntry(entry.file, entry.slug, entry.language, entry.kind)
    taken = {}
    for key, value in said.items():
        if getattr(entry, key) != getattr(unset, key):
            continue  # the manifest says otherwise: the manifest wins
        if key == "headings":
            value = tuple(tuple(pair) for pair in value)
        elif key in ("title_lines", "not_headings", "clause_starts", "joins", "furniture"):
            value = tuple(value)
        taken[key] = value
    return replace(entry, **taken), source


def _size(n: int) -> str:
    return f"{n / settings.MB:,.1f} MB" if n >= settings.MB else f"{n:,} bytes"


def _check_size(path: Path) -> None:
    """Refuse a file over its size limit before reading it."""
    is_pdf = source_format_of(path) == "pdf"
    name = "IMPORT_MAX_PDF_BYTES" if is_pdf else "IMPORT_MAX_TEXT_BYTES"
    limit = getattr(settings, name)
    size = path.stat().st_size
    if size > limit:
        raise SourceError(
            f"{path.name}: the file is {_size(size)}, over the limit of {_size(limit)} "
            f"(setting {name}); check that it is one document, or raise the limit in the "
            "environment."
        )


def _check_lines(path: Path, text: str) -> None:
    """Refuse, before parsing, a text of more lines than any document has: parsing holds
    every line and paragraph in memory (a million short lines took 1.5 GB)."""
    lines, limit = text.count("\n") + 1, settings.IMPORT_MAX_LINES
    if lines > limit:
        raise SourceError(
            f"{path.name}: {lines:,} lines, more than the {limit:,} a document may have (setting "
            "IMPORT_MAX_LINES); check that it is one document, or raise the limit in the "
            "environment."
        )


def _check_limits(path: Path, parsed: ParsedDocument) -> None:
    """Refuse a structure no reader could use and every page and search would pay for:
    one clause of megabytes, or every line a heading."""
    for count, what, name in (
        (len(parsed.sections), "sections", "IMPORT_MAX_SECTIONS"),
        (len(parsed.clauses), "clauses", "IMPORT_MAX_CLAUSES"),
    ):
        limit = getattr(settings, name)
        if count > limit:
            raise SourceError(
                f"{path.name}: {count:,} {what}, more than the {limit:,} a document may have "
                f"(setting {name}); check that its lines are not read as {what} one by one, "
                "or raise the limit in the environment."
            )
    limit = settings.IMPORT_MAX_CLAUSE_CHARS
    for clause in parsed.clauses:
        if len(clause.text) > limit:
            raise SourceError(
                f"{path.name}: clause {clause.label} has {len(clause.text):,} characters, more "
                f"than the {limit:,} a clause may have (setting IMPORT_MAX_CLAUSE_CHARS); check "
                "that its paragraphs are separated by line breaks, or raise the limit."
            )


def _check_replacements(prepared: list[PreparedDocument], replace: bool) -> None:
    """A version stored from one file is replaced by another only when the curator says so."""
    if replace:
        return
    incoming = {(i.entry.slug, i.entry.language): i for i in prepared}
    stored = Document.objects.filter(work__slug__in={slug for slug, _ in incoming}).values_list(
        "work__slug", "language", "source_name"
    )
    for slug, language, source_name in stored:
        item = incoming.get((slug, language))
        if item is not None and item.entry.file != source_name:
            raise SourceError(
                f"{item.entry.file}: the '{language}' version of {slug} comes from "
                f"{source_name}, not this file; run import_documents --replace to replace it "
                "(its clause links may stop working), or give this file another slug or language."
            )


def _find_lost_labels(prepared: list[PreparedDocument]) -> None:
    """Note the stored clause labels each import removes: their permalinks will 404."""
    slugs = {item.entry.slug for item in prepared}
    stored: dict[tuple[str, str], list[str]] = {}
    for slug, language, label in (
        Clause.objects.filter(document__work__slug__in=slugs)
        .values_list("document__work__slug", "document__language", "label")
        .order_by("document", "sequence")
    ):
        stored.setdefault((slug, language), []).append(label)
    for item in prepared:
        slug = item.entry.slug
        new = {item.entry.language: [c.label for c in item.parsed.clauses]}
        new.update({lang: [c.label for c in labels] for lang, labels, _ in item.stored_relabels})
        for language, labels in new.items():
            kept = set(labels)
            lost = [label for label in stored.get((slug, language), []) if label not in kept]
            if lost:
                item.lost_labels.append((language, lost))


def lost_label_warnings(item: PreparedDocument) -> list[str]:
    """One line per version whose clause links this import breaks."""
    warnings = []
    for language, labels in item.lost_labels:
        shown = ", ".join(labels[:60]) + (
            f" and {len(labels) - 60} more" if len(labels) > 60 else ""
        )
        warnings.append(
            f"{item.entry.file}: clause{'s' if len(labels) > 1 else ''} {shown} of "
            f"{item.entry.slug} ({language}) will be removed; links to them will no longer be "
            "found."
        )
    return warnings


# Which warnings a manifest field answers: once the curator has said, the doubt is settled.
ANSWERED_BY = {
    "date": "date",
    "place": "place",
    "title": "title",
    "labels": "labels",
    "preamble": "labels",
}


def retire_answered_warnings(parsed: ParsedDocument, entry: ManifestEntry) -> None:
    """Drop the warnings the manifest answers: a field answers every warning of its kind, a
    line correction the warnings about the lines it names."""
    answered = {
        kind for name, kind in ANSWERED_BY.items() if getattr(entry, name) not in ("", None)
    }
    if entry.title_lines is not None:
        answered.add("title")
    settled = {line for line, _level in entry.headings}
    settled.update(entry.not_headings, entry.clause_starts, entry.joins, entry.furniture)
    settled.update(line - 1 for line in entry.joins)  # a heading that the next line goes on
    parsed.warnings = [
        w
        for w in parsed.warnings
        if getattr(w, "kind", "") not in answered and getattr(w, "line", None) not in settled
    ]


def compare_versions(prepared: list[PreparedDocument]) -> None:
    """Check the language versions of each text against each other, those in this import and
    those already in the archive (archive.ingest.alignment.reconcile_labels). An incoming version
    that takes another's labels is relabelled here; a stored one when the import is written."""
    by_slug: dict[str, list[PreparedDocument]] = {}
    for item in prepared:
        by_slug.setdefault(item.entry.slug, []).append(item)
    incoming = {(i.entry.slug, i.entry.language) for i in prepared}
    stored: dict[str, dict[str, list[LabelledClause]]] = {}
    for slug, language, label, printed, preamble in (
        Clause.objects.filter(document__work__slug__in=by_slug)
        .values_list(
            "document__work__slug", "document__language", "label", "printed_label", "is_preamble"
        )
        .order_by("document", "sequence")
    ):
        if (slug, language) not in incoming:
            stored.setdefault(slug, {}).setdefault(language, []).append(
                LabelledClause(label, printed, preamble)
            )
    for slug, items in by_slug.items():
        versions = {i.entry.language: labelled(i.parsed.clauses) for i in items}
        versions.update(stored.get(slug, {}))
        if len(versions) < 2:
            continue
        adopted, warnings = reconcile_labels(versions)
        by_language = {item.entry.language: item for item in items}
        for language, source in adopted.items():
            labels = versions[source]
            if language in by_language:
                parsed = by_language[language].parsed
                parsed.clauses = [
                    replace(clause, label=other.label, is_preamble=other.is_preamble)
                    for clause, other in zip(parsed.clauses, labels, strict=True)
                ]
            else:
                items[0].stored_relabels.append((language, labels, warnings[language]))
        for language, item in by_language.items():
            for warning in warnings[language]:
                item.parsed.warn("versions", warning)


_VERSION_WARNING = re.compile(r"this version prints no paragraph numbers|' version has \d+ clauses")


def _relabel_stored(slug: str, language: str, labels, warnings: list[str]) -> None:
    """Give a stored version the labels its numbered counterpart prints (see compare_versions);
    two passes, since the new labels may swap with old ones."""
    document = Document.objects.get(work__slug=slug, language=language)
    clauses = list(document.clauses.order_by("sequence"))
    for clause in clauses:
        clause.label = f"~{clause.pk}"
    Clause.objects.bulk_update(clauses, ["label"])
    for clause, other in zip(clauses, labels, strict=True):
        clause.label, clause.is_preamble = other.label, other.is_preamble
    Clause.objects.bulk_update(clauses, ["label", "is_preamble"])
    earlier = [w for w in document.warnings if not _VERSION_WARNING.search(w)]
    document.warnings = earlier + [f"{document.source_name}: {w}" for w in warnings]
    document.save(update_fields=["warnings"])


def _check_consistency(prepared: list[PreparedDocument]) -> None:
    versions: dict[tuple[str, str], PreparedDocument] = {}
    for item in prepared:
        key = (item.entry.slug, item.entry.language)
        if key in versions:
            raise SourceError(
                f"{item.entry.file}: {versions[key].entry.file} is already the "
                f"'{key[1]}' version of {key[0]}; give one of them another slug or language."
            )
        versions[key] = item
    for item in prepared:
        entry = item.entry
        for other in prepared:
            if other.entry.slug == entry.slug and any(
                getattr(other.entry, f) != getattr(entry, f) for f in WORK_FIELDS
            ):
                raise SourceError(
                    f"{entry.file} and {other.entry.file} are versions of {entry.slug} but their "
                    "manifest entries disagree on kind, series, meeting or countries; make them "
                    "the same."
                )
        target = entry.translation_of
        if (
            target
            and (entry.slug, target) not in versions
            and not Document.objects.filter(work__slug=entry.slug, language=target).exists()
        ):
            raise SourceError(
                f'{entry.file}: translation_of = "{target}" but {entry.slug} has no '
                f"'{target}' version in the manifest or the archive; import that version too, "
                "or use authentic_language instead."
            )


@transaction.atomic
def import_prepared(prepared: list[PreparedDocument]) -> list[ImportResult]:
    results = [_write_document(item) for item in prepared]
    for item in prepared:
        for language, labels, warnings in item.stored_relabels:
            _relabel_stored(item.entry.slug, language, labels, warnings)
    by_key = {(r.document.work.slug, r.document.language): r.document for r in results}
    for item, result in zip(prepared, results, strict=True):
        target = item.entry.translation_of
        if target:
            original = by_key.get((item.entry.slug, target)) or Document.objects.get(
                work__slug=item.entry.slug, language=target
            )
            if result.document.translation_of_id != original.pk:
                result.document.translation_of = original
                result.document.save(update_fields=["translation_of"])
    for work in {r.document.work for r in results}:
        _update_work_summary(work, [i for i in prepared if i.entry.slug == work.slug])
        align_work(work)
    send_documents_changed(r.document.pk for r in results if r.status != "unchanged")
    return results


def _write_document(item: PreparedDocument) -> ImportResult:
    entry, parsed = item.entry, item.parsed
    work, _ = Work.objects.update_or_create(
        slug=entry.slug,
        defaults={
            "kind": entry.kind,
            "series": entry.series,
            "meeting": entry.meeting,
            "meeting_ja": entry.meeting_ja,
        },
    )
    work.countries.set([_country(code) for code in entry.countries])
    document = Document.objects.filter(work=work, language=entry.language).first()
    warnings = list(item.source.warnings) + [f"{entry.file}: {w}" for w in parsed.warnings]
    if document is not None and document.fingerprint == item.fingerprint:
        return ImportResult(document, "unchanged", warnings=warnings)
    status = "new" if document is None else "updated"
    if document is not None:
        _keep_revision(document)
    document = document or Document(work=work, language=entry.language)
    place_printed = entry.place or parsed.place_as_printed
    document.title = entry.title or parsed.title
    document.subtitle = entry.subtitle or parsed.subtitle
    document.date = entry.date or parsed.date
    span = None if entry.date else parsed.date_range
    document.date_start, document.date_end = span or (None, None)
    document.place = gazetteer.canonical_place(place_printed) if place_printed else ""
    document.place_as_printed = place_printed
    document.is_provisional = parsed.is_provisional
    document.closing = parsed.closing
    document.metadata_lines = [
        {"role": m.role, "text": m.text, "offset": m.offset} for m in parsed.metadata_lines
    ]
    if parsed.closing:
        document.metadata_lines.append(
            {"role": "closing", "text": parsed.closing, "offset": parsed.closing_offset}
        )
    document.warnings = warnings
    document.source_url = entry.source_url
    document.source_name = entry.file
    document.source_sha256 = item.source.sha256
    document.source_encoding = item.source.encoding
    document.source_bytes = item.source.data
    document.source_format = item.source.format
    document.extracted_text = item.source.text if item.source.format != "text" else ""
    document.fingerprint = item.fingerprint
    document.entry = entry.as_dict()
    document.save()
    changed, removed = _write_body(document, parsed)
    _write_signatories(document, parsed)
    # Lost links are reported by the command, not stored: they describe this import, not the text.
    return ImportResult(document, status, changed, removed, warnings + lost_label_warnings(item))


def _write_body(document: Document, parsed: ParsedDocument) -> tuple[list[int], list[int]]:
    """Rebuild sections; upsert clauses by label. Returns (changed or new ids, removed ids)."""
    Section.objects.filter(document=document).delete()
    sections: list[Section] = []
    sequence = {
        ("section", i): n for n, (kind, i) in enumerate(parsed.body_order) if kind == "section"
    }
    clause_sequence = {i: n for n, (kind, i) in enumerate(parsed.body_order) if kind == "clause"}
    for index, parsed_section in enumerate(parsed.sections):
        section = Section.objects.create(
            document=document,
            parent=sections[parsed_section.parent] if parsed_section.parent is not None else None,
            sequence=sequence[("section", index)],
            level=parsed_section.level,
            label=parsed_section.label,
            heading=parsed_section.heading,
            source_offset=parsed_section.offset,
        )
        sections.append(section)

    existing = {c.label: c for c in Clause.objects.filter(document=document)}
    changed, to_create, to_update = [], [], []
    fields = ("section", "sequence", "printed_label", "is_preamble", "text", "source_offset")
    for index, parsed_clause in enumerate(parsed.clauses):
        values = {
            "section": sections[parsed_clause.section]
            if parsed_clause.section is not None
            else None,
            "sequence": clause_sequence[index],
            "printed_label": parsed_clause.printed_label,
            "is_preamble": parsed_clause.is_preamble,
            "text": parsed_clause.text,
            "source_offset": parsed_clause.offset,
        }
        clause = existing.pop(parsed_clause.label, None)
        if clause is None:
            to_create.append(Clause(document=document, label=parsed_clause.label, **values))
            continue
        if clause.text != values["text"]:
            changed.append(clause.pk)
        for name, value in values.items():
            setattr(clause, name, value)
        to_update.append(clause)
    removed = [c.pk for c in existing.values()]
    _record_moves(document, list(existing.values()), parsed)
    Clause.objects.filter(pk__in=removed).delete()
    Clause.objects.bulk_update(to_update, fields)
    changed += [c.pk for c in Clause.objects.bulk_create(to_create)]
    return changed, removed


# Who publishes the import under way, when a person in the workbench does (the command line
# names no one).
publisher: ContextVar = ContextVar("publisher", default=None)


def _keep_revision(document: Document) -> None:
    """The version as it stands, kept before the import replaces it."""
    Revision.objects.create(
        document=document,
        replaced_by=publisher.get(),
        source_name=document.source_name,
        source_bytes=bytes(document.source_bytes),
        entry=document.entry,
        title=document.title,
        clauses=list(document.clauses.order_by("sequence").values_list("label", "text")),
    )


def _record_moves(document: Document, removed: list[Clause], parsed: ParsedDocument) -> None:
    """A removed label whose text a clause of the new reading carries moved there: its links
    redirect, and so do those of the labels that had moved to it. A label in use again needs
    no move."""
    labels = {c.label for c in parsed.clauses}
    ClauseMove.objects.filter(document=document, label__in=labels).delete()
    now_at: dict[str, str] = {}
    for parsed_clause in parsed.clauses:
        now_at.setdefault(_same_text(parsed_clause.text), parsed_clause.label)
    for clause in removed:
        to_label = now_at.get(_same_text(clause.text))
        if to_label is None:
            continue
        ClauseMove.objects.filter(document=document, to_label=clause.label).update(
            to_label=to_label
        )
        ClauseMove.objects.update_or_create(
            document=document, label=clause.label, defaults={"to_label": to_label}
        )


def _same_text(text: str) -> str:
    """A clause's words, without the number a reading by order keeps printed in its text."""
    words = " ".join(text.split())
    if found := numbering(words):
        words = words[len(found[1]) :].lstrip()
    return words


def _write_signatories(document: Document, parsed: ParsedDocument) -> None:
    Signatory.objects.filter(document=document).delete()
    Signatory.objects.bulk_create(
        Signatory(
            document=document,
            sequence=n,
            name=s.name,
            title=s.title,
            name_offset=s.name_offset,
            title_offset=s.title_offset,
        )
        for n, s in enumerate(parsed.signatories, start=1)
    )


def _country(code: str) -> Country:
    name_en, name_ja = gazetteer.COUNTRIES[code]
    country, _ = Country.objects.get_or_create(
        code=code, defaults={"name_en": name_en, "name_ja": name_ja}
    )
    return country


def _update_work_summary(work: Work, items: list[PreparedDocument]) -> None:
    """The work's date, and its authentic language: the manifest's word, else the language
    a version is translated from, else the language the closing formula says it was signed in."""
    days = work.documents.values_list("date", "date_start")
    dates = sorted(date or start for date, start in days if date or start)
    hints = [i.entry.authentic_language for i in items] + [i.entry.translation_of for i in items]
    hints += [i.parsed.authentic_language for i in items]
    work.date = dates[0] if dates else None
    work.authentic_language = next((h for h in hints if h), work.authentic_language)
    work.save(update_fields=["date", "authentic_language"])


@transaction.atomic
def delete_versions(document_ids) -> None:
    """Delete these language versions the one way that keeps what derives from them: their
    recurring-language links and their partners' counts, and the term totals; then the rows,
    then the archive's generation, and after the commit the search index (archive.signals)."""
    ids = sorted(set(document_ids))
    if settings.FIND_RECURRING_LANGUAGE:
        recurring.forget(ids)
    distinctive.forget(ids)
    Document.objects.filter(pk__in=ids).delete()
    send_documents_changed(ids)


def align_work(work: Work) -> None:
    """Store the rows that line up the versions of a work (for the side-by-side view)."""
    versions = list(work.documents.light())
    pivot = next((d for d in versions if d.language == work.authentic_language), None)
    pivot = pivot or next((d for d in versions if not d.is_provisional), versions[0])
    ordered = [pivot] + [d for d in versions if d.pk != pivot.pk]
    bodies, rows_by_pk = [], {}
    for document in ordered:
        sections, clauses = list(document.sections.all()), list(document.clauses.all())
        items = [
            (s.sequence, heading_item(("section", s.pk), s.heading, s.label)) for s in sections
        ]
        items += [
            (c.sequence, clause_item(("clause", c.pk), c.label, c.printed_label, c.text))
            for c in clauses
        ]
        bodies.append([item for _, item in sorted(items, key=lambda pair: pair[0])])
    for mapping in align_versions(bodies[0], bodies[1:]):
        rows_by_pk.update(mapping)
    # One statement run once per row: bulk_update's CASE expressions cost more to build in
    # Python than the alignment itself (bench/, 10,000 clauses).
    for model, kind in ((Clause, "clause"), (Section, "section")):
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET row = %s WHERE id = %s",  # noqa: S608 - our own names
                [(row, key[1]) for key, row in rows_by_pk.items() if key[0] == kind],
            )
