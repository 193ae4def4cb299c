"""The expert finder in a real browser: search, two facets, a profile, similar people; axe-core."""

import re

import pytest
from playwright.sync_api import expect

from accounts.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_an_expert_filter_by_two_facets_and_find_similar_people(page, home_page, cast, axe):
    page.goto("/people/")
    axe(page, "the expert finder")
    page.get_by_label("Search for people").fill("finance")
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/people/\?.*q=finance"))
    expect(page.locator("ol.kh-results h3").first).to_contain_text("Amelia Hartley")
    assert "accredited finance officer peer" in page.locator(".kh-explanation").first.inner_text()

    page.get_by_role("checkbox", name=re.compile(r"^Local government")).check()
    page.get_by_role("checkbox", name=re.compile(r"^Accredited peer")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"sector=local_government.*peer=accredited|peer=accredited.*sector=local_government"))
    expect(page.locator("#people-results-count")).to_have_text(re.compile(r"^1 person"))
    axe(page, "the expert finder with two filters")

    page.get_by_role("link", name="Amelia Hartley").click()
    expect(page.locator("h1")).to_have_text("Amelia Hartley")
    axe(page, "a profile")
    page.get_by_role("link", name="Harriet Harwood").click()
    expect(page.locator("h1")).to_have_text("Harriet Harwood")


def test_site_search_suggestions_work_from_the_keyboard(page, home_page, cast, axe):
    page.goto("/search/?q=finance")
    assert page.get_by_role("heading", name=re.compile(r"People \(\d+\)")).is_visible()
    axe(page, "site search results")
    box = page.get_by_role("main").get_by_role("combobox", name="Search the Knowledge Hub")
    box.fill("")
    box.press_sequentially("Prit", delay=30)
    page.get_by_role("option", name=re.compile("Carys Pritchard")).wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/people/carys-pritchard/$"))


def test_the_profile_edit_form_is_accessible_with_errors_shown(page, home_page, cast, axe):
    user = UserFactory(first_name="Nia", last_name="Jones")
    page.goto("/accounts/login/?next=/account/profile/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name=re.compile("Sign in")).click()
    page.wait_for_url(re.compile(r"/account/profile/$"))
    axe(page, "the profile form")
    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Save your profile").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    axe(page, "the profile form with errors")
