"""`manage.py import_documents [PATH ...]`: import source texts (default: fixtures/)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.importing import import_prepared, prepare_imports
from archive.outline import outline
from archive.sources import SourceError


class Command(BaseCommand):
    help = "Import source texts and their manifest entries; nothing is written if any file is bad."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="files or folders of .txt files")
        parser.add_argument("--manifest", type=Path, help="manifest (default: beside each file)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse and check, print an outline of each file for review, write nothing",
        )

    def handle(self, *args, paths, manifest, dry_run, **options):
        paths = paths or [Path(settings.FIXTURES_DIR)]
        try:
            prepared = prepare_imports(paths, manifest)
            results = [] if dry_run else import_prepared(prepared)
        except SourceError as error:
            raise CommandError(f"{error} Nothing was imported; the archive is unchanged.") from None
        if dry_run:
            self.review(prepared)
        for result in results:
            document = result.document
            counts = f"{document.clauses.count()} clauses, {document.sections.count()} sections"
            self.stdout.write(
                f"{result.status:>9}  {document} ({counts}) from {document.source_name}"
            )
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"  warning: {warning}"))

    def review(self, prepared):
        """A curator's look at what would be stored (issue 8 §2): one outline per file."""
        for item in prepared:
            self.stdout.write(outline(item) + "\n")
        warnings = sum(len(i.parsed.warnings) + len(i.source.warnings) for i in prepared)
        files = f"{len(prepared)} file{'s' if len(prepared) != 1 else ''}"
        warned = f"{warnings} warning{'s' if warnings != 1 else ''}"
        self.stdout.write(f"Dry run: {files} parsed, {warned}; nothing was written.")
