"""Replies as the thread page shows them, rendered once for each way they can look.

A thread page is mostly its replies, and one reply rendered through its template costs far
more than reading it. Each reply's HTML is kept in the cache under a digest of everything the
template reads: the template's own source, the reply (state, removal reason, dates, body), its
author and quoted reply as this viewer may see them, and what the viewer may do there. Nothing
is ever invalidated: an edit, a removal, a changed name or privacy setting, or a moderator's
decision changes the key, so a page can only ever be given the HTML of exactly what it would
render now. `tests/communities/test_fragments.py` renders every combination both ways.

Anything `communities/includes/reply.html` comes to read must be added to `_inputs`.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.selectors import person_shown

REPLY_TEMPLATE = "communities/includes/reply.html"
KEY_PREFIX = "communities:reply-html:"
TIMEOUT = 60 * 60 * 24


def _template_digest() -> str:
    """The template's source as part of every key: a deploy that changes it changes them all.

    Read once per process, as the cached template loader does; while developing, every time.
    """
    if settings.DEBUG:
        return _digest_of_source()
    return _cached_digest()


def _digest_of_source() -> str:
    source = get_template(REPLY_TEMPLATE).template.source
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


_cached_digest = functools.cache(_digest_of_source)


def _inputs(reply, *, viewer, community, thread, access) -> tuple:
    """Everything the reply's template reads, as this viewer sees it."""
    author = person_shown(person=reply.author, viewer=viewer)
    quote = reply.quote
    quoted = None
    if quote is not None:
        quoted = (
            quote.pk,
            quote.state,
            quote.body_html,
            person_shown(person=quote.author, viewer=viewer).name,
        )
    return (
        _template_digest(),
        timezone.get_current_timezone_name(),
        community.slug,
        thread.pk,
        thread.is_locked,
        access.can_moderate,
        access.can_post,
        access.is_member,
        viewer.is_authenticated and reply.author_id == viewer.pk,
        reply.pk,
        reply.state,
        reply.removal_reason,
        reply.created_at.isoformat(),
        reply.edited_at.isoformat() if reply.edited_at else None,
        reply.body_html,
        author.name,
        str(author.organisation or ""),
        quoted,
    )


def _key(inputs: tuple) -> str:
    return KEY_PREFIX + hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()


def render_reply(reply, *, request, community, thread, access) -> SafeString:
    """One reply's <li>, rendered through its template (no cache)."""
    context = {"community": community, "thread": thread, "reply": reply, "access": access}
    return get_template(REPLY_TEMPLATE).render(context, request)


def replies_html(replies, *, request, community, thread, access) -> list[SafeString]:
    """Each reply's <li> as `render_reply` gives it, from the cache where it was rendered before.

    One cache read for the page (`get_many`) and one write for what was missing.
    """
    replies = list(replies)
    keys = [
        _key(_inputs(reply, viewer=request.user, community=community, thread=thread, access=access))
        for reply in replies
    ]
    found = cache.get_many(keys)
    rendered = {}
    for reply, key in zip(replies, keys, strict=True):
        if key not in found:
            rendered[key] = str(render_reply(reply, request=request, community=community, thread=thread, access=access))
    if rendered:
        cache.set_many(rendered, timeout=TIMEOUT)
    found.update(rendered)
    # Only this module writes under KEY_PREFIX, and only what the template rendered.
    return [mark_safe(found[key]) for key in keys]  # noqa: S308
