"""A person's contributions in the index follow what they publish and post, after commit."""

import pytest

from communities.factories import MembershipFactory, ThreadFactory, community_create
from communities.models import Access
from hub.factories import case_study_create
from search.factories import person_create
from search.models import PersonEntry

pytestmark = pytest.mark.django_db


def test_publishing_good_practice_updates_the_owners_contributions(home_page, django_capture_on_commit_callbacks):
    writer = person_create(first_name="Olu", last_name="Adeyemi", skills=["Procurement"])
    assert PersonEntry.objects.get(pk=writer.pk).contributions == 0
    with django_capture_on_commit_callbacks(execute=False) as pending:
        page = case_study_create(title="Draft on procurement", owner=writer.user, live=False)
    assert not pending  # an unpublished draft is not a contribution
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision(user=writer.user).publish()
    entry = PersonEntry.objects.get(pk=writer.pk)
    assert entry.contributions == 1
    assert entry.contribution_summary == {"good practice contribution": 1}
    assert "Draft on procurement" in entry.body_pub
    page.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert PersonEntry.objects.get(pk=writer.pk).contributions == 0


def test_a_community_reply_updates_the_authors_contributions(home_page, django_capture_on_commit_callbacks):
    from communities.services import reply_create

    author = person_create(first_name="Pat", last_name="Quinn")
    open_community = community_create(title="Buyers network", access=Access.OPEN)
    private = community_create(title="Secret buyers", access=Access.PRIVATE)
    for community in (open_community, private):
        MembershipFactory(community=community, user=author.user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply_create(thread=ThreadFactory(community=open_community), author=author.user, body="Try a framework.")
    assert callbacks
    entry = PersonEntry.objects.get(pk=author.pk)
    assert entry.contribution_summary == {"discussion reply": 1}
    # A reply in a private community is reindexed too, but never counted: the index is public.
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(thread=ThreadFactory(community=private), author=author.user, body="Between us.")
    assert PersonEntry.objects.get(pk=author.pk).contribution_summary == {"discussion reply": 1}


def test_a_reply_that_rolls_back_never_reaches_the_index(home_page, django_capture_on_commit_callbacks):
    from django.db import transaction

    from communities.factories import ReplyFactory

    author = person_create(first_name="Rae", last_name="Stone")
    thread = ThreadFactory(community=community_create(title="Open network", access=Access.OPEN))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                ReplyFactory(thread=thread, author=author.user)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert PersonEntry.objects.get(pk=author.pk).contributions == 0
