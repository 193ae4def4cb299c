"""After too many wrong passwords: the site's page, how long to wait, the email still there."""

import pytest

from django.core.cache import cache

from config.settings import base

pytestmark = [pytest.mark.browser]


@pytest.fixture
def limits(settings, home_page):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


def test_locked_out_person_sees_how_long_to_wait_and_keeps_their_email(page, axe, limits, client):
    # Ten wrong passwords from this machine's address (the browser's too) use up the minute.
    for n in range(10):
        client.post("/accounts/login/", {"login": f"person{n}@leeds.example", "password": "a-guess"})
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("officer@leeds.example")
    page.locator("input[name=password]").fill("a-guess")
    with page.expect_response(lambda r: r.url.endswith("/accounts/login/") and r.request.method == "POST") as info:
        page.get_by_role("button", name="Sign in").click()
    assert info.value.status == 429
    assert int(info.value.headers["retry-after"]) <= 60
    page.get_by_role("heading", name="Too many attempts").wait_for()
    assert page.get_by_text("Wait a minute, then try again.").is_visible()
    assert page.locator("input[name=login]").input_value() == "officer@leeds.example"
    assert page.locator("footer.govuk-footer").is_visible()
    axe(page, "sign-in lockout page")
