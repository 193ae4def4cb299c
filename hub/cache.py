"""Whole-page cache of the library for anonymous visitors.

Every cached page is keyed by a generation number and the absolute URL it was asked for:
scheme, host and path with query string. The host belongs in the key because pages and
feeds build absolute links from it (and Wagtail picks the site by it): keyed by path alone,
one request with `Host: localhost:8000` would hand every later visitor links to localhost.
Only hosts in ALLOWED_HOSTS get this far (`request.get_host()` refuses the rest).

Anything that changes what an anonymous visitor sees (a case study published or unpublished,
a comment posted or removed, a useful vote) bumps the generation, so every cached page goes
stale at once: simple and correct, at the price of re-rendering pages that did not change.
"""

from django.core.cache import cache
from django.http import HttpRequest

GENERATION_KEY = "hub:page-cache:generation"
TIMEOUT = 60 * 15


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def page_key(request: HttpRequest) -> str:
    """The cache key of the page `request` asks for, as this scheme and host would render it."""
    return f"hub:page-cache:{generation()}:{request.build_absolute_uri()}"


def bump() -> None:
    """Invalidate every cached library page."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
