from django.core.management.base import BaseCommand

from accounts.services import ONS_ATTRIBUTION, councils_load_from_ons


class Command(BaseCommand):
    help = "Create or update an organisation for every council in the ONS lookup (safe to run again)."

    def handle(self, *args, **options):
        self.stdout.write("Loading councils from the ONS lower-tier to upper-tier lookup...")
        result = councils_load_from_ons(progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Councils: {result.created} created, {result.updated} updated, {result.unchanged} unchanged "
                f"({result.total} in the lookup)."
            )
        )
        self.stdout.write(ONS_ATTRIBUTION)
