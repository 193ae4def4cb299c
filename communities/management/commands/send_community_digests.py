"""Send daily or weekly community digests. Run from cron; running twice sends nothing twice.

python manage.py send_community_digests --frequency daily    # e.g. every day at 07:00
python manage.py send_community_digests --frequency weekly   # e.g. Mondays at 07:00
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from communities.models import Frequency
from communities.services import digest_send


class Command(BaseCommand):
    help = "Email each member the digest of new threads and replies they asked for (idempotent per period)."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=[Frequency.DAILY, Frequency.WEEKLY], required=True)
        parser.add_argument("--now", help="Pretend it is this ISO date-time (for backfills and tests).")

    def handle(self, *args, frequency, now=None, **options):
        moment = timezone.now()
        if now:
            try:
                moment = datetime.datetime.fromisoformat(now)
            except ValueError as error:
                raise CommandError(f"--now must be an ISO date-time: {error}") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        result = digest_send(frequency=frequency, now=moment)
        self.stdout.write(
            f"{frequency} digests: {result.sent} sent, {result.skipped_already_sent} already sent this period, "
            f"{result.skipped_nothing_new} with nothing new"
        )
