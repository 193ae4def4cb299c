"""The robustness walker: every URL pattern and WebSocket route, filled with bad input.

The walk cannot go stale silently. Patterns come from the resolver itself
(`django.urls.get_resolver()`, walked recursively, Wagtail's catch-all and admin included) and
the WebSocket routes from `config.routing.websocket_urlpatterns`; `ROUTES` below says, for each
project pattern, how to fill its path (a sample key of the walk's data per parameter), which
query parameters its view reads (with the Django forms those come from, checked field by field)
and which page carries the forms that post to it. test_robustness fails when the resolver grows
a pattern this table does not know, or the table names one the resolver no longer has.

The Wagtail and Django admins (300-odd patterns, owned by Wagtail and Django) are walked through
`ADMIN_SUBSET`: the dashboard, the page explorer and editor of a real page, the search views
and the snippet/model listings, which are the admin views that read our models and the query
string; the rest are Wagtail's own, tested upstream, and only checked for being fillable.
"""

import dataclasses
import json
import re
import zlib
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

# --- Bad values ------------------------------------------------------------------------------

HUGE = "99999999999999999999"
# Every class of bad value the issue names, split so that each class probes one limit (a
# 32-bit column, a 64-bit one, int() refusing a digit str.isdigit() accepts, ...).
BAD_VALUES: dict[str, tuple[str, ...]] = {
    "empty": ("",),
    "beyond 32 bits": ("2147483648",),
    "beyond 64 bits": (HUGE, "9223372036854775808"),
    "negative": ("-1",),
    "zero": ("0",),
    "float overflow": ("1e309",),
    "non-digits": ("abc",),
    "a digit int() refuses": ("²",),
    "other scripts' digits": ("١٢٣", "𝟗"),
    "quotes": ('"', "'", 'a"b', "'; --"),
    "FTS operators": ("a & b | !c", "foo:* <-> (bar", "NEAR/2 OR AND NOT"),
    "LIKE metacharacters": ("%", "_", "\\", "%_%\\"),
    "NUL bytes": ("\x00", "a\x00b"),
    "markup": ("<script>alert(1)</script>",),
    "path traversal": ("../../etc/passwd",),
    "20 KB strings": ("x" * 20_000, "é" * 10_000),
}
NASTY: tuple[str, ...] = tuple(value for values in BAD_VALUES.values() for value in values)

# The person a view shows the most gets one value of every class for each parameter; the
# others get these, all parameters at once, so a branch that only a signed-in person or a
# moderator reaches still meets a lookup by a huge number, a digit int() refuses, a quote and
# a NUL, without the page being rendered a dozen more times for each of them.
SPOT: tuple[str, ...] = ("", HUGE, "²", "'", "\x00")


def bad_values(where: str, parameter: str) -> tuple[str, ...]:
    """One value of every class for one parameter of one pattern.

    Values of a class probe the same limit, and each costs a request, often a full page; which
    one a parameter gets is fixed by a checksum of the pattern and the parameter, so every run
    tries the same and the walk as a whole tries every value of `NASTY` many times over.
    """
    turn = zlib.crc32(f"{where} {parameter}".encode())
    return tuple(values[turn % len(values)] for values in BAD_VALUES.values())


def describe(value: str) -> str:
    """A short, printable name for a bad value (failure messages and the inventory)."""
    short = re.sub(r"(.)\1{29,}", lambda run: f"{run.group(1)}×{len(run.group(0))}", value)
    if short != value:
        return f"{short!r} ({len(value.encode())} bytes)"
    return repr(value)


# Values a path converter lets through to the view (the others fall through to the catch-all,
# which gets two of them to prove it copes), plus converter-specific extras.
CONVERTER_EXTRAS = {
    "int": ("00001", "4294967296"),
    "id": ("00001", "4294967296", "9223372036854775807", "9223372036854775808"),
    "slug": ("unknown-slug", "-", "_" * 300, "a" * 20_000),
    "uuid": ("00000000-0000-0000-0000-000000000000",),
    "str": (),
    "path": (),
}
FALLTHROUGH = ("abc", "²")


def values_for_converter(converter, where: str, parameter: str, spot: bool = False) -> list[str]:
    """The values tried for one path parameter: those its converter's regex lets through to
    the view, its extras and up to two that fall through to the next pattern; or, for the spot
    check, the spot values it lets through and one that falls through."""
    regex = re.compile(f"^(?:{converter.regex})$")
    fallthrough = [value for value in FALLTHROUGH if not regex.match(value)]
    if spot:
        return [value for value in SPOT if regex.match(value)] + fallthrough[:1]
    matching = [value for value in bad_values(where, parameter) if regex.match(value)]
    extras = [value for value in CONVERTER_EXTRAS.get(converter_name(converter), ()) if regex.match(value)]
    return list(dict.fromkeys(matching + extras + fallthrough))


def converter_name(converter) -> str:
    from django.urls.converters import get_converters

    for name, registered in get_converters().items():
        if type(registered) is type(converter):
            return name
    return type(converter).__name__


# --- The table ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Route:
    """How to walk one URL pattern.

    path: path parameter -> sample key (see tests/security/conftest.py `walk_world`).
    template: for regex patterns, the path with {name} placeholders (route patterns derive it).
    query: query parameters the view reads; forms: dotted paths of the Django forms it reads
    them with (every field of theirs must be listed in `query`).
    form_page: sample key of the page whose forms post here (default: the pattern's own page).
    post: POST fields the view reads outside any HTML form it renders (e.g. `next`).
    roles: people beyond the four walkers (see conftest `walk_world`) who are the only ones to
    see this view's forms, such as a provider's staff for their listings.
    """

    path: dict[str, str] = dataclasses.field(default_factory=dict)
    template: str | None = None
    query: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    form_page: str | None = None
    post: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class PageRoute:
    """A page served by Wagtail's catch-all (or a RoutablePage sub-route of one).

    read_as: the sample of a page whose view reads this page's query string with the same code
    (a tag page is the library's listing with one more filter): that page walks every class of
    value, this one the spot values, so the same parsing is not rendered twice over.
    """

    sample: str
    query: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    read_as: str | None = None


PAGINATED = ("page",)
LIBRARY_FILTERS = ("q", "service_area", "tag", "organisation", "tier", "sort", "page")
MARKET_NEED = ("days", "people", "months")
MARKET_FILTERS = (
    "q",
    "category",
    "region",
    "delivery",
    "offer",
    "kind",
    "rating",
    "sort",
    "per_page",
    "page",
    "price_from",
    "price_to",
    *MARKET_NEED,
)
PEOPLE_FILTERS = ("q", "page", "skill", "sector", "kind", "tier", "peer", "availability")

PROVIDER = ("provider_staff",)
C = "communities/<slug>/"
COMMUNITY = {"slug": "community.slug"}
THREAD = {"slug": "community.slug", "thread_id": "thread.id"}

ROUTES: dict[str, Route] = {
    "healthz": Route(),
    # Wagtail documents: no documents exist, so the ids are unknown (404) and bad.
    "documents/<document_id>/<document_filename>": Route(
        path={"document_id": "document.id", "document_filename": "document.filename"}
    ),
    "documents/authenticate_with_password/<restriction_id>/": Route(
        path={"restriction_id": "restriction.id"}, query=("next",)
    ),
    # allauth
    "accounts/login/": Route(query=("next",)),
    "accounts/logout/": Route(query=("next",)),
    "accounts/inactive/": Route(),
    "accounts/signup/": Route(query=("next",)),
    "accounts/reauthenticate/": Route(query=("next",)),
    "accounts/reauthenticate/code/": Route(),
    "accounts/reauthenticate/code/confirm/": Route(),
    "accounts/email/": Route(),
    "accounts/confirm-email/": Route(),
    "accounts/password/change/": Route(),
    "accounts/password/set/": Route(),
    "accounts/password/reset/": Route(),
    "accounts/login/code/confirm/": Route(),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Route(
        template="accounts/confirm-email/{key}/", path={"key": "email.key"}
    ),
    "accounts/password/reset/key/done/": Route(),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Route(
        template="accounts/password/reset/key/{uidb36}-{key}/", path={"uidb36": "reset.uidb36", "key": "reset.key"}
    ),
    "accounts/password/reset/done/": Route(),
    # accounts
    "account/": Route(),
    "account/profile/": Route(),
    # hub
    "good-practice/submit/": Route(),
    "good-practice/submit/new/<step>/": Route(path={"step": "submission.step"}, query=("check",)),
    "good-practice/submit/<page_id>/check/": Route(path={"page_id": "submission.id"}),
    "good-practice/submit/<page_id>/submitted/": Route(path={"page_id": "submission.id"}),
    "good-practice/submit/<page_id>/<step>/": Route(
        path={"page_id": "submission.id", "step": "submission.step"}, query=("check",), post=("later",)
    ),
    "good-practice/my-submissions/": Route(),
    "good-practice/useful/<page_id>/": Route(path={"page_id": "case_study.id"}, form_page="case_study.url"),
    "good-practice/comments/moderation/": Route(),
    "good-practice/comments/on/<page_id>/": Route(path={"page_id": "case_study.id"}, form_page="case_study.url"),
    "good-practice/comments/<comment_id>/reply/": Route(path={"comment_id": "comment.id"}),
    "good-practice/comments/<comment_id>/flag/": Route(path={"comment_id": "comment.id"}, form_page="case_study.url"),
    "good-practice/comments/<comment_id>/remove/": Route(path={"comment_id": "comment.id"}),
    "good-practice/comments/<comment_id>/keep/": Route(
        path={"comment_id": "comment.id"}, form_page="hub.moderation.url"
    ),
    "^(good-practice/(?:[\\w\\-]+/)*)$": Route(template="{0}", path={"0": "case_study.path"}),
    # communities
    "notifications/": Route(query=PAGINATED),
    "communities/moderation/": Route(),
    "communities/moderation/reports/<report_id>/": Route(path={"report_id": "report.id"}),
    "communities/invitations/<token>/": Route(path={"token": "invitation.token"}),
    "communities/unsubscribe/<token>/": Route(path={"token": "unsubscribe.token"}),
    C + "join/": Route(path=COMMUNITY, form_page="community.url"),
    C + "request/": Route(path=COMMUNITY),
    C + "leave/": Route(path=COMMUNITY, form_page="community.url"),
    C + "email/": Route(path=COMMUNITY, form_page="community.url"),
    C + "members/": Route(path=COMMUNITY),
    C + "members/<membership_id>/<action>/": Route(
        path={"slug": "community.slug", "membership_id": "membership.id", "action": "membership.action"},
        form_page="community.members.url",
    ),
    C + "invite/": Route(path=COMMUNITY),
    C + "threads/new/": Route(path=COMMUNITY),
    C + "threads/<thread_id>/": Route(path=THREAD, query=("quote", "page"), post=("quote",)),
    C + "threads/<thread_id>/edit/": Route(path=THREAD),
    C + "threads/<thread_id>/replies/<reply_id>/": Route(path={**THREAD, "reply_id": "reply.id"}),
    C + "threads/<thread_id>/moderate/": Route(path=THREAD, form_page="thread.url", post=("flag", "value")),
    C + "threads/<thread_id>/report/": Route(path=THREAD),
    C + "threads/<thread_id>/replies/<reply_id>/report/": Route(path={**THREAD, "reply_id": "reply.id"}),
    C + "replies/<reply_id>/edit/": Route(path={"slug": "community.slug", "reply_id": "reply.id"}),
    C + "replies/<reply_id>/delete/": Route(
        path={"slug": "community.slug", "reply_id": "reply.id"}, form_page="thread.url"
    ),
    C + "moderation/": Route(path=COMMUNITY),
    C + "moderation/hidden/threads/<thread_id>/": Route(path=THREAD),
    C + "moderation/hidden/replies/<reply_id>/": Route(path={"slug": "community.slug", "reply_id": "reply.id"}),
    C + "audit/": Route(path=COMMUNITY, query=PAGINATED),
    C + "settings/": Route(path=COMMUNITY),
    C + "feed/": Route(path=COMMUNITY),
    C + "library/": Route(path=COMMUNITY),
    C + "library/<file_id>/download/": Route(path={"slug": "community.slug", "file_id": "library_file.id"}),
    C + "library/<file_id>/remove/": Route(path={"slug": "community.slug", "file_id": "library_file.id"}),
    # search
    "search/": Route(query=("q", "type", "page"), forms=("search.forms.SiteSearchForm",)),
    "search/suggest/": Route(query=("q",)),
    "people/<handle>/": Route(path={"handle": "person.handle"}),
    # marketplace
    "marketplace/services/<slug>/": Route(
        path={"slug": "service.slug"}, query=(*MARKET_NEED, "page"), forms=("marketplace.forms.NeedForm",)
    ),
    "marketplace/services/<slug>/review/": Route(path={"slug": "service.slug"}),
    "marketplace/reviews/<pk>/reply/": Route(path={"pk": "review.id"}, form_page="service.url"),
    "marketplace/reviews/<pk>/remove/": Route(path={"pk": "review.id"}),
    "marketplace/reviews/<pk>/report/": Route(path={"pk": "review.id"}),
    "marketplace/reviews/<pk>/keep/": Route(path={"pk": "review.id"}, form_page="marketplace.moderation.url"),
    "marketplace/shortlist/": Route(),
    "marketplace/shortlist/add/": Route(form_page="service.url", post=("service", "next")),
    "marketplace/shortlist/remove/": Route(form_page="marketplace.shortlist.url", post=("service", "next")),
    "marketplace/compare/": Route(query=("s", *MARKET_NEED), forms=("marketplace.forms.NeedForm",)),
    "marketplace/compare/export.csv": Route(query=("s", *MARKET_NEED), forms=("marketplace.forms.NeedForm",)),
    "marketplace/compare/print/": Route(query=("s", *MARKET_NEED), forms=("marketplace.forms.NeedForm",)),
    "marketplace/provider/": Route(roles=PROVIDER),
    "marketplace/provider/<provider_pk>/services/new/": Route(path={"provider_pk": "provider.id"}, roles=PROVIDER),
    "marketplace/provider/services/<slug>/edit/": Route(path={"slug": "service.slug"}, roles=PROVIDER),
    "marketplace/provider/services/<slug>/withdraw/": Route(path={"slug": "service.slug"}, roles=PROVIDER),
    "marketplace/moderation/": Route(query=PAGINATED),
    "marketplace/moderation/<pk>/": Route(path={"pk": "revision.id"}, post=("decision",)),
    # wagtail
    "_util/authenticate_with_password/<page_view_restriction_id>/<page_id>/": Route(
        path={"page_view_restriction_id": "restriction.id", "page_id": "case_study.id"}, query=("next",)
    ),
    "_util/login/": Route(query=("next",)),
    "^((?:[\\w\\-]+/)*)$": Route(template="{0}", path={"0": "standard.path"}),
}


def walk_plugins() -> list:
    """The `tests/<app>/walk.py` modules: an app's own part of the table, kept with its tests.

    Each may define `ROUTES` (entries for its patterns, as above), `PAGES` and `ROUTABLE` (its
    Wagtail pages and their sub-routes) and `world(*, users) -> {"samples": {...}, "extra":
    {...}}`, called while the walk's world is built (tests/security/conftest.py) with the four walkers and the administrator, to make
    the objects its samples name and any people only its views show forms to.
    """
    import importlib
    import pkgutil
    from pathlib import Path

    tests_dir = Path(__file__).resolve().parent.parent
    found = []
    for info in sorted(pkgutil.iter_modules([str(tests_dir)]), key=lambda info: info.name):
        if info.ispkg and (tests_dir / info.name / "walk.py").exists():
            found.append(importlib.import_module(f"tests.{info.name}.walk"))
    return found


for _plugin in walk_plugins():
    _clash = set(ROUTES) & set(getattr(_plugin, "ROUTES", {}))
    if _clash:
        raise RuntimeError(f"{_plugin.__name__} repeats walk routes already in the table: {sorted(_clash)}")
    ROUTES.update(getattr(_plugin, "ROUTES", {}))

# Every page the catch-all serves, one real object of each page type; the RoutablePage
# sub-routes are listed by their route so a new one must be added here.
PAGES: tuple[PageRoute, ...] = (
    PageRoute("home.url"),
    PageRoute("standard.url"),
    PageRoute("library.url", LIBRARY_FILTERS, ("hub.forms.LibraryFilterForm",)),
    PageRoute("library.tag.url", LIBRARY_FILTERS, ("hub.forms.LibraryFilterForm",), read_as="library.url"),
    PageRoute("library.rss.url", LIBRARY_FILTERS, ("hub.forms.LibraryFilterForm",)),
    PageRoute("library.atom.url", LIBRARY_FILTERS, ("hub.forms.LibraryFilterForm",)),
    PageRoute("case_study.url"),
    PageRoute("communities.url", ("q", "topic", "colleagues", "page"), ("communities.forms.DirectoryFilterForm",)),
    PageRoute("community.url", PAGINATED),
    PageRoute("marketplace.url", MARKET_FILTERS, ("marketplace.forms.ServiceFilterForm",)),
    PageRoute("people.url", PEOPLE_FILTERS, ("search.forms.PeopleSearchForm",)),
)
PAGES += tuple(page for plugin in walk_plugins() for page in getattr(plugin, "PAGES", ()))
# RoutablePage sub-routes (model label, route) -> the PAGES sample that walks it.
ROUTABLE = {
    ("hub.GoodPracticeIndexPage", ""): "library.url",
    ("hub.GoodPracticeIndexPage", "tags/<slug:slug>/"): "library.tag.url",
    ("hub.GoodPracticeIndexPage", "feeds/rss/"): "library.rss.url",
    ("hub.GoodPracticeIndexPage", "feeds/atom/"): "library.atom.url",
    ("search.PeopleIndexPage", ""): "people.url",
}
for _plugin in walk_plugins():
    ROUTABLE.update(getattr(_plugin, "ROUTABLE", {}))
# Bad path segments for the catch-all (each is appended to every page path as well).
BAD_SEGMENTS = ("unknown-page/", HUGE + "/", "a" * 300 + "/", "x" * 20_000 + "/", "%00/", "%C2%B2/", "-/", "_/")

# Admin view -> the query parameters it reads (Wagtail's listings: search, page, ordering and
# their own filters; Django's changelist: q, p and o). The editor reads none: its cost is the
# page it renders, walked once per person.
ADMIN_SUBSET: dict[str, tuple[str, ...]] = {
    "admin/": (),
    "admin/pages/": ("q", "p", "ordering"),
    "admin/pages/{case_study.id}/": ("q", "p", "ordering", "search_all"),
    "admin/pages/{case_study.id}/edit/": (),
    "admin/pages/search/": ("q", "p", "ordering", "content_type"),
    "admin/users/": ("q", "p", "ordering"),
    "admin/reports/": (),
    "django-admin/": (),
    "django-admin/accounts/user/": ("q", "p", "o"),
}
ADMIN_PREFIXES = ("admin/", "django-admin/")
# Forms never posted by the walk: signing out ends the session the rest of the walk relies on
# (the logout view is still walked with GET and bad query values).
NEVER_POST = {"accounts/logout/"}


# --- The resolver --------------------------------------------------------------------------------


def without_converters(route: str) -> str:
    return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"<\1>", route)


@dataclasses.dataclass(frozen=True)
class Pattern:
    route: str  # the full route as the resolver spells it (regex parts kept verbatim)
    name: str | None
    converters: dict  # path parameter -> converter (route patterns only)
    is_regex: bool

    @property
    def key(self) -> str:
        """The route without converter names (`<id:page_id>` is `<page_id>`): the walk reads
        each converter from the resolver, so a view moving to a stricter converter keeps its
        table entry and is walked with what the new converter lets through."""
        return self.route if self.is_regex else without_converters(self.route)


def url_patterns() -> list[Pattern]:
    """Every HTTP pattern the project's URLconf answers, in resolver order."""

    def walk(resolver, prefix, converters, is_regex):
        for entry in resolver.url_patterns:
            pattern = entry.pattern
            key = prefix + str(pattern)
            found = {**converters, **getattr(pattern, "converters", {})}
            regex = is_regex or isinstance(pattern, RegexPattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, key, found, regex)
            elif isinstance(entry, URLPattern):
                yield Pattern(route=key, name=entry.name, converters=found, is_regex=regex)

    return list(walk(get_resolver(), "", {}, False))


def is_admin(key: str) -> bool:
    return key.startswith(ADMIN_PREFIXES)


def route_template(pattern: Pattern, route: Route) -> str:
    if route.template is not None:
        return route.template
    return re.sub(r"<([^>]+)>", r"{\1}", pattern.key)


def build_path(template: str, values: dict[str, str]) -> str:
    """`/`-rooted path with every parameter URL-quoted (a NUL stays %00, as a browser sends it)."""
    filled = template
    for name, value in values.items():
        filled = filled.replace("{" + name + "}", quote(value, safe="/" if name == "0" else ""))
    return "/" + filled


def query_string(name: str, value: str) -> str:
    return urlencode({name: value})


def split_by_forms(forms: tuple[str, ...], name: str, values) -> tuple[list[str], list[str]]:
    """(values a Django form the view reads `name` with lets through, values they all refuse).

    A refused value never gets past the form into the view's queries: it meets only the
    form's error path, which is the same whatever else the query string holds. Refused values
    of all parameters therefore go together (`refused_rounds`); the values a form lets through
    go one parameter at a time, the others left out, so each reaches the code behind the form.
    A parameter no listed form reads has all its values sent one at a time.
    """
    from django.utils.module_loading import import_string

    # Unbound instances: their __init__ may fill in choices the class's fields lack.
    fields = [form.fields[name] for form in (import_string(dotted)() for dotted in forms) if name in form.fields]
    taken, refused = [], []
    for value in values:
        refuse = fields and all(field_refuses(field, name, value) for field in fields)
        (refused if refuse else taken).append(value)
    return taken, refused


def refused_rounds(refused: dict[str, list[str]]) -> list[dict[str, str]]:
    """Parameter sets that, between them, send every refused value of every parameter once."""
    rounds = max((len(values) for values in refused.values()), default=0)
    return [{name: values[turn % len(values)] for name, values in refused.items() if values} for turn in range(rounds)]


def resolves_to(path: str) -> str | None:
    """The key of the pattern `path` resolves to (None for a 404 from the resolver)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return None
    route = match.route
    for pattern in url_patterns_cached():
        if pattern.name == match.url_name and _route_matches(pattern, route, match):
            return pattern.key
    return route


def _route_matches(pattern: Pattern, route: str, match) -> bool:
    return pattern.route == route or pattern.route.replace("^", "").replace("$", "") == route.replace("^", "").replace(
        "$", ""
    )


_PATTERNS: list[Pattern] | None = None


def url_patterns_cached() -> list[Pattern]:
    global _PATTERNS
    if _PATTERNS is None:
        _PATTERNS = url_patterns()
    return _PATTERNS


# --- Forms in HTML -----------------------------------------------------------------------------


@dataclasses.dataclass
class HtmlForm:
    action: str
    fields: dict[str, list[str]]  # name -> the values a browser would send by default
    choices: dict[str, list[str]]  # name -> the options a select / radio group offers


class FormParser(HTMLParser):
    """`<form method="post">` elements with their inputs, selects and textareas."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                action = urljoin(self.page_path, attributes.get("action") or self.page_path)
                self._form = HtmlForm(action=urlsplit(action).path, fields={}, choices={})
            return
        form = self._form
        if form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            value = attributes.get("value") or ""
            if kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(value or "on")
                if "checked" in attributes or kind == "radio":
                    form.fields.setdefault(name, [])
                    if "checked" in attributes:
                        form.fields[name].append(value or "on")
            elif kind not in ("submit", "button", "image", "reset", "file") or kind == "submit":
                form.fields.setdefault(name, []).append(value)
        elif tag == "button" and name:
            form.fields.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            form.choices.setdefault(self._select, []).append(attributes.get("value") or "")
            if "selected" in attributes:
                form.fields[self._select].append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = [""]

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str, page_path: str) -> list[HtmlForm]:
    parser = FormParser(page_path)
    parser.feed(html)
    return parser.forms


# Plausible good values for fields a page leaves empty, so that one bad field at a time reaches
# the code behind the form's validation (a crash after `is_valid()` needs the rest valid).
GOOD_FIELD_VALUES = {
    "email": "walker@council.example",
    "login": "walker@council.example",
    "password": "correct-horse-battery",
    "password1": "Walker-robust-2025!",
    "password2": "Walker-robust-2025!",
    "oldpassword": "correct-horse-battery",
    "used_month": "3",
    "used_year": "2024",
    "days": "3",
    "figure_value": "12",
    "price_min": "500",
    "price_max": "800",
    "service": "service.id",
    "quote": "reply.id",
    "next": "home.url",
}


def good_value(name: str, samples: dict) -> str:
    good = GOOD_FIELD_VALUES.get(name, "1")
    return str(samples.get(good, good))


def form_signature(form: HtmlForm, fields) -> tuple:
    """What makes two forms the same to walk: where they post, ids aside, and their fields.

    A members page has a remove and a suspend form for every member: the ids in their actions
    are path values (walked as such), the action words and the fields are what the view reads.
    """
    return (re.sub(r"/[0-9]+/", "/N/", form.action), tuple(sorted(fields)))


def context_fields(response) -> dict:
    """HTML field name -> the Django form field that reads it, for the forms a page rendered."""
    from django.forms import BaseForm

    contexts = response.context
    if contexts is None:
        return {}
    found = {}
    for context in contexts if isinstance(contexts, list) else [contexts]:
        for value in context.flatten().values():
            if isinstance(value, BaseForm):
                for name, field in value.fields.items():
                    found.setdefault(value.add_prefix(name), field)
    return found


def field_refuses(field, name: str, value: str) -> bool:
    """Whether the form field refuses `value` as it would arrive in a POST.

    Refused values meet only the form's error path, so they can share a request. Anything but
    a ValidationError out of the field counts as let through: that value is then posted alone,
    and the crash it causes is the finding.
    """
    from django.core.exceptions import ValidationError
    from django.http import QueryDict

    try:
        field.clean(field.widget.value_from_datadict(QueryDict(urlencode({name: value})), {}, name))
    except ValidationError:
        return True
    except Exception:  # noqa: BLE001 - see the docstring
        return False
    return False


def baseline(form: HtmlForm, samples: dict) -> dict[str, list[str]]:
    """What a person filling the form sensibly would send: defaults, first options, samples."""
    data: dict[str, list[str]] = {}
    for name, values in form.fields.items():
        chosen = [value for value in values if value != ""] or values
        if not chosen or chosen == [""]:
            options = [option for option in form.choices.get(name, []) if option]
            if options:
                chosen = options[:1]
            elif name in GOOD_FIELD_VALUES:
                chosen = [good_value(name, samples)]
            else:
                chosen = ["Robust walker text"]
        data[name] = chosen
    return data


# --- WebSockets --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SocketRoute:
    """How to walk one WebSocket route: its good path and the frame fields its consumer reads.

    refuses_everyone: the route exists to refuse handshakes (config.routing's catch-all), so
    no frame can be sent; its paths are still walked.
    """

    template: str
    path: dict[str, str]
    frame_fields: tuple[str, ...]
    refuses_everyone: bool = False


SOCKETS: dict[str, SocketRoute] = {
    "ws/communities/<slug>/": SocketRoute("ws/communities/{slug}/", COMMUNITY, ("type",)),
    "ws/notifications/": SocketRoute("ws/notifications/", {}, ()),
    "": SocketRoute("ws/no-such-route/", {}, (), refuses_everyone=True),
}


# Handshake paths and frames for the people after the first one the consumer accepts: the
# route's own shape (no slash, `//`, a trailing `//`) and the frames that are not JSON objects.
SOCKET_SPOT = 3


def websocket_patterns() -> list[str]:
    from config.routing import websocket_urlpatterns

    return [without_converters(str(entry.pattern)) for entry in websocket_urlpatterns]


def bad_socket_paths(good: str) -> list[str]:
    """Handshake paths a client might send: each must be refused cleanly or accepted."""
    trimmed = good.rstrip("/")
    head, _, last = trimmed.rpartition("/")
    return [
        trimmed,
        good.replace("/ws/", "/ws//", 1),
        good + "/",
        f"{head}//{last}/",
        f"{head}/unknown-slug/" if head.count("/") > 1 else f"{good}unknown/",
        f"{head}/{HUGE}/" if head.count("/") > 1 else f"{good}{HUGE}/",
        f"{head}/{'a' * 20_000}/" if head.count("/") > 1 else f"{good}{'a' * 20_000}/",
        good + "?after=" + quote(HUGE),
        good + "?after=%C2%B2",
        good + "?after=-1",
        good + "?after=%00",
    ]


def bad_frames(fields: tuple[str, ...]) -> list[tuple[str, str | bytes]]:
    """(description, frame) pairs; bytes frames go as binary."""
    frames: list[tuple[str, str | bytes]] = [
        ("not JSON", "not json"),
        ("truncated JSON", '{"type": '),
        ("a JSON list", "[1, 2]"),
        ("an empty list", "[]"),
        ("a number", "42"),
        ("a string", '"ping"'),
        ("null", "null"),
        ("huge text", "x" * 20_000),
        ("NUL", "\x00"),
        ("binary frame", b"\x00\xff"),
    ]
    for field in fields:
        for label, value in (
            ("number", 123),
            ("list", ["ping"]),
            ("object", {"a": 1}),
            ("null", None),
            ("huge", "ping" * 5_000),
            ("NUL", "\x00"),
        ):
            frames.append((f"{field}={label}", json.dumps({field: value})))
    return frames
