"""Template helpers for search results."""

import re
from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from search.terms import search_terms

register = template.Library()


@lru_cache(maxsize=256)
def _highlighter(query: str) -> re.Pattern | None:
    """The pattern marking a query's words, built once per query (a results page asks ~60 times)."""
    words = sorted(set(search_terms(query, min_length=2)), key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(escape(w)) for w in words) + r")", re.IGNORECASE)


@register.filter
def highlight(text, query):
    """Escape `text`, then mark the words of `query` (and words starting with them)."""
    escaped = escape(str(text or ""))
    pattern = _highlighter(str(query or ""))
    if pattern is None:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def facet_toggle_url(context, facet, value):
    """The current URL with `facet=value` added or removed (and back to page 1)."""
    request = context["request"]
    params = request.GET.copy()
    values = params.getlist(facet)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(facet, values)
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
