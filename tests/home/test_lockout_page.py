"""The page after too many sign-in attempts: how long to wait, Retry-After, the email kept.

allauth's limits are off in the test settings; these tests put back the real ones, with an
empty cache and allauth's limiter clock moved by hand (as tests/accounts/test_rate_limits.py).
"""

import pytest
from allauth.core.internal import ratelimit

from django.core.cache import cache

from accounts.adapters import wait_text
from config.settings import base
from tests.accounts.test_rate_limits import ATTACKER, Clock, sign_in


@pytest.fixture
def clock(settings, monkeypatch, home_page):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    fake = Clock()
    monkeypatch.setattr(ratelimit, "time", fake)
    yield fake
    cache.clear()


def lock_out(client, clock, email="officer@leeds.example"):
    for n in range(10):
        sign_in(client, f"person{n}@leeds.example", "a-guess", ATTACKER)
        clock.wait(2)
    return sign_in(client, email, "a-guess", ATTACKER)


@pytest.mark.django_db
def test_lockout_says_how_long_to_wait_and_sends_retry_after(client, clock):
    response = lock_out(client, clock)
    assert response.status_code == 429
    # The oldest of the 10 failures, 20 seconds ago, leaves the one-minute window in 40.
    assert response["Retry-After"] == "40"
    assert "Wait a minute, then try again." in response.content.decode()

    clock.wait(39)
    assert sign_in(client, "x@leeds.example", "a-guess", ATTACKER).status_code == 429
    clock.wait(1)
    assert sign_in(client, "x@leeds.example", "a-guess", ATTACKER).status_code == 200


@pytest.mark.django_db
def test_lockout_page_keeps_the_email_typed_in_a_sign_in_form(client, clock):
    html = lock_out(client, clock, email="officer@leeds.example").content.decode()
    assert 'action="/accounts/login/"' in html
    assert 'value="officer@leeds.example"' in html
    assert 'name="password"' in html


@pytest.mark.django_db
def test_an_hours_lockout_says_so(client, clock):
    for minute in range(2):
        for n in range(10):
            sign_in(client, f"p{minute}-{n}@leeds.example", "a-guess", ATTACKER)
        clock.wait(61)
    response = sign_in(client, "late@leeds.example", "a-guess", ATTACKER)
    assert response.status_code == 429
    assert 3000 < int(response["Retry-After"]) <= 3600
    assert "Wait" in response.content.decode() and "minutes, then try again." in response.content.decode()


@pytest.mark.parametrize(
    ("seconds", "text"), [(1, "a minute"), (60, "a minute"), (61, "2 minutes"), (3540, "59 minutes"), (3600, "an hour")]
)
def test_wait_is_rounded_up_so_waiting_that_long_is_enough(seconds, text):
    assert wait_text(seconds) == text
