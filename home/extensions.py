"""The places where features plug into the shared parts of the site.

The base (`accounts/` and `home/`) never imports a feature. It names hooks here and gathers what
each feature registers, as Wagtail's own core does, so a new app plugs in from its own
`wagtail_hooks.py` without editing the base::

    # communities/wagtail_hooks.py
    from home.extensions import ACCOUNT_PANELS, Panel

    @hooks.register(ACCOUNT_PANELS)
    def your_communities(request):
        return Panel(template="communities/includes/account_panel.html", order=20,
                     context={"memberships": my_memberships(user=request.user)})

| hook | a function of | returns | gathered by |
|---|---|---|---|
| `SITE_SECTIONS` | nothing | a `Section` | `setup_site`: the section index pages under home, and the service navigation |
| `NAVIGATION_ITEMS` | nothing | a `Link` | the service navigation, for entries that are not sections (site search) |
| `HEADER_LINKS` | `request` | a `Link` or None | the header's links for someone signed in (notifications) |
| `SITE_SEARCH` | nothing | a `SearchBox` | the header's and the home page's search form |
| `HOME_PANELS` | `request` | a `Panel` or None | the home page, below its search form |
| `ACCOUNT_LINKS` | `request` | `Link`s | "Your profile and activity" on the account page |
| `ACCOUNT_PANELS` | `request` | a `Panel` or None | sections of the account page |
| `MODERATION_LINKS` | `request` | `Link`s | the account page's moderation list, for site moderators |
| `DEMO_DATA` | nothing | a `DemoStep` | `seed_demo`, in ascending `order` |

Functions returning None (or no links) add nothing: a feature decides for itself whether the
person in `request` gets its panel. Everything is sorted by `order`, then by label, so the page
does not depend on the order apps happen to be installed in.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wagtail import hooks

SITE_SECTIONS = "site_sections"
NAVIGATION_ITEMS = "navigation_items"
HEADER_LINKS = "header_links"
SITE_SEARCH = "site_search"
HOME_PANELS = "home_page_panels"
ACCOUNT_LINKS = "account_links"
ACCOUNT_PANELS = "account_panels"
MODERATION_LINKS = "moderation_links"
DEMO_DATA = "demo_data"


@dataclass(frozen=True)
class Link:
    """A link a feature adds to a shared page. `badge` is a count shown beside it (lazy: a callable
    is only called when the page renders it), with `badge_label` read after it by screen readers.

    `badge_live` is a WebSocket path of the feature's: while the page is open, every message from
    it carrying a numeric ``"badge"`` sets the count (static/js/live-badges.js), so the header
    says what a reload would without one. The base knows nothing of what is counted.
    """

    label: str
    url: str
    order: int = 100
    hint: str = ""
    badge: Any = None
    badge_label: str = ""
    badge_live: str = ""


@dataclass(frozen=True)
class Panel:
    """A block of a shared page, rendered from the feature's own template with `context` added."""

    template: str
    order: int = 100
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """A top-level part of the site: an index page under home, and its entry in the navigation.

    `page_model` is the feature's index page class; `setup_site` creates one at `/<slug>/` with
    `title` and `introduction` if the site has none, and leaves an existing one (and any edits to
    it) alone.
    """

    page_model: type
    slug: str
    title: str
    navigation_label: str
    introduction: str = ""
    order: int = 100

    @property
    def url(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True)
class SearchBox:
    """Where the site's search form sends its query, and where it asks for suggestions."""

    action_url: str
    suggest_url: str = ""
    label: str = "Search the Knowledge Hub"
    # The home page's larger search box says what can be found.
    prompt: str = "Search the Knowledge Hub"


@dataclass(frozen=True)
class DemoStep:
    """One feature's demo data. `module` is a dotted path to a module with

        def seed(*, options: dict, log) -> None     # create what is missing (idempotent)
        def add_arguments(parser) -> None           # optional: its own size options

    imported only when `seed_demo` runs, so factories and Faker stay out of every other process.
    """

    name: str
    module: str
    order: int = 100

    def load(self):
        return importlib.import_module(self.module)


def _sorted(items: Iterable, key: Callable) -> list:
    return sorted(items, key=key)


def _called(hook_name: str, *args) -> list:
    return [fn(*args) for fn in hooks.get_hooks(hook_name)]


def site_sections() -> list[Section]:
    return _sorted(_called(SITE_SECTIONS), key=lambda section: (section.order, section.title))


def navigation_links() -> list[Link]:
    """The service navigation: every section, then entries such as search, in their order."""
    links = [Link(label=section.navigation_label, url=section.url, order=section.order) for section in site_sections()]
    links.extend(_called(NAVIGATION_ITEMS))
    return _sorted(links, key=lambda link: (link.order, link.label))


def site_search() -> SearchBox | None:
    boxes = _called(SITE_SEARCH)
    return boxes[0] if boxes else None


def _links(hook_name: str, request) -> list[Link]:
    links: list[Link] = []
    for result in _called(hook_name, request):
        if result is None:
            continue
        links.extend([result] if isinstance(result, Link) else result)
    return _sorted(links, key=lambda link: (link.order, link.label))


def header_links(request) -> list[Link]:
    return _links(HEADER_LINKS, request)


def account_links(request) -> list[Link]:
    return _links(ACCOUNT_LINKS, request)


def moderation_links(request) -> list[Link]:
    return _links(MODERATION_LINKS, request)


def _panels(hook_name: str, request) -> list[Panel]:
    panels = [panel for panel in _called(hook_name, request) if panel is not None]
    return _sorted(panels, key=lambda panel: (panel.order, panel.template))


def home_panels(request) -> list[Panel]:
    return _panels(HOME_PANELS, request)


def account_panels(request) -> list[Panel]:
    return _panels(ACCOUNT_PANELS, request)


def demo_steps() -> list[DemoStep]:
    return _sorted(_called(DEMO_DATA), key=lambda step: (step.order, step.name))
