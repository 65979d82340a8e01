"""`manage.py find_recurring`: recompute every recurring-language link
(archive/research/recurring.py)."""

import time

from django.core.management.base import BaseCommand

from archive.models import Clause
from archive.research.recurring import relink_all


class Command(BaseCommand):
    help = "Recompute, for every clause, the clauses of other texts that say nearly the same."

    def handle(self, *args, **options):
        started = time.perf_counter()
        links = relink_all() // 2  # each pair is stored in both directions
        seconds = time.perf_counter() - started
        clauses = Clause.objects.count()
        rate = clauses / seconds if seconds else 0
        self.stdout.write(
            f"{links} pairs of clauses that recur, among {clauses} clauses; "
            f"{seconds:.1f} s ({rate:.0f} clauses/s)"
        )
