"""Template helpers for the library: safe rendering of what users write."""

import threading
from functools import lru_cache

import nh3

from django import template
from django.utils.safestring import mark_safe

from accounts.text import markdown_without_html

register = template.Library()

# What a comment may contain once rendered: text formatting and links, nothing that runs.
ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "code", "pre", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


# A Markdown instance is reusable (much cheaper than markdown.markdown()) but not
# thread-safe: one per thread.
_local = threading.local()


def _markdown():
    if not hasattr(_local, "markdown"):
        _local.markdown = markdown_without_html(extensions=["nl2br", "sane_lists"])
    return _local.markdown


@lru_cache(maxsize=4096)
def render_user_markdown(text: str) -> str:
    """Markdown to HTML, then cleaned to an allow-list: raw HTML in the input is shown as text.

    A pure function of the text, so results are memoised: a busy discussion re-renders
    the same comments on every uncached view.
    """
    # The parser escapes the user's HTML itself, once (code spans included); nh3 is the backstop.
    rendered = _markdown().reset().convert(text)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )


@register.filter
def user_markdown(text: str) -> str:
    return mark_safe(render_user_markdown(text or ""))  # noqa: S308 - cleaned by nh3 above


@register.simple_tag(takes_context=True)
def library_query(context, **changes) -> str:
    """The current query string with some parameters changed ("" removes one), without page."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        if value in ("", None):
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
