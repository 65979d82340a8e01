"""`manage.py build_search_index`: build the search index from scratch (what `make index` runs)."""

import time

from django.core.management.base import BaseCommand

from search.indexing import index_path, rebuild_all


class Command(BaseCommand):
    help = "Rebuild the Whoosh index of every clause, streaming them to one writer."

    def handle(self, *args, **options):
        start = time.perf_counter()
        count = rebuild_all()
        seconds = time.perf_counter() - start
        self.stdout.write(f"Indexed {count} clauses in {seconds:.1f} s into {index_path()}")
