"""Whatever a client sends, communities answer it: bad values are ignored or refused, never a 500.

Query parameters, hidden form fields, WebSocket paths, query strings and frames come from
anyone; each is read through a bounded field, and a socket is refused or told what was wrong
(and stays open) instead of the exception escaping to the server.
"""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from django.contrib.auth.models import AnonymousUser
from django.test import Client

from config.routing import websocket_urlpatterns
from tests.communities.conftest import make_viewer

BAD_IDS = ["%C2%B2", "-1", "0", "1e3", "99999999999999999999999999", "%00", "abc", ""]


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_quote_in_the_thread_address_is_ignored(discussion, value):
    community, thread, _reply = discussion("open")
    member = make_viewer("member", community)
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.get(f"{thread.get_absolute_url()}?quote={value}")
    assert response.status_code == 200
    assert "Quoting" not in response.text
    assert 'name="body"' in response.text


@pytest.mark.django_db
def test_a_good_quote_is_still_quoted(discussion):
    community, thread, reply = discussion("open")
    client = Client()
    client.force_login(make_viewer("member", community))
    response = client.get(f"{thread.get_absolute_url()}?quote={reply.pk}")
    assert "Quoting" in response.text
    assert f'value="{reply.pk}"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999999999", "-5", "²", "x"])
def test_a_bad_quote_in_a_posted_reply_is_ignored_and_the_reply_posted(discussion, value):
    from communities.models import Reply

    community, thread, _reply = discussion("open")
    client = Client(raise_request_exception=False)
    client.force_login(make_viewer("member", community))
    response = client.post(thread.get_absolute_url(), {"body": "Posted with a bad quote", "quote": value})
    assert response.status_code == 302
    posted = Reply.objects.get(body="Posted with a bad quote")
    assert posted.quote is None


def _app(user=None, query_string: bytes | None = None):
    """The project's WebSocket routes, as config.asgi serves them, for `user`."""
    router = URLRouter(websocket_urlpatterns)

    async def app(scope, receive, send):
        scope = {**scope, "user": user or AnonymousUser()}
        if query_string is not None:
            scope["query_string"] = query_string
        return await router(scope, receive, send)

    return app


async def _still_answers(communicator) -> None:
    await communicator.send_json_to({"type": "ping"})
    while True:
        frame = json.loads(await communicator.receive_from(timeout=3))
        if frame["type"] == "pong":
            return


async def _next_error(communicator) -> dict:
    while True:
        frame = json.loads(await communicator.receive_from(timeout=3))
        if frame["type"] == "error":
            return frame


@pytest.mark.parametrize(
    "query_string",
    [
        b"after=%C2%B2",
        b"after=99999999999999999999999999",
        b"after=-3",
        b"after=\xff\xfe",
        b"\xff=1",
        b"after=1&after=x",
    ],
)
@pytest.mark.usefixtures("close_db_threads")
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_bad_catch_up_point_is_ignored_and_the_socket_opens(discussion, query_string):
    community, _, _ = await sync_to_async(discussion)("open")
    communicator = WebsocketCommunicator(_app(query_string=query_string), f"/ws/communities/{community.slug}/")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    await _still_answers(communicator)
    frames = []
    while not await communicator.receive_nothing(timeout=0.5):
        frames.append(json.loads(await communicator.receive_from()))
    assert not [frame for frame in frames if frame["type"] == "catch_up.expired"]
    await communicator.disconnect()


@pytest.mark.parametrize(
    "path", ["/ws/communities/some-slug", "/ws/communities//", "//ws/notifications/", "/ws/nothing-here/", "/"]
)
@pytest.mark.asyncio
async def test_a_websocket_address_that_matches_no_route_is_refused_cleanly(path):
    communicator = WebsocketCommunicator(_app(), path)
    connected, code = await communicator.connect(timeout=3)
    assert (connected, code) == (False, 4404)


BAD_FRAMES = [
    {"text_data": "not json"},
    {"text_data": "[1, 2]"},
    {"text_data": "42"},
    {"text_data": '"ping"'},
    {"text_data": "null"},
    {"text_data": '{"type": 5}'},
    {"text_data": '{"type": ["ping"]}'},
    {"text_data": '{"no": "type"}'},
    {"text_data": '{"type": "launch"}'},
    {"bytes_data": b"\x00\x01binary"},
]


@pytest.mark.parametrize("frame", BAD_FRAMES, ids=lambda frame: repr(next(iter(frame.values())))[:30])
@pytest.mark.parametrize("route", ["community", "notifications"])
@pytest.mark.usefixtures("close_db_threads")
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_bad_frame_gets_an_error_message_and_the_socket_stays_open(discussion, route, frame):
    community, _, _ = await sync_to_async(discussion)("open")
    user = await sync_to_async(make_viewer)("member", community)
    path = f"/ws/communities/{community.slug}/" if route == "community" else "/ws/notifications/"
    communicator = WebsocketCommunicator(_app(user), path)
    assert (await communicator.connect(timeout=5))[0]
    await communicator.send_to(**frame)
    error = await _next_error(communicator)
    assert error["reason"]
    await _still_answers(communicator)
    await communicator.disconnect()
