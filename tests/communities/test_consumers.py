"""Consumers under channels' WebsocketCommunicator: notifications, catch-up, no duplicates."""

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
    await communicator.disconnect()


async def test_catch_up_replays_logged_events_after_the_given_id_once(discussion):
    community, thread, _ = await sync_to_async(discussion)("private")
    member = await sync_to_async(make_viewer)("member", community)
    first = await sync_to_async(services.reply_create)(thread=thread, author=member, body="one")
    from communities.models import CommunityEvent

    after = await sync_to_async(lambda: CommunityEvent.objects.get(payload__reply_id=first.pk).pk)()
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
