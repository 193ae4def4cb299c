"""Fixtures for community tests: one community of each kind and a viewer of every sort."""

import datetime
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.roles import MODERATORS_GROUP
from communities.factories import (
    MembershipFactory,
    ReplyFactory,
    ThreadFactory,
    community_create,
)
from communities.models import Access, Role, State
from tests.communities.live_support import server_command

VIEWERS = [
    "anonymous",
    "non_member",
    "pending",
    "member",
    "moderator",
    "facilitator",
    "suspended",
    "site_moderator",
]
KINDS = [Access.OPEN, Access.RESTRICTED, Access.PRIVATE]

# Who may read threads, files, feeds and live events: the rule the whole app follows.
# A suspended member reads only what a non-member reads (in an open community, what anyone reads).
READERS = {
    Access.OPEN: set(VIEWERS),
    Access.RESTRICTED: {"member", "moderator", "facilitator", "site_moderator"},
    Access.PRIVATE: {"member", "moderator", "facilitator", "site_moderator"},
}
# Who may see the community's page (its description) at all.
PAGE_VIEWERS = {
    Access.OPEN: set(VIEWERS),
    Access.RESTRICTED: set(VIEWERS),
    Access.PRIVATE: READERS[Access.PRIVATE],
}
# Members in the sense of notifications and email (site moderators are not members; nor is
# anyone suspended: they are told nothing of what they may not read).
MEMBERS = {"member", "moderator", "facilitator"}


@pytest.fixture
def make_community(home_page):
    def make(access=Access.OPEN, **kwargs):
        return community_create(access=access, **kwargs)

    return make


def make_viewer(kind: str, community):
    """A user standing in the given relation to `community` (None for anonymous)."""
    if kind == "anonymous":
        return None
    user = UserFactory()
    if kind == "site_moderator":
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        user.groups.add(group)
    elif kind == "pending":
        MembershipFactory(community=community, user=user, state=State.PENDING)
    elif kind == "member":
        MembershipFactory(community=community, user=user)
    elif kind == "moderator":
        MembershipFactory(community=community, user=user, role=Role.MODERATOR)
    elif kind == "facilitator":
        MembershipFactory(community=community, user=user, role=Role.FACILITATOR)
    elif kind == "suspended":
        MembershipFactory(
            community=community,
            user=user,
            state=State.SUSPENDED,
            suspended_until=timezone.now() + datetime.timedelta(days=3),
        )
    return user


@pytest.fixture
def viewer_for():
    return make_viewer


@pytest.fixture
def discussion(make_community):
    """A community with a thread and a reply: make(access) -> (community, thread, reply)."""

    def make(access=Access.OPEN, **kwargs):
        community = make_community(access, **kwargs)
        thread = ThreadFactory(community=community, title=f"Secret plans of {community.slug}")
        reply = ReplyFactory(thread=thread, body="A reply with *emphasis*")
        return community, thread, reply

    return make


# --- Live servers: real server processes sharing a SQLite file with the test -------------

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_db(tmp_path_factory, django_db_setup, django_db_blocker):
    """A migrated SQLite file for the server processes and the scenario scripts (once a session).

    On SQLite the already-migrated test database is copied with SQLite's backup API (well
    under a second); on other databases the file is migrated in a subprocess.
    """
    from django.db import connection

    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    # pytest-django only creates the test database when a collected test needs it; without
    # one `connection` still names the development database, which must never be copied.
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with django_db_blocker.unblock():
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
        return path
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "tests.communities.live_support", "migrate"], cwd=ROOT, env=env, check=True)
    return path


class LiveSite:
    """Starts server processes on the live database and runs scenarios against it."""

    def __init__(self, db_path: Path, redis_url: str = ""):
        self.db_path = db_path
        self.redis_url = redis_url
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.url = ""

    @property
    def env(self) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            # IMMEDIATE: a transaction takes SQLite's write lock when it begins, so concurrent
            # writers wait (up to the busy timeout) instead of a read-then-write transaction
            # failing at once with "database is locked" when another process or thread
            # committed since its first read (WAL cannot upgrade a stale read snapshot).
            "DATABASE_URL": f"sqlite:///{self.db_path}?transaction_mode=IMMEDIATE",
        }
        env.pop("REDIS_URL", None)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env

    def start_server(self) -> str:
        port = _free_port()
        # The server's log goes to a file, not an unread pipe (a full pipe would stall the
        # server), so a failing test can show the server-side traceback.
        log_path = self.db_path.parent / f"server-{port}.log"
        self.logs.append(log_path)
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                server_command("config.asgi:application", port),
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310 - local server
                    return url
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 30 s")

    def run(self, scenario: str, **kwargs) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "tests.communities.live_support", scenario, json.dumps(kwargs)],
            check=False,
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"scenario {scenario} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout)

    def server_log(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.logs)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def live_site(live_db):
    """One server process (in-memory channel layer) shared by a module's live tests."""
    site = LiveSite(live_db)
    site.url = site.start_server()
    yield site
    site.stop()
    _assert_no_server_errors(site)


@pytest.fixture(scope="module")
def redis_live_site(live_db):
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the cross-process test needs Redis (the CI's second run sets it)")
    site = LiveSite(live_db, redis_url=redis_url)
    yield site
    site.stop()
    _assert_no_server_errors(site)


def _assert_no_server_errors(site: LiveSite) -> None:
    """A server-side exception fails the module even when the client side coped with it."""
    log = site.server_log()
    assert "Traceback" not in log, log[-4000:]


class HttpSession:
    """A signed-in HTTP client for a live server: session cookie plus CSRF token."""

    def __init__(self, base_url: str, session_key: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.cookie_header = f"sessionid={session_key}"

    def get(self, path: str) -> str:
        request = urllib.request.Request(self.base_url + path, headers={"Cookie": self._cookies()})  # noqa: S310
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()

    def _cookies(self) -> str:
        extra = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
        return self.cookie_header + (f"; {extra}" if extra else "")

    def post_form(self, path: str, fields: dict) -> int:
        html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(self.base_url + path, data=data, headers={"Cookie": self._cookies()})  # noqa: S310
        with self.opener.open(request, timeout=10) as response:
            return response.status


@pytest_asyncio.fixture
async def close_db_threads():
    """Close the connection sync_to_async's worker thread opened, so PostgreSQL can drop the test DB."""
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()
