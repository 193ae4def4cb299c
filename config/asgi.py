"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Served by daphne (`daphne config.asgi:application`); run several processes behind a reverse
proxy in production, with REDIS_URL set so they share one channel layer.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Django must be set up before anything imports models (consumers, routing).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Objects loaded at start-up (Django, Wagtail, the URLconf) stay out of the collector's full
# passes, which otherwise pause a worker holding hundreds of WebSocket connections for 100 ms and more.
gc.freeze()
