"""The production ASGI server, run as a real process: over-long request lines get an answer.

A request line past the server's limit used to have its connection closed with no response
at all (daphne, through Twisted's LineReceiver), which browsers and proxies show as a network
failure. Every limit now answers with a status a client can act on.
"""

import socket

import pytest

from django.http import HttpResponse
from django.urls import path

from tests.communities.conftest import LiveSite

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The production server on an empty SQLite file: /healthz needs no tables, and nothing else is asked."""
    site = LiveSite(tmp_path_factory.mktemp("server") / "empty.sqlite3")
    site.url = site.start_server()
    yield site
    site.stop()
    # No request here may make the application fail (a 20 KB path used to reach
    # CommonMiddleware's slash redirect and log a SuspiciousOperation traceback).
    assert "Traceback" not in site.server_log(), site.server_log()[-4000:]


def raw_get(base_url: str, target: str, headers: str = "") -> tuple[int, dict, bytes]:
    """Send one GET over a plain socket and read until the server closes: (status, headers, body).

    A plain socket, not an HTTP library: the point is what the server writes back, including
    nothing at all.
    """
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received, "the server closed the connection without answering"
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {name.lower(): value for name, value in fields.items()}, body


def test_a_20_kb_address_is_answered_414_with_an_explanation(server):
    status, headers, body = raw_get(server.url, "/healthz?q=" + "a" * 20_000)
    assert status == 414
    assert headers["content-type"].startswith("text/plain")
    assert b"16384 bytes" in body


def test_an_over_long_path_is_answered_414_like_an_over_long_query(server):
    status, _, body = raw_get(server.url, "/" + "p" * 20_000)
    assert status == 414
    assert b"too long" in body


def test_an_8_kb_address_is_served_as_usual(server):
    status, _, body = raw_get(server.url, "/healthz?q=" + "a" * 8_000)
    assert status == 200
    assert b'"database"' in body


def test_an_address_just_within_the_limit_is_served(server):
    target = "/healthz?q="
    status, _, _ = raw_get(server.url, target + "a" * (16384 - len(target)))
    assert status == 200


@pytest.mark.parametrize(
    ("target", "headers"),
    [
        ("/healthz?q=" + "a" * 70_000, ""),
        ("/healthz", f"X-Padding: {'b' * 70_000}\r\n"),
    ],
    ids=["address", "header"],
)
def test_a_request_head_past_64_kb_gets_431_before_the_application_runs(server, target, headers):
    # The server reads at most 64 KB of request line and headers (--http1-buffer-size), so a
    # client cannot make a worker hold megabytes of them; it answers rather than hang up.
    status, fields, _ = raw_get(server.url, target, headers)
    assert status == 431
    assert fields["connection"] == "close"


def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare_view)]


@pytest.mark.asyncio
async def test_a_request_crosses_into_djangos_thread_a_few_times_not_twice_per_middleware(monkeypatch, settings):
    # Each crossing between the event loop and the request's thread is a thread wake-up; on
    # a busy host each waits for a CPU. Django runs every MiddlewareMixin (all of ours) as
    # async under ASGI, crossing twice per middleware: 17 crossings for this view.
    from asgiref.sync import SyncToAsync
    from channels.testing import HttpCommunicator

    from config.asgi import application

    crossings = []
    cross = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        crossings.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await cross(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    # A view of its own that needs no database: the crossings counted are the chain's alone.
    settings.ROOT_URLCONF = __name__
    response = await HttpCommunicator(application, "GET", "/bare/").get_response(timeout=10)
    assert response["status"] == 200
    assert len(crossings) <= 8, crossings
