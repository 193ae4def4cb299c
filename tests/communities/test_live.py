"""Live updates against real server processes, real WebSocket clients and real browsers.

Acceptance 2 (two browsers; two server processes through Redis) and 3 (catch-up after a
dropped connection: exactly the missed events, once each).
"""

import json
import time

import pytest
from websockets.sync.client import connect

from tests.communities.conftest import HttpSession

# The database marker makes pytest-django create the test database that `live_db` copies,
# even when only live tests are selected.
pytestmark = [pytest.mark.live, pytest.mark.django_db]


def ws_connect(base_url: str, slug: str, session_key: str, after: int | None = None):
    query = f"?after={after}" if after is not None else ""
    return connect(
        base_url.replace("http", "ws", 1) + f"/ws/communities/{slug}/{query}",
        additional_headers={"Cookie": f"sessionid={session_key}", "Origin": base_url},
        open_timeout=10,
    )


def logged_events(socket, *, quiet_for: float) -> list[dict]:
    """Every logged (id-carrying) event until nothing arrives for `quiet_for` seconds."""
    received = []
    while True:
        try:
            event = json.loads(socket.recv(timeout=quiet_for))
        except TimeoutError:
            return received
        if event.get("id") is not None:
            received.append(event)


def test_a_reconnecting_client_gets_exactly_the_three_replies_it_missed(live_site):
    base = live_site.url
    world = live_site.run("discussion", access="private")
    bob = HttpSession(base, world["sessions"]["bob"])
    with ws_connect(base, world["slug"], world["sessions"]["alice"]) as socket:
        bob.post_form(world["thread_url"], {"body": "Reply one, seen live"})
        seen = logged_events(socket, quiet_for=1.5)
        assert [e["type"] for e in seen] == ["discussion.reply_created"]
        last_id = seen[-1]["id"]
    for number in (2, 3, 4):
        bob.post_form(world["thread_url"], {"body": f"Missed reply {number}"})
    with ws_connect(base, world["slug"], world["sessions"]["alice"], after=last_id) as socket:
        caught_up = logged_events(socket, quiet_for=1.5)
        bodies = [e["payload"]["body_html"] for e in caught_up]
        assert len(caught_up) == 3
        assert all(f"Missed reply {n}" in body for n, body in zip((2, 3, 4), bodies, strict=True))
        assert len({e["id"] for e in caught_up}) == 3
        assert [e["id"] for e in caught_up] == sorted(e["id"] for e in caught_up)
        bob.post_form(world["thread_url"], {"body": "Reply five, live again"})
        after = logged_events(socket, quiet_for=1.5)
        assert len(after) == 1 and "Reply five" in after[0]["payload"]["body_html"]


def test_outsiders_cannot_open_a_private_communitys_socket(live_site):
    base = live_site.url
    world = live_site.run("discussion", access="private")
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus):
        ws_connect(base, world["slug"], world["sessions"]["outsider"])


def _browser_page(browser, base_url: str, session_key: str):
    context = browser.new_context(base_url=base_url, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": base_url}])

    def only_local(route):
        if route.request.url.startswith(base_url) or route.request.url.startswith("data:"):
            return route.continue_()
        return route.abort()

    context.route("**/*", only_local)
    return context, context.new_page()


def _reply_from_one_browser_reaches_the_other(browser, world, base_a, base_b, *, idle: float = 0.0, axe=None):
    context_a, alice = _browser_page(browser, base_a, world["sessions"]["alice"])
    context_b, bob = _browser_page(browser, base_b, world["sessions"]["bob"])
    try:
        alice.goto(world["thread_url"])
        bob.goto(world["thread_url"])
        for tab in (alice, bob):
            tab.wait_for_selector("[data-community-live][data-live-connected]", state="attached")
        # Presence: both people have the thread open (updates arrive debounced, within ~1 s).
        alice.locator("[data-presence-count]", has_text="2").wait_for()
        if idle:
            time.sleep(idle)  # longer than redis-py's default 5 s socket timeout
        bob.fill("#id_body", "Has anyone used the **Duty to Refer** with probation?")
        bob.click("button:has-text('Post reply')")
        reply = alice.locator(".kh-reply", has_text="Has anyone used the Duty to Refer")
        reply.wait_for()
        assert reply.locator("strong", has_text="Duty to Refer").count() == 1
        # The announcement is written a moment after the reply (so screen readers repeat it).
        alice.locator("[data-live-announcer]", has_text="New reply from").wait_for(state="attached")
        if axe is not None:
            axe(alice, "thread page with a live reply")
    finally:
        context_a.close()
        context_b.close()


@pytest.mark.browser
def test_a_reply_posted_in_one_browser_appears_in_another_without_reload(live_site, browser, axe):
    base = live_site.url
    world = live_site.run("discussion", access="private")
    _reply_from_one_browser_reaches_the_other(browser, world, base, base, axe=axe)


@pytest.mark.browser
def test_a_reply_crosses_two_server_processes_through_redis(redis_live_site, browser):
    first = redis_live_site.start_server()
    second = redis_live_site.start_server()
    world = redis_live_site.run("discussion", access="private")
    _reply_from_one_browser_reaches_the_other(browser, world, first, second, idle=6.0)


@pytest.mark.browser
def test_report_to_removal_in_a_browser_lands_in_the_audit_log(live_site, browser, axe):
    """Acceptance 5, and axe-core (acceptance 8) on the directory, a community, the queue
    and the notification centre."""
    base = live_site.url
    world = live_site.run("discussion", access="restricted")
    live_site.run(
        "report_on_reply",
        slug=world["slug"],
        thread_id=world["thread_id"],
        body="Mrs Smith at 4 Acacia Avenue owes rent",
    )
    context, moderator = _browser_page(browser, base, world["sessions"]["facilitator"])
    bob_context, bob = _browser_page(browser, base, world["sessions"]["bob"])
    try:
        moderator.goto("/communities/")
        axe(moderator, "community directory")
        moderator.goto(f"/communities/{world['slug']}/")
        moderator.wait_for_selector("[data-live-connected]", state="attached")
        axe(moderator, "community page")
        moderator.click("text=Moderation queue")
        moderator.get_by_role("heading", level=1, name="Moderation queue").wait_for()
        assert "Personal data about a resident" in moderator.content()
        axe(moderator, "moderation queue")
        moderator.click("text=Deal with")
        moderator.check("input[value='remove']")
        moderator.click("button:has-text('Confirm')")
        # A reason is required for removal: the form says so and keeps the choice.
        moderator.locator(".govuk-error-summary").wait_for()
        assert moderator.locator("input[value='remove']").is_checked()
        moderator.fill("textarea[name='reason']", "Shares a resident's address")
        moderator.click("button:has-text('Confirm')")
        moderator.locator("text=There are no reports waiting").wait_for()
        moderator.goto(f"/communities/{world['slug']}/audit/")
        row = moderator.locator("tbody tr", has_text="removed")
        assert "Shares a resident's address" in row.text_content()

        bob.goto(world["thread_url"])
        assert "Mrs Smith" not in bob.content()
        assert "Reply removed by a moderator." in bob.content()
        assert "Shares a resident's address" in bob.content()  # the author sees why
        bob.goto("/notifications/")
        assert "A moderator removed your post" in bob.content()
        axe(bob, "notification centre")
    finally:
        context.close()
        bob_context.close()


@pytest.mark.browser
def test_a_live_reply_count_and_badge_are_what_a_reload_shows(live_site, browser, axe):
    """Issue 16 point 6: the reply, the "N replies" heading and the header's unread count, as
    they arrive live, are exactly what the same person sees on reloading the page."""
    base = live_site.url
    world = live_site.run("discussion", access="private")
    # The facilitator started the thread, so Bob's reply is a notification for them.
    context_f, facilitator = _browser_page(browser, base, world["sessions"]["facilitator"])
    context_b, bob = _browser_page(browser, base, world["sessions"]["bob"])
    try:
        facilitator.goto(world["thread_url"])
        facilitator.wait_for_selector("[data-community-live][data-live-connected]", state="attached")
        facilitator.wait_for_selector("[data-live-badge][data-live-badge-connected]", state="attached")
        badge = facilitator.locator("[data-live-badge-count]")
        assert badge.is_hidden()
        heading = facilitator.locator("[data-reply-total]")
        before = int(heading.get_attribute("data-reply-total"))

        bob.goto(world["thread_url"])
        bob.fill("#id_body", "We ran the same pilot in **Calderdale**.")
        bob.click("button:has-text('Post reply')")
        bob.locator(".kh-reply", has_text="same pilot in Calderdale").wait_for()

        live_reply = facilitator.locator(".kh-reply", has_text="same pilot in Calderdale")
        live_reply.wait_for()
        badge.wait_for(state="visible")
        facilitator.locator("[data-live-badge-number]", has_text="1").wait_for()
        live = {
            "reply": live_reply.evaluate("node => node.outerHTML"),
            "heading": heading.inner_text(),
            "badge": facilitator.locator("[data-live-badge]").inner_text(),
        }
        assert live["heading"] == f"{before + 1} repl{'y' if before == 0 else 'ies'}"
        assert "Report" in live["reply"] and "Quote" in live["reply"]
        axe(facilitator, "thread page after a live reply and notification")

        facilitator.reload()
        reloaded_reply = facilitator.locator(".kh-reply", has_text="same pilot in Calderdale")
        reloaded_reply.wait_for()
        reloaded = {
            "reply": reloaded_reply.evaluate("node => node.outerHTML"),
            "heading": facilitator.locator("[data-reply-total]").inner_text(),
            "badge": facilitator.locator("[data-live-badge]").inner_text(),
        }
        assert live == reloaded

        # Reading the notification in another tab brings the count back to nought, live.
        other = context_f.new_page()
        other.goto("/notifications/")
        other.get_by_role("button", name="Mark all as read").click()
        other.locator("main").get_by_text("0 unread").wait_for()
        badge.wait_for(state="hidden")
    finally:
        context_f.close()
        context_b.close()
