"""WebSocket routes of every app, gathered in one place for config.asgi.

The last route catches every address no app claims (a missing trailing slash, "//", a typo):
Channels' URLRouter would otherwise raise "No route found" and the handshake would fail with
a server error. It is refused with 4404, the WebSocket counterpart of a 404.
"""

from channels.generic.websocket import AsyncWebsocketConsumer

from django.urls import re_path

from communities.routing import websocket_urlpatterns as communities_websockets

NOT_FOUND = 4404


class NoRouteConsumer(AsyncWebsocketConsumer):
    """Refuses a WebSocket handshake to an address no route serves."""

    async def connect(self) -> None:
        await self.close(code=NOT_FOUND)


websocket_urlpatterns = [*communities_websockets, re_path(r"", NoRouteConsumer.as_asgi())]
