"""WebSocket consumers: live discussion per community, and each person's notifications.

Fan-out happens once per worker process, not once per connection: each process joins a
community's channel-layer group with one channel of its own (`Fanout`) and hands every event
to its local connections in order. A post therefore costs the channel layer one message per
worker, whatever the number of open tabs, and relaying to a tab is a few checks on data held
in memory followed by forwarding text the service encoded once after commit. Nothing on that
path touches the database or hops to a thread.

Access is checked against the database on connect. After that it lives in a per-process cache
shared by every connection of the same viewer to the same community:

- a membership change (removal, leaving) or a change of the community's access travels
  through the community's group, in order with the events, so the worker holds that person's
  connections (or all of them), re-checks once, and closes those no longer allowed before
  relaying anything sent after the change;
- as a backstop (a lost message, a site moderator demoted elsewhere) each worker re-checks
  every cached decision in the background every HOUSEKEEPING_SECONDS, and a decision older
  than RECHECK_SECONDS is re-checked before use.

Catch-up: events carry their community's sequence number ("id"), given in commit order. The
client connects with `?after=<last number it saw>`; the consumer joins the fan-out first and
then replays the log after that number, so nothing falls in between. The replay shows each
thread or reply as it is now (removed, hidden, deleted, edited), and a point older than the
log's window gets "catch_up.expired" (reload) instead of a silent gap. Live events at or below
the last number sent are dropped (no duplicates); a live event that skips a number (its
predecessor's broadcast is still on its way from another process) makes the consumer replay
the missing numbers from the log first (no gaps).

Presence: each connection's row names its worker process, which says it is alive every
HOUSEKEEPING_SECONDS; counts ignore workers silent for PRESENCE_EXPIRY_SECONDS (crashed), and
any live worker deletes them with their rows, so counts heal.
"""

import asyncio
import json
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer

from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict

from communities import events

RECHECK_SECONDS = 30
HOUSEKEEPING_SECONDS = 10
PRESENCE_DEBOUNCE_SECONDS = 1.0
# How long one change message's re-check is shared by the process's other copies of it.
CHANGE_MEMORY_SECONDS = 60
FORBIDDEN = 4403
# This process, as the owner of its presence rows.
WORKER = f"{socket.gethostname()[:40]}.{os.getpid()}.{uuid.uuid4().hex[:8]}"


# --- Database work (run in a thread through database_sync_to_async) ------------------------


def _readable_community(slug: str, user) -> tuple[int | None, bool]:
    from communities.models import CommunityPage
    from communities.permissions import community_access

    community = CommunityPage.objects.live().filter(slug=slug).first()
    if community is None:
        return None, False
    return community.pk, community_access(community=community, user=user).can_read


def _readable_many(checks: list[tuple[int, object]]) -> list[bool]:
    from communities.permissions import can_read_many

    return can_read_many(checks=checks)


def _still_readable(community_id: int, user) -> bool:
    return _readable_many([(community_id, user)])[0]


def _catch_up(community_id: int, after: int):
    from communities.selectors import catch_up

    return catch_up(community_id=community_id, after=after)


def _presence_add(channel_name: str, community_id: int, user_id: int | None) -> None:
    from communities.services import presence_add

    presence_add(channel_name=channel_name, community_id=community_id, user_id=user_id, worker=WORKER)


def _presence_remove(channel_name: str) -> None:
    from communities.services import presence_remove

    presence_remove(channel_name=channel_name)


def _presence_heartbeat() -> set[int]:
    from communities.services import presence_heartbeat

    return presence_heartbeat(worker=WORKER)


def _presence_count(community_id: int) -> int:
    from communities.selectors import presence_count

    return presence_count(community_id=community_id)


# --- Per-process live state ----------------------------------------------------------------

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Access:
    """A cached read decision for one viewer in one community, shared by their connections."""

    community_id: int
    user: object
    allowed: bool
    checked_at: float  # time.monotonic() when the check that set `allowed` started
    consumers: set = field(default_factory=set)


class Fanout:
    """This process's subscription to one community's group, relaying to its local connections."""

    def __init__(self, state: "LiveState", community_id: int):
        self.state, self.community_id = state, community_id
        self.consumers: dict[CommunityConsumer, None] = {}  # insertion-ordered set
        self.channel = ""
        self.ready = state.loop.create_future()
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        try:
            layer = self.state.layer
            self.channel = await layer.new_channel()
            await layer.group_add(events.community_group(self.community_id), self.channel)
            self.task = self.state.loop.create_task(self._run())
            self.ready.set_result(None)
        except BaseException as error:
            self.ready.set_exception(error)
            raise

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.channel:
            await self.state.layer.group_discard(events.community_group(self.community_id), self.channel)

    async def _run(self) -> None:
        layer = self.state.layer
        while True:
            try:
                message = await layer.receive(self.channel)
            except Exception:
                # The layer is unreachable (Redis restarting): try again. Events missed meanwhile
                # are replayed from the log when the next one shows the gap.
                logger.exception("live fan-out could not receive")
                await asyncio.sleep(1)
                continue
            try:
                await self.dispatch(message)
            except Exception:
                logger.exception("live fan-out failed for %s", message.get("type"))

    async def dispatch(self, message: dict) -> None:
        kind = message["type"]
        if kind in events.LOGGED_TYPES:
            for consumer in list(self.consumers):
                await consumer.deliver(message)
        elif kind == events.PRESENCE_CHANGED:
            text = json.dumps({"type": kind, "payload": message["payload"]})
            for consumer in list(self.consumers):
                await consumer.deliver({"type": kind, "text": text})
        elif kind == events.MEMBERSHIP_CHANGED:
            entry = self.state.access.get((self.community_id, message["payload"]["user_id"]))
            if entry is not None:
                self.state.hold_for_check(entry, message["payload"]["change"])
        elif kind == events.ACCESS_CHANGED:
            for key, entry in list(self.state.access.items()):
                if key[0] == self.community_id:
                    self.state.hold_for_check(entry, message["payload"]["change"])


class LiveState:
    """What one worker process knows about its live connections (one per event loop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.layer = get_channel_layer()
        self.access: dict[tuple[int, int | None], Access] = {}
        self.fanouts: dict[int, Fanout] = {}
        self.checks: dict[tuple, asyncio.Future] = {}
        self.presence_pending: dict[int, asyncio.Task] = {}
        self.housekeeping: asyncio.Task | None = None

    async def join(self, consumer: "CommunityConsumer", allowed_at: float) -> Access:
        """Start relaying the community's events to `consumer` (held until it releases them)."""
        community_id = consumer.community_id
        key = (community_id, consumer.user_id)
        entry = self.access.get(key)
        if entry is None:
            entry = self.access[key] = Access(community_id, consumer.user, True, allowed_at)
        elif allowed_at >= entry.checked_at:
            entry.allowed, entry.checked_at = True, allowed_at
        entry.consumers.add(consumer)
        if self.housekeeping is None or self.housekeeping.done():
            self.housekeeping = self.loop.create_task(self._housekeep())
        fanout = self.fanouts.get(community_id)
        if fanout is None:
            fanout = self.fanouts[community_id] = Fanout(self, community_id)
            fanout.consumers[consumer] = None
            await fanout.start()
        else:
            fanout.consumers[consumer] = None
            await asyncio.shield(fanout.ready)
        return entry

    async def leave(self, consumer: "CommunityConsumer") -> None:
        key = (consumer.community_id, consumer.user_id)
        entry = self.access.get(key)
        if entry is not None:
            entry.consumers.discard(consumer)
            if not entry.consumers:
                del self.access[key]
        fanout = self.fanouts.get(consumer.community_id)
        if fanout is not None:
            fanout.consumers.pop(consumer, None)
            if not fanout.consumers:
                del self.fanouts[consumer.community_id]
                await fanout.stop()
        if not self.access and self.housekeeping is not None:
            self.housekeeping.cancel()
            self.housekeeping = None

    def _apply(self, entry: Access, allowed: bool, started: float) -> None:
        # A check that started earlier never overrides a later one's answer.
        if started >= entry.checked_at:
            entry.allowed, entry.checked_at = allowed, started

    async def check(self, entry: Access, change: str | None = None) -> bool:
        """Re-check one viewer's access now; copies of the same change message share one check."""
        key = (entry.community_id, entry.user.pk, change)
        future = self.checks.get(key)
        if future is None:

            async def run() -> bool:
                started = time.monotonic()
                allowed = await database_sync_to_async(_still_readable)(entry.community_id, entry.user)
                self._apply(entry, allowed, started)
                return allowed

            future = self.checks[key] = self.loop.create_task(run())
            if change is None:
                future.add_done_callback(lambda _: self.checks.pop(key, None))
            else:
                self.loop.call_later(CHANGE_MEMORY_SECONDS, self.checks.pop, key, None)
        await asyncio.shield(future)
        return entry.allowed

    def hold_for_check(self, entry: Access, change: str) -> None:
        """Hold these connections' events until their access is re-checked after `change`."""
        for consumer in list(entry.consumers):
            consumer.hold({"type": "_recheck", "change": change})

    async def housekeep_once(self) -> None:
        """Re-check cached access, renew group memberships, say this worker is alive, sweep dead ones."""
        now = time.monotonic()
        entries = [entry for entry in self.access.values() if now - entry.checked_at >= HOUSEKEEPING_SECONDS]
        if entries:
            results = await database_sync_to_async(_readable_many)([(e.community_id, e.user) for e in entries])
            for entry, allowed in zip(entries, results, strict=True):
                self._apply(entry, allowed, now)
                if not entry.allowed:
                    for consumer in list(entry.consumers):
                        await consumer.deny()
        # Group memberships expire in every channel layer (a day by default): renew this worker's.
        for fanout in list(self.fanouts.values()):
            if fanout.ready.done() and not fanout.ready.cancelled() and fanout.ready.exception() is None:
                await self.layer.group_add(events.community_group(fanout.community_id), fanout.channel)
        swept = await database_sync_to_async(_presence_heartbeat)()
        for community_id in swept:
            self.presence_changed(community_id)

    async def _housekeep(self) -> None:
        # The first round runs at once: a worker starting up clears what a crashed one left.
        while True:
            try:
                await self.housekeep_once()
            except Exception:
                logger.exception("live housekeeping failed")
            await asyncio.sleep(HOUSEKEEPING_SECONDS)

    def presence_changed(self, community_id: int) -> None:
        """Announce the community's presence count soon; bursts of joins make one update."""
        if community_id in self.presence_pending:
            return
        layer = self.layer

        async def announce() -> None:
            try:
                await asyncio.sleep(PRESENCE_DEBOUNCE_SECONDS)
            finally:
                self.presence_pending.pop(community_id, None)
            count = await database_sync_to_async(_presence_count)(community_id)
            await layer.group_send(
                events.community_group(community_id),
                {"type": events.PRESENCE_CHANGED, "payload": {"count": count}},
            )

        self.presence_pending[community_id] = self.loop.create_task(announce())


_state: LiveState | None = None


def live_state() -> LiveState:
    """This process's live state (a fresh one for each event loop, as in tests)."""
    global _state
    loop = asyncio.get_running_loop()
    if _state is None or _state.loop is not loop:
        _state = LiveState(loop)
    return _state


# --- Consumers ------------------------------------------------------------------------------


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Base for the live consumers: no database work around each message.

    Channels' own dispatch hops to a thread to close stale database connections before every
    handler. These handlers reach the database only through database_sync_to_async, which does
    that itself, so relaying skips the hop.

    Clients only listen (posting goes through the ordinary forms); the one thing they may send
    is {"type": "ping"}. Any other frame (binary, not JSON, not an object, an unknown or
    non-string type) is answered with {"type": "error", "reason": ...} and the socket stays
    open, instead of the decoding error escaping and the server closing it with 1011.
    """

    async def dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        if text_data is None:
            await self.send_error("Binary frames are not understood: send JSON text.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("The frame is not JSON.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error('Send a JSON object with a "type" string.')
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs) -> None:
        if content["type"] == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error(f'Unknown message type {content["type"][:50]!r}: only "ping" is understood.')

    async def send_error(self, reason: str) -> None:
        await self.send_json({"type": "error", "reason": reason})


class CommunityConsumer(LiveConsumer):
    """Relays a community's live events to one browser tab, if its user may read them.

    Events arrive from the process's `Fanout` through `deliver`, not through a channel of the
    connection's own, so the consumer has none.
    """

    channel_layer_alias = None
    community_id: int | None = None
    access: Access | None = None
    last_seq: int | None = None
    denied: bool = False
    # Messages waiting while the connection is busy (connecting, catching up, re-checking
    # access); None when idle. Order is kept: nothing overtakes what is held.
    held: list | None = None

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.user_id = self.user.pk if self.user.is_authenticated else None
        self.presence_id = f"live.{uuid.uuid4().hex}"
        slug = self.scope["url_route"]["kwargs"]["slug"]
        checked_at = time.monotonic()
        community_id, readable = await database_sync_to_async(_readable_community)(slug, self.user)
        if not readable:
            await self.close(code=FORBIDDEN)
            return
        self.community_id = community_id
        self.held = []  # nothing is sent before the socket is accepted and caught up
        self.access = await live_state().join(self, checked_at)
        await self.accept()
        self.last_seq = self._after_from_query()
        if self.last_seq is not None:
            await self._replay()
        await self._drain()
        await database_sync_to_async(_presence_add)(self.presence_id, community_id, self.user_id)
        live_state().presence_changed(community_id)

    def _after_from_query(self) -> int | None:
        """The `?after=` catch-up point: a whole number from 0 the log can hold, else none.

        The query string is whatever the client sent (QueryDict falls back to Latin-1 for bytes
        that are not UTF-8); a bad or missing point means no catch-up, not a failed handshake.
        """
        from communities.forms import CatchUpQueryForm

        try:
            query = QueryDict(self.scope.get("query_string", b""))
        except SuspiciousOperation:  # too many fields
            return None
        form = CatchUpQueryForm(query)
        return form.cleaned_data["after"] if form.is_valid() else None

    async def disconnect(self, code: int) -> None:
        if self.access is None:
            return
        await live_state().leave(self)
        self.access = None
        await database_sync_to_async(_presence_remove)(self.presence_id)
        live_state().presence_changed(self.community_id)

    # --- relaying (called by the process's Fanout, in order) -------------------------------

    async def deliver(self, message: dict) -> None:
        """The hot path: forward the event now, or hold it behind slower work."""
        if self.held is not None:
            self.held.append(message)
            return
        if self.denied:
            return
        access = self.access
        seq = message.get("id")
        last = self.last_seq
        if (
            not access.allowed
            or time.monotonic() - access.checked_at > RECHECK_SECONDS
            or (seq is not None and last is not None and seq > last + 1)
        ):
            self.hold(message)  # access to re-check, or a gap to fill from the log
            return
        if seq is not None:
            if last is not None and seq <= last:
                return  # already sent (catch-up, or a replayed gap)
            self.last_seq = seq
        await self.base_send({"type": "websocket.send", "text": message["text"]})

    def hold(self, message: dict) -> None:
        """Queue `message` behind a task of this connection's own that works through the queue."""
        if self.held is not None:
            self.held.append(message)
            return
        self.held = [message]
        asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            # Stops when the connection is denied, or closed (disconnect clears `access`).
            while self.held and not self.denied and self.access is not None:
                message = self.held.pop(0)
                await self._relay_slowly(message)
        except Exception:
            logger.exception("live relay failed")
            await self.deny()
        finally:
            self.held = None

    async def _relay_slowly(self, message: dict) -> None:
        access = self.access
        if message["type"] == "_recheck":
            await live_state().check(access, message["change"])
        elif access.allowed and time.monotonic() - access.checked_at > RECHECK_SECONDS:
            await live_state().check(access)
        if not access.allowed:
            await self.deny()
            return
        if message["type"] == "_recheck":
            return
        seq = message.get("id")
        if seq is not None and self.last_seq is not None:
            if seq > self.last_seq + 1:
                await self._replay()
            if seq <= self.last_seq:
                return
        if seq is not None:
            self.last_seq = seq
        await self.base_send({"type": "websocket.send", "text": message["text"]})

    async def deny(self) -> None:
        if not self.denied:
            self.denied = True
            await self.close(code=FORBIDDEN)

    async def _replay(self) -> None:
        """Send every logged event after `last_seq`, in order, as its subject is now.

        A point older than the log keeps is not caught up: the client is told to reload, and
        gets live events from the log's head on.
        """
        while True:
            caught = await database_sync_to_async(_catch_up)(self.community_id, self.last_seq)
            if caught.expired:
                await self.send_json({"type": events.CATCH_UP_EXPIRED, "payload": {"reload": True}})
                self.last_seq = caught.through
                return
            for event in caught.events:
                if self.denied:
                    return
                await self.send_json(event)
                self.last_seq = event["id"]
            self.last_seq = max(self.last_seq, caught.through)
            if not caught.more:
                return


class NotificationConsumer(LiveConsumer):
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
        await self.send_json({"type": message["type"], "payload": message["payload"], "badge": message.get("badge")})

    async def notifications_read(self, message: dict) -> None:
        """Read in another tab: the header's count follows."""
        await self.send_json({"type": message["type"], "payload": message["payload"], "badge": message.get("badge")})
