"""WebSocket consumers: live discussion per community, and each person's notifications.

Access is checked on connect and before every event is relayed: a removal (or a change of
the community's access) reaches the consumer through the same group as the events, in order,
and closes the socket before anything later is sent; as a backstop the consumer re-reads
access from the database when its last check is older than RECHECK_SECONDS.

Catch-up: the client connects with `?after=<last event id it saw>`. The consumer joins the
group first and then replays the logged events after that id, so nothing falls in between;
live events it already replayed are dropped by id, so nothing arrives twice.
"""

import asyncio
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from communities import events

RECHECK_SECONDS = 30
PRESENCE_DEBOUNCE_SECONDS = 1.0
FORBIDDEN = 4403

# One pending presence broadcast per community per process: joining and leaving in bulk
# produces one update, not one per connection.
_presence_pending: dict[int, asyncio.Task] = {}


def _readable_community(slug: str, user) -> tuple[int | None, bool]:
    from communities.models import CommunityPage
    from communities.permissions import community_access

    community = CommunityPage.objects.live().filter(slug=slug).first()
    if community is None:
        return None, False
    return community.pk, community_access(community=community, user=user).can_read


def _still_readable(community_id: int, user) -> bool:
    from communities.models import CommunityPage
    from communities.permissions import community_access

    community = CommunityPage.objects.live().filter(pk=community_id).first()
    if community is None:
        return False
    if user.is_authenticated:
        user.__dict__.pop("_community_memberships", None)
    return community_access(community=community, user=user).can_read


def _presence_add(channel_name: str, community_id: int, user_id: int | None) -> None:
    from communities.models import Presence

    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"community_id": community_id, "user_id": user_id},
    )


def _presence_remove(channel_name: str) -> None:
    from communities.models import Presence

    Presence.objects.filter(channel_name=channel_name).delete()


def _presence_count(community_id: int) -> int:
    from communities.selectors import presence_count

    return presence_count(community_id=community_id)


def _events_after(community_id: int, after: int) -> list[dict]:
    from communities.selectors import events_after

    return events_after(community_id=community_id, after=after)


class CommunityConsumer(AsyncJsonWebsocketConsumer):
    """Relays a community's live events to one browser tab, if its user may read them."""

    community_id: int | None = None
    last_id: int = 0
    allowed: bool = False
    checked_at: float = 0.0

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        slug = self.scope["url_route"]["kwargs"]["slug"]
        community_id, readable = await database_sync_to_async(_readable_community)(slug, self.user)
        if not readable:
            await self.close(code=FORBIDDEN)
            return
        self.community_id = community_id
        self.allowed = True
        self.checked_at = time.monotonic()
        self.group = events.community_group(community_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        after = self._after_from_query()
        if after is not None:
            for event in await database_sync_to_async(_events_after)(community_id, after):
                await self._send_event(event)
        else:
            self.last_id = 0
        user_id = self.user.pk if self.user.is_authenticated else None
        await database_sync_to_async(_presence_add)(self.channel_name, community_id, user_id)
        self._presence_changed()

    def _after_from_query(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return max(0, int(query["after"][0]))
        except (KeyError, ValueError, IndexError):
            return None

    async def disconnect(self, code: int) -> None:
        if self.community_id is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await database_sync_to_async(_presence_remove)(self.channel_name)
        self._presence_changed()

    async def receive_json(self, content, **kwargs) -> None:
        # Clients only listen; posting goes through the ordinary forms.
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    # --- relaying -----------------------------------------------------------------------

    def _is_new(self, event_id: int | None) -> bool:
        if event_id is None:
            return True
        if event_id <= self.last_id:
            return False  # already sent during catch-up
        self.last_id = event_id
        return True

    async def _send_event(self, event: dict) -> None:
        if self._is_new(event.get("id")):
            await self.send_json(event)

    async def _relay(self, message: dict) -> None:
        if not self.allowed:
            return
        if time.monotonic() - self.checked_at > RECHECK_SECONDS:
            await self._recheck()
            if not self.allowed:
                return
        if self._is_new(message.get("id")):
            await self.send(text_data=message["text"])

    async def _recheck(self) -> None:
        self.allowed = await database_sync_to_async(_still_readable)(self.community_id, self.user)
        self.checked_at = time.monotonic()
        if not self.allowed:
            await self.close(code=FORBIDDEN)

    async def discussion_thread_created(self, message: dict) -> None:
        await self._relay(message)

    async def discussion_thread_updated(self, message: dict) -> None:
        await self._relay(message)

    async def discussion_reply_created(self, message: dict) -> None:
        await self._relay(message)

    async def discussion_reply_updated(self, message: dict) -> None:
        await self._relay(message)

    async def presence_changed(self, message: dict) -> None:
        if self.allowed:
            await self.send_json({"type": message["type"], "payload": message["payload"]})

    async def membership_revoked(self, message: dict) -> None:
        if self.user.is_authenticated and message["payload"]["user_id"] == self.user.pk:
            await self._recheck()

    async def community_access_changed(self, message: dict) -> None:
        await self._recheck()

    # --- presence -----------------------------------------------------------------------

    def _presence_changed(self) -> None:
        community_id = self.community_id
        if community_id in _presence_pending:
            return
        layer, group = self.channel_layer, self.group

        async def announce() -> None:
            try:
                await asyncio.sleep(PRESENCE_DEBOUNCE_SECONDS)
            finally:
                _presence_pending.pop(community_id, None)
            count = await database_sync_to_async(_presence_count)(community_id)
            await layer.group_send(group, {"type": events.PRESENCE_CHANGED, "payload": {"count": count}})

        _presence_pending[community_id] = asyncio.ensure_future(announce())


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Pushes new notifications to the signed-in person's open tabs."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=FORBIDDEN)
            return
        self.group = events.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification_created(self, message: dict) -> None:
        await self.send_json({"type": message["type"], "payload": message["payload"]})
