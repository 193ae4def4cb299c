"""Fixtures for community tests: one community of each kind and a viewer of every sort."""

import datetime

import pytest

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.roles import MODERATORS_GROUP
from communities.factories import (
    MembershipFactory,
    ReplyFactory,
    ThreadFactory,
    community_create,
)
from communities.models import Access, Role, State

VIEWERS = [
    "anonymous",
    "non_member",
    "pending",
    "member",
    "moderator",
    "facilitator",
    "suspended",
    "site_moderator",
]
KINDS = [Access.OPEN, Access.RESTRICTED, Access.PRIVATE]

# Who may read threads, files, feeds and live events: the rule the whole app follows.
READERS = {
    Access.OPEN: set(VIEWERS),
    Access.RESTRICTED: {"member", "moderator", "facilitator", "suspended", "site_moderator"},
    Access.PRIVATE: {"member", "moderator", "facilitator", "suspended", "site_moderator"},
}
# Who may see the community's page (its description) at all.
PAGE_VIEWERS = {
    Access.OPEN: set(VIEWERS),
    Access.RESTRICTED: set(VIEWERS),
    Access.PRIVATE: READERS[Access.PRIVATE],
}
# Members in the sense of notifications and email (site moderators are not members).
MEMBERS = {"member", "moderator", "facilitator", "suspended"}


@pytest.fixture
def make_community(home_page):
    def make(access=Access.OPEN, **kwargs):
        return community_create(access=access, **kwargs)

    return make


def make_viewer(kind: str, community):
    """A user standing in the given relation to `community` (None for anonymous)."""
    if kind == "anonymous":
        return None
    user = UserFactory()
    if kind == "site_moderator":
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        user.groups.add(group)
    elif kind == "pending":
        MembershipFactory(community=community, user=user, state=State.PENDING)
    elif kind == "member":
        MembershipFactory(community=community, user=user)
    elif kind == "moderator":
        MembershipFactory(community=community, user=user, role=Role.MODERATOR)
    elif kind == "facilitator":
        MembershipFactory(community=community, user=user, role=Role.FACILITATOR)
    elif kind == "suspended":
        MembershipFactory(
            community=community,
            user=user,
            state=State.SUSPENDED,
            suspended_until=timezone.now() + datetime.timedelta(days=3),
        )
    return user


@pytest.fixture
def viewer_for():
    return make_viewer


@pytest.fixture
def discussion(make_community):
    """A community with a thread and a reply: make(access) -> (community, thread, reply)."""

    def make(access=Access.OPEN, **kwargs):
        community = make_community(access, **kwargs)
        thread = ThreadFactory(community=community, title=f"Secret plans of {community.slug}")
        reply = ReplyFactory(thread=thread, body="A reply with *emphasis*")
        return community, thread, reply

    return make
