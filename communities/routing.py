"""WebSocket routes for live community discussion."""

websocket_urlpatterns: list = []
