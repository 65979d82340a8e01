"""Reading what the archive is given: source files (bytes → text) and the manifest describing them.

Plain Python, no Django. Every problem raises `SourceError` with one sentence that names the file
(and line where it helps) and says how to fix it; the import command shows it as is.
"""

import datetime
import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest import extraction
from archive.ingest.errors import SourceError, SourceErrors
from archive.ingest.gazetteer import COUNTRIES

MANIFEST_NAME = "manifest.toml"
KINDS = {
    "joint-statement",
    "declaration",
    "joint-press-release",
    "chairs-statement",
    "press-release",
    "roadmap",
    "action-plan",
    "other",
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A web address a reader may follow: http(s) only (a javascript: or data: link in the manifest
# would run in the reader's browser), a host, and none of the characters that end
# an HTML attribute or a URL.
_HTTP_URL = re.compile(r"^https?://[^\s/?#\"'<>\\^`{|}]+[^\s\"'<>\\^`{|}]*$", re.IGNORECASE)
# The lengths of the columns these fields are stored in (archive/models.py): PostgreSQL refuses
# longer values, SQLite would take them.
FIELD_LENGTHS = {
    "file": 255,
    "slug": 120,
    "source_url": 500,
    "series": 200,
    "meeting": 200,
    "meeting_ja": 200,
    "place": 200,
}


def _is_iso_date(text: str) -> bool:
    try:
        return bool(_ISO_DATE.fullmatch(text)) and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


REQUIRED = ("file", "slug", "language", "kind")
# Corrections of the reading by source line, as `cat -n` numbers them (ParseHints).
LINE_CORRECTIONS = (
    "title_lines",
    "headings",
    "not_headings",
    "clause_starts",
    "joins",
    "furniture",
)
OPTIONAL = (
    "series",
    "meeting",
    "meeting_ja",
    "countries",
    "translation_of",
    "authentic_language",
    "source_url",
    "place",
    "date",
    "title",
    "subtitle",
    "labels",
    "preamble",
    *LINE_CORRECTIONS,
)
# How clause labels are given when the text's numbering cannot be trusted (see ParseHints).
LABEL_MODES = {"printed", "order"}
# The kinds of source file the importer reads; anything else is refused with a sentence.
SOURCE_SUFFIXES = {".txt": "text", ".pdf": "pdf", ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class Source:
    name: str
    data: bytes  # exactly as received
    text: str  # what the parser reads: the decoded file, or the text extracted from PDF/HTML
    encoding: str
    sha256: str
    warnings: tuple[str, ...] = ()
    format: str = "text"  # text, pdf or html


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    slug: str
    language: str
    kind: str
    series: str = ""
    meeting: str = ""
    meeting_ja: str = ""  # the meeting's name in Japanese, for the Japanese interface
    countries: tuple[str, ...] = ()
    translation_of: str = ""
    authentic_language: str = ""
    source_url: str = ""
    place: str = ""
    date: str = ""
    title: str = ""
    subtitle: str = ""
    labels: str = ""  # "order": number paragraphs by order; "printed": trust printed numbers
    preamble: int | None = None  # how many paragraphs before the first clause are preamble
    # Line corrections (numbers as `cat -n` shows them): see ParseHints.
    title_lines: tuple[int, ...] | None = None
    headings: tuple[tuple[int, int], ...] = ()
    not_headings: tuple[int, ...] = ()
    clause_starts: tuple[int, ...] = ()
    joins: tuple[int, ...] = ()
    furniture: tuple[int, ...] = ()
    line: int = 0  # where the entry starts in the manifest, for error messages
    extra: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        """What the entry says, as a manifest would write it: the fields it sets, lists as
        lists (a title_lines of none is said too: no line is the title)."""
        said = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name in ("line", "extra") or (value in ("", (), None) and name != "title_lines"):
                continue
            if name == "title_lines" and value is None:
                continue
            if isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            said[name] = value
        return said


def decode_source(name: str, data: bytes) -> Source:
    """Decode a source file: UTF-8 (with or without BOM), UTF-16 with BOM, or CP932/Shift_JIS."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty; export the text again and re-import it.")
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16"), "utf-16"
    elif b"\x00" in data:
        raise SourceError(
            f"{name}: this is a binary file (it contains NUL bytes), not a text; "
            "save the document as plain text (UTF-8) and import that."
        )
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as error:
            text = _decode_cp932(data)
            if text is None:
                line = data[: error.start].count(b"\n") + 1
                raise SourceError(
                    f"{name}: line {line}: the file is neither UTF-8 nor Shift_JIS (CP932) "
                    f"(byte 0x{data[error.start]:02x} at offset {error.start}); "
                    "save it as UTF-8 and import it again."
                ) from None
            encoding = "cp932"
            warnings.append(
                f"{name}: decoded as CP932 (Shift_JIS), not UTF-8; the original bytes are kept."
            )
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if controls > max(3, len(text) // 100):
        raise SourceError(
            f"{name}: this looks like a binary file ({controls} control characters), not a text; "
            "save the document as plain text (UTF-8) and import that."
        )
    sha256 = hashlib.sha256(data).hexdigest()
    return Source(name, data, text, encoding, sha256, tuple(warnings))


def _decode_cp932(data: bytes) -> str | None:
    """CP932 text, if the bytes read as Japanese; None when they are something else."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 0x7F]
    japanese = [
        c
        for c in non_ascii
        if 0x3040 <= ord(c) <= 0x30FF
        or 0x4E00 <= ord(c) <= 0x9FFF
        or 0x3000 <= ord(c) <= 0x303F
        or 0xFF01 <= ord(c) <= 0xFF5E
    ]
    # Latin-1 or random bytes decode as half-width katakana and rare kanji, not as kana text.
    kana = [c for c in japanese if 0x3040 <= ord(c) <= 0x30FF]
    if non_ascii and (len(japanese) / len(non_ascii) < 0.9 or not kana):
        return None
    return text


def source_format_of(path: Path) -> str:
    """text, pdf or html, by the file's extension; any other file is refused with a sentence."""
    source_format = SOURCE_SUFFIXES.get(path.suffix.lower())
    if source_format is None:
        raise SourceError(
            f"{path}: '{path.suffix or path.name}' files cannot be imported; give the text as "
            f"{', '.join(sorted(SOURCE_SUFFIXES))}."
        )
    return source_format


def read_source(path: Path, max_inflated: int = extraction.MAX_INFLATED_BYTES) -> Source:
    """Read a .txt, .pdf or .html source; PDF and HTML go through `archive.ingest.extraction`
    (a PDF whose streams expand past `max_inflated` bytes is refused)."""
    source_format = source_format_of(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror}).") from None
    if source_format == "text":
        return decode_source(path.name, data)
    if not data.strip():
        raise SourceError(f"{path.name}: the file is empty; download it again and re-import it.")
    if source_format == "pdf":
        text = extraction.pdf_text(path.name, data, max_inflated)
    else:
        text = extraction.html_text(path.name, data)
    return Source(
        path.name,
        data,
        text,
        "binary" if source_format == "pdf" else extraction.html_encoding(path.name, data),
        hashlib.sha256(data).hexdigest(),
        (),
        source_format,
    )


def file_name_problem(name: str) -> str:
    """Why `name` cannot be a source file's name, or "" when it can.

    A source is a file beside its manifest: a name with a path in it would point elsewhere,
    and control characters break the download's header and every message that names the file.
    """
    if any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in name):
        return f"the file name {name!r} has a control character (a line break or tab); rename it"
    if "/" in name or "\\" in name or name in (".", ".."):
        return (
            f"file '{name}' must be a plain file name beside the manifest, without '/', '\\' "
            "or '..'; move the file next to the manifest"
        )
    if len(name) > FIELD_LENGTHS["file"]:
        return f"the file name has {len(name)} characters; give it at most {FIELD_LENGTHS['file']}"
    return ""


def load_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Entries by file name. Raises SourceError naming the manifest line for any bad entry."""
    if not path.exists():
        raise SourceError(
            f"{path}: no manifest; create it with one [[document]] entry per source file "
            "(file, slug, language, kind). See docs/adding-texts.md."
        )
    data = path.read_bytes()
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            f"{path}: line {line}: the manifest is not UTF-8 (byte 0x{data[error.start]:02x}); "
            "save it as UTF-8 and import again."
        ) from None
    try:
        parsed = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"{path}: the manifest is not valid TOML: {error}.") from None
    starts = [i + 1 for i, line in enumerate(raw.splitlines()) if line.strip() == "[[document]]"]
    documents = parsed.get("document")
    if not isinstance(documents, list):
        raise SourceError(f"{path}: the manifest has no [[document]] entries.")
    entries: dict[str, ManifestEntry] = {}
    seen: dict[tuple[str, str], int] = {}
    problems: list[str] = []  # every entry is checked, so one run names every mistake
    for index, item in enumerate(documents):
        line = starts[index] if index < len(starts) else 0
        if not isinstance(item, dict):
            problems.append(
                f"{path}: document entry {index + 1} is {_toml_kind(item)}, not a table; write "
                "each entry as [[document]] followed by its fields."
            )
            continue
        try:
            entry = _entry(path, line, item)
        except SourceError as error:
            problems.append(str(error))
            continue
        if entry.file in entries:
            problems.append(f"{path}: line {line}: {entry.file} has a second entry; keep one.")
            continue
        key = (entry.slug, entry.language)
        if key in seen:
            problems.append(
                f"{path}: line {line}: slug {entry.slug} already has a '{entry.language}' version "
                f"(entry at line {seen[key]}); each text has one version per language."
            )
            continue
        seen[key] = line
        entries[entry.file] = entry
    if len(problems) == 1:
        raise SourceError(problems[0])
    if problems:
        raise SourceErrors(problems)
    return entries


def _toml_kind(value) -> str:
    """What a TOML value is, in the words of the TOML guide."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, str):
        return "a string"
    return "a date or a time"


def _is_web_address(url: str) -> bool:
    return bool(_HTTP_URL.fullmatch(url))


def _entry(path: Path, line: int, item: dict) -> ManifestEntry:
    where = f"{path}: line {line}"
    missing = [key for key in REQUIRED if not item.get(key)]
    if missing:
        raise SourceError(f"{where}: the entry lacks {', '.join(missing)}; add them.")
    unknown = sorted(set(item) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise SourceError(
            f"{where}: unknown field {', '.join(unknown)}; the fields are "
            f"{', '.join(REQUIRED + OPTIONAL)}."
        )
    unquoted = ("countries", "preamble", *LINE_CORRECTIONS)
    wrong = [key for key in item if key not in unquoted and not isinstance(item[key], str)]
    if wrong:
        key = wrong[0]
        raise SourceError(
            f'{where}: {key} must be a quoted string, as {key} = "…" (it is '
            f"{_toml_kind(item[key])}); only countries, preamble and the line corrections "
            f"({', '.join(LINE_CORRECTIONS)}) are not."
        )
    corrections = _line_corrections(where, item)
    problem = file_name_problem(item["file"])
    if problem:
        raise SourceError(f"{where}: {problem}.")
    for key, limit in FIELD_LENGTHS.items():
        if key != "file" and len(item.get(key, "")) > limit:
            raise SourceError(
                f"{where}: {key} has {len(item[key])} characters; the archive keeps at most "
                f"{limit}."
            )
    if item.get("source_url") and not _is_web_address(item["source_url"]):
        raise SourceError(
            f"{where}: source_url {item['source_url'][:80]!r} must be a web address starting "
            "with http:// or https://, with no spaces or quotes."
        )
    preamble = item.get("preamble")
    if preamble is not None and (
        not isinstance(preamble, int) or isinstance(preamble, bool) or preamble < 0
    ):
        raise SourceError(f"{where}: preamble must be a whole number like 2 (no quotes).")
    if item.get("labels") and item["labels"] not in LABEL_MODES:
        raise SourceError(
            f"{where}: labels '{item['labels']}' must be one of {', '.join(sorted(LABEL_MODES))}."
        )
    if item.get("date") and not _is_iso_date(item["date"]):
        raise SourceError(f"{where}: date '{item['date']}' must be a real date, YYYY-MM-DD.")
    if not _SLUG.fullmatch(item["slug"]):
        raise SourceError(
            f"{where}: slug '{item['slug']}' must be lowercase letters, digits and hyphens."
        )
    for key in ("language", "translation_of", "authentic_language"):
        if item.get(key) and not _LANGUAGE.fullmatch(item[key]):
            raise SourceError(f"{where}: {key} '{item[key]}' must be a two-letter code like ja.")
    if item["kind"] not in KINDS:
        raise SourceError(
            f"{where}: kind '{item['kind']}' is not one of {', '.join(sorted(KINDS))}."
        )
    countries = item.get("countries", [])
    if not isinstance(countries, list) or any(c not in COUNTRIES for c in countries):
        raise SourceError(
            f"{where}: countries must be a list of ISO codes among {', '.join(COUNTRIES)}."
        )
    if item.get("translation_of") == item["language"]:
        raise SourceError(f"{where}: a version cannot be a translation of its own language.")
    fields = {
        key: item[key]
        for key in OPTIONAL
        if key in item and key != "countries" and key not in LINE_CORRECTIONS
    }
    return ManifestEntry(
        file=item["file"],
        slug=item["slug"],
        language=item["language"],
        kind=item["kind"],
        countries=tuple(countries),
        line=line,
        **fields,
        **corrections,
    )


def _is_line_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _line_corrections(where: str, item: dict) -> dict:
    """The line corrections of an entry, checked: lists of line numbers, and for headings
    [line, level] pairs."""
    corrections = {}
    for key in LINE_CORRECTIONS:
        if key not in item:
            continue
        value = item[key]
        if key == "headings":
            if not isinstance(value, list) or not all(
                isinstance(pair, list)
                and len(pair) == 2
                and _is_line_number(pair[0])
                and _is_line_number(pair[1])
                and pair[1] <= 4
                for pair in value
            ):
                raise SourceError(
                    f"{where}: headings must be a list of [line, level] pairs like "
                    "[[12, 1], [15, 2]] (level 1 to 4, no quotes)."
                )
            corrections[key] = tuple((line, level) for line, level in value)
            continue
        if not isinstance(value, list) or not all(map(_is_line_number, value)):
            raise SourceError(
                f"{where}: {key} must be a list of line numbers like [3, 4] (as cat -n "
                "numbers the file's lines, no quotes)."
            )
        corrections[key] = tuple(value)
    return corrections
