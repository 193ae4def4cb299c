"""User-written Markdown to safe HTML: rendered with `markdown`, then cleaned by `nh3`."""

import markdown
import nh3

from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "blockquote", "code"}
# Writers' headings sit under the page's own h2 sections, so every level becomes a small h3.
HEADING_LEVELS = ("h1", "h2", "h3", "h4", "h5", "h6")
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def render_markdown(text: str) -> SafeString:
    """Markdown written by providers and reviewers, allow-listed and given GOV.UK classes."""
    if not text:
        return mark_safe("")
    html = markdown.markdown(text, extensions=["sane_lists"])
    for level in HEADING_LEVELS:
        html = html.replace(f"<{level}>", "<h3>").replace(f"</{level}>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    for tag, css in (
        ("<p>", '<p class="govuk-body">'),
        ("<ul>", '<ul class="govuk-list govuk-list--bullet">'),
        ("<ol>", '<ol class="govuk-list govuk-list--number">'),
        ("<h3>", '<h3 class="govuk-heading-s">'),
        ("<a ", '<a class="govuk-link" '),
    ):
        clean = clean.replace(tag, css)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
