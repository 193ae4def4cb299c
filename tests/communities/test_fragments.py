"""Cached replies are exactly what the template renders now, for every viewer, after every change."""

import uuid

import pytest

from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from accounts.factories import CouncilFactory, UserFactory
from accounts.models import Visibility
from communities import fragments, selectors, services
from communities.factories import MembershipFactory, ReplyFactory, ThreadFactory
from communities.models import PostState
from communities.permissions import community_access
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db

VIEWER_KINDS = ["anonymous", "non_member", "member", "moderator", "facilitator", "suspended", "site_moderator"]


@pytest.fixture(autouse=True)
def empty_key_space(monkeypatch):
    """Each test starts with nothing cached, without emptying a cache other tests share."""
    digest = uuid.uuid4().hex
    monkeypatch.setattr(fragments, "_template_digest", lambda: digest)


@pytest.fixture
def world(make_community):
    community = make_community("open")
    organisation = CouncilFactory(name="Kirklees Council")
    author = UserFactory(first_name="Bob", last_name="Hale", organisation=organisation)
    author.profile.organisation_visibility = Visibility.MEMBERS
    author.profile.save()
    MembershipFactory(community=community, user=author)
    thread = ThreadFactory(community=community)
    quoted = ReplyFactory(thread=thread, author=author, body="The *first* point")
    replies = [
        quoted,
        ReplyFactory(thread=thread, author=author, body="Quoting it", quote=quoted),
        ReplyFactory(thread=thread, author=None, body="From someone who left"),
    ]
    for state in (PostState.HIDDEN, PostState.REMOVED, PostState.DELETED):
        reply = ReplyFactory(thread=thread, author=author, body=f"A {state} reply")
        reply.state = state
        reply.removal_reason = "Off topic" if state == PostState.REMOVED else ""
        reply.save()
        replies.append(reply)
    viewers = {kind: make_viewer(kind, community) for kind in VIEWER_KINDS}
    viewers["author"] = author
    return {"community": community, "thread": thread, "author": author, "quoted": quoted, "viewers": viewers}


def _request(user):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


def _both_ways(world, user, *, fresh=True):
    """(cached, rendered now) for the thread's first page of replies, as `user` sees them."""
    community = world["community"]
    thread = selectors.thread_get(community=community, thread_id=world["thread"].pk)
    replies = list(selectors.thread_replies(thread=thread))
    request = _request(user)
    context = {
        "request": request,
        "community": community,
        "thread": thread,
        "access": community_access(community=community, user=request.user),
    }
    cached = [str(html) for html in fragments.replies_html(replies, **context)]
    if not fresh:
        return cached, None
    return cached, [str(fragments.render_reply(reply, **context)) for reply in replies]


def _check_every_viewer(world):
    # Every viewer in turn against a cache the others filled: a key missing any input the
    # template reads would hand one of them another's HTML.
    for _ in range(2):
        for user in world["viewers"].values():
            cached, fresh = _both_ways(world, user)
            assert cached == fresh


def test_every_viewer_gets_what_the_template_renders_for_them_from_a_shared_cache(world):
    _check_every_viewer(world)
    cached, _ = _both_ways(world, world["viewers"]["moderator"])
    public, _ = _both_ways(world, None)
    # Not one rendering for all: the moderator sees hidden replies and the reason, nobody else does.
    assert "A hidden reply" in "".join(cached) and "A hidden reply" not in "".join(public)
    assert "Off topic" not in "".join(public)
    # Bob's organisation is for signed-in people only.
    signed_in, _ = _both_ways(world, world["viewers"]["non_member"])
    assert "Kirklees Council" in "".join(signed_in) and "Kirklees Council" not in "".join(public)


@pytest.mark.parametrize(
    "change",
    [
        "edit",
        "remove",
        "restore",
        "quote_removed",
        "author_renamed",
        "organisation_public",
        "organisation_hidden",
        "thread_locked",
        "member_made_moderator",
        "member_suspended",
    ],
)
def test_after_a_change_no_viewer_is_given_what_was_rendered_before_it(world, change):
    _check_every_viewer(world)
    author, thread, quoted = world["author"], world["thread"], world["quoted"]
    moderator = world["viewers"]["moderator"]
    member = world["viewers"]["member"]
    membership = world["community"].memberships.get(user=member)
    if change == "edit":
        services.reply_edit(reply=quoted, editor=author, body="The *revised* point")
    elif change == "remove":
        services.post_moderate(target=quoted, actor=moderator, state=PostState.REMOVED, reason="Personal data")
    elif change == "restore":
        services.post_moderate(target=quoted, actor=moderator, state=PostState.HIDDEN)
        _check_every_viewer(world)
        services.post_moderate(target=quoted, actor=moderator, state=PostState.VISIBLE)
    elif change == "quote_removed":
        services.reply_delete(reply=quoted, actor=author)
    elif change == "author_renamed":
        author.first_name = "Roberta"
        author.save()
    elif change in ("organisation_public", "organisation_hidden"):
        author.profile.organisation_visibility = (
            Visibility.PUBLIC if change == "organisation_public" else Visibility.HIDDEN
        )
        author.profile.save()
    elif change == "thread_locked":
        services.thread_set_flags(thread=thread, actor=moderator, locked=True)
    elif change == "member_made_moderator":
        services.membership_set_role(membership=membership, actor=world["viewers"]["facilitator"], role="moderator")
    elif change == "member_suspended":
        services.membership_suspend(membership=membership, actor=moderator, days=7, reason="Rude")
    _check_every_viewer(world)


def test_an_edit_or_removal_reaches_a_thread_page_that_was_cached_before_it(world):
    thread, quoted = world["thread"], world["quoted"]
    member = Client()
    member.force_login(world["viewers"]["member"])
    assert "<em>first</em>" in member.get(thread.get_absolute_url()).text
    services.reply_edit(reply=quoted, editor=world["author"], body="The *revised* point")
    page = member.get(thread.get_absolute_url()).text
    assert "<em>revised</em>" in page and "<em>first</em>" not in page
    services.post_moderate(
        target=quoted, actor=world["viewers"]["moderator"], state=PostState.REMOVED, reason="Personal data"
    )
    page = member.get(thread.get_absolute_url()).text
    assert "revised" not in page and "Personal data" not in page


def test_a_changed_template_changes_every_key(world, monkeypatch):
    user = world["viewers"]["member"]
    rendered = []
    render_reply = fragments.render_reply
    monkeypatch.setattr(
        fragments, "render_reply", lambda reply, **kw: rendered.append(reply) or render_reply(reply, **kw)
    )
    cached, _ = _both_ways(world, user, fresh=False)
    assert len(rendered) == len(cached)
    _both_ways(world, user, fresh=False)
    assert len(rendered) == len(cached)  # all from the cache
    monkeypatch.setattr(fragments, "_template_digest", lambda: "another template")
    _both_ways(world, user, fresh=False)
    assert len(rendered) == 2 * len(cached)


def test_a_removed_reply_of_someone_who_left_tells_nobody_but_moderators_why(world):
    # An anonymous visitor's pk and a deleted author's are both None: not the same person.
    reply = ReplyFactory(thread=world["thread"], author=None, body="Left and removed")
    services.post_moderate(
        target=reply, actor=world["viewers"]["moderator"], state=PostState.REMOVED, reason="Spam link"
    )
    public, _ = _both_ways(world, None)
    moderated, _ = _both_ways(world, world["viewers"]["moderator"])
    assert "Spam link" not in "".join(public)
    assert "Spam link" in "".join(moderated)
