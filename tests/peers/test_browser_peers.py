"""The whole journey in Chromium: a council books, the organiser confirms and matches, a peer
accepts, the timeline moves on and the report is published; axe checks every page."""

import pytest

from accounts.factories import UserFactory
from peers.factories import PeerRecordFactory
from tests.peers.conftest import verified

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"


def tab_for(browser, live_server, email: str | None):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    if email:
        tab.goto("/accounts/login/")
        tab.get_by_label("Email").fill(email)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        tab.get_by_role("link", name="Your account").wait_for()
    return tab


def test_book_confirm_match_accept_timeline_and_publish(browser, live_server, axe, home_page, organiser, council):
    organiser.set_password(PASSWORD)
    organiser.save()
    verified(UserFactory(email="lead@kirklees.example", organisation=council, first_name="Lena"))
    PeerRecordFactory(roles=["lead_officer"], user__first_name="Chidi", user__last_name="Chief")
    peer = PeerRecordFactory(
        roles=["senior_officer"], user__email="sam@peer.example", user__first_name="Sam", user__last_name="Senior"
    )
    PeerRecordFactory(roles=["senior_officer"], user__first_name="Sol", user__last_name="Second")

    lead = tab_for(browser, live_server, "lead@kirklees.example")
    lead.goto("/peers/")
    axe(lead, "peers overview")
    lead.get_by_role("link", name="Book a peer challenge for Kirklees Council").click()
    lead.get_by_role("button", name="Continue").click()
    lead.locator(".govuk-error-summary").wait_for()
    axe(lead, "booking form with errors")
    lead.get_by_label("Corporate peer challenge").check()
    lead.get_by_label("Week on site").select_option(index=1)
    lead.get_by_label("Housing").check()
    lead.get_by_label("Contact name").fill("Chief executive's office")
    lead.get_by_label("Contact email address").fill("lead@kirklees.example")
    lead.get_by_role("button", name="Continue").click()
    lead.get_by_role("heading", name="Check your answers before sending your request").wait_for()
    axe(lead, "check your answers")
    lead.get_by_role("button", name="Send request").click()
    lead.get_by_text("Your request is sent").wait_for()
    axe(lead, "challenge page for the council")
    challenge_url = lead.url

    staff = tab_for(browser, live_server, "organiser@lga.example")
    staff.goto(challenge_url)
    staff.get_by_label("Confirm").check()
    staff.get_by_role("button", name="Record the decision").click()
    staff.get_by_text("Your decision is recorded").wait_for()
    staff.get_by_role("button", name="Propose a team").click()
    staff.get_by_text("A team is proposed").wait_for()
    axe(staff, "challenge page with a proposed team")
    staff.get_by_role("link", name="Swap Sam Senior").click()
    staff.get_by_role("heading", name="Swap the senior officer peer").wait_for()
    axe(staff, "swap page")
    staff.go_back()
    staff.get_by_role("button", name="Send the invitations").click()
    staff.get_by_text("The invitations are sent").wait_for()

    sam = tab_for(browser, live_server, "sam@peer.example")
    sam.goto("/peers/")
    sam.get_by_role("link", name="Kirklees Council, week of").click()
    axe(sam, "challenge page for an invited peer")
    sam.get_by_role("button", name="Accept the invitation").click()
    sam.get_by_text("you are on the team").wait_for()
    sam.goto("/peers/record/")
    axe(sam, "peer record")

    lead.goto(challenge_url)
    lead.locator(".peers-timeline__step", has_text="Scoping meeting").get_by_role("button").click()
    lead.get_by_text("Scoping meeting is marked done").wait_for()
    axe(lead, "timeline after a step")

    staff.goto(challenge_url)
    staff.get_by_label("Report").fill("The council knows its place and its finances are sound.")
    staff.get_by_role("button", name="Publish the report").click()
    staff.get_by_text("The report is published").wait_for()
    axe(staff, "published report")
    staff.goto("/peers/programme/")
    staff.get_by_role("heading", name="Programme calendar").wait_for()
    axe(staff, "programme calendar")
    staff.goto("/peers/overdue/")
    axe(staff, "overdue steps")

    anonymous = tab_for(browser, live_server, None)
    anonymous.goto(challenge_url + "report/")
    anonymous.get_by_text("its finances are sound").wait_for()
    axe(anonymous, "public report")
    anonymous.goto("/peers/")
    axe(anonymous, "overview, signed out")
    assert peer.memberships.get().status == "accepted"
