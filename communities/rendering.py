"""Markdown to safe HTML for everything members write.

Markdown is rendered first, then the HTML is cleaned with nh3 against an allow-list: no
user-supplied tag, attribute or URL scheme outside it survives, so nothing members write can
run script. @mentions become the bold names of the people mentioned, linked to their profile
pages where they have one.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9-]{1,60})", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|])")


def mention_handles(text: str) -> set[str]:
    """Handles mentioned in `text`, lower-cased: "@priya-shah" gives "priya-shah"."""
    return {match.lower() for match in MENTION.findall(text)}


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(text: str, *, mentions: dict[str, tuple[str, str]] | None = None) -> str:
    """Sanitised HTML for a member's markdown.

    `mentions` maps a handle to the (display name, profile URL) of the person it names; an
    empty URL (no profile page) leaves the name bold without a link. The URL is a site path
    the service built, and nh3 still checks it like any link.
    """
    mentions = mentions or {}

    def mention(match: re.Match) -> str:
        found = mentions.get(match.group(1).lower())
        if not found:
            return match.group(0)
        name, url = found
        bold = f"**@{_escape(name)}**"
        return f"[{bold}]({url})" if url else bold

    if mentions:
        text = MENTION.sub(mention, text)
    html = markdown.markdown(text, extensions=["fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
