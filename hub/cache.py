"""Whole-page cache of the library for anonymous visitors.

Every cached page is keyed by a generation number and the full URL. Anything that changes what
an anonymous visitor sees (a case study published or unpublished, a comment posted or
removed, a useful vote) bumps the generation, so every cached page goes stale at once: simple
and correct, at the price of re-rendering pages that did not change.
"""

from django.core.cache import cache

GENERATION_KEY = "hub:page-cache:generation"
TIMEOUT = 60 * 15


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def page_key(full_path: str) -> str:
    return f"hub:page-cache:{generation()}:{full_path}"


def bump() -> None:
    """Invalidate every cached library page."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
