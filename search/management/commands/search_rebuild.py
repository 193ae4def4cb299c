"""Rebuild the people index from the profiles, showing progress. Safe while the site serves."""

import time

from django.core.management.base import BaseCommand

from search.backends import people_backend
from search.services import people_index_rebuild


class Command(BaseCommand):
    help = "Reindex every person (database: batch by batch; Elasticsearch: new index, then alias swap)."

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write(f"Rebuilding the people index ({people_backend().name} backend)")

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done}/{total} people ({rate:.0f}/s)")

        count = people_index_rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} people in {time.monotonic() - started:.1f}s."))
