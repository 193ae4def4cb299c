"""Notifications say what their thread or reply says now, and go when it goes.

A notification about a post refers to it (thread, reply) and is worded from it when shown,
so a retitled thread is named by its new title, and a thread or reply a moderator hides or
removes (or its author deletes) takes its notifications with it.
"""

import importlib

import pytest

from django.apps import apps
from django.test import Client

from communities import services
from communities.models import Notification, NotificationKind, PostState
from communities.selectors import notification_list, notification_unread_count
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/notifications/").text


@pytest.fixture
def mentioned(make_community):
    """A member mentioned in a thread and in a reply, and the thread's author told of the reply."""
    community = make_community("private")
    author, member, moderator = (make_viewer(kind, community) for kind in ("member", "member", "moderator"))
    handle = "@" + services.user_handle(member)
    thread = services.thread_create(community=community, author=author, title="Budget OLDTITLE", body=f"{handle} look")
    reply = services.reply_create(thread=thread, author=moderator, body=f"{handle} and this")
    return community, author, member, moderator, thread, reply


def test_a_retitled_thread_is_named_by_its_new_title_in_notifications(mentioned):
    _community, author, member, _moderator, thread, _reply = mentioned
    assert _page(member).count("OLDTITLE") == 2
    assert "OLDTITLE" in _page(author)

    services.thread_edit(thread=thread, editor=author, title="Budget, revised", body="Changed")

    for person in (member, author):
        page = _page(person)
        assert "OLDTITLE" not in page
        assert "Budget, revised" in page
    assert {n.message for n in notification_list(user=member)} == {
        f"{author} mentioned you in “Budget, revised”",
        f"{_moderator} mentioned you in a reply to “Budget, revised”",
    }
    assert "OLDTITLE" not in repr(list(Notification.objects.values_list("text", flat=True)))


@pytest.mark.parametrize("state", [PostState.HIDDEN, PostState.REMOVED])
def test_notifications_about_a_thread_taken_down_are_gone(mentioned, state):
    _community, author, member, moderator, thread, _reply = mentioned
    assert notification_unread_count(user=member) == 2

    services.post_moderate(target=thread, actor=moderator, state=state, reason="Breaks the rules")

    assert "OLDTITLE" not in _page(member)
    assert notification_unread_count(user=member) == 0
    assert not notification_list(user=member).object_list
    # The reply's notification to the thread's author went with the thread; a removal is
    # still explained to the author, about their own thread.
    kinds = {n.kind for n in notification_list(user=author)}
    assert kinds == ({NotificationKind.MODERATION} if state == PostState.REMOVED else set())


@pytest.mark.parametrize("change", ["hidden", "removed", "deleted"])
def test_notifications_about_a_reply_taken_down_are_gone(mentioned, change):
    _community, author, member, moderator, _thread, reply = mentioned
    if change == "deleted":
        services.reply_delete(reply=reply, actor=moderator)
    else:
        services.post_moderate(target=reply, actor=moderator, state=PostState(change), reason="Personal data")

    assert [n.kind for n in notification_list(user=member)] == [NotificationKind.MENTION]
    assert "a reply to" not in _page(member)
    assert not [n for n in notification_list(user=author) if n.kind == NotificationKind.REPLY]


def test_a_removed_post_is_explained_to_its_author_under_its_threads_current_title(mentioned):
    _community, _author, _member, moderator, thread, reply = mentioned
    services.post_moderate(target=reply, actor=moderator, state=PostState.REMOVED, reason="Personal data")
    notification = Notification.objects.get(recipient=moderator, kind=NotificationKind.MODERATION)
    assert notification.message == "A moderator removed your post in “Budget OLDTITLE”: Personal data"
    services.thread_edit(thread=thread, editor=thread.author, title="Budget", body="x")
    notification = notification_list(user=moderator).object_list[0]
    assert notification.message == "A moderator removed your post in “Budget”: Personal data"


def test_the_migration_links_old_notifications_to_their_posts_and_drops_what_it_cannot(mentioned):
    community, author, member, _moderator, thread, reply = mentioned
    migration = importlib.import_module("communities.migrations.0005_notification_subject")
    # Rows as the old code wrote them: the title copied into the text, no link to the post.
    Notification.objects.all().delete()
    thread_url = thread.get_absolute_url()
    old = [
        Notification.objects.create(
            recipient=member,
            community=community,
            kind=NotificationKind.MENTION,
            text="X mentioned you in “Budget OLDTITLE”",
            url=thread_url,
        ),
        Notification.objects.create(
            recipient=author,
            community=community,
            kind=NotificationKind.REPLY,
            text="X replied to “Budget OLDTITLE”",
            url=f"{thread_url}?page=last#reply-{reply.pk}",
        ),
        Notification.objects.create(
            recipient=member,
            community=community,
            kind=NotificationKind.MENTION,
            text="X mentioned you in “A thread since deleted”",
            url=f"/communities/{community.slug}/threads/987654/",
        ),
        Notification.objects.create(
            recipient=member,
            community=community,
            kind=NotificationKind.DECISION,
            text=f"Your request to join {community.title} was approved",
            url=community.url,
        ),
    ]

    migration.link_to_subjects(apps, None)

    linked = {n.pk: n for n in Notification.objects.all()}
    assert set(linked) == {old[0].pk, old[1].pk, old[3].pk}
    assert (linked[old[0].pk].thread_id, linked[old[0].pk].reply_id) == (thread.pk, None)
    assert (linked[old[1].pk].thread_id, linked[old[1].pk].reply_id) == (thread.pk, reply.pk)
    assert not any("OLDTITLE" in n.text for n in linked.values())
    assert linked[old[3].pk].text == f"Your request to join {community.title} was approved"
    assert linked[old[1].pk].message == f"{reply.author} replied to “Budget OLDTITLE”"
