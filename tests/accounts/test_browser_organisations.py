"""Choosing an organisation among 400-odd: GOV.UK's accessible autocomplete over the select."""

import pytest

from accounts.factories import CouncilFactory, UserFactory
from accounts.models import User

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"
PASSPHRASE = "a-long-and-unusual-passphrase"


@pytest.fixture
def councils(home_page):
    names = ["Leeds", "Leicester", "Leicestershire", "Bradford", "Wakefield"]
    return {name: CouncilFactory(name=name, slug=name.lower()) for name in names}


def fill_in_the_rest_and_sign_up(tab, *, first: str, last: str, email: str) -> None:
    tab.get_by_label("First name").fill(first)
    tab.get_by_label("Last name").fill(last)
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password", exact=True).fill(PASSPHRASE)
    tab.get_by_label("Confirm password").fill(PASSPHRASE)
    tab.get_by_role("button", name="Create account").click()
    tab.get_by_role("heading", name="Check your email").wait_for()


def test_sign_up_finds_the_organisation_by_typing_part_of_its_name(page, councils, axe):
    page.goto("/accounts/signup/")
    organisation = page.get_by_role("combobox", name="Organisation")
    organisation.fill("Leic")
    options = page.get_by_role("option")
    options.first.wait_for()
    assert sorted(options.all_inner_texts()) == ["Leicester", "Leicestershire"]
    axe(page, "sign-up form with the organisation list open")
    page.get_by_role("option", name="Leicestershire").click()

    fill_in_the_rest_and_sign_up(page, first="Nadia", last="Hussain", email="nadia@leicestershire.example")
    assert User.objects.get(email="nadia@leicestershire.example").organisation == councils["Leicestershire"]


def test_profile_shows_the_current_organisation_and_clearing_it_means_not_given(page, councils, axe):
    person = UserFactory(email="officer@leeds.example", organisation=councils["Leeds"])
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account/profile/")
    organisation = page.get_by_role("combobox", name="Organisation")
    assert organisation.input_value() == "Leeds"
    axe(page, "profile form with the organisation autocomplete")

    organisation.fill("")
    page.get_by_role("button", name="Save your profile").click()
    page.get_by_text("Your profile has been updated").wait_for()
    assert User.objects.get(pk=person.pk).organisation is None


def test_without_javascript_the_plain_select_still_works(browser, live_server, councils):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto("/accounts/signup/")
        assert tab.get_by_role("combobox", name="Organisation").evaluate("element => element.tagName") == "SELECT"
        tab.get_by_label("Organisation").select_option(label="Wakefield")
        fill_in_the_rest_and_sign_up(tab, first="Sam", last="Lee", email="sam@wakefield.example")
    finally:
        context.close()
    assert User.objects.get(email="sam@wakefield.example").organisation == councils["Wakefield"]
