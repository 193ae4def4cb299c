"""Signing up, in and out, and resetting a password, in a real browser."""

import re

import pytest

from django.core import mail

from accounts.factories import UserFactory
from accounts.services import councils_load_from_ons

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"


def link_in_last_email(pattern: str) -> str:
    assert mail.outbox, "no email was sent"
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def test_sign_up_verify_email_sign_out_and_sign_in_again(page, home_page, axe):
    councils_load_from_ons()
    page.goto("/accounts/signup/")
    axe(page, "sign-up form")
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Hussain")
    page.get_by_label("Email").fill("nadia.hussain@leeds.example")
    page.get_by_role("combobox", name="Organisation").fill("Leeds")  # the accessible autocomplete
    page.get_by_role("option", name="Leeds", exact=True).click()
    page.get_by_label("Job title").fill("Homelessness prevention lead")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Confirm password").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("heading", name="Check your email").wait_for()
    confirm_url = link_in_last_email(r"http://\S+/accounts/confirm-email/\S+/")
    page.goto(confirm_url.replace("http://testserver", page.url.split("/accounts")[0]))
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("link", name="Your account").click()
    page.get_by_text("Leeds", exact=True).wait_for()
    page.get_by_text("Homelessness prevention lead").wait_for()

    page.get_by_role("banner").get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("nadia.hussain@leeds.example")
    page.get_by_label("Password").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account").wait_for()


def test_a_wrong_password_shows_an_error_summary_and_keeps_the_email(page, home_page, axe):
    UserFactory(email="officer@kent.example")
    page.goto("/accounts/login/")
    axe(page, "sign-in form")
    page.get_by_label("Email").fill("officer@kent.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Email").input_value() == "officer@kent.example"
    assert page.get_by_label("Password").input_value() == ""
    axe(page, "sign-in form with errors")


def test_a_malformed_email_on_sign_up_is_explained_and_nothing_else_is_lost(page, home_page, axe):
    page.goto("/accounts/signup/")
    page.get_by_label("First name").fill("Tom")
    page.get_by_label("Last name").fill("Baker")
    page.get_by_label("Email").fill("tom.baker-at-cornwall")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Confirm password").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()

    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter an email address in the correct format, like name@example.com" in summary.inner_text()
    summary.get_by_role("link", name="Enter an email address in the correct format").click()
    assert page.evaluate("document.activeElement.name") == "email"
    assert page.get_by_label("First name").input_value() == "Tom"
    assert page.get_by_label("Email").input_value() == "tom.baker-at-cornwall"
    assert page.get_by_label("Password", exact=True).input_value() == ""
    axe(page, "sign-up form with errors")


def test_password_reset_by_email_link(page, home_page, axe):
    UserFactory(email="reset.me@york.example")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    axe(page, "reset your password")
    page.get_by_label("Email").fill("reset.me@york.example")
    page.get_by_role("button", name="Send reset link").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    reset_url = link_in_last_email(r"http://\S+/accounts/password/reset/key/\S+/")
    page.goto(reset_url.replace("http://testserver", page.url.split("/accounts")[0]))
    page.get_by_role("heading", name="Choose a new password").wait_for()
    page.get_by_label("New password", exact=True).fill("another-long-passphrase")
    page.get_by_label("Confirm new password").fill("a-different-passphrase")
    page.get_by_role("button", name="Change password").click()
    page.locator(".govuk-error-summary").wait_for()
    axe(page, "choose a new password, with errors")
    page.get_by_label("New password", exact=True).fill("another-long-passphrase")
    page.get_by_label("Confirm new password").fill("another-long-passphrase")
    page.get_by_role("button", name="Change password").click()
    page.get_by_role("heading", name="Your password has been changed").wait_for()

    page.goto(reset_url.replace("http://testserver", page.url.split("/accounts")[0]))
    page.get_by_role("heading", name="This link has expired").wait_for()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("reset.me@york.example")
    page.get_by_label("Password").fill("another-long-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account").wait_for()


def test_change_password_and_manage_email_addresses(page, home_page, axe):
    UserFactory(email="change.me@york.example", password=PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("change.me@york.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account").click()

    page.get_by_role("link", name="Change your password").click()
    axe(page, "change your password")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("yet-another-passphrase")
    page.get_by_label("Confirm new password").fill("yet-another-passphrase")
    page.get_by_role("button", name="Change password").click()
    page.locator(".govuk-error-summary").wait_for()
    axe(page, "change your password, with errors")
    assert page.get_by_label("Current password").input_value() == ""

    page.goto("/account/")
    page.get_by_role("link", name="Manage email addresses").click()
    page.get_by_role("heading", name="Your email addresses").wait_for()
    axe(page, "your email addresses")
    page.get_by_label("Email address", exact=True).fill("not-an-address")
    page.get_by_role("button", name="Add email address").click()
    page.locator(".govuk-error-summary").wait_for()
    axe(page, "your email addresses, with errors")
    assert page.get_by_label("Email address", exact=True).input_value() == "not-an-address"


@pytest.mark.parametrize(
    "url",
    ["/", "/good-practice/", "/communities/", "/people/", "/marketplace/", "/search/?q=housing", "/accessibility/"],
)
def test_public_pages_have_no_accessibility_violations_and_a_working_skip_link(page, home_page, axe, url):
    page.goto(url)
    axe(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_the_accessibility_check_itself_catches_a_violation(page, axe):
    page.set_content('<html lang="en"><title>t</title><main><h1>x</h1><input type="text"></main></html>')
    with pytest.raises(AssertionError, match="label"):
        axe(page, "a page with an unlabelled input")


def test_the_header_search_box_searches_the_whole_site(page, home_page):
    page.goto("/good-practice/")
    page.get_by_role("search", name="Site").get_by_label("Search the Knowledge Hub").fill("housing")
    page.get_by_role("search", name="Site").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=housing")
    assert page.get_by_role("heading", level=1).inner_text() == "Search the Knowledge Hub"
