"""`manage.py check_archive [--repair]`: whether what derives from the archive agrees with it
(the search index, recurring-language counts, the term counts of each kind, series and
country, the bulk data), and with --repair, bring each back in step. Exits 1 when something
disagreed and was not repaired, for a monitor to see."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from whoosh.writing import LockError

from archive.models import Clause
from archive.research import datasets, group_counts, recurring
from archive.signals import current_generation
from search import indexing
from search.backend import IndexUnreadable


class Command(BaseCommand):
    help = (
        "Compare the database with the search index, the recurring-language counts and the bulk "
        "data; --repair brings each back in step."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="repair what disagrees")

    def handle(self, *args, repair, **options):
        problems = self.problems()
        for problem in problems:
            self.stdout.write(f"disagrees  {problem}")
        if not problems:
            self.stdout.write(
                "The index, the recurring-language counts, the term counts and the bulk data agree."
            )
            return
        if not repair:
            raise CommandError(
                f"{len(problems)} part(s) disagree with the archive; run "
                "`manage.py check_archive --repair` to bring them back in step."
            )
        try:
            indexing.repair()
        except LockError as error:
            raise CommandError(str(error)) from None
        recurring.recount(recurring.miscounted())
        if group_counts.drifted():
            group_counts.rebuild()
        if settings.FIND_RECURRING_LANGUAGE:
            recurring.store_sketches(recurring.unsketched())
        datasets.export_all()
        left = self.problems()
        for problem in left:
            self.stdout.write(f"still      {problem}")
        if left:
            raise CommandError(f"{len(left)} part(s) still disagree after the repair.")
        self.stdout.write(f"Repaired {len(problems)} part(s); all agree now.")

    def problems(self) -> list[str]:
        found = []
        try:
            drifted = indexing.drift()
        except IndexUnreadable as error:
            found.append(f"search index: {error}")
        else:
            pending = {pk for record in indexing.abandoned_changes() for pk in record["documents"]}
            indexed, archive = indexing.indexed_generation(), current_generation()
            if 0 < indexed < archive:  # 0: built by haystack's rebuild_index, which records none
                found.append(f"search index: at generation {indexed}, the archive at {archive}")
            if drifted or pending:
                documents = set(drifted) | pending
                found.append(
                    f"search index: {len(documents)} document(s) with other clause counts than "
                    "the archive, or left pending by an interrupted import or edit"
                )
        if miscounted := recurring.miscounted():
            found.append(f"recurring language: {len(miscounted)} clause(s) miscount their links")
        if settings.FIND_RECURRING_LANGUAGE and (unsketched := recurring.unsketched()):
            found.append(
                f"recurring language: {len(unsketched)} document(s) without sketches, which new "
                "texts are never compared with"
            )
        if drifted := group_counts.drifted():
            found.append(
                f"term counts: {len(drifted)} kind, series or country group(s) disagree with "
                "their versions' counts"
            )
        manifest = datasets.read_manifest()
        if manifest is None:
            found.append("bulk data: never exported")
        elif manifest.data["generation"] < current_generation():
            found.append(
                f"bulk data: exported from generation {manifest.data['generation']}, the "
                f"archive is at {current_generation()}"
            )
        else:
            exported = next(
                (f["records"] for f in manifest.data["files"] if f["path"] == datasets.CLAUSES), 0
            )
            if exported != (clauses := Clause.objects.count()):
                found.append(
                    f"bulk data: {exported} clauses in the files, {clauses} in the archive"
                )
        return found
