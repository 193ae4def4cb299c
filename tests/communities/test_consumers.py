"""Consumers under channels' WebsocketCommunicator: notifications, catch-up, no duplicates."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from communities import services
from communities.models import NotificationKind
from tests.communities.conftest import make_viewer
from tests.communities.test_permissions import _ws_app

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio, pytest.mark.usefixtures("close_db_threads")]


async def test_notifications_arrive_live_for_the_signed_in_person_only(discussion):
    community, thread, _ = await sync_to_async(discussion)("restricted")
    member = await sync_to_async(make_viewer)("member", community)
    anonymous = WebsocketCommunicator(_ws_app(None), "/ws/notifications/")
    connected, code = await anonymous.connect()
    assert not connected and code == 4403
    communicator = WebsocketCommunicator(_ws_app(member), "/ws/notifications/")
    assert (await communicator.connect())[0]
    await sync_to_async(services.notification_create)(
        recipient=member,
        community=community,
        kind=NotificationKind.MENTION,
        text="Priya mentioned you",
        url=thread.get_absolute_url(),
    )
    event = await communicator.receive_json_from(timeout=3)
    assert event["type"] == "notification.created"
    assert event["payload"]["text"] == "Priya mentioned you"
    # The header's count travels with it: what a reload would show.
    assert event["badge"] == 1
    await communicator.disconnect()


async def test_the_unread_count_follows_new_and_read_notifications(discussion):
    community, thread, _ = await sync_to_async(discussion)("restricted")
    member = await sync_to_async(make_viewer)("member", community)
    communicator = WebsocketCommunicator(_ws_app(member), "/ws/notifications/")
    assert (await communicator.connect())[0]
    for text in ("First", "Second"):
        await sync_to_async(services.notification_create)(
            recipient=member,
            community=community,
            kind=NotificationKind.MENTION,
            text=text,
            url=thread.get_absolute_url(),
        )
    counts = [(await communicator.receive_json_from(timeout=3))["badge"] for _ in range(2)]
    assert counts == [1, 2]
    assert await sync_to_async(services.notifications_mark_read)(user=member) == 2
    read = await communicator.receive_json_from(timeout=3)
    assert (read["type"], read["badge"]) == ("notifications.read", 0)
    # Nothing left unread: marking again sends nothing.
    assert await sync_to_async(services.notifications_mark_read)(user=member) == 0
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_catch_up_replays_logged_events_after_the_given_id_once(discussion):
    community, thread, _ = await sync_to_async(discussion)("private")
    member = await sync_to_async(make_viewer)("member", community)
    first = await sync_to_async(services.reply_create)(thread=thread, author=member, body="one")
    from communities.models import CommunityEvent

    after = await sync_to_async(lambda: CommunityEvent.objects.get(payload__reply_id=first.pk).seq)()
    for body in ("two", "three", "four"):
        await sync_to_async(services.reply_create)(thread=thread, author=member, body=body)
    communicator = WebsocketCommunicator(_ws_app(member), f"/ws/communities/{community.slug}/?after={after}")
    assert (await communicator.connect())[0]
    bodies = []
    while not await communicator.receive_nothing(timeout=1.5):
        event = await communicator.receive_json_from(timeout=1)
        if event.get("id") is not None:
            bodies.append(event["payload"]["body_html"])
    assert bodies == ["<p>two</p>", "<p>three</p>", "<p>four</p>"]
    await communicator.disconnect()


async def _presence_counts(communicator, *, until: int, timeout: float = 5) -> list[int]:
    counts = []
    while until not in counts:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] == "presence.changed":
            counts.append(event["payload"]["count"])
    return counts


async def test_presence_forgets_the_connections_of_a_worker_that_crashed(discussion):
    import datetime

    from django.utils import timezone

    from communities.models import LiveWorker, Presence
    from communities.selectors import presence_count

    community, _, _ = await sync_to_async(discussion)("open")

    def crashed_worker_left_two_connections():
        dead = LiveWorker.objects.create(name="crashed", last_seen=timezone.now() - datetime.timedelta(minutes=5))
        for number in (1, 2):
            Presence.objects.create(channel_name=f"gone-{number}", community=community, worker=dead)

    await sync_to_async(crashed_worker_left_two_connections)()
    # Counts ignore the dead worker's rows even before anyone cleans them up.
    assert await sync_to_async(presence_count)(community_id=community.pk) == 0
    communicator = WebsocketCommunicator(_ws_app(None), f"/ws/communities/{community.slug}/")
    assert (await communicator.connect())[0]
    # A worker starting to serve connections sweeps the dead one's rows and says who is here.
    assert 1 in await _presence_counts(communicator, until=1)
    assert not await sync_to_async(Presence.objects.filter(channel_name__startswith="gone-").exists)()
    assert not await sync_to_async(LiveWorker.objects.filter(name="crashed").exists)()
    assert await sync_to_async(presence_count)(community_id=community.pk) == 1
    await communicator.disconnect()


async def test_a_live_worker_keeps_its_connections_counted_and_a_silent_one_stops_counting(discussion):
    import datetime

    from django.utils import timezone

    from communities import consumers
    from communities.models import LiveWorker
    from communities.selectors import presence_count

    community, _, _ = await sync_to_async(discussion)("open")
    communicator = WebsocketCommunicator(_ws_app(None), f"/ws/communities/{community.slug}/")
    assert (await communicator.connect())[0]
    await _presence_counts(communicator, until=1)
    silent_since = timezone.now() - datetime.timedelta(seconds=consumers.HOUSEKEEPING_SECONDS * 10)
    await sync_to_async(LiveWorker.objects.filter(name=consumers.WORKER).update)(last_seen=silent_since)
    assert await sync_to_async(presence_count)(community_id=community.pk) == 0
    # The worker's next heartbeat makes its connection count again.
    await consumers.live_state().housekeep_once()
    assert await sync_to_async(presence_count)(community_id=community.pk) == 1
    await communicator.disconnect()


async def _frames_on_connect(community, user=None, *, after: int = 0, quiet: float = 0.7) -> list[str]:
    """Every text frame a client connecting with `?after=` is sent until it goes quiet."""
    communicator = WebsocketCommunicator(_ws_app(user), f"/ws/communities/{community.slug}/?after={after}")
    connected, _ = await communicator.connect()
    assert connected
    frames = []
    while not await communicator.receive_nothing(timeout=quiet):
        frames.append(await communicator.receive_from())
    await communicator.disconnect()
    return frames


def _removed_hidden_deleted_and_edited(make_community, kind: str):
    """A community where everything that can go away or change has done so."""
    from communities.models import PostState

    community = make_community(kind)
    member, moderator = make_viewer("member", community), make_viewer("moderator", community)
    thread = services.thread_create(community=community, author=member, title="Rota", body="Who covers Friday?")
    removed = services.reply_create(thread=thread, author=member, body="REMOVED-call me on 07700 900123")
    services.post_moderate(target=removed, actor=moderator, state=PostState.REMOVED, reason="Personal data")
    deleted = services.reply_create(thread=thread, author=member, body="DELETED-by its author")
    services.reply_delete(reply=deleted, actor=member)
    edited = services.reply_create(thread=thread, author=member, body="BEFORE-EDIT text")
    services.reply_edit(reply=edited, editor=member, body="after the edit")
    hidden = services.thread_create(community=community, author=moderator, title="HIDDEN-title", body="HIDDEN-body")
    services.reply_create(thread=hidden, author=member, body="HIDDEN-reply")
    services.post_moderate(target=hidden, actor=moderator, state=PostState.HIDDEN)
    return community, member


@pytest.mark.parametrize(("kind", "viewer"), [("open", "anonymous"), ("private", "member")])
async def test_catch_up_replays_what_the_pages_say_now_never_what_was_removed_or_edited(kind, viewer, make_community):
    from communities.models import CommunityEvent

    community, member = await sync_to_async(_removed_hidden_deleted_and_edited)(make_community, kind)
    frames = await _frames_on_connect(community, member if viewer == "member" else None)
    replayed = "\n".join(frames)
    assert "after the edit" in replayed and "Rota" in replayed
    stored = await sync_to_async(lambda: repr(list(CommunityEvent.objects.values_list("payload", flat=True))))()
    for marker in ("REMOVED-", "DELETED-", "BEFORE-EDIT", "HIDDEN-", "07700"):
        assert marker not in replayed
        assert marker not in stored


async def test_catch_up_checks_access_now_so_a_community_made_private_replays_nothing(discussion):
    from communities.models import Access

    community, thread, _ = await sync_to_async(discussion)("open")
    member = await sync_to_async(make_viewer)("member", community)
    facilitator = await sync_to_async(make_viewer)("facilitator", community)
    await sync_to_async(services.reply_create)(thread=thread, author=member, body="said in the open")
    await sync_to_async(services.community_set_access)(community=community, actor=facilitator, access=Access.PRIVATE)
    communicator = WebsocketCommunicator(_ws_app(None), f"/ws/communities/{community.slug}/?after=0")
    connected, code = await communicator.connect()
    assert not connected and code == 4403


async def test_a_client_asking_for_events_older_than_the_log_keeps_is_told_to_reload(discussion, settings):
    settings.COMMUNITIES_EVENT_LOG_MAX_EVENTS = 2
    community, thread, _ = await sync_to_async(discussion)("open")
    member = await sync_to_async(make_viewer)("member", community)
    for body in ("one", "two", "three"):
        await sync_to_async(services.reply_create)(thread=thread, author=member, body=body)
    stale = [json.loads(frame) for frame in await _frames_on_connect(community, after=0)]
    assert stale[0]["type"] == "catch_up.expired"
    assert not [frame for frame in stale if frame.get("id") is not None]
    recent = [json.loads(frame) for frame in await _frames_on_connect(community, after=1)]
    assert [frame["payload"]["body_html"] for frame in recent if frame.get("id")] == ["<p>two</p>", "<p>three</p>"]
