"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Served by granian (`make serve`; README, Production layout): one process per host with
`--workers` per core, REDIS_URL set so the workers share one channel layer, static files from
WhiteNoise in each worker. `python -m bench server` compares it with uvicorn and daphne.

Over-long requests: granian reads at most 64 KB of request line and headers
(`--http1-buffer-size 65536`) and answers 431 past it, before the application runs. Below
that, `RequestTargetLimit` holds the path and query to MAX_REQUEST_TARGET_BYTES (16 KB: far
more than any address the site makes, and the limit daphne had); past it a visitor gets a
414 saying so, where daphne closed the connection without a word (Twisted's line limit).
"""

import gc
import os

from asgiref.sync import sync_to_async

import django
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")


class SyncMiddlewareASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain built sync and entered once per request.

    Under ASGI Django runs each middleware that says it can run async in async mode, and
    every MiddlewareMixin subclass says so (all of ours, Django's, WhiteNoise's, allauth's,
    Wagtail's); a sync one then crosses from the event loop to the request's thread and back
    for its process_request and again for its process_response: 17 crossings for /healthz,
    each a thread wake-up that on a busy host waits for a CPU. Everything in the chain is sync,
    so it is built as WSGI builds it and run in the request's thread in one crossing.
    Precondition: no middleware that is async only (it would run through async_to_sync).
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


# Django must be set up before anything imports models (consumers, routing).
django.setup(set_prefix=False)
django_asgi_app = SyncMiddlewareASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

MAX_REQUEST_TARGET_BYTES = 16384


class RequestTargetLimit:
    """ASGI middleware: 414 for an HTTP request whose path and query exceed `limit` bytes.

    Checked before Django sees the request: nothing on the site needs an address that long,
    and Django would otherwise spend a request on it (and CommonMiddleware's slash redirect
    refuses a URL that long with a logged SuspiciousOperation). WebSocket routes have fixed
    short paths and are left to the router.
    """

    def __init__(self, app, limit: int = MAX_REQUEST_TARGET_BYTES):
        self.app = app
        self.limit = limit
        self.body = (
            f"414 Request-URI too long: this address is longer than the {limit} bytes the site accepts.\n".encode()
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _target_length(scope) > self.limit:
            await send(
                {
                    "type": "http.response.start",
                    "status": 414,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(self.body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": self.body})
            return
        await self.app(scope, receive, send)


def _target_length(scope) -> int:
    """Bytes of the request target as the client sent it: raw path, and `?query` if any."""
    path = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    return len(path) + (len(query) + 1 if query else 0)


application = RequestTargetLimit(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
)

# Objects loaded at start-up (Django, Wagtail, the URLconf) stay out of the collector's full
# passes, which otherwise pause a worker holding hundreds of WebSocket connections for 100 ms and more.
gc.freeze()
