"""People's own words (profile biographies) as safe HTML: Markdown, then an nh3 allow-list.

`markdown_without_html` is the parser for everything people type (bios here, good-practice
comments in hub): Markdown itself treats their HTML as text, so it is escaped exactly once,
wherever it appears. Escaping the text *before* Markdown, as this module once did, escapes
twice inside code, where Markdown escapes again: `<br>` in backticks showed as `&lt;br&gt;`.
"""

import markdown
import nh3

from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}


def markdown_without_html(*, extensions: list[str]) -> markdown.Markdown:
    """A Markdown parser that treats raw HTML as text: `<b>` is shown as typed, never as markup.

    Without its raw-HTML block and inline rules, Markdown escapes `<`, `>` and `&` itself, once,
    in text and in code alike. nh3's allow-list stays the backstop for what Markdown makes.
    """
    parser = markdown.Markdown(extensions=extensions)
    parser.preprocessors.deregister("html_block")
    parser.inlinePatterns.deregister("html")
    return parser


def render_markdown(text: str) -> SafeString:
    html = markdown_without_html(extensions=["sane_lists"]).convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    clean = clean.replace("<p>", '<p class="govuk-body">').replace("<a ", '<a class="govuk-link" ')
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3 above
