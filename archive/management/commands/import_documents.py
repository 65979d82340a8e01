"""`manage.py import_documents [PATH ...]`: import source texts (default: fixtures/)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.importing import import_prepared, prepare_imports
from archive.sources import SourceError


class Command(BaseCommand):
    help = "Import source texts and their manifest entries; nothing is written if any file is bad."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="files or folders of .txt files")
        parser.add_argument("--manifest", type=Path, help="manifest (default: beside each file)")

    def handle(self, *args, paths, manifest, **options):
        paths = paths or [Path(settings.FIXTURES_DIR)]
        try:
            results = import_prepared(prepare_imports(paths, manifest))
        except SourceError as error:
            raise CommandError(f"{error} Nothing was imported; the archive is unchanged.") from None
        for result in results:
            document = result.document
            counts = f"{document.clauses.count()} clauses, {document.sections.count()} sections"
            self.stdout.write(
                f"{result.status:>9}  {document} ({counts}) from {document.source_name}"
            )
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"  warning: {warning}"))
