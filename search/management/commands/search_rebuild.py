"""Rebuild the people index and the site search index, showing progress. Safe while the site serves.

Also reads the words of library documents that have none stored yet (files added before
library text was extracted): each is read once, as an upload is.
"""

import time

from django.core.management.base import BaseCommand

from search.backends import people_backend
from search.services import people_index_rebuild, site_index_update


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

        from django.apps import apps

        if apps.is_installed("communities"):
            from communities.search import library_files_without_text
            from communities.services import library_file_text_extract

            missing = list(library_files_without_text().values_list("pk", flat=True))
            for file_id in missing:
                library_file_text_extract(file_id=file_id)
            self.stdout.write(f"Read the text of {len(missing)} library documents.")
        for key, count in site_index_update().items():
            self.stdout.write(f"Site search index: {count} {key}.")
