from django.core.management.base import BaseCommand

from home.services import site_structure_ensure


class Command(BaseCommand):
    help = "Create the home page, section pages, footer pages and role groups if missing (safe on every deploy)."

    def handle(self, *args, **options):
        self.stdout.write("Checking the site structure...")
        site_structure_ensure(progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Site structure is in place."))
