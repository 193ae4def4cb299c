"""Wagtail's publishing signals, handed straight to the services layer.

Editors approve and reject in the Wagtail admin, so Wagtail's signals are where the library
learns about it. No logic lives here.
"""

from django.db import transaction
from django.dispatch import receiver

from wagtail.signals import (
    page_published,
    page_unpublished,
    workflow_approved,
    workflow_rejected,
)

from accounts.signals import profiles_changed


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


@receiver(profiles_changed, dispatch_uid="hub.profiles_changed")
def on_profiles_changed(sender, user_ids, **kwargs):
    # A case study shows its contact's name, organisation and email as their privacy settings
    # allow; a cached anonymous copy must not keep what they have just hidden. After commit,
    # so a visitor in between cannot cache the old profile again.
    from hub import cache
    from hub.models import GoodPracticePage

    if GoodPracticePage.objects.filter(contact_id__in=user_ids).exists():
        transaction.on_commit(cache.bump)
