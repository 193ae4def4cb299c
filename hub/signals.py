"""Wagtail's publishing signals, handed straight to the services layer.

Editors approve and reject in the Wagtail admin, so Wagtail's signals are where the library
learns about it. No logic lives here.
"""

from django.dispatch import receiver

from wagtail.signals import (
    page_published,
    page_unpublished,
    workflow_approved,
    workflow_rejected,
)


@receiver(workflow_approved)
def on_workflow_approved(sender, instance, user=None, **kwargs):
    from hub.services import case_study_notify_published

    case_study_notify_published(workflow_state=instance)


@receiver(workflow_rejected)
def on_workflow_rejected(sender, instance, user=None, **kwargs):
    from hub.services import case_study_notify_rejected

    case_study_notify_rejected(workflow_state=instance)


@receiver(page_published)
@receiver(page_unpublished)
def on_page_changed(sender, instance, **kwargs):
    from hub import cache
    from hub.models import GoodPracticeIndexPage, GoodPracticePage

    if isinstance(instance, GoodPracticePage | GoodPracticeIndexPage):
        cache.bump()
