"""Peer challenge and peer support URLs, at their full paths."""

# Registers the <id:...> converter the patterns below use.
from config import converters  # noqa: F401

app_name = "peers"

urlpatterns: list = []
