"""People's own words (profile biographies) as safe HTML: Markdown, then an nh3 allow-list."""

import markdown
import nh3

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}


def render_markdown(text: str) -> SafeString:
    # Escaping first means Markdown never passes a person's own HTML through; nh3 is the backstop.
    html = markdown.markdown(escape(text or ""), extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    clean = clean.replace("<p>", '<p class="govuk-body">').replace("<a ", '<a class="govuk-link" ')
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3 above
