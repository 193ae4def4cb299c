"""A resident balances a budget by keyboard and without JavaScript; every page passes axe."""

import re

import pytest

from accountability.factories import framework_ensure, lines_of
from accountability.services import assessment_start, respondent_invite
from accounts.factories import UserFactory

from .conftest import two_line_simulation

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def simulation(home_page, council):
    return two_line_simulation(council)


def test_a_resident_balances_the_budget_with_the_keyboard_only_and_sends_it(page, axe, simulation):
    libraries = lines_of(simulation)[0]
    page.goto(f"/budget-simulator/{simulation.pk}/")
    page.get_by_role("heading", name=simulation.title, level=1).wait_for()
    axe(page, "budget simulator")
    balance = page.locator("[data-balance]")
    assert "Still to find: £1m" in balance.inner_text()
    # Tab from the top of the page to the libraries line, then step it down twice: -10 %.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == f"id_line_{libraries.pk}":
            break
    else:
        pytest.fail("the libraries line is not reachable with Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator(f"#id_line_{libraries.pk}").input_value() == "-10"
    assert "Balanced" in balance.inner_text()
    assert page.locator(f"#consequence-{libraries.pk}").inner_text() == "Two libraries open four days a week"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Send my budget":
            break
    else:
        pytest.fail("the send button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your budget has been sent").wait_for()
    axe(page, "budget sent")


def test_an_unbalanced_budget_shows_the_error_summary_and_keeps_every_value(page, axe, simulation):
    libraries = lines_of(simulation)[0]
    page.goto(f"/budget-simulator/{simulation.pk}/")
    page.locator(f"#id_line_{libraries.pk}").fill("-5")
    page.get_by_label("Your postcode district or ward (optional)").fill("LS6")
    page.get_by_label("Why did you choose this? (optional)").fill("Libraries matter")
    page.get_by_role("button", name="Send my budget").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "£500,000 short of the £1m gap" in summary.inner_text()
    assert "Tick the box" in summary.inner_text()
    assert page.locator(f"#id_line_{libraries.pk}").input_value() == "-5"
    assert page.get_by_label("Your postcode district or ward (optional)").input_value() == "LS6"
    assert page.get_by_label("Why did you choose this? (optional)").input_value() == "Libraries matter"
    axe(page, "budget with errors")


def test_without_javascript_the_page_checks_and_sends_a_budget(browser, live_server, simulation):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        libraries, tax = lines_of(simulation)
        tab.goto(f"/budget-simulator/{simulation.pk}/")
        tab.locator(f"#id_line_{tax.pk}").fill("1")
        tab.get_by_role("button", name="Check my budget").click()  # a form post: wait for its page
        tab.locator("[data-balance]", has_text="Still to find: £500,000").wait_for()
        assert tab.locator(f"#id_line_{tax.pk}").input_value() == "1"
        tab.locator(f"#id_line_{libraries.pk}").fill("-5")
        tab.get_by_role("button", name="Check my budget").click()
        tab.locator("[data-balance]", has_text="Balanced").wait_for()
        tab.get_by_role("button", name="Send my budget").click()
        tab.get_by_role("heading", name="Your budget has been sent").wait_for()
    finally:
        context.close()


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account").wait_for()


def test_the_editor_results_and_self_assessment_pages_pass_axe(page, axe, simulation, council):
    UserFactory(email="budget-officer@council.example", organisation=council)
    assessment = assessment_start(organisation=council, framework=framework_ensure(), title="How are we doing?")
    respondent = respondent_invite(assessment=assessment, perspective="partner", label="A partner")
    page.goto(f"/assessments/respond/{respondent.token}/")
    axe(page, "self-assessment answers")
    page.goto(f"/assessments/join/{assessment.resident_token}/")
    axe(page, "resident joins an assessment")
    page.goto(f"/budget-simulator/{simulation.pk}/embed/")
    axe(page, "embedded simulator")
    page.goto("/accountability/")
    axe(page, "accountability index")

    sign_in(page, "budget-officer@council.example")
    pages = {
        "editor home": "/accountability/manage/",
        "new simulation": "/accountability/manage/simulations/new/",
        "simulation in the editor": f"/accountability/manage/simulations/{simulation.pk}/",
        "edit simulation": f"/accountability/manage/simulations/{simulation.pk}/edit/",
        "results": f"/budget-simulator/{simulation.pk}/results/",
        "assessment in the editor": f"/accountability/manage/assessments/{assessment.pk}/",
        "assessment (unpublished)": f"/assessments/{assessment.pk}/",
        "start an assessment": "/accountability/manage/assessments/new/",
    }
    for name, url in pages.items():
        page.goto(url)
        axe(page, name)
    draft = two_line_simulation(council, publish=False, title="A draft")
    for name, url in {
        "new line": f"/accountability/manage/simulations/{draft.pk}/lines/new/",
        "new group": f"/accountability/manage/simulations/{draft.pk}/groups/new/",
        "preview": f"/budget-simulator/{draft.pk}/",
    }.items():
        page.goto(url)
        axe(page, name)
    page.goto(f"/accountability/manage/simulations/{draft.pk}/lines/new/")
    page.get_by_role("button", name="Save line").click()
    page.locator(".govuk-error-summary").wait_for()
    axe(page, "line form with errors")
    page.goto("/accountability/manage/simulations/new/")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    assert re.search("Error:", page.title())
    axe(page, "simulation form with errors")
