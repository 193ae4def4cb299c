"""Live events: payloads, the per-community event log, and broadcasting after commit.

Every event is written to `CommunityEvent` inside the writing transaction and sent to the
community's channel-layer group only after that transaction commits, so a rolled-back post is
never announced and a committed one is never lost: a client that missed it gets it from the
log when it reconnects. Type names are dotted; the consumer handles "discussion.reply_created"
in `discussion_reply_created`.

The log stores which thread or reply an event is about, never what it said: catch-up renders
the subject as it is now (`communities.selectors.catch_up`), so a reply removed, hidden,
deleted or edited after it was announced is replayed as the page shows it now. The log keeps a
bounded window (`log_prune`); a client asking for a point before it is told to reload.
"""

import datetime
import json
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format

from communities.models import CommunityEvent, CommunityLogHead, PostState, Reply, Thread

THREAD_CREATED = "discussion.thread_created"
THREAD_UPDATED = "discussion.thread_updated"
REPLY_CREATED = "discussion.reply_created"
REPLY_UPDATED = "discussion.reply_updated"
PRESENCE_CHANGED = "presence.changed"
MEMBERSHIP_CHANGED = "membership.changed"
ACCESS_CHANGED = "community.access_changed"
NOTIFICATION_CREATED = "notification.created"
NOTIFICATIONS_READ = "notifications.read"
# Sent (not logged) to a client whose catch-up point is older than the log keeps: reload.
CATCH_UP_EXPIRED = "catch_up.expired"

# Events every live client gets replayed on reconnect; presence and access are not replayed.
LOGGED_TYPES = {THREAD_CREATED, THREAD_UPDATED, REPLY_CREATED, REPLY_UPDATED}


def community_group(community_id: int) -> str:
    return f"community.{community_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _name(user) -> str:
    return (user.get_full_name() or "A former member") if user else "A former member"


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def thread_payload(thread: Thread) -> dict:
    """What members see of a thread in the community's list."""
    visible = thread.state == PostState.VISIBLE
    return {
        "thread_id": thread.pk,
        "title": thread.title if visible else "Thread removed by a moderator",
        "url": thread.get_absolute_url(),
        "author": _name(thread.author) if visible else "",
        "created": _when(thread.created_at),
        "reply_count": thread.reply_count,
        "is_pinned": thread.is_pinned,
        "is_locked": thread.is_locked,
        "visible": visible,
    }


def reply_payload(reply: Reply) -> dict:
    """What members see of a reply: its sanitised HTML, or the removal placeholder.

    A reply in a hidden or removed thread shows nothing either: its thread page is gone.
    """
    visible = reply.state == PostState.VISIBLE and reply.thread.state == PostState.VISIBLE
    return {
        "thread_id": reply.thread_id,
        "reply_id": reply.pk,
        "author": _name(reply.author) if visible else "",
        "created": _when(reply.created_at),
        "edited": bool(reply.edited_at) and visible,
        "body_html": reply.body_html if visible else "",
        "placeholder": reply.placeholder,
        "visible": visible,
    }


def broadcast(group: str, message: dict) -> None:
    """Send now (call it from transaction.on_commit)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def _next_seq(community_id: int) -> int:
    """The community's next sequence number, its log head row locked until the transaction ends.

    The UPDATE takes the row lock, so a concurrent writer in the same community waits here
    until this transaction commits or rolls back: numbers become visible in commit order.
    """
    table = CommunityLogHead._meta.db_table
    sql = f"UPDATE {table} SET last_seq = last_seq + 1 WHERE community_id = %s RETURNING last_seq"  # noqa: S608 - table name from the model
    with connection.cursor() as cursor:
        cursor.execute(sql, [community_id])
        row = cursor.fetchone()
        if row is None:
            # The community's first event starts its log (a concurrent first writer waits on
            # this insert, then does nothing, then waits on the row lock like any other).
            CommunityLogHead.objects.bulk_create([CommunityLogHead(community_id=community_id)], ignore_conflicts=True)
            cursor.execute(sql, [community_id])
            row = cursor.fetchone()
    return row[0]


def subject_payload(subject: Thread | Reply) -> dict:
    return reply_payload(subject) if isinstance(subject, Reply) else thread_payload(subject)


def subject_reference(subject: Thread | Reply) -> dict:
    """What the log stores of an event's subject: which post, not what it says."""
    if isinstance(subject, Reply):
        return {"thread_id": subject.thread_id, "reply_id": subject.pk}
    return {"thread_id": subject.pk}


def event_record(*, type: str, subject: Thread | Reply) -> CommunityEvent:
    """Log an event about `subject` in the current transaction and broadcast it after commit.

    Live clients are sent the subject as it is at commit; the log keeps only a reference, so
    catch-up later shows it as it is then. Must run inside the writing transaction (services
    are atomic): the sequence number's lock is held until it commits.
    """
    if not connection.in_atomic_block:
        # Outside a transaction the lock would be gone before the event row is written.
        raise RuntimeError("event_record must run inside the writing transaction")
    community_id = subject.thread.community_id if isinstance(subject, Reply) else subject.community_id
    payload = subject_payload(subject)
    seq = _next_seq(community_id)
    event = CommunityEvent.objects.create(
        community_id=community_id, seq=seq, type=type, payload=subject_reference(subject)
    )
    log_prune(community_id=community_id, last_seq=seq)
    # Encoded once here rather than once per connected client: consumers relay the text as is.
    text = json.dumps({"type": type, "id": seq, "payload": payload}, cls=DjangoJSONEncoder)
    message = {"type": type, "id": seq, "text": text}
    transaction.on_commit(lambda: broadcast(community_group(community_id), message))
    return event


def log_max_events() -> int:
    """How many events a community's log keeps (COMMUNITIES_EVENT_LOG_MAX_EVENTS)."""
    return settings.COMMUNITIES_EVENT_LOG_MAX_EVENTS


def log_max_age() -> datetime.timedelta:
    """How long an event is kept (COMMUNITIES_EVENT_LOG_MAX_AGE)."""
    return settings.COMMUNITIES_EVENT_LOG_MAX_AGE


def log_prune(*, community_id: int, last_seq: int) -> None:
    """Drop the community's events beyond the window (`last_seq` is its newest number).

    The caller holds the community's log head row locked (`_next_seq`, or the prune command's
    select_for_update), so `pruned_through` only grows and catch-up can tell a client whose
    point fell out of the window to reload instead of silently skipping what it missed.
    """
    cutoff = last_seq - log_max_events()
    too_old = (
        CommunityEvent.objects.filter(
            community_id=community_id, created_at__lt=timezone.now() - log_max_age()
        ).aggregate(last=Max("seq"))["last"]
        or 0
    )
    cutoff = max(cutoff, too_old)
    if cutoff > 0 and CommunityLogHead.objects.filter(community_id=community_id, pruned_through__lt=cutoff).update(
        pruned_through=cutoff
    ):
        CommunityEvent.objects.filter(community_id=community_id, seq__lte=cutoff).delete()


def signal_after_commit(group: str, type: str, payload: dict) -> None:
    """Broadcast a control event (not logged) after commit."""
    message = {"type": type, "payload": payload}
    transaction.on_commit(lambda: broadcast(group, message))


# Access changes travel through the community's group, in order with its events, so a worker
# re-checks before it relays anything sent after the change. The token names the change: a
# worker re-checks the database once for it, however many connections it affects.


def membership_changed(*, community_id: int, user_id: int) -> None:
    """After commit, make that person's open connections to the community re-check their access."""
    signal_after_commit(
        community_group(community_id), MEMBERSHIP_CHANGED, {"user_id": user_id, "change": uuid.uuid4().hex}
    )


def access_changed(*, community_id: int) -> None:
    """After commit, make every open connection to the community re-check its access."""
    signal_after_commit(community_group(community_id), ACCESS_CHANGED, {"change": uuid.uuid4().hex})
