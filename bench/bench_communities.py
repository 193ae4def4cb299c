"""Live fan-out of community discussion, and the thread page's throughput.

    python -m bench communities [--clients 500] [--rate 4] [--seconds 10] [--client-processes 2]
    python -m bench communities --rates 1,2,3,4       # the curve: offered rate against p99
    python -m bench communities --server daphne       # the same on another server (bench.http)

One server process (granian, the site's server, with one worker) serves this module's ASGI
application: the site's own routes plus a bare group-echo consumer and a "driver" socket the
benchmark uses to make the server post. Both
phases run on the same server and the same channel layer (in-memory, or Redis when
REDIS_URL is set):

1. echo: N clients on the bare echo consumer, the plain Channels pattern: every connection
   joins the group and the layer delivers one message per connection, which the consumer
   forwards as it is (the driver group_sends a small payload, encoded once).
2. community: N anonymous clients on an open community's socket (the real consumer, which
   fans out once per worker process); the driver calls the real `reply_create` service
   (database write, event log, markdown, broadcast after commit).

Each phase first sends one untimed post (the first in a process pays for loading templates
and the like). The server freezes its start-up objects out of the garbage collector, as
config/asgi.py does; otherwise full collections pause it for 100 ms and more.

The N clients live in separate processes (--client-processes), each a lean asyncio WebSocket
client that finds the post's number in the raw frame without decoding JSON, so the clients
take little CPU away from the server on a machine they share. For each phase it prints
delivery latency (driver send to client receive, on the machine's monotonic clock), lost and
duplicated messages, deliveries per second, the server's CPU time per delivery and the
clients' (to show they do not starve it); then the community consumer's server CPU per
delivery as a ratio to the echo consumer's.
Goal: p99 < 150 ms at 2,000 deliveries/s (500 clients x 4 posts/s), zero lost, ratio <= 1.3.
"""

import argparse
import asyncio
import base64
import gc
import json
import os
import re
import subprocess
import sys
import time

from bench.http import ROOT, cpu_seconds, start_server, stop_server

ECHO_GROUP = "bench-echo"
REPLY_PREFIX = b'{"type": "discussion.reply_created"'
REPLY_MARKER = re.compile(rb"bench-(\d+)-")
ECHO_MARKER = re.compile(rb'"n": (\d+)')


# --- The server side: an ASGI application the server loads as bench.bench_communities:application


def _build_application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    from django.core.asgi import get_asgi_application

    django_app = get_asgi_application()

    from channels.auth import AuthMiddlewareStack
    from channels.db import database_sync_to_async
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter

    from django.urls import path

    from communities.consumers import LiveConsumer
    from communities.routing import websocket_urlpatterns

    class EchoConsumer(LiveConsumer):
        """The baseline: join a group, forward what the group sends (already encoded)."""

        async def connect(self):
            await self.channel_layer.group_add(ECHO_GROUP, self.channel_name)
            await self.accept()

        async def disconnect(self, code):
            await self.channel_layer.group_discard(ECHO_GROUP, self.channel_name)

        async def bench_echo(self, message):
            await self.base_send({"type": "websocket.send", "text": message["text"]})

    def _post(thread_id: int, author_id: int, number: int) -> None:
        from accounts.models import User
        from communities.models import Thread
        from communities.services import reply_create

        thread = Thread.objects.select_related("community").get(pk=thread_id)
        reply_create(
            thread=thread,
            author=User.objects.get(pk=author_id),
            body=f"bench-{number}- A reply about **temporary accommodation** costs.",
        )

    class DriverConsumer(AsyncJsonWebsocketConsumer):
        """Makes the server post when the benchmark says so."""

        async def receive_json(self, content, **kwargs):
            number = content["n"]
            if content["mode"] == "echo":
                text = json.dumps({"type": "bench.echo", "payload": {"n": number}})
                await self.channel_layer.group_send(ECHO_GROUP, {"type": "bench.echo", "text": text})
            else:
                await database_sync_to_async(_post)(content["thread_id"], content["author_id"], number)

    # As config/asgi.py does: objects loaded at start-up stay out of the collector's full
    # passes, which otherwise pause a worker holding many connections for 100 ms and more.
    gc.freeze()
    return ProtocolTypeRouter(
        {
            "http": django_app,
            "websocket": AuthMiddlewareStack(
                URLRouter(
                    [
                        path("ws/bench-echo/", EchoConsumer.as_asgi()),
                        path("ws/bench-driver/", DriverConsumer.as_asgi()),
                        *websocket_urlpatterns,
                    ]
                )
            ),
        }
    )


def __getattr__(name):
    if name == "application":
        return _build_application()
    raise AttributeError(name)


# --- The clients: `python -m bench.bench_communities listen <ws url> <origin> <count> <mode>`
# Plain asyncio and no Django: a WebSocket client that does only what the measurement needs.


class _Listener(asyncio.Protocol):
    """One WebSocket client: handshake, then note (post number, arrival time) of each message."""

    def __init__(self, request: bytes, marker: re.Pattern, prefix: bytes, received: list):
        self.request, self.marker, self.prefix, self.received = request, marker, prefix, received
        self.buffer = bytearray()
        self.open = asyncio.get_running_loop().create_future()
        self.upgraded = False
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc) -> None:
        if not self.open.done():
            self.open.set_exception(ConnectionError("closed before the handshake"))

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                self.open.set_exception(ConnectionError(bytes(buffer[:end]).decode(errors="replace")))
                return
            del buffer[: end + 4]
            self.upgraded = True
            self.open.set_result(None)
        position, size = 0, len(buffer)
        while size - position >= 2:
            opcode, length = buffer[position] & 0x0F, buffer[position + 1] & 0x7F
            header = 2
            if length == 126:
                if size - position < 4:
                    break
                length, header = int.from_bytes(buffer[position + 2 : position + 4], "big"), 4
            elif length == 127:
                if size - position < 10:
                    break
                length, header = int.from_bytes(buffer[position + 2 : position + 10], "big"), 10
            if size - position < header + length:
                break
            payload = bytes(buffer[position + header : position + header + length])
            position += header + length
            if opcode == 1:
                if payload.startswith(self.prefix):
                    match = self.marker.search(payload)
                    if match:
                        self.received.append((int(match.group(1)), now))
            elif opcode == 9:
                self._send(0xA, payload)  # pong, or the server drops us after its ping timeout
        del buffer[:position]

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._send(0x8, (1000).to_bytes(2, "big"))
            self.transport.close()


async def _listen(url: str, origin: str, count: int, mode: str) -> None:
    host, port_path = url.removeprefix("ws://").split(":", 1)
    port, path = port_path.split("/", 1)
    marker, prefix = (ECHO_MARKER, b"{") if mode == "echo" else (REPLY_MARKER, REPLY_PREFIX)
    loop = asyncio.get_running_loop()
    received: list[list] = [[] for _ in range(count)]
    listeners = []
    for start in range(0, count, 25):
        batch = []
        for index in range(start, min(count, start + 25)):
            key = base64.b64encode(os.urandom(16)).decode()
            request = (
                f"GET /{path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
            ).encode()
            batch.append(
                loop.create_connection(lambda r=request, i=index: _Listener(r, marker, prefix, received[i]), host, port)
            )
        for _, listener in await asyncio.gather(*batch):
            listeners.append(listener)
        await asyncio.wait_for(asyncio.gather(*(listener.open for listener in listeners[start:])), 60)
    print("ready", flush=True)
    cpu_ready = time.process_time()
    stop = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or stop.set_result(None))
    while not stop.done():
        print("progress", sum(len(r) for r in received), flush=True)
        await asyncio.wait([stop], timeout=0.1)
    for listener in listeners:
        listener.close()
    cpu = time.process_time() - cpu_ready
    print("result", json.dumps({"cpu": cpu, "received": received}, separators=(",", ":")), flush=True)


# --- The measuring side ------------------------------------------------------------------


def _world(authors: int) -> dict:
    """An open community with a thread, and enough authors to stay under the post rate limit."""
    from accounts.models import User
    from communities.factories import ReplyFactory, ThreadFactory, community_create
    from communities.models import CommunityPage, Membership, Thread

    community = CommunityPage.objects.filter(slug="bench-fan-out").first() or community_create(
        title="Bench fan-out", slug="bench-fan-out", access="open"
    )
    people = []
    for number in range(authors):
        user, _ = User.objects.get_or_create(email=f"bench-author-{number}@bench.example")
        Membership.objects.get_or_create(community=community, user=user)
        people.append(user.pk)
    thread = Thread.objects.filter(community=community, title="Fan-out thread").first()
    if thread is None:
        thread = ThreadFactory(community=community, title="Fan-out thread", author_id=people[0])
    page_thread = Thread.objects.filter(community=community, title="Thread page benchmark").first()
    if page_thread is None:
        page_thread = ThreadFactory(community=community, title="Thread page benchmark", author_id=people[0])
        ReplyFactory.create_batch(25, thread=page_thread, author_id=people[0])
    return {
        "slug": community.slug,
        "thread_id": thread.pk,
        # The first person wrote the seeded threads and replies: the others do the posting.
        "authors": people[1:],
        "page_url": page_thread.get_absolute_url(),
    }


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _start_clients(url: str, origin: str, clients: int, processes: int, mode: str) -> list:
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    procs = []
    for share in shares:
        if share:
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bench.bench_communities",
                    "listen",
                    url,
                    origin,
                    str(share),
                    mode,
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    limit=2**28,
                )
            )
    for proc in procs:
        line = await asyncio.wait_for(proc.stdout.readline(), 120)
        if line.strip() != b"ready":
            raise SystemExit(f"a client process failed to connect: {line!r}")
    return procs


async def _phase(
    *, base: str, mode: str, world: dict, clients: int, rate: float, seconds: float, pid: int, processes: int
) -> dict:
    from websockets.asyncio.client import connect

    ws_base = base.replace("http", "ws", 1)
    path = "/ws/bench-echo/" if mode == "echo" else f"/ws/communities/{world['slug']}/"
    procs = await _start_clients(ws_base + path, base, clients, processes, mode)
    progress = [0] * len(procs)
    results: list[dict] = [{} for _ in procs]

    async def follow(index: int, proc) -> None:
        async for line in proc.stdout:
            kind, _, rest = line.partition(b" ")
            if kind == b"progress":
                progress[index] = int(rest)
            elif kind == b"result":
                results[index] = json.loads(rest)

    followers = [asyncio.ensure_future(follow(i, proc)) for i, proc in enumerate(procs)]
    await asyncio.sleep(2.5)  # let presence updates from the connections settle
    driver = await connect(ws_base + "/ws/bench-driver/", origin=base, open_timeout=30)
    posts = max(1, int(rate * seconds))
    offset = int(time.time()) % len(world["authors"])

    def command(number: int) -> str:
        author = world["authors"][(offset + number) % len(world["authors"])]
        return json.dumps({"mode": mode, "n": number, "thread_id": world["thread_id"], "author_id": author})

    # One untimed post first (numbered after the timed ones): the first post in a process pays
    # for loading templates, markdown extensions and so on.
    await driver.send(command(posts))
    warm_until = time.monotonic() + 10
    while sum(progress) < clients and time.monotonic() < warm_until:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    sent: dict[int, float] = {}
    cpu_before = cpu_seconds(pid)
    started = time.monotonic()
    for number in range(posts):
        target = started + number / rate
        await asyncio.sleep(max(0.0, target - time.monotonic()))
        text = command(number)
        sent[number] = time.monotonic()
        await driver.send(text)
    # Wait for stragglers: until every client has everything, or 10 s of nothing new.
    deadline = time.monotonic() + 30
    last_total, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        total = sum(progress) - clients  # less the warm-up post
        if total >= posts * clients:
            break
        if total != last_total:
            last_total, quiet_since = total, time.monotonic()
        elif time.monotonic() - quiet_since > 10:
            break
        await asyncio.sleep(0.05)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(pid) - cpu_before
    await driver.close()
    for proc in procs:
        proc.stdin.write(b"stop\n")
        await proc.stdin.drain()
    await asyncio.gather(*followers)
    await asyncio.gather(*(proc.wait() for proc in procs))

    latencies, delivered, duplicates, lost = [], 0, 0, 0
    for result in results:
        for deliveries in result["received"]:
            seen: dict[int, float] = {}
            for number, arrived in deliveries:
                if number in seen:
                    duplicates += 1
                else:
                    seen[number] = arrived
            for number in range(posts):
                if number not in seen:
                    lost += 1
                    continue
                delivered += 1
                latencies.append((seen[number] - sent[number]) * 1000)
    return {
        "mode": mode,
        "clients": clients,
        "posts": posts,
        "delivered": delivered,
        "lost": lost,
        "duplicates": duplicates,
        "per_second": delivered / elapsed if elapsed else 0.0,
        "p50": _percentile(latencies, 50),
        "p95": _percentile(latencies, 95),
        "p99": _percentile(latencies, 99),
        "cpu_per_delivery_us": cpu / delivered * 1e6 if delivered else float("nan"),
        "client_cpu_per_delivery_us": sum(r["cpu"] for r in results) / delivered * 1e6 if delivered else float("nan"),
    }


def _line(result: dict) -> str:
    return (
        f"  {result['mode']:<10} {result['clients']} clients x {result['posts']} posts: "
        f"p50 {result['p50']:.1f} ms  p95 {result['p95']:.1f} ms  p99 {result['p99']:.1f} ms  "
        f"{result['per_second']:.0f} deliveries/s  lost {result['lost']}  duplicated {result['duplicates']}  "
        f"server CPU {result['cpu_per_delivery_us']:.1f} us/delivery  "
        f"(clients {result['client_cpu_per_delivery_us']:.1f} us/delivery)"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench communities")
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=float, default=4.0, help="posts per second")
    parser.add_argument("--rates", default="", help="comma-separated post rates: measure each (the curve)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--server", default="granian", help="granian (the site's), uvicorn or daphne")
    parser.add_argument("--thread-page-only", action="store_true", help="skip the fan-out: only the thread page")
    args = parser.parse_args(argv)
    rates = [float(rate) for rate in args.rates.split(",") if rate] or [args.rate]

    from bench.common import setup_django

    # Its own SQLite file unless DATABASE_URL says otherwise: other benchmarks may be
    # writing var/bench.sqlite3 at the same time.
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_communities.sqlite3'}")
    setup_django()
    # One post per author per run keeps every author well under the posting rate limit.
    world = _world(authors=max(50, int(max(rates) * args.seconds) + 2))

    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    # Start from an empty layer: groups a previous run could not leave would cost this one.
    async_to_sync(get_channel_layer().flush)()
    if not args.thread_page_only:
        _fan_out(args, rates, world)
    _thread_page(world)


def _fan_out(args, rates: list[float], world: dict) -> None:
    layer = "channels-redis" if os.environ.get("REDIS_URL") else "in-memory channel layer"
    print(
        f"Live fan-out on one {args.server} process, {layer}: {args.clients} clients in {args.client_processes} "
        f"client processes, {os.cpu_count()} CPUs. Goal: p99 < 150 ms at 2,000 deliveries/s "
        "(500 clients x 4 posts/s), 0 lost, CPU ratio <= 1.3"
    )
    server, base = start_server(
        args.server, "bench.bench_communities:application", log=ROOT / "var" / f"bench_communities_{args.server}.log"
    )
    try:
        for rate in rates:
            print(f" {rate:g} posts/s = {args.clients * rate:.0f} deliveries/s offered")
            results = {}
            for mode in ("echo", "community"):
                results[mode] = asyncio.run(
                    _phase(
                        base=base,
                        mode=mode,
                        world=world,
                        clients=args.clients,
                        rate=rate,
                        seconds=args.seconds,
                        pid=server.pid,
                        processes=args.client_processes,
                    )
                )
                print(_line(results[mode]))
            echo_cpu = results["echo"]["cpu_per_delivery_us"]
            if echo_cpu > 0:
                ratio = results["community"]["cpu_per_delivery_us"] / echo_cpu
                print(
                    f"  ratio server CPU per delivery, community consumer / bare echo consumer: {ratio:.2f}"
                    "  (goal: <= 1.3)"
                )
            else:  # too short a run for the clock to see the echo server's CPU
                print("  ratio server CPU per delivery: not measurable at this size; run more clients or seconds")
    finally:
        stop_server(server)


def _thread_page(world: dict) -> None:
    from django.test import Client

    from accounts.models import User
    from bench.common import bare, bare_view_timing, client_get, print_ratio, time_requests

    client = Client()
    client.force_login(User.objects.get(email="bench-author-0@bench.example"))
    baseline = bare_view_timing(client)
    thread_page = time_requests(
        "thread page, 25 replies (member)", client_get(client, world["page_url"]), baseline=bare(client)
    )
    for timing in (baseline, thread_page):
        print(timing.line())
    print_ratio("thread page", thread_page, baseline)


if __name__ == "__main__":
    if sys.argv[1:2] == ["listen"]:
        url, origin, count, mode = sys.argv[2:6]
        asyncio.run(_listen(url, origin, int(count), mode))
    else:
        main(sys.argv[1:])
