"""Signing in is throttled with a 429 page, and nobody at another address can lock an account.

config/settings/test.py turns allauth's limits off for the rest of the suite; these tests put
back the ones config/settings/base.py configures, with an empty cache and a clock they move.
"""

import time

import pytest
from allauth.account import app_settings
from allauth.core.internal import ratelimit

from django.core.cache import cache

from accounts.factories import UserFactory
from config.settings import base

PASSWORD = "correct-horse-battery"
ATTACKER, VICTIM = "203.0.113.7", "198.51.100.23"


class Clock:
    """Stands in for the time module in allauth's rate limiter, so an hour passes at once."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds

    def __getattr__(self, name):
        return getattr(time, name)  # monotonic() for the limiter's cache lock, and the rest


@pytest.fixture
def clock(settings, monkeypatch, home_page):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    fake = Clock()
    monkeypatch.setattr(ratelimit, "time", fake)
    yield fake
    cache.clear()


def sign_in(client, email: str, password: str, address: str):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_guessing_passwords_from_one_address_is_answered_429_saying_when_to_try_again(client, clock):
    statuses = [sign_in(client, f"person{n}@leeds.example", "a-guess", ATTACKER).status_code for n in range(10)]
    assert statuses == [200] * 10  # wrong passwords, shown as errors on the form

    throttled = sign_in(client, "person10@leeds.example", "a-guess", ATTACKER)
    assert throttled.status_code == 429
    html = throttled.content.decode()
    assert "govuk-service-navigation" in html and "govuk-footer" in html, "the 429 page is in the site layout"
    assert "Too many attempts" in html
    assert "Wait a minute, then try again" in html
    assert "wait an hour" in html  # what the per-hour limits mean
    assert throttled["Content-Security-Policy"]

    clock.wait(61)
    assert sign_in(client, "person11@leeds.example", "a-guess", ATTACKER).status_code == 200


@pytest.mark.django_db
def test_after_an_hours_worth_of_guesses_one_address_waits_for_the_hour_to_pass(client, clock):
    failures = 0
    for minute in range(60):
        for n in range(10):
            if sign_in(client, f"p{minute}-{n}@leeds.example", "a-guess", ATTACKER).status_code == 200:
                failures += 1
        clock.wait(60)
    assert failures == 20


@pytest.mark.django_db
def test_wrong_passwords_from_another_address_lock_an_account_for_a_minute_at_most(client, clock):
    victim = UserFactory(email="officer@leeds.example")
    for _ in range(5):
        assert sign_in(client, victim.email, "a-guess", ATTACKER).status_code == 200
    assert sign_in(client, victim.email, PASSWORD, VICTIM).status_code == 429

    clock.wait(61)
    assert sign_in(client, victim.email, PASSWORD, VICTIM).status_code == 302


@pytest.mark.django_db
def test_one_address_guessing_all_hour_keeps_an_account_locked_for_a_few_minutes_at_most(client, clock):
    victim = UserFactory(email="officer@leeds.example")
    locked_minutes = 0
    for _minute in range(60):
        for _ in range(6):
            sign_in(client, victim.email, "a-guess", ATTACKER)
        clock.wait(30)
        response = sign_in(client, victim.email, PASSWORD, VICTIM)
        if response.status_code == 302:
            client.post("/accounts/logout/")
        else:
            assert response.status_code == 429
            locked_minutes += 1
        clock.wait(30)
    assert 0 < locked_minutes <= 4


def test_every_limit_that_answers_429_lasts_a_minute_or_an_hour_as_the_page_says(clock):
    answered_429 = ["login", "login_failed", "signup", "reset_password", "reset_password_from_key", "reauthenticate"]
    for action in answered_429:
        for rate in ratelimit.parse_rates(app_settings.RATE_LIMITS[action]):
            assert rate.duration in (60, 3600), f"{action}: {rate} is neither a minute nor an hour"
