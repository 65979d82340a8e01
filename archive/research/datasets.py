"""Bulk downloads of the whole archive: every clause as JSON Lines, one TEI P5 file per
text with its language versions linked clause by clause, a ja–en TMX, and the manifest
(index.json) that lists them with sizes and checksums.

Owns writing DATASETS_DIR and reading its manifest; /data/ serves what is written here
(archive/data_views.py). An export is built in a staging folder beside DATASETS_DIR, then moved
in file by file, the manifest last: a reader never downloads a half-written file.
"""

import fcntl
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.dispatch import Signal
from django.urls import reverse
from lxml import etree

from archive.citations import PUBLISHER
from archive.models import Clause, Document, Section, Work
from archive.reading import document_body
from archive.signals import current_generation
from archive.text import xml_text

# Sent while an export is built, with `folder` (the staging folder): a receiver writes its
# files there and returns [(path inside the folder, format, records)] for the manifest.
datasets_building = Signal()

MANIFEST = "index.json"
CLAUSES = "clauses.jsonl"
TEI_FOLDER = "tei"
TEI_ZIP = "tei.zip"
TMX = "tmx/ja-en.tmx"
ARCHIVE_NAME = "Central Asia + Japan Diplomatic Texts"

# Clauses read per query; each chunk costs two more queries (its sections and counterparts).
CHUNK_SIZE = 1000
# Texts built per round of queries for TEI: each round is four queries, whatever its size.
WORKS_PER_BATCH = 100
# Columns of a version no export needs; the source file alone can be megabytes.
UNUSED_DOCUMENT_COLUMNS = (*Document.large_columns(), "metadata_lines", "warnings")

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "tei_subset.rng"


@dataclass
class Export:
    """What `export_all` wrote: the manifest, and the seconds each part took."""

    manifest: dict
    seconds: dict[str, float] = field(default_factory=dict)


def export_all(directory: Path | None = None, *, chunk_size: int = CHUNK_SIZE) -> Export:
    """Write every download and the manifest into `directory` (default DATASETS_DIR).

    Exports run one at a time (a lock file beside the folder), each reading the archive's
    generation first, so the export that starts after an import's commit is the one whose files
    stay. An export that overlaps an import may mix old and new; the import's own export, which
    follows, replaces it.
    """
    target = Path(directory or settings.DATASETS_DIR)
    with _exclusive(target):
        staging = _staging_folder(target)
        try:
            export = _build(staging, chunk_size)
            _publish(staging, target, export.manifest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return export


def _build(staging: Path, chunk_size: int) -> Export:
    generation = current_generation()
    generated_at = datetime.now(UTC).replace(microsecond=0)
    export = Export({"generated_at": generated_at.isoformat(), "generation": generation})
    files = []

    def timed(part, write):
        start = time.perf_counter()
        result = write()
        export.seconds[part] = time.perf_counter() - start
        return result

    count = timed(CLAUSES, lambda: write_clauses(staging / CLAUSES, chunk_size))
    files.append(_entry(staging, CLAUSES, "jsonl", count))
    written = timed(f"{TEI_FOLDER}/", lambda: write_tei(staging))
    tei_files = [_entry(staging, path, "tei", count) for path, count in written]
    timed(TEI_ZIP, lambda: _zip(staging, [path for path, _count in written], staging / TEI_ZIP))
    files.append(_entry(staging, TEI_ZIP, "tei-zip", len(written)))
    count = timed(TMX, lambda: write_tmx(staging / TMX, chunk_size))
    files.append(_entry(staging, TMX, "tmx", count))
    # Files other apps derive from the archive (the search's glossary), in the same export.
    start = time.perf_counter()
    derived = [written for _receiver, written in datasets_building.send(None, folder=staging)]
    folders = sorted({f"{path.split('/')[0]}/" for written in derived for path, *_ in written})
    if folders:
        export.seconds["+".join(folders)] = time.perf_counter() - start
    for written in derived:
        files += [_entry(staging, path, format, records) for path, format, records in written]
    export.manifest["files"] = files + tei_files
    return export


def _entry(folder: Path, path: str, format: str, records: int) -> dict:
    with open(folder / path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    size = (folder / path).stat().st_size
    return {"path": path, "format": format, "bytes": size, "sha256": digest, "records": records}


# --- Publishing and reading the folder ------------------------------------------------------


@contextmanager
def _exclusive(target: Path):
    """Hold the export lock for `target` (released when the process ends, however it ends)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _staging_folder(target: Path) -> Path:
    """An empty folder beside `target` (same file system, so moves are renames). Under the lock
    any older staging folder is one a killed export left behind: remove it."""
    prefix = f".{target.name}.new-"
    for leftover in target.parent.glob(f"{prefix}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    (staging / TEI_FOLDER).mkdir()
    (staging / TMX).parent.mkdir()
    return staging


def _publish(staging: Path, target: Path, manifest: dict) -> None:
    """Move the new files over the old ones, one rename each, then the manifest; then delete
    files only the old manifest listed (the TEI file of a text deleted since)."""
    old = read_manifest(target)
    target.mkdir(parents=True, exist_ok=True)
    for entry in manifest["files"]:
        destination = target / entry["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / entry["path"], destination)
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(staging / MANIFEST, target / MANIFEST)
    if old is not None:
        for path in old.files.keys() - {entry["path"] for entry in manifest["files"]}:
            if is_plain_path(path):
                (target / path).unlink(missing_ok=True)


def is_plain_path(path: str) -> bool:
    """A relative path that stays inside its folder: no `..`, no root, no backslash."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and "\\" not in path and ".." not in parts


@dataclass(frozen=True)
class Manifest:
    data: dict  # index.json as written
    files: dict[str, dict]  # its file entries by path


def is_current(directory: Path | None = None) -> bool:
    """Whether the last export was made from the archive's present generation (an import
    that changed nothing need not write the downloads again: 25 s at 100,000 clauses)."""
    try:
        manifest = read_manifest(directory)
    except OSError:  # a folder it cannot read: the export, attempted, says what is wrong
        return False
    return manifest is not None and manifest.data["generation"] >= current_generation()


def read_manifest(directory: Path | None = None) -> Manifest | None:
    """The manifest of the last export, or None before the first one. Parsed once per version
    of the file, as /data/ reads it on every request."""
    path = Path(directory or settings.DATASETS_DIR) / MANIFEST
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return _load_manifest(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load_manifest(path: str, inode: int, mtime_ns: int, size: int) -> Manifest:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Manifest(data, {entry["path"]: entry for entry in data["files"]})


# --- JSON Lines -------------------------------------------------------------------------------


def write_clauses(path: Path, chunk_size: int = CHUNK_SIZE) -> int:
    """Every clause as one JSON object per line, text by text, version by version, in reading
    order; returns how many. Streams: one chunk of clauses in memory at a time, and per chunk
    two queries (its sections, its counterparts), whatever the chunk holds."""
    clauses = (
        Clause.objects.select_related("document__work")
        .defer(*(f"document__{column}" for column in UNUSED_DOCUMENT_COLUMNS))
        .order_by("document__work__slug", "document__language", "sequence")
    )
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for chunk in _chunks(clauses.iterator(chunk_size=chunk_size), chunk_size):
            headings = _section_paths({clause.document_id for clause in chunk})
            counterparts = _counterparts(chunk)
            for clause in chunk:
                out.write(_json_line(clause_record(clause, headings, counterparts)))
            count += len(chunk)
    return count


def clause_record(clause: Clause, headings: dict, counterparts: dict) -> dict:
    document, work = clause.document, clause.document.work
    date = document.date or work.date
    aligned = counterparts.get((work.pk, clause.row), []) if clause.row is not None else []
    return {
        "work": work.slug,
        "kind": work.kind,
        "series": work.series,
        "language": document.language,
        "title": document.title,
        "is_provisional": document.is_provisional,
        "date": date.isoformat() if date else None,
        "label": clause.label,
        "printed_label": clause.printed_label,
        "is_preamble": clause.is_preamble,
        "section": headings.get(clause.section_id, []),
        "text": clause.text,
        "url": clause_url(work.slug, document.language, clause.label),
        "aligned": [
            {"language": language, "label": label, "url": url}
            for document_id, language, label, url in aligned
            if document_id != clause.document_id
        ],
    }


def clause_url(slug: str, language: str, label: str) -> str:
    """The clause's permalink (Clause.get_permalink) without a reverse() per clause, which
    would be most of an export's time: /documents/<slug>/<lang>/<label>/ is its version's
    path and the label (archive/urls.py; labels are URL-safe)."""
    return f"{_version_path(slug, language)}{label}/"


@functools.lru_cache(maxsize=1024)
def _version_path(slug: str, language: str) -> str:
    return reverse("archive:document", args=[slug, language])


def _section_paths(document_ids: set[int]) -> dict[int, list[str]]:
    """Each section of these documents → its headings from the outermost, as printed."""
    sections = {s.pk: s for s in Section.objects.filter(document_id__in=document_ids)}
    paths = {}
    for pk, section in sections.items():
        path = []
        while section is not None:
            path.append(str(section))  # label and heading: "Ⅱ. 地域協力"
            section = sections.get(section.parent_id)
        paths[pk] = path[::-1]
    return paths


def _counterparts(chunk: list[Clause]) -> dict[tuple[int, int], list[tuple]]:
    """(work, row) → the clauses of every version in that row, as (document, language, label,
    url): one query for the chunk. Rows are numbered per text, so a row number alone may
    also match other texts of the chunk; the key keeps them apart."""
    rows = {clause.row for clause in chunk if clause.row is not None}
    if not rows:
        return {}
    works = {clause.document.work_id for clause in chunk}
    found = defaultdict(list)
    matches = (
        Clause.objects.filter(document__work_id__in=works, row__in=rows)
        .order_by("document__language", "sequence")
        .values_list(
            "document__work_id", "row", "document_id", "document__language", "label",
            "document__work__slug",
        )
    )  # fmt: skip
    for work_id, row, document_id, language, label, slug in matches:
        found[work_id, row].append(
            (document_id, language, label, clause_url(slug, language, label))
        )
    return found


def _json_line(record: dict) -> str:
    # U+2028, U+2029 and U+0085 are valid unescaped in JSON, but Python's str.splitlines()
    # and some JSON Lines readers break lines on them: escape them so one clause is one line.
    line = json.dumps(record, ensure_ascii=False)
    for character, escaped in _LINE_BREAKS:
        line = line.replace(character, escaped)
    return line + "\n"


_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --- TEI P5 -----------------------------------------------------------------------------------

# XML 1.0 forbids some characters (archive.text.xml_text) and lxml refuses them. Only they are
# dropped, and only from TEI and TMX: clauses.jsonl keeps every character.
# Characters an xml:id keeps as they are; any other is written as _<hex>_.
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")


def xml_id(*parts: str) -> str:
    """An xml:id from these parts joined by "-": c-<slug>-<lang>-<label> for a clause. An XML
    name cannot start with a digit, as slugs do (2025-…), hence the leading letter; a
    character a name cannot hold becomes _<hex>_, so two labels never share an id."""
    return "-".join(_NAME_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", part) for part in parts)


def write_tei(folder: Path) -> list[tuple[str, int]]:
    """One TEI file per text under folder/tei/; returns (path, clauses) for each. Texts are
    built a batch at a time: four queries per batch (versions, sections, clauses,
    signatories)."""
    written = []
    works = Work.objects.order_by("slug")
    for batch in _chunks(works.iterator(chunk_size=WORKS_PER_BATCH), WORKS_PER_BATCH):
        versions = defaultdict(list)
        documents = (
            Document.objects.filter(work__in=batch)
            .defer(*UNUSED_DOCUMENT_COLUMNS)
            .order_by("work_id", "language")
            .prefetch_related("sections", "clauses", "signatories")
        )
        for document in documents:
            versions[document.work_id].append(document)
        for work in batch:
            if not versions[work.pk]:
                continue  # a text whose versions were all deleted has nothing to encode
            path = f"{TEI_FOLDER}/{work.slug}.xml"
            tree = etree.ElementTree(tei_document(work, versions[work.pk]))
            tree.write(folder / path, encoding="UTF-8", xml_declaration=True, pretty_print=True)
            written.append((path, sum(len(d.clauses.all()) for d in versions[work.pk])))
    return written


def tei_document(work: Work, documents: list[Document]) -> etree._Element:
    """One text as TEI: the header; a <group> with one <text> per language version, each clause
    a <p> (its counterparts in @corresp); and every aligned pair of clauses as a <link> in a
    <linkGrp type="translation">, in <standOff>. `documents` come with their sections,
    clauses and signatories prefetched."""
    ids = {
        clause.pk: xml_id("c", work.slug, document.language, clause.label)
        for document in documents
        for clause in document.clauses.all()
    }
    pairs = _aligned_pairs(documents)
    partners = defaultdict(list)
    for left, right in pairs:
        partners[left.pk].append(ids[right.pk])
        partners[right.pk].append(ids[left.pk])
    tei = _tei(None, "TEI")
    _tei_header(tei, work, documents)
    group = _tei(_tei(tei, "text"), "group")
    languages = {document.pk: document.language for document in documents}
    for document in documents:
        _tei_version(group, work, document, languages, ids, partners)
    if pairs:
        links = _tei(_tei(tei, "standOff"), "linkGrp", type="translation")
        for left, right in pairs:
            _tei(links, "link", target=f"#{ids[left.pk]} #{ids[right.pk]}")
    return tei


def _aligned_pairs(documents: list[Document]) -> list[tuple[Clause, Clause]]:
    """Clauses of two versions that share a row, in row order. A paragraph one version splits
    in two shares its row with both halves: two pairs."""
    rows = defaultdict(lambda: defaultdict(list))  # row → version → clauses
    for index, document in enumerate(documents):
        for clause in document.clauses.all():
            if clause.row is not None:
                rows[clause.row][index].append(clause)
    pairs = []
    for row in sorted(rows):
        versions = [rows[row][index] for index in sorted(rows[row])]
        for left, right in itertools.combinations(versions, 2):
            pairs += itertools.product(left, right)
    return pairs


def _tei_header(tei, work: Work, documents: list[Document]) -> None:
    """Titles; the archive as publisher and the ministry as the texts' issuer; the source file
    of each version with its SHA-256. Dated by the last import of the text, not by the export,
    so an unchanged archive exports byte for byte the same files."""
    file_desc = _tei(_tei(tei, "teiHeader"), "fileDesc")
    titles = _tei(file_desc, "titleStmt")
    for document in documents:
        _tei(titles, "title", document.title, **{"xml:lang": document.language})
    publication = _tei(file_desc, "publicationStmt")
    _tei(publication, "publisher", ARCHIVE_NAME, **{"xml:lang": "en"})
    for language, name in PUBLISHER.items():
        _tei(publication, "authority", name, **{"xml:lang": language})
    _tei(publication, "idno", work.slug, type="slug")
    changed = max(document.imported_at for document in documents).date().isoformat()
    _tei(publication, "date", changed, when=changed)
    sources = _tei(file_desc, "sourceDesc")
    for document in documents:
        text_id = xml_id("t", work.slug, document.language)
        bibl = _tei(sources, "bibl", corresp=f"#{text_id}", **{"xml:lang": document.language})
        _tei(bibl, "title", document.title)
        _tei(bibl, "publisher", PUBLISHER.get(document.language, PUBLISHER["en"]))
        if document.date:
            _tei(bibl, "date", document.date.isoformat(), when=document.date.isoformat())
        _tei(bibl, "idno", document.source_name, type="filename")
        _tei(bibl, "idno", document.source_sha256, type="sha256")
        if document.source_url:
            _tei(bibl, "ptr", target=document.source_url)


def _tei_version(group, work: Work, document: Document, languages: dict, ids, partners) -> None:
    """One language version: <text xml:lang> with its title, its sections as nested <div>s,
    its clauses as <p>s, and its closing formula and signatories in <closer>."""
    attributes = {
        "xml:lang": document.language,
        "xml:id": xml_id("t", work.slug, document.language),
    }
    if document.is_provisional:
        attributes["type"] = "provisional-translation"
    elif document.language == work.authentic_language:
        attributes["type"] = "authentic"
    if document.translation_of_id in languages:  # the version it was translated from
        attributes["corresp"] = "#" + xml_id("t", work.slug, languages[document.translation_of_id])
    text = _tei(group, "text", **attributes)
    title = _tei(_tei(text, "front"), "docTitle")
    _tei(title, "titlePart", document.title, type="main")
    if document.subtitle:
        _tei(title, "titlePart", document.subtitle, type="sub")
    body = _tei(text, "body")
    divisions = {}
    for kind, item in document_body(document):
        if kind == "section":
            division = _tei(divisions.get(item.parent_id, body), "div", type="section")
            if item.label:
                division.set("n", item.label)
            _tei(division, "head", str(item))
            divisions[item.pk] = division
        else:
            home = _paragraph_home(divisions.get(item.section_id, body))
            _clause_paragraph(home, item, ids[item.pk], partners.get(item.pk, []))
    if len(body) == 0:
        _tei(body, "div", type="empty")  # TEI wants a paragraph or a division in every body
    signatories = list(document.signatories.all())
    if document.closing or signatories:
        closer = _tei(body, "closer", document.closing)
        for signatory in signatories:
            _tei(closer, "signed", f"{signatory.title} {signatory.name}".strip())


def _paragraph_home(container):
    """Where a clause's <p> goes in `container`. TEI lets paragraphs come before a division's
    subdivisions, never after them: a clause printed after a subsection's clauses goes into
    an untitled <div type="continued"> at that place, so the reading order stays."""
    last = container[-1] if len(container) else None
    if last is None or last.tag != _DIV:
        return container
    if last.get("type") == "continued":
        return last
    return _tei(container, "div", type="continued")


def _clause_paragraph(parent, clause: Clause, clause_id: str, partners: list[str]) -> None:
    """The clause as <p>: its text exactly, each line break kept and marked with <lb/>."""
    attributes = {"xml:id": clause_id, "n": clause.printed_label or clause.label}
    if partners:
        attributes["corresp"] = " ".join(f"#{partner}" for partner in partners)
    paragraph = _tei(parent, "p", **attributes)
    first, *rest = xml_text(clause.text).split("\n")
    paragraph.text = first + ("\n" if rest else "")
    for number, line in enumerate(rest, start=1):
        _tei(paragraph, "lb").tail = line + ("\n" if number < len(rest) else "")


_DIV = f"{{{TEI_NS}}}div"


def _tei(parent, tag: str, text: str = "", **attributes) -> etree._Element:
    """A TEI element under `parent` (the root when None); `xml:lang`/`xml:id` as named."""
    name = f"{{{TEI_NS}}}{tag}"
    if parent is None:
        element = etree.Element(name, nsmap={None: TEI_NS})
    else:
        element = etree.SubElement(parent, name)
    for key, value in attributes.items():
        element.set(key.replace("xml:", f"{{{XML_NS}}}"), value)
    if text:
        element.text = xml_text(text)
    return element


def _zip(folder: Path, paths: list[str], destination: Path) -> None:
    """All TEI files in one download. Every entry gets the same fixed timestamp: the same
    files give the same zip, so an unchanged archive keeps its checksum."""
    with zipfile.ZipFile(destination, "w") as archive:
        for path in paths:
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (folder / path).read_bytes())


# --- TMX --------------------------------------------------------------------------------------


def write_tmx(path: Path, chunk_size: int = CHUNK_SIZE) -> int:
    """TMX 1.4b: one <tu> for each row in which a text's Japanese and English versions both
    have a clause (a clause one version splits in two: the halves joined by a line break);
    returns how many. One query, streamed, in rows of text after text."""
    clauses = (
        Clause.objects.filter(document__language__in=("ja", "en"), row__isnull=False)
        .order_by("document__work__slug", "row", "document__language", "sequence")
        .values_list(
            "document__work__slug", "document__work__authentic_language", "row",
            "document__language", "label", "text",
        )
    )  # fmt: skip
    count = 0
    with etree.xmlfile(str(path), encoding="UTF-8") as out:
        out.write_declaration()
        out.write_doctype('<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
        with out.element("tmx", version="1.4"):
            out.write("\n")
            out.write(_tmx_header(), pretty_print=True)
            with out.element("body"):
                out.write("\n")
                rows = itertools.groupby(
                    clauses.iterator(chunk_size=chunk_size), key=lambda c: (c[0], c[2])
                )
                for (slug, row), items in rows:
                    unit = _translation_unit(slug, row, list(items))
                    if unit is not None:
                        out.write(unit, pretty_print=True)
                        count += 1
            out.write("\n")
    return count


def _tmx_header() -> etree._Element:
    # srclang "*all*": the source language differs by text (a tu names it when the text's
    # authentic language is Japanese or English). No creation date, for the same bytes from
    # the same archive.
    return etree.Element(
        "header",
        {
            "creationtool": "caj-archive",
            "creationtoolversion": "1",
            "segtype": "paragraph",
            "o-tmf": "caj-archive",
            "adminlang": "en",
            "srclang": "*all*",
            "datatype": "plaintext",
        },
    )


def _translation_unit(slug: str, row: int, clauses: list[tuple]) -> etree._Element | None:
    sides = {"ja": [], "en": []}
    for _slug, _authentic, _row, language, label, text in clauses:
        sides[language].append((label, text))
    if not (sides["ja"] and sides["en"]):
        return None
    unit = etree.Element("tu", tuid=f"{slug}-{row}")
    authentic = clauses[0][1]
    if authentic in sides:
        unit.set("srclang", authentic)
    labels = dict.fromkeys(label for side in sides.values() for label, _text in side)
    _prop(unit, "x-work", slug)
    _prop(unit, "x-label", " ".join(labels))
    for language, side in sides.items():
        variant = etree.SubElement(unit, "tuv", {f"{{{XML_NS}}}lang": language})
        _prop(variant, "x-label", " ".join(label for label, _text in side))
        etree.SubElement(variant, "seg").text = xml_text("\n".join(text for _, text in side))
    return unit


def _prop(parent, kind: str, value: str) -> None:
    etree.SubElement(parent, "prop", type=kind).text = xml_text(value)
