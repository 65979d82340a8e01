"""`manage.py build_search_index`: build the search index from scratch (what `make index` runs).

The new index is written to a folder beside the old one and swapped in when complete, so the
old index serves searches until then and stays if the build fails; the old folder is never
read, so a corrupt index is replaced like any other.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from whoosh.writing import LockError

from search.backend import index_path
from search.indexing import rebuild_all


class Command(BaseCommand):
    help = "Rebuild the Whoosh index of every clause in a new folder and swap it in."

    def handle(self, *args, **options):
        start = time.perf_counter()
        try:
            count = rebuild_all()
        except LockError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - start
        self.stdout.write(f"Indexed {count} clauses in {seconds:.1f} s into {index_path()}")
