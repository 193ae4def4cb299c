"""The whole publishing path in a real browser: officer submits, editor approves, it is live."""

import pytest

from django.core import mail

from hub.models import GoodPracticePage

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"
TITLE = "Cutting temporary accommodation costs with early prevention"


def sign_in(tab, email: str) -> None:
    tab.goto("/accounts/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("link", name="Your account").wait_for()


def continue_(tab) -> None:
    tab.get_by_role("button", name="Save and continue").click()


def test_officer_submits_editor_publishes_and_it_is_found(
    page, browser, live_server, library, housing, officer, editor, axe
):
    sign_in(page, officer.email)
    page.goto("/good-practice/")
    page.get_by_role("button", name="Submit a case study").click()
    axe(page, "submission start page")
    page.get_by_role("button", name="Start now").click()

    # Step 1, with a mistake: the summary is left out.
    page.get_by_role("heading", name="About the case study").wait_for()
    axe(page, "step 1")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Service area").select_option(label="Housing")
    assert page.get_by_label("Lead organisation").input_value() == str(officer.organisation_id)
    continue_(page)
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe(page, "step 1 with an error")
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Title").input_value() == TITLE  # nothing typed is lost
    page.get_by_role("link", name="Enter a summary").click()
    page.get_by_label("Summary").fill(
        "Contacting private renters as soon as a notice is served kept families in their homes."
    )
    continue_(page)

    # Step 2, with a half-filled headline figure.
    page.get_by_role("heading", name="The story").wait_for()
    axe(page, "step 2")
    page.get_by_label("The challenge").fill("Families approached us only once an eviction date was set.")
    page.get_by_label("What was done").fill("We contacted renters when a notice was served and offered mediation.")
    page.get_by_label("Outcomes and impact").fill("Fewer families in temporary accommodation.")
    page.get_by_label("Headline figure (optional)").fill("38")
    continue_(page)
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe(page, "step 2 with errors")
    assert page.get_by_label("The challenge").input_value().startswith("Families approached")
    page.get_by_label("Unit of the headline figure").fill("%")
    page.get_by_label("What the headline figure shows").fill("fewer households in temporary accommodation")
    continue_(page)

    # Step 3, error then fixed.
    page.get_by_role("heading", name="Cost, timescale and themes").wait_for()
    axe(page, "step 3")
    page.get_by_label("Timescale").fill("Nine months")
    continue_(page)
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe(page, "step 3 with an error")
    page.get_by_label("Cost").fill("£45,000 a year from the prevention grant")
    page.get_by_label("Themes (optional)").fill("prevention, private renting")
    continue_(page)

    page.get_by_role("heading", name="Check your case study before submitting").wait_for()
    axe(page, "check your answers")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("heading", name="Case study submitted").wait_for()
    axe(page, "confirmation")
    page.get_by_role("link", name="your submissions").click()
    page.get_by_text("In review").wait_for()
    axe(page, "my submissions")

    # The editor approves in the Wagtail admin.
    case_study = GoodPracticePage.objects.get(owner=officer)
    editor_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    editor_context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    editor_tab = editor_context.new_page()
    sign_in(editor_tab, editor.email)
    editor_tab.goto(f"/admin/pages/{case_study.pk}/edit/")
    approve_in_admin(editor_tab)
    editor_context.close()

    case_study.refresh_from_db()
    assert case_study.live
    assert any(m.to == [officer.email] and "is published" in m.subject for m in mail.outbox)

    # It is in the library, in search, and the author sees it as published.
    page.goto("/good-practice/?q=temporary+accommodation")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", level=1, name=TITLE).wait_for()
    page.get_by_text("38 %").wait_for()
    page.goto("/good-practice/my-submissions/")
    page.get_by_text("Published", exact=True).wait_for()


def approve_in_admin(tab) -> None:
    """Wagtail's page editor: the workflow's "Approve" action sits in the footer's action menu."""
    tab.locator("footer .w-dropdown__toggle, footer [aria-label='More actions']").first.click()
    # "Approve" without a comment (its sibling "Approve with comment" opens a dialog first).
    tab.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()
    tab.get_by_text("has been updated").first.wait_for()
