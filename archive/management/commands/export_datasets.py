"""`manage.py export_datasets`: write the bulk downloads served at /data/
(archive/research/datasets.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from archive.research import datasets


class Command(BaseCommand):
    help = (
        "Write the whole archive as JSON Lines, TEI P5 and TMX into DATASETS_DIR, with the "
        "manifest index.json (sizes and SHA-256); served at /data/. Every import does this too."
    )

    def handle(self, *args, verbosity, **options):
        export = datasets.export_all()
        files = export.manifest["files"]
        for part, seconds in export.seconds.items():
            written = [entry for entry in files if part_of(entry["path"]) == part]
            size = sum(entry["bytes"] for entry in written)
            records = sum(entry["records"] for entry in written)
            name = f"{part} ({len(written)} files)" if part.endswith("/") else part
            self.stdout.write(
                f"{name:<24} {records:>8} records {size:>12} bytes "
                f"({filesizeformat(size)}) {seconds:7.2f} s"
            )
            if verbosity > 1 and part.endswith("/"):
                for entry in written:
                    self.stdout.write(f"  {entry['path']}  {entry['bytes']} bytes")
        total = sum(export.seconds.values())
        self.stdout.write(
            f"Wrote {len(files)} files and {datasets.MANIFEST} to {settings.DATASETS_DIR} in "
            f"{total:.2f} s (archive generation {export.manifest['generation']})."
        )


def part_of(path: str) -> str:
    """The part of the export a file belongs to: a folder ("tei/", "glossary/") or the file
    itself (tmx/ja-en.tmx is a part of its own)."""
    folder, slash, _name = path.partition("/")
    return f"{folder}/" if slash and path not in (datasets.TMX,) else path
