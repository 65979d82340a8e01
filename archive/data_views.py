"""/data/: the bulk downloads (archive/research/datasets.py) listed with sizes and checksums,
and served."""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.research import datasets
from archive.signals import current_generation

# The schema the TEI files validate against is served beside them.
SCHEMA_NAME = "tei_subset.rng"

CONTENT_TYPES = {
    "jsonl": "application/jsonl; charset=utf-8",
    "tei": "application/tei+xml; charset=utf-8",
    "tei-zip": "application/zip",
    "tmx": "application/x-tmx+xml; charset=utf-8",
    "glossary-csv": "text/csv; charset=utf-8",
    "glossary-tbx": "application/x-tbx+xml; charset=utf-8",
    "manifest": "application/json",
}

FORMATS = {
    "jsonl": gettext_lazy(
        "JSON Lines: one JSON object per line for every clause, with its text, work, version, "
        "label, section headings, date, permalink and its aligned counterparts in the other "
        "language versions."
    ),
    "tei-zip": gettext_lazy(
        "TEI P5 XML, one file per text, all in one zip: the language versions in one "
        "<group>, every clause a <p> with a stable xml:id, counterparts linked clause by clause "
        '(@corresp and <linkGrp type="translation">). Validates against the RELAX NG schema '
        "below."
    ),
    "tmx": gettext_lazy(
        "TMX 1.4b translation memory: one translation unit for every aligned pair of a "
        "Japanese and an English clause of the same text."
    ),
    "glossary-csv": gettext_lazy(
        "The archive's own equivalents, as CSV: the 50 most frequent terms of each language "
        "with the equivalent their aligned clause pairs decide (as the Equivalents page finds "
        "it, from up to 100 of a term's pairs), the pairs that use it, Dice's coefficient, "
        "and the first and last year."
    ),
    "glossary-tbx": gettext_lazy(
        "The same glossary as TBX-Core (ISO 30042:2019), for terminology tools: a concept "
        "entry for each Japanese and English pair."
    ),
}


def data_index(request):
    """The downloads of the last export, or how to make them when there has been none."""
    manifest = datasets.read_manifest()
    if manifest is None:
        return render(request, "archive/data.html", {"manifest": None})
    files = [_described(entry) for entry in manifest.data["files"]]
    context = {
        "manifest": manifest.data,
        "generated_at": parse_datetime(manifest.data["generated_at"]),
        "downloads": [entry for entry in files if entry["format"] != "tei"],
        "tei_files": [entry for entry in files if entry["format"] == "tei"],
        "manifest_url": reverse("archive:data_file", args=[datasets.MANIFEST]),
        "schema_url": reverse("archive:data_file", args=[SCHEMA_NAME]),
        # An import exports as it ends; an edit in the admin, or an import run with
        # --no-datasets, does not: the page then says the files are older than the archive.
        "behind": manifest.data["generation"] < current_generation(),
    }
    return render(request, "archive/data.html", context)


def _described(entry: dict) -> dict:
    units = {
        "jsonl": ngettext("%(n)d clause", "%(n)d clauses", entry["records"]),
        "tei": ngettext("%(n)d clause", "%(n)d clauses", entry["records"]),
        "tei-zip": ngettext("%(n)d text", "%(n)d texts", entry["records"]),
        "tmx": ngettext("%(n)d pair", "%(n)d pairs", entry["records"]),
        "glossary-csv": ngettext("%(n)d entry", "%(n)d entries", entry["records"]),
        "glossary-tbx": ngettext("%(n)d entry", "%(n)d entries", entry["records"]),
    }
    return {
        **entry,
        "url": reverse("archive:data_file", args=[entry["path"]]),
        "records_text": units.get(entry["format"], "%(n)d") % {"n": entry["records"]},
        "description": FORMATS.get(entry["format"], ""),
        # Shown in four pieces that may wrap (<wbr>), so a narrow screen needs no scrolling.
        "sha256_parts": [entry["sha256"][i : i + 16] for i in range(0, 64, 16)],
    }


def data_file(request, path: str):
    """One file the manifest lists (or the manifest, or the TEI schema): nothing else, so no
    path from the URL reaches the file system unless the export wrote it."""
    if path == SCHEMA_NAME:
        return _file_response(datasets.SCHEMA, "application/xml", path)
    manifest = datasets.read_manifest()
    entry = manifest.files.get(path) if manifest else None
    if manifest and path == datasets.MANIFEST:
        entry = {"path": path, "format": "manifest"}
    if entry is None or not datasets.is_plain_path(path):
        raise Http404(
            _("There is no file “%(path)s” in the bulk data; the files are listed at %(url)s.")
            % {"path": path, "url": reverse("archive:data")}
        )
    content_type = CONTENT_TYPES.get(entry["format"], "application/octet-stream")
    response = _file_response(Path(settings.DATASETS_DIR) / entry["path"], content_type, path)
    if "sha256" in entry:
        response["ETag"] = f'"{entry["sha256"]}"'
    return response


def _file_response(location, content_type: str, path: str) -> FileResponse:
    try:
        file = open(location, "rb")  # noqa: SIM115 — FileResponse closes it
    except FileNotFoundError:
        raise Http404(
            _("The file “%(path)s” is missing; the bulk data is being regenerated or was moved.")
            % {"path": path}
        ) from None
    name = PurePosixPath(path).name
    return FileResponse(file, content_type=content_type, as_attachment=True, filename=name)
