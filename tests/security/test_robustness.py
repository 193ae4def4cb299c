"""No input crashes a page: every URL pattern and WebSocket route, walked with bad values.

Each URL pattern gets one test, walked as an anonymous visitor, an ordinary member, a community
moderator and a site moderator: its good URL, each path parameter and each query parameter its
view reads replaced by every value in `walker.NASTY` (plus a few hypothesis-generated strings,
derandomised so CI is repeatable), and every `<form method="post">` the page shows that posts
back to the pattern, each field in turn set to every bad value with the others left sensible.
A response of 500 or more, or an exception logged by `django.request`, is a failure; a test
collects all of its failures and reports them together, naming the pattern, the person, the
parameter and the value. See tests/security/walker.py for the tables and why they cannot rot.
"""

import logging
import os
from contextlib import contextmanager

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

pytestmark = [
    pytest.mark.django_db,
    # Not yet in the CI legs: the walk still takes far longer than the suite's time budget, and it
    # fails on the 500s the security issue lists that are still open (thread ?quote=, unknown
    # WebSocket paths, bad frames, ...). `make test-robustness` runs it.
    pytest.mark.skipif(
        os.environ.get("KH_ROBUSTNESS") != "1",
        reason="robustness walk: run with `make test-robustness` (over the CI time budget, open 500s remain)",
    ),
]

PATTERNS = {pattern.key: pattern for pattern in walker.url_patterns()}
CATCH_ALL = "^((?:[\\w\\-]+/)*)$"
WALKED = sorted(key for key in walker.ROUTES if key != CATCH_ALL)
# Random text beyond the fixed list: bounded and derandomised so every CI run tries the same.
HYPOTHESIS = settings(
    max_examples=4,
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
            lines.append(f"{type(exc).__name__}: {str(exc)[:200]}" if exc else record.getMessage()[:200])
        self.records.clear()
        return "; ".join(lines)


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

    def __init__(self, world, log: ErrorLog, label: str, users=None):
        self.samples = world["samples"]
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


def test_every_websocket_route_is_in_the_walk_table():
    assert set(walker.websocket_patterns()) == set(walker.SOCKETS)


def _request(path):
    from django.test import RequestFactory

    return RequestFactory().get(path)


# --- HTTP ----------------------------------------------------------------------------------


def _walk_path_and_query(walk: Walk, who: str, template: str, good: dict, converters: dict, query, good_path: str):
    walk.fetch(who, "GET", good_path, "good URL")
    for name in good:
        converter = converters.get(name)
        values = walker.values_for_converter(converter) if converter is not None else walker.NASTY
        for value in values:
            walk.fetch(
                who, "GET", walker.build_path(template, {**good, name: value}), f"path {name}={walker.describe(value)}"
            )
    for name in query:
        for value in walker.NASTY:
            walk.fetch(
                who, "GET", f"{good_path}?{walker.query_string(name, value)}", f"?{name}={walker.describe(value)}"
            )


def _walk_forms(walk: Walk, who: str, key: str, page_path: str, extra_fields=()):
    _, body = walk.fetch(who, "GET", page_path, "form page")
    forms = [
        form
        for form in walker.post_forms(body.decode(errors="replace"), page_path)
        if walker.resolves_to(form.action) == key and key not in walker.NEVER_POST
    ]
    seen = set()
    for form in forms:
        base = walker.baseline(form, walk.samples)
        for name in extra_fields:
            good = walker.GOOD_FIELD_VALUES.get(name, "1")
            base.setdefault(name, [str(walk.samples.get(good, good))])
        base["csrfmiddlewaretoken"] = [walk.csrf(who)]
        signature = (form.action, tuple(sorted(base)))
        if signature in seen:
            continue
        seen.add(signature)
        walk.fetch(who, "POST", form.action, f"form {form.action} (sensible values)", base)
        for name in base:
            if name == "csrfmiddlewaretoken":
                continue
            for value in walker.NASTY:
                walk.fetch(
                    who,
                    "POST",
                    form.action,
                    f"form {form.action} {name}={walker.describe(value)}",
                    {**base, name: [value]},
                )
    return forms


@pytest.mark.parametrize("key", WALKED)
def test_url_pattern_survives_bad_input(key, walk_world):
    route = walker.ROUTES[key]
    pattern = PATTERNS[key]
    samples = walk_world["samples"]
    template = walker.route_template(pattern, route)
    good = {name: samples[sample] for name, sample in route.path.items()}
    good_path = walker.build_path(template, good)
    with error_log("django.request") as log:
        walk = Walk(walk_world, log, key)
        for who in walk.users:
            _walk_path_and_query(walk, who, template, good, pattern.converters, route.query, good_path)
            page = samples[route.form_page] if route.form_page else good_path
            forms = _walk_forms(walk, who, key, page, route.post)
            if not forms and route.post:
                # Nothing on the page posts here for this person: post the fields the view reads.
                base = dict.fromkeys(route.post, "1") | {"csrfmiddlewaretoken": walk.csrf(who)}
                for name in route.post:
                    for value in walker.NASTY:
                        walk.fetch(
                            who, "POST", good_path, f"POST {name}={walker.describe(value)}", {**base, name: value}
                        )

        @HYPOTHESIS
        @given(value=TEXT)
        def probe(value):
            for name in [*route.path, *route.query]:
                if name in route.path:
                    path = walker.build_path(template, {**good, name: value})
                else:
                    path = f"{good_path}?{walker.query_string(name, value)}"
                walk.fetch("member", "GET", path, f"hypothesis {name}={walker.describe(value)}")

        if route.path or route.query:
            probe()
    assert not walk.failures, walk.report()


@pytest.mark.parametrize("sample", [page.sample for page in walker.PAGES])
def test_page_survives_bad_input(sample, walk_world):
    page = next(page for page in walker.PAGES if page.sample == sample)
    path = walk_world["samples"][sample]
    key = walker.resolves_to(path)
    with error_log("django.request") as log:
        walk = Walk(walk_world, log, f"{key} {path}")
        for who in walk.users:
            _walk_path_and_query(walk, who, "{0}", {}, {}, page.query, path)
            for segment in walker.BAD_SEGMENTS:
                walk.fetch(who, "GET", path + segment, f"segment {walker.describe(segment)}")
            _walk_forms(walk, who, key, path)
    assert not walk.failures, walk.report()


@pytest.mark.parametrize("template", walker.ADMIN_SUBSET)
def test_admin_view_survives_bad_input(template, walk_world):
    path = "/" + template.format_map(walk_world["samples"])
    with error_log("django.request") as log:
        walk = Walk(walk_world, log, template, users={**walk_world["users"], "administrator": walk_world["admin"]})
        for who in walk.users:
            walk.fetch(who, "GET", path, "good URL")
            for name in walker.ADMIN_QUERY:
                for value in walker.NASTY:
                    walk.fetch(
                        who, "GET", f"{path}?{walker.query_string(name, value)}", f"?{name}={walker.describe(value)}"
                    )
    assert not walk.failures, walk.report()


# --- WebSockets ------------------------------------------------------------------------------


@pytest.mark.parametrize("route_key", sorted(walker.SOCKETS))
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
    with error_log("django.request", "communities", "channels", "daphne") as log:
        for who, user in walk_world["users"].items():
            cookie = ""
            if user is not None:
                client = Client()
                client.force_login(user)
                cookie = (
                    f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
                )
            headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())]
            for path in [good, *walker.bad_socket_paths(good)]:
                failures += async_to_sync(_handshake)(
                    path, headers, f"{route_key} | {who} | connect {walker.describe(path)}"
                )
            for label, frame in walker.bad_frames(route.frame_fields):
                failures += async_to_sync(_frame)(good, headers, frame, f"{route_key} | {who} | frame {label}")
            logged = log.take()
            if logged:
                failures.append(f"{route_key} | {who} | logged: {logged}")
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures)


async def _open(path, headers):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


async def _handshake(path, headers, label) -> list[str]:
    try:
        communicator, connected, code = await _open(path, headers)
    except Exception as exc:  # noqa: BLE001 - any exception out of the application is the finding
        return [f"{label} -> exception {type(exc).__name__}: {str(exc)[:200]}"]
    if connected:
        await communicator.disconnect()
    elif code == 1011:
        return [f"{label} -> closed with 1011"]
    return []


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
        while True:
            output = await communicator.receive_output(timeout=0.1)
            if output.get("type") == "websocket.close" and output.get("code") == 1011:
                problems.append(f"{label} -> closed with 1011")
                break
    except TimeoutError:
        pass
    except Exception as exc:  # noqa: BLE001 - any exception out of the consumer is the finding
        problems.append(f"{label} -> exception {type(exc).__name__}: {str(exc)[:200]}")
    try:
        await communicator.disconnect()
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - a dead consumer is the finding
        problems.append(f"{label} -> the consumer had died: {type(exc).__name__}")
    return problems
