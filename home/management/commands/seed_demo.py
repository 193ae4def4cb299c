"""Fill the site with demo data that looks real. Safe to run again: nothing is duplicated.

Each app contributes through an optional `<app>/demo.py` module with

    def add_arguments(parser) -> None          # optional: its own size options
    def seed(*, options: dict, log) -> None    # create what is missing

run in the order of DEMO_APPS, after the councils and the page tree are in place.
"""

import importlib
import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from accounts.services import ONS_ATTRIBUTION, councils_load_from_ons
from home.services import site_structure_ensure

# search runs last: it indexes the people every other app has created.
DEMO_APPS = ["accounts", "hub", "communities", "marketplace", "search"]


def _demo_modules():
    for app in DEMO_APPS:
        try:
            yield app, importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.demo":
                raise


class Command(BaseCommand):
    help = "Load councils, create the page tree and seed plausible demo people and content (idempotent)."

    def add_arguments(self, parser):
        for _app, module in _demo_modules():
            if hasattr(module, "add_arguments"):
                module.add_arguments(parser)

    def handle(self, *args, **options):
        # Seeding replays real workflows (submissions, moderation), whose notification emails
        # would all go to demo addresses: discard them rather than print or send hundreds.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._seed(options)

    def _seed(self, options):
        started = time.monotonic()
        log = self.stdout.write
        log("Councils from the ONS lookup:")
        result = councils_load_from_ons(progress=log)
        log(f"  {result.created} created, {result.updated} updated, {result.unchanged} unchanged")
        log("Site structure:")
        site_structure_ensure(progress=log)
        for app, module in _demo_modules():
            log(f"Demo data for {app}:")
            step = time.monotonic()
            module.seed(options=options, log=log)
            log(f"  done in {time.monotonic() - step:.1f}s")
        log(self.style.SUCCESS(f"Demo data is ready ({time.monotonic() - started:.1f}s)."))
        log(ONS_ATTRIBUTION)
