"""Fixtures shared by the whole suite.

Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright; the browser is
never downloaded. Every outside request is blocked: the machines have no internet, and a
page must not depend on one.
"""

import gc
import os
from pathlib import Path

import pytest

from home.services import site_structure_ensure

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# WCAG 2.2 AA and axe's best practices (landmarks, unique landmark names, heading order...).
AXE_TAGS = [*WCAG_TAGS, "best-practice"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, on PostgreSQL without autovacuum.

    Each test's rows are rolled back, leaving dead rows behind. Autovacuum then analyses a
    table as having pages but no rows, and a later test that fills it inside its transaction is
    planned as if it were still empty: nested loops over thousands of rows, a facet count that
    took 13 s here and past the 120 s statement timeout on a slower machine. Never analysed,
    PostgreSQL estimates a table from its current size instead, which is what a test needs.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables")
        for (table,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


@pytest.fixture
def home_page(db):
    """The page tree every deployment has: home, the four sections and the footer pages."""
    return site_structure_ensure()


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module.

    Playwright's sync API keeps an event loop running on the main thread, which trips Django's
    async-safety check on every ORM call the test makes. The check is lifted only while a
    browser module runs, so consumer and other async tests elsewhere keep its protection.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make services` (installs Debian's chromium).")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) that may only talk to the live test server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)

    def only_local(route):
        if route.request.url.startswith(live_server.url) or route.request.url.startswith("data:"):
            return route.continue_()
        return route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def _live_server_requests_finish(request):
    """A test with a live server ends only when the server has answered every request.

    Closing a browser tab does not stop the request it was making: the server thread goes on
    reading the session while the test's teardown empties the tables. On SQLite's shared
    in-memory database that fails the teardown with "database table is locked", and on
    PostgreSQL the flush waits for the thread's lock. Set up after the database fixture, this is
    torn down before it: it waits for the server's request threads first.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    server = request.getfixturevalue("live_server")
    yield
    httpd = getattr(server.thread, "httpd", None)
    # socketserver.ThreadingMixIn keeps the threads it started in `_threads` (block_on_close).
    for thread in list(getattr(httpd, "_threads", None) or []):
        thread.join(timeout=10)
    # A request that left a cursor unread keeps its SQLite statement open until the cursor is
    # collected, and SQLite refuses to empty a table with a statement open on it.
    gc.collect()


@pytest.fixture
def axe():
    """Run axe-core on the current page; fail listing every WCAG 2.2 AA or best-practice violation."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `make install` (npm ci installs it into node_modules).")

    source = AXE_JS.read_text(encoding="utf-8")

    def check(tab, context: str = "") -> None:
        # Evaluated through the DevTools protocol rather than added as a <script> tag: the
        # pages' Content-Security-Policy refuses inline script, and rightly does not list
        # axe, but does not apply to code the test harness evaluates.
        # A click that navigates returns before the next page has loaded: checking then would
        # check an empty document (no main landmark, no heading). Every page the site serves has
        # a <main>, so wait for it, and for the page to finish loading.
        tab.wait_for_load_state("load")
        tab.locator("main").first.wait_for(state="attached")
        tab.wait_for_load_state("load")
        tab.evaluate(source)
        result = tab.evaluate("async (tags) => await axe.run(document, {runOnly: tags})", AXE_TAGS)
        problems = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            for violation in result["violations"]
        ]
        assert not problems, f"axe-core found violations on {context or tab.url}:\n" + "\n".join(problems)

    return check
