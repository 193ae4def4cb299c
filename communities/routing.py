"""WebSocket routes for live community discussion and notifications."""

from django.urls import path

from communities import consumers

websocket_urlpatterns = [
    path("ws/communities/<slug:slug>/", consumers.CommunityConsumer.as_asgi()),
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
]
