"""Drop live events older than the catch-up window. Run from cron; safe to run at any time.

python manage.py prune_community_events    # e.g. every hour

Writing an event already prunes its own community's log; this also empties the logs of
communities where nothing has been written since their events grew too old.
"""

from django.core.management.base import BaseCommand

from communities.services import event_log_prune


class Command(BaseCommand):
    help = "Drop community live events older than COMMUNITIES_EVENT_LOG_MAX_AGE (or beyond the newest MAX_EVENTS)."

    def handle(self, *args, **options):
        pruned = event_log_prune()
        self.stdout.write(f"Pruned the event logs of {pruned} communities.")
