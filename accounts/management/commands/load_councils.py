from django.core.management.base import BaseCommand

from accounts.services import ONS_ATTRIBUTION, councils_load_from_ons

# A fresh database adds every council: name them only when there are few enough to read.
LIST_AT_MOST = 20


class Command(BaseCommand):
    help = (
        "Bring the councils up to today's ONS register: add new ones, rename or recode changed ones, "
        "mark abolished ones with their successor (safe to run again)."
    )

    def handle(self, *args, **options):
        self.stdout.write(
            "Loading councils from the ONS Postcode Directory codes and the ONS code changes since 2021..."
        )
        result = councils_load_from_ons(progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Councils: {result.created} created, {result.updated} updated, {result.unchanged} unchanged "
                f"({result.total} known, {len(result.renamed)} renamed, {len(result.retired)} retired)."
            )
        )
        for heading, lines in (("Added", result.added), ("Renamed", result.renamed), ("Retired", result.retired)):
            if not lines:
                continue
            self.stdout.write(f"{heading}:")
            shown = lines if len(lines) <= LIST_AT_MOST or heading != "Added" else lines[:0]
            for line in shown:
                self.stdout.write(f"  {line}")
            if len(shown) < len(lines):
                self.stdout.write(f"  {len(lines)} councils (too many to list)")
        self.stdout.write(ONS_ATTRIBUTION)
