"""Fill the site with demo data that looks real. Safe to run again: nothing is duplicated.

Each feature registers a `home.extensions.DemoStep` naming its demo module, with

    def add_arguments(parser) -> None          # optional: its own size options
    def seed(*, options: dict, log) -> None    # create what is missing

run in the steps' order, after the councils and the page tree are in place. The command knows
no feature: a new app's demo data is seeded once its wagtail_hooks.py registers the step.
"""

import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from accounts.services import ONS_ATTRIBUTION, councils_load_from_ons
from home.extensions import demo_steps
from home.services import site_structure_ensure


def _demo_modules():
    for step in demo_steps():
        yield step.name, step.load()


class Command(BaseCommand):
    help = "Load councils, create the page tree and seed plausible demo people and content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="FEATURE",
            choices=[step.name for step in demo_steps()],
            help="Seed only these features' demo data (what they build on must be seeded already).",
        )
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
            if options.get("only") and app not in options["only"]:
                continue
            log(f"Demo data for {app}:")
            step = time.monotonic()
            module.seed(options=options, log=log)
            log(f"  done in {time.monotonic() - step:.1f}s")
        log(self.style.SUCCESS(f"Demo data is ready ({time.monotonic() - started:.1f}s)."))
        log(ONS_ATTRIBUTION)
