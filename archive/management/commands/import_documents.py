"""`manage.py import_documents [PATH ...]`: import source texts (default: fixtures/)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import Error, IntegrityError, OperationalError, transaction

from archive.importing import import_prepared, lost_label_warnings, prepare_imports
from archive.ingest.errors import SourceError, SourceErrors
from archive.ingest.outline import outline
from archive.research import datasets

UNCHANGED = "Nothing was imported; the archive is unchanged."


def one_line(text: str) -> str:
    """A message as one line, whatever a file name or database error put into it."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class Command(BaseCommand):
    help = "Import source texts and their manifest entries; nothing is written if any file is bad."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="source files (.txt, .pdf, .html) or folders of them, each with a manifest.toml "
            "beside it (default: fixtures/)",
        )
        parser.add_argument("--manifest", type=Path, help="manifest (default: beside each file)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse and check, print an outline of each file for review, write nothing",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="let a file replace a version the archive holds from another file",
        )
        parser.add_argument(
            "--no-datasets",
            action="store_true",
            help="do not regenerate the bulk downloads at /data/ (manage.py export_datasets)",
        )

    def handle(self, *args, paths, manifest, dry_run, replace, no_datasets, **options):
        paths = paths or [Path(settings.FIXTURES_DIR)]
        committed = []
        try:
            prepared = prepare_imports(paths, manifest, replace=replace)
            results = []
            if not dry_run:
                with transaction.atomic():
                    # Registered first, so it runs first after the commit: an error in a later
                    # commit hook (the index update) is not reported as a rolled-back import.
                    transaction.on_commit(lambda: committed.append(True))
                    results = import_prepared(prepared)
        except SourceErrors as errors:
            for problem in errors.problems:
                self.stderr.write(one_line(problem))
            raise CommandError(
                f"{len(errors.problems)} problems, each on a line above. {UNCHANGED}"
            ) from None
        except SourceError as error:
            raise CommandError(one_line(f"{error} {UNCHANGED}")) from None
        except Error as error:
            raise CommandError(one_line(database_message(error, bool(committed)))) from None
        except OSError as error:  # a full disk or a folder it may not write, while writing
            raise CommandError(one_line(disk_message(error, bool(committed)))) from None
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
        if not dry_run and not no_datasets and not datasets.is_current():
            self.export_datasets()

    def export_datasets(self):
        """Regenerate /data/. The import is committed by now: a failure here is
        a warning with the way to retry, never a failed import."""
        try:
            datasets.export_all()
        except Exception as error:  # any failure: disk full, permissions, a bug
            self.stderr.write(
                self.style.WARNING(
                    one_line(
                        f"warning: the import is written, but the bulk data at /data/ was not "
                        f"regenerated ({type(error).__name__}: {error}); run `manage.py "
                        "export_datasets` to retry."
                    )
                )
            )

    def review(self, prepared):
        """A curator's look at what would be stored: one outline per file."""
        for item in prepared:
            self.stdout.write(outline(item) + "\n")
            for warning in lost_label_warnings(item):
                self.stdout.write(f"  warning: {warning}")
        warnings = sum(len(i.parsed.warnings) + len(i.source.warnings) for i in prepared)
        files = f"{len(prepared)} file{'s' if len(prepared) != 1 else ''}"
        warned = f"{warnings} warning{'s' if warnings != 1 else ''}"
        self.stdout.write(f"Dry run: {files} parsed, {warned}; nothing was written.")


def disk_message(error: OSError, committed: bool) -> str:
    """One sentence for a file the import could not write (the index's record of pending
    changes, a full disk), saying whether anything was written and what to do."""
    detail = error.strerror or str(error) or type(error).__name__
    where = f" ({error.filename})" if error.filename else ""
    if committed:
        return (
            f"The import was written, but a file after it could not be ({detail}{where}); free "
            "some space and run `manage.py repair_search_index`."
        )
    return (
        f"The import could not write a file ({detail}{where}); free some space and import "
        f"again. {UNCHANGED}"
    )


def database_message(error: Error, committed: bool) -> str:
    """One sentence for a database error, saying whether anything was written."""
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if committed:
        return (
            f"The import was written, but a step after it failed ({detail}); run the same "
            "import again to finish it."
        )
    if isinstance(error, OperationalError) and "locked" in detail.lower():
        return (
            "Another import is running (the database is locked); wait for it to finish and run "
            f"this one again. {UNCHANGED}"
        )
    if isinstance(error, IntegrityError):
        return (
            f"The database refused the import ({detail}); another import may have written "
            f"the same texts at the same time: run this one again. {UNCHANGED}"
        )
    return f"The database refused the import ({detail}). {UNCHANGED}"
