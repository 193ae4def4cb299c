"""Runs inside a subprocess against the live test database: `python -m tests.communities.live_support <scenario>`.

The ASGI servers under test are separate processes, so they cannot see pytest's in-memory
test database; the live tests share a SQLite file with them instead, and create their data
through this module (printing JSON the test reads).
"""

import json
import os
import sys
import uuid
from pathlib import Path

BIN = Path(sys.executable).parent
# As in the Makefile's `serve`: ASGI without the lifespan protocol (Django has none), uvloop,
# and at most 64 KB of request line and headers (431 past it).
SERVER_OPTIONS = ["--interface", "asginl", "--loop", "uvloop", "--http1-buffer-size", "65536"]


def server_command(app: str, port: int) -> list[str]:
    """The production server serving `app` on 127.0.0.1:`port`, with the options `make serve` uses.

    Live tests run the server the site runs on, so what they prove (WebSockets, limits on the
    request line) holds for production too.
    """
    return [str(BIN / "granian"), *SERVER_OPTIONS, "--host", "127.0.0.1", "--port", str(port), app]


def _session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _page_tree_roots() -> None:
    """Wagtail's locale and root page, which a copied test database may have lost to a flush."""
    from wagtail.models import Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code="en")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale, content_type_id=_page_type_id()))


def _page_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Page

    return ContentType.objects.get_for_model(Page).pk


def discussion(access: str = "private") -> dict:
    """A community with a facilitator, two members, an outsider and a thread."""
    from accounts.factories import UserFactory
    from communities.factories import MembershipFactory, ThreadFactory, community_create
    from communities.models import Role
    from home.services import site_structure_ensure

    _page_tree_roots()
    site_structure_ensure()
    tag = uuid.uuid4().hex[:8]
    community = community_create(title=f"Live {tag}", slug=f"live-{tag}", access=access)
    people = {
        name: UserFactory(email=f"{name}-{tag}@example.org", organisation=None)
        for name in ("facilitator", "alice", "bob", "outsider")
    }
    MembershipFactory(community=community, user=people["facilitator"], role=Role.FACILITATOR)
    MembershipFactory(community=community, user=people["alice"])
    MembershipFactory(community=community, user=people["bob"])
    thread = ThreadFactory(community=community, author=people["facilitator"], title=f"Live thread {tag}")
    return {
        "slug": community.slug,
        "thread_url": thread.get_absolute_url(),
        "thread_id": thread.pk,
        "sessions": {name: _session_for(user) for name, user in people.items()},
        "user_ids": {name: user.pk for name, user in people.items()},
    }


def report_on_reply(slug: str, thread_id: int, body: str) -> dict:
    """A reply by bob in the thread, reported by alice; returns the report id."""
    from accounts.models import User
    from communities import services
    from communities.models import Thread

    thread = Thread.objects.get(pk=thread_id, community__slug=slug)
    members = {m.user.email.split("-")[0]: m.user for m in thread.community.memberships.select_related("user")}
    reply = services.reply_create(thread=thread, author=members["bob"], body=body)
    report = services.report_create(
        reporter=members["alice"], thread=thread, reply=reply, reason="Personal data about a resident"
    )
    moderator = User.objects.filter(pk=members["facilitator"].pk).first()
    return {"report_id": report.pk, "reply_id": reply.pk, "moderator_session": _session_for(moderator)}


def remove_member(slug: str, name: str) -> dict:
    from communities import services
    from communities.models import Membership, Role

    memberships = Membership.objects.filter(community__slug=slug).select_related("user", "community")
    target = next(m for m in memberships if m.user.email.startswith(f"{name}-"))
    facilitator = next(m for m in memberships if m.role == Role.FACILITATOR).user
    services.membership_remove(membership=target, actor=facilitator)
    return {}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    scenario, *args = sys.argv[1:]
    if scenario == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        result = {}
    else:
        kwargs = json.loads(args[0]) if args else {}
        result = globals()[scenario](**kwargs)
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
