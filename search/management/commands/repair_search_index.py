"""`manage.py repair_search_index`: bring the index back in step with the archive after a crash."""

import time

from django.core.management.base import BaseCommand, CommandError
from whoosh.writing import LockError

from search.backend import index_path
from search.indexing import repair


class Command(BaseCommand):
    help = (
        "Reindex the documents an interrupted import or edit left out of the search index and any "
        "whose clause counts differ; rebuild the index if it is missing or unreadable."
    )

    # Timed and refused on a held lock as build_search_index is: the two commands' shared shape.
    def handle(self, *args, **options):
        start = time.perf_counter()
        try:
            result = repair()
        except LockError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - start
        if result.rebuilt:
            self.stdout.write(
                f"{result.rebuilt} Rebuilt it: {result.clauses} clauses in {seconds:.1f} s "
                f"into {index_path()}"
            )
        elif result.pending or result.drifted:
            documents = sorted(set(result.pending) | set(result.drifted))
            self.stdout.write(
                f"Reindexed {len(documents)} document(s) ({result.clauses} clauses; "
                f"{len(result.pending)} left pending by an interrupted import or edit, "
                f"{len(result.drifted)} with differing counts) in {seconds:.1f} s."
            )
        else:
            self.stdout.write("The search index agrees with the archive; nothing to do.")
