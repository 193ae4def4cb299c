"""The site's own pages run under their Content-Security-Policy without a single violation.

Chromium reports a blocked inline script, style attribute, handler or outside resource twice:
as a `securitypolicyviolation` event in the page and as a console error. The tests listen to
both, signed out, signed in and as an administrator (who also gets Wagtail's user bar), and
prove first that the listener hears a violation, so a silent page means a clean one.
"""

import pytest

from django.test import Client

from accounts.models import User
from tests.communities.conftest import HttpSession

pytestmark = [pytest.mark.browser]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
}, true);
"""
CANARY = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__inlineRan = true";
  document.body.append(script);
  return window.__inlineRan === true;
}"""


class ViolationWatch:
    """Collects CSP violations from a tab's events and console."""

    def __init__(self, tab):
        self.tab = tab
        self.console: list[str] = []
        tab.context.add_init_script(LISTEN)
        tab.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{self.tab.url}: {message.text}")

    def visit(self, url: str) -> list[str]:
        """Open `url` as a user would and return what the policy blocked on it."""
        response = self.tab.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        assert "content-security-policy" in response.headers, f"{url} has no Content-Security-Policy"
        self.tab.wait_for_load_state("load")
        return self.violations()

    def violations(self) -> list[str]:
        found = self.tab.evaluate("window.__cspViolations || []")
        return [f"{self.tab.url}: {violation}" for violation in found] + self.console

    def prove_listening(self) -> None:
        """An inline script must be refused, and the refusal heard, or the tour proves nothing."""
        assert self.tab.evaluate(CANARY) is False, f"{self.tab.url} ran an injected inline script"
        assert any("script-src" in violation for violation in self.violations()), "the listener heard nothing"
        self.tab.evaluate("window.__cspViolations = []")
        self.console.clear()


def sign_in(tab, base_url: str, email: str) -> None:
    """Give the tab a session for `email` (the sign-in form has its own browser tests)."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    tab.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def tour_violations(watch: ViolationWatch, urls: list[str]) -> list[str]:
    watch.visit(urls[0])
    watch.prove_listening()
    problems = []
    for url in urls:
        problems += watch.visit(url)
        watch.tab.evaluate("window.__cspViolations = []")
        watch.console.clear()
    return problems


def test_visitors_pages_run_without_a_policy_violation(page, tour):
    problems = tour_violations(ViolationWatch(page), tour.public + tour.visitor_only)
    assert not problems, "\n".join(problems)


def test_members_pages_run_without_a_policy_violation(page, live_server, tour):
    watch = ViolationWatch(page)
    sign_in(page, live_server.url, tour.member_email)
    problems = tour_violations(watch, tour.public + tour.member_only)
    assert not problems, "\n".join(problems)


def test_administrators_see_the_site_and_both_admins_without_a_policy_violation(page, live_server, tour):
    """Signed-in administrators get Wagtail's user bar on every page, and use both admins."""
    watch = ViolationWatch(page)
    sign_in(page, live_server.url, tour.admin_email)
    problems = tour_violations(watch, tour.public + tour.admin)
    page.goto(tour.admin[1])  # the page editor, with its preview panel (a same-origin frame)
    page.get_by_role("button", name="Toggle preview").click()
    page.frame_locator("iframe.w-preview__iframe").last.get_by_role("heading", name=tour.case_study_title).wait_for()
    problems += watch.violations()
    assert not problems, "\n".join(problems)


def test_a_live_thread_connects_its_websocket_and_shows_a_reply_under_the_policy(browser, live_site):
    """connect-src 'self' must allow the thread's own ws:// socket (CSP 3 matches it to 'self')."""
    world = live_site.run("discussion", access="private")
    context = browser.new_context(base_url=live_site.url, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": world["sessions"]["alice"], "url": live_site.url}])
    try:
        tab = context.new_page()
        watch = ViolationWatch(tab)
        problems = watch.visit(world["thread_url"])
        watch.prove_listening()
        tab.wait_for_selector("[data-community-live][data-live-connected]", state="attached")
        HttpSession(live_site.url, world["sessions"]["bob"]).post_form(
            world["thread_url"], {"body": "Arrived over the *socket*"}
        )
        tab.locator(".kh-reply", has_text="Arrived over the socket").wait_for()
        problems += watch.violations()
        assert not problems, "\n".join(problems)
    finally:
        context.close()
