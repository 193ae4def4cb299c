"""Keep people's contributions in the index current as they happen elsewhere on the Hub.

Connected in `SearchConfig.ready()` when the hub and communities apps are installed. Each
receiver only says whose entry changed; the reindex itself runs after the transaction commits
(`people_index_update_on_commit`), so a rolled-back reply or publication never reaches search.
"""

from __future__ import annotations

from search.services import people_index_update_on_commit


def good_practice_published(sender, instance, **kwargs) -> None:
    """A case study was published or unpublished: its owner's good practice count changed."""
    from hub.models import GoodPracticePage

    if isinstance(instance, GoodPracticePage) and instance.owner_id:
        people_index_update_on_commit(user_ids=[instance.owner_id])


def community_reply_saved(sender, instance, **kwargs) -> None:
    """A reply was posted, moderated or deleted: its author's helpful replies changed."""
    if instance.author_id:
        people_index_update_on_commit(user_ids=[instance.author_id])


def profile_deleted(sender, instance, **kwargs) -> None:
    """A deleted account's profile takes its index entry with it (a cascade the backend never
    sees): the facet bitmaps must drop it. Recorded in the deleting transaction, so it counts
    only if the deletion commits. Entries the backend deletes itself are recorded there, and
    listening on the profile rather than the entry keeps the backend's bulk deletes fast."""
    from search.backends.facet_index import index_changed

    index_changed([instance.pk])


def profiles_changed_received(sender, user_ids, **kwargs) -> None:
    """Someone edited their profile (or was given an organisation): reindex them after commit."""
    people_index_update_on_commit(user_ids=user_ids)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from accounts.models import Profile
    from accounts.signals import profiles_changed

    post_delete.connect(profile_deleted, sender=Profile, dispatch_uid="search.profile_deleted")
    profiles_changed.connect(profiles_changed_received, dispatch_uid="search.profiles_changed")

    if apps.is_installed("hub"):
        from wagtail.signals import page_published, page_unpublished

        page_published.connect(good_practice_published, dispatch_uid="search.good_practice_published")
        page_unpublished.connect(good_practice_published, dispatch_uid="search.good_practice_unpublished")
    if apps.is_installed("communities"):
        from communities.models import Reply

        post_save.connect(community_reply_saved, sender=Reply, dispatch_uid="search.community_reply_saved")
        post_delete.connect(community_reply_saved, sender=Reply, dispatch_uid="search.community_reply_deleted")
