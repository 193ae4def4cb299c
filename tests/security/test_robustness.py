"""No input crashes a page: every URL pattern and WebSocket route, walked with bad values.

Each URL pattern gets one test, walked as an anonymous visitor, an ordinary member, a community
moderator and a site moderator (and, where only they see a view's forms, a provider's staff or
an administrator). Every path parameter, query parameter and form field gets one value of each
class in `walker.BAD_VALUES` (huge integers, non-digits, Unicode digits, quotes, FTS and LIKE
metacharacters, NUL bytes, 20 KB strings, empty, ...), plus a few hypothesis strings,
derandomised so CI is repeatable. Forms are found in the HTML of the page (every
`<form method="post">` that posts back to the pattern) and posted with one field bad and the
others sensible.

What keeps it within the suite's time budget without walking less:
- the person a view shows the most walks every class; the others, whose role cannot change how
  a value is parsed, get the spot values (`walker.SPOT`) all at once; a form someone already
  walked in full is posted with the spot values in every field;
- a value the view's Django form refuses meets only the error path, so refused values of all
  fields share requests, while every value a form lets through is sent alone;
- the world is made once for the module; each request runs in a savepoint rolled back after it.

A response of 500 or more, or an exception logged by `django.request`, is a failure; a test
collects all of its failures and reports them together, naming the pattern, the person, the
parameter and the value. See tests/security/walker.py for the tables and why they cannot rot,
and `python -m tests.security.inventory` for everything tried.
"""

import logging
import os
import traceback
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from tests.security import walker

# In both CI legs: about 2.5 minutes on SQLite and 4.5 on PostgreSQL (114 tests, some 6,000
# requests a leg). `make test-robustness` runs it alone.
pytestmark = [pytest.mark.django_db]

PATTERNS = {pattern.key: pattern for pattern in walker.url_patterns()}
CATCH_ALL = "^((?:[\\w\\-]+/)*)$"
WALKED = sorted(key for key in walker.ROUTES if key != CATCH_ALL)
# Random text beyond the fixed list: bounded and derandomised so every CI run tries the same.
HYPOTHESIS = settings(
    max_examples=3,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)


class ErrorLog(logging.Handler):
    """Collects what `django.request` (or a consumer) logs at ERROR, with its exception line."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def take(self) -> str:
        lines = []
        for record in self.records:
            exc = record.exc_info[1] if record.exc_info else None
            if exc is None:
                lines.append(record.getMessage()[:200])
            else:
                lines.append(f"{type(exc).__name__}: {str(exc)[:200]}{_raised_in(exc.__traceback__)}")
        self.records.clear()
        return "; ".join(lines)


def _raised_in(trace) -> str:
    """` at app/module.py:123`: the project's own line nearest the exception, where it is fixed."""
    root = str(django_settings.BASE_DIR)
    ours = [
        (frame.f_code.co_filename, line)
        for frame, line in traceback.walk_tb(trace)
        if frame.f_code.co_filename.startswith(root) and "/.venv/" not in frame.f_code.co_filename
    ]
    if not ours:
        return ""
    filename, line = ours[-1]
    return f" at {os.path.relpath(filename, root)}:{line}"


@contextmanager
def error_log(*names: str):
    handler = ErrorLog()
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


class Walk:
    """One test's walk: a client per person, each request in a savepoint, failures collected."""

    def __init__(self, world, log: ErrorLog, label: str, users=None, where: str | None = None):
        self.samples = world["samples"]
        # What picks each parameter's value of every class (walker.bad_values): the table key.
        self.where = where or label
        self.users = users if users is not None else world["users"]
        self.log = log
        self.label = label
        self.failures: list[str] = []
        self.requests = 0
        self.clients = {who: self._client(user) for who, user in self.users.items()}

    @staticmethod
    def _client(user) -> Client:
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.cookies[django_settings.CSRF_COOKIE_NAME] = get_random_string(32)
        if user is not None:
            client.force_login(user)
        return client

    def csrf(self, who: str) -> str:
        return self.clients[who].cookies[django_settings.CSRF_COOKIE_NAME].value

    def fetch(self, who: str, method: str, path: str, what: str, data=None):
        """One request, rolled back afterwards so the walk's data stays as it was made."""
        client = self.clients[who]
        self.requests += 1
        with transaction.atomic():
            response = client.get(path) if method == "GET" else client.post(path, data or {})
            body = b"" if response.streaming else response.content
            transaction.set_rollback(True)
        logged = self.log.take()
        if response.status_code >= 500 or logged:
            self.failures.append(
                f"{self.label} | {who} | {method} {what} -> {response.status_code} {logged or '(nothing logged)'}"
            )
        return response, body

    def report(self) -> str:
        return f"{len(self.failures)} failure(s) in {self.requests} requests:\n" + "\n".join(self.failures)


# --- The tables cannot go stale ------------------------------------------------------------


def test_every_url_pattern_is_in_the_walk_table():
    project = {key for key in PATTERNS if not walker.is_admin(key)}
    unknown = sorted(project - set(walker.ROUTES))
    gone = sorted(set(walker.ROUTES) - project)
    assert not unknown, f"URL patterns the robustness walk does not know how to fill: {unknown}"
    assert not gone, f"the walk table names patterns the resolver no longer has: {gone}"


def test_every_admin_pattern_has_parameters_the_walker_can_fill():
    known = set(walker.CONVERTER_EXTRAS)
    unfillable = sorted(
        f"{key}: <{walker.converter_name(converter)}:{name}>"
        for key, pattern in PATTERNS.items()
        if walker.is_admin(key)
        for name, converter in pattern.converters.items()
        if walker.converter_name(converter) not in known
    )
    assert not unfillable, unfillable


def test_every_table_entry_fills_its_pattern_with_good_values(walk_world):
    samples = walk_world["samples"]
    wrong = []
    for key, route in walker.ROUTES.items():
        pattern = PATTERNS[key]
        names = set(pattern.converters) if not pattern.is_regex else set(route.path)
        if not pattern.is_regex and set(route.path) != names:
            wrong.append(f"{key}: path table {sorted(route.path)} != parameters {sorted(names)}")
            continue
        path = walker.build_path(walker.route_template(pattern, route), {n: samples[s] for n, s in route.path.items()})
        if walker.resolves_to(path) != key:
            wrong.append(f"{key}: {path} resolves to {walker.resolves_to(path)}")
    for page in walker.PAGES:
        if walker.resolves_to(samples[page.sample]) not in (CATCH_ALL, "^(good-practice/(?:[\\w\\-]+/)*)$"):
            wrong.append(f"page {page.sample}: {samples[page.sample]} is not a Wagtail page")
    assert not wrong, "\n".join(wrong)


def test_query_tables_list_every_field_of_the_forms_views_read():
    missing = []
    entries = [(key, route.query, route.forms) for key, route in walker.ROUTES.items()]
    entries += [(page.sample, page.query, page.forms) for page in walker.PAGES]
    for label, query, forms in entries:
        for dotted in forms:
            fields = set(import_string(dotted).base_fields)
            if fields - set(query):
                missing.append(f"{label}: {dotted} reads {sorted(fields - set(query))}")
    from search.backends.base import FACETS

    people = next(page for page in walker.PAGES if page.sample == "people.url")
    if set(FACETS) - set(people.query):
        missing.append(f"people.url: facets {sorted(set(FACETS) - set(people.query))}")
    assert not missing, "\n".join(missing)


def test_every_page_type_and_routable_route_is_walked(walk_world):
    from wagtail.contrib.routable_page.models import RoutablePageMixin
    from wagtail.models import Page, get_page_models

    samples = walk_world["samples"]
    walked_types = set()
    for page in walker.PAGES:
        found = Page.find_for_request(_request(samples[page.sample]), samples[page.sample])
        if found is not None:
            walked_types.add(type(found.specific))
    concrete = {model for model in get_page_models() if model is not Page}
    missing = sorted(model.__name__ for model in concrete - walked_types)
    assert not missing, f"page types without a walked page: {missing}"
    routes = {
        (model._meta.label, str(entry.pattern))
        for model in concrete
        if issubclass(model, RoutablePageMixin)
        for entry in model.get_subpage_urls()
    }
    assert routes == set(walker.ROUTABLE), routes ^ set(walker.ROUTABLE)
    assert set(walker.ROUTABLE.values()) <= {page.sample for page in walker.PAGES}
    for page in walker.PAGES:
        if page.read_as is not None:
            full = next(other for other in walker.PAGES if other.sample == page.read_as)
            assert (full.query, full.forms) == (page.query, page.forms), f"{page.sample} reads as {full.sample}"


def test_every_websocket_route_is_in_the_walk_table():
    assert set(walker.websocket_patterns()) == set(walker.SOCKETS)


def _request(path):
    from django.test import RequestFactory

    return RequestFactory().get(path)


# --- HTTP ----------------------------------------------------------------------------------


def _primary(walk: Walk, path: str) -> tuple[str, dict]:
    """GET `path` as everyone; the person shown the most (the largest 2xx page) walks in full.

    That person reaches the view and its deepest branch (a member's reply form, a moderator's
    tools); for the others the same bad value meets the same parsing, so they get the spot set.
    A view that shows nobody a page (POST-only, a 404 for an object no file backs) is walked in
    full by the first signed-in person.
    """
    pages, sizes = {}, {}
    for who in walk.users:
        pages[who] = walk.fetch(who, "GET", path, "good URL")
        response, body = pages[who]
        if 200 <= response.status_code < 300:
            sizes[who] = len(body)
    signed_in = [who for who in walk.users if walk.users[who] is not None]
    primary = max(sizes, key=lambda who: sizes[who]) if sizes else signed_in[0]
    return primary, pages


def _walk_path(walk: Walk, who: str, spot: bool, template: str, good: dict, converters: dict):
    for name in good:
        converter = converters.get(name)
        if converter is not None:
            values = walker.values_for_converter(converter, walk.where, name, spot=spot)
        else:  # a regex group: any text reaches the view
            values = walker.SPOT if spot else walker.bad_values(walk.where, name)
        for value in values:
            path = walker.build_path(template, {**good, name: value})
            walk.fetch(who, "GET", path, f"path {name}={walker.describe(value)}")


def _walk_query(walk: Walk, who: str, spot: bool, path: str, query: tuple[str, ...], forms: tuple[str, ...]):
    if not query:
        return
    if spot:
        for value in walker.SPOT:
            what = f"every query parameter={value!r}"
            walk.fetch(who, "GET", f"{path}?{urlencode(dict.fromkeys(query, value))}", what)
        return
    refused = {}
    for name in query:
        taken, refused[name] = walker.split_by_forms(forms, name, walker.bad_values(walk.where, name))
        for value in taken:
            walk.fetch(who, "GET", f"{path}?{walker.query_string(name, value)}", f"?{name}={walker.describe(value)}")
    for values in walker.refused_rounds(refused):
        what = "&".join(f"{name}={walker.describe(value)}" for name, value in values.items())
        walk.fetch(who, "GET", f"{path}?{urlencode(values)}", f"?{what} (all refused by the form)")


def _walk_forms(walk: Walk, who: str, key: str, page_path: str, page, seen: set, extra_fields=()) -> list:
    """Post every form on the page that posts to `key`, each field set to every class of value.

    The others keep sensible values, so a value the form lets through reaches the code behind
    `is_valid()`; it is posted alone. Values the rendered Django form's field refuses meet only
    the error path and are posted together, one of each refused field per request. A form
    already walked in full as someone else gets the spot values in every field at once: the
    fields meet the same validation, only the branch for the person differs.
    """
    response, body = page
    fields = walker.context_fields(response)
    forms = [
        form
        for form in walker.post_forms(body.decode(errors="replace"), page_path)
        if walker.resolves_to(form.action) == key and key not in walker.NEVER_POST
    ]
    mine = set()
    for form in forms:
        base = walker.baseline(form, walk.samples)
        for name in extra_fields:
            base.setdefault(name, [walker.good_value(name, walk.samples)])
        names = sorted(base)
        signature = walker.form_signature(form, names)
        if signature in mine:
            continue
        mine.add(signature)
        token = {"csrfmiddlewaretoken": [walk.csrf(who)]}
        walk.fetch(who, "POST", form.action, f"form {form.action} (sensible values)", base | token)
        if signature in seen:
            for value in walker.SPOT:
                data = dict.fromkeys(names, value) | token
                walk.fetch(who, "POST", form.action, f"form {form.action} every field={value!r}", data)
            continue
        seen.add(signature)
        refused = {}
        for name in names:
            refused[name] = []
            for value in walker.bad_values(walk.where, name):
                if name in fields and walker.field_refuses(fields[name], name, value):
                    refused[name].append(value)
                    continue
                what = f"form {form.action} {name}={walker.describe(value)}"
                walk.fetch(who, "POST", form.action, what, base | {name: [value]} | token)
        for values in walker.refused_rounds(refused):
            what = ", ".join(f"{name}={walker.describe(value)}" for name, value in values.items())
            data = base | {name: [value] for name, value in values.items()} | token
            walk.fetch(who, "POST", form.action, f"form {form.action} {what} (all refused by the form)", data)
    return forms


def _walk_everyone(
    walk: Walk,
    key: str,
    path: str,
    template: str,
    good: dict,
    converters: dict,
    query,
    forms=(),
    form_page=None,
    post=(),
    query_in_full=True,
) -> str:
    """The whole walk of one pattern as everyone: path and query values, then its forms."""
    primary, pages = _primary(walk, path)
    seen: set = set()
    for who in [primary, *(who for who in walk.users if who != primary)]:
        spot = who != primary
        _walk_path(walk, who, spot, template, good, converters)
        _walk_query(walk, who, spot or not query_in_full, path, query, forms)
        page = pages[who] if form_page is None else walk.fetch(who, "GET", form_page, "form page")
        if not _walk_forms(walk, who, key, form_page or path, page, seen, post) and post:
            # Nothing on the page posts here for this person: post the fields the view reads.
            base = {name: walker.good_value(name, walk.samples) for name in post}
            base["csrfmiddlewaretoken"] = walk.csrf(who)
            for name in post:
                for value in walker.SPOT if spot else walker.bad_values(walk.where, name):
                    walk.fetch(
                        who,
                        "POST",
                        path,
                        f"field {name}={walker.describe(value)} (no form shown)",
                        base | {name: value},
                    )
    return primary


def _probe(walk: Walk, who: str, names, build):
    """A few derandomised hypothesis strings, each in a parameter hypothesis picks."""
    if not names:
        return

    @HYPOTHESIS
    @given(name=st.sampled_from(list(names)), value=TEXT)
    def probe(name, value):
        walk.fetch(who, "GET", build(name, value), f"hypothesis {name}={walker.describe(value)}")

    probe()


def _people(world, roles=()) -> dict:
    return {**world["users"], **{role: world["extra"][role] for role in roles}}


@pytest.mark.parametrize("key", WALKED)
def test_url_pattern_survives_bad_input(key, walk_world):
    route = walker.ROUTES[key]
    pattern = PATTERNS[key]
    samples = walk_world["samples"]
    template = walker.route_template(pattern, route)
    good = {name: samples[sample] for name, sample in route.path.items()}
    path = walker.build_path(template, good)
    form_page = samples[route.form_page] if route.form_page else None
    with error_log("django.request") as log:
        walk = Walk(walk_world, log, key, users=_people(walk_world, route.roles))
        primary = _walk_everyone(
            walk, key, path, template, good, pattern.converters, route.query, route.forms, form_page, route.post
        )

        def build(name, value):
            if name in route.path:
                return walker.build_path(template, {**good, name: value})
            return f"{path}?{walker.query_string(name, value)}"

        _probe(walk, primary, [*route.path, *route.query], build)
    assert not walk.failures, walk.report()


@pytest.mark.parametrize("sample", [page.sample for page in walker.PAGES])
def test_page_survives_bad_input(sample, walk_world):
    page = next(page for page in walker.PAGES if page.sample == sample)
    path = walk_world["samples"][sample]
    key = walker.resolves_to(path)
    with error_log("django.request") as log:
        walk = Walk(walk_world, log, f"{key} {path}", where=sample)
        primary = _walk_everyone(
            walk, key, path, "{0}", {}, {}, page.query, page.forms, query_in_full=page.read_as is None
        )
        for who in walk.users:
            for segment in walker.BAD_SEGMENTS if who == primary else walker.BAD_SEGMENTS[:2]:
                walk.fetch(who, "GET", path + segment, f"segment {walker.describe(segment)}")
        _probe(walk, primary, page.query, lambda name, value: f"{path}?{walker.query_string(name, value)}")
    assert not walk.failures, walk.report()


@pytest.mark.parametrize("template", sorted(walker.ADMIN_SUBSET))
def test_admin_view_survives_bad_input(template, walk_world):
    """Administrators walk every class of value; the four others are sent to sign in."""
    path = walker.build_path(template, walk_world["samples"])
    with error_log("django.request") as log:
        walk = Walk(walk_world, log, template, users=_people(walk_world, ("administrator",)))
        for who in walk.users:
            walk.fetch(who, "GET", path, "good URL")
            _walk_query(walk, who, who != "administrator", path, walker.ADMIN_SUBSET[template], ())
    assert not walk.failures, walk.report()


# --- WebSockets ------------------------------------------------------------------------------


@pytest.mark.parametrize("route_key", sorted(walker.SOCKETS), ids=lambda key: key or "catch-all")
def test_websocket_route_survives_bad_paths_and_frames(route_key, walk_world, monkeypatch):
    """Handshakes are refused cleanly or accepted; a bad frame never closes with 1011.

    The consumers run through config.asgi's application, in an event loop whose
    database_sync_to_async calls come back to this thread (asgiref's thread-sensitive mode), so
    they see the walk's uncommitted data. Channels closes "old" connections around each such
    call, which inside a test transaction would drop it; it is switched off here, exactly as
    Django's own test client disconnects close_old_connections around each request.
    """
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
    route = walker.SOCKETS[route_key]
    samples = walk_world["samples"]
    good = "/" + route.template.format(**{name: samples[sample] for name, sample in route.path.items()})
    failures: list[str] = []
    full = None  # the first person the good handshake accepts walks every path and frame
    with error_log("django.request", "communities", "channels", "daphne") as log:
        for who, user in walk_world["users"].items():
            headers = _socket_headers(user)
            label = f"{route_key} | {who}"
            found, accepted = async_to_sync(_handshake)(good, headers, f"{label} | connect {good}")
            failures += found
            if full is None and (accepted or route.refuses_everyone):
                full = who
            paths = walker.bad_socket_paths(good)
            frames = [] if route.refuses_everyone else walker.bad_frames(route.frame_fields)
            if who != full:
                paths, frames = paths[: walker.SOCKET_SPOT], frames[: walker.SOCKET_SPOT]
            for path in paths:
                failures += async_to_sync(_handshake)(path, headers, f"{label} | connect {walker.describe(path)}")[0]
            for frame_label, frame in frames:
                failures += async_to_sync(_frame)(good, headers, frame, f"{label} | frame {frame_label}")
            logged = log.take()
            if logged:
                failures.append(f"{label} | logged: {logged}")
    assert full is not None, f"nobody could open {good}: the frames were never sent"
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures)


def _socket_headers(user) -> list[tuple[bytes, bytes]]:
    cookie = ""
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    return [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())]


async def _open(path, headers):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


async def _handshake(path, headers, label) -> tuple[list[str], bool]:
    """(failures, whether the handshake was accepted)."""
    try:
        communicator, connected, code = await _open(path, headers)
    except Exception as exc:  # noqa: BLE001 - any exception out of the application is the finding
        return [f"{label} -> exception {type(exc).__name__}: {str(exc)[:200]}"], False
    if connected:
        await communicator.disconnect()
    elif code == 1011:
        return [f"{label} -> closed with 1011"], False
    return [], connected


async def _frame(path, headers, frame, label) -> list[str]:
    import asyncio

    try:
        communicator, connected, _ = await _open(path, headers)
    except Exception as exc:  # noqa: BLE001 - any exception out of the application is the finding
        return [f"{label} -> connect raised {type(exc).__name__}: {str(exc)[:200]}"]
    if not connected:
        return []  # this person may not listen here; the handshake walk covers refusals
    problems = []
    try:
        if isinstance(frame, bytes):
            await communicator.send_to(bytes_data=frame)
        else:
            await communicator.send_to(text_data=frame)
        # receive_nothing, not receive_output with a timeout: the latter cancels the consumer
        # when nothing comes, and a consumer that rightly answers nothing would look dead.
        while not await communicator.receive_nothing(timeout=0.1):
            output = await communicator.receive_output()
            if output.get("type") == "websocket.close":
                if output.get("code") == 1011:
                    problems.append(f"{label} -> closed with 1011")
                break
    except Exception as exc:  # noqa: BLE001 - any exception out of the consumer is the finding
        problems.append(f"{label} -> exception {type(exc).__name__}: {str(exc)[:200]}")
    try:
        await communicator.disconnect()
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - a dead consumer is the finding
        problems.append(f"{label} -> the consumer had died: {type(exc).__name__}")
    return problems
