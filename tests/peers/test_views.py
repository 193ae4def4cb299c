"""The pages: booking with check-your-answers, deciding, matching, answering, the timeline, and
privacy from every side (peer records, availability, unpublished reports, calendar feeds)."""

import pytest
from icalendar import Calendar

from django.core import mail
from django.test import Client

from accounts.factories import CouncilFactory, UserFactory
from peers import services
from peers.factories import PeerRecordFactory, programme_monday
from peers.models import Challenge, ChallengeStatus, MembershipStatus, TeamMembership
from tests.peers.conftest import verified

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def confirmed(organiser, lead):
    challenge = services.challenge_request(
        user=lead,
        kind="corporate",
        week_starts_on=programme_monday(40),
        focus_areas=["housing"],
        contact_name="Chief executive's office",
        contact_email="ceo@kirklees.example",
    )
    return services.challenge_confirm(organiser=organiser, challenge=challenge)


def test_a_council_lead_books_through_check_your_answers(lead):
    client = client_for(lead)
    page = client.get("/peers/book/")
    assert page.status_code == 200
    week = page.context["form"].fields["week"].choices[1][0]
    answers = {
        "kind": "corporate",
        "week": week,
        "days_on_site": "4",
        "focus_areas": ["housing", "finance"],
        "contact_name": "Chief executive's office",
        "contact_email": "ceo@kirklees.example",
    }
    response = client.post("/peers/book/", answers)
    assert response.status_code == 302 and response["Location"] == "/peers/book/check/"
    assert not Challenge.objects.exists()  # nothing is sent before the answers are checked
    check = client.get("/peers/book/check/")
    assert b"Check your answers" in check.content and b"Housing, Finance" in check.content
    sent = client.post("/peers/book/check/")
    challenge = Challenge.objects.get()
    assert sent["Location"] == f"/peers/challenges/{challenge.pk}/"
    assert challenge.status == ChallengeStatus.REQUESTED and challenge.council == lead.organisation


def test_booking_form_errors_are_summarised(lead):
    response = client_for(lead).post("/peers/book/", {"kind": "corporate"})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content


def test_someone_without_a_verified_council_cannot_book():
    response = client_for(UserFactory(organisation=None)).get("/peers/book/")
    assert response.status_code == 403


def test_the_organiser_declines_with_a_reason_and_the_council_is_told(
    organiser, lead, django_capture_on_commit_callbacks
):
    challenge = services.challenge_request(
        user=lead,
        kind="corporate",
        week_starts_on=programme_monday(41),
        focus_areas=[],
        contact_name="CEO",
        contact_email="lead@kirklees.example",
    )
    client = client_for(organiser)
    missing = client.post(f"/peers/challenges/{challenge.pk}/decide/", {"decision": "decline"})
    assert missing.status_code == 400 and b"Say why" in missing.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/peers/challenges/{challenge.pk}/decide/", {"decision": "decline", "reason": "Booked last year"}
        )
    assert done.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DECLINED
    assert [m.to for m in mail.outbox] == [["lead@kirklees.example"]]


def test_match_invite_accept_and_a_decline_re_proposes(organiser, confirmed):
    lead_officer = PeerRecordFactory(roles=["lead_officer"])
    first = PeerRecordFactory(roles=["senior_officer"], user__first_name="First")
    second = PeerRecordFactory(roles=["senior_officer"], user__first_name="Second")
    spare = PeerRecordFactory(roles=["senior_officer"], user__first_name="Spare")
    staff = client_for(organiser)
    assert staff.post(f"/peers/challenges/{confirmed.pk}/propose/").status_code == 302
    proposed = {m.peer_id: m for m in confirmed.team.all()}
    assert set(proposed) == {lead_officer.pk, first.pk, second.pk}
    assert all(m.reason for m in proposed.values())
    page = staff.get(f"/peers/challenges/{confirmed.pk}/")
    assert b"Why: can take the role of lead officer peer" in page.content
    staff.post(f"/peers/challenges/{confirmed.pk}/invite/")
    assert set(confirmed.team.values_list("status", flat=True)) == {MembershipStatus.INVITED}

    peer_client = client_for(first.user)
    mine = proposed[first.pk]
    assert (
        peer_client.post(f"/peers/challenges/{confirmed.pk}/team/{mine.pk}/respond/", {"answer": "accept"}).status_code
        == 302
    )
    other = proposed[second.pk]
    client_for(second.user).post(f"/peers/challenges/{confirmed.pk}/team/{other.pk}/respond/", {"answer": "decline"})
    replacement = TeamMembership.objects.get(challenge=confirmed, peer=spare)
    assert replacement.status == MembershipStatus.INVITED and replacement.role == "senior_officer"
    # Someone else cannot answer for a peer.
    stranger = client_for(spare.user)
    assert (
        stranger.post(f"/peers/challenges/{confirmed.pk}/team/{mine.pk}/respond/", {"answer": "decline"}).status_code
        == 404
    )


def test_the_swap_page_shows_the_effect_and_refuses_a_rule_breaker(organiser, confirmed, council):
    PeerRecordFactory(roles=["senior_officer"])
    alternative = PeerRecordFactory(roles=["senior_officer"], user__first_name="Alternative")
    local = PeerRecordFactory(roles=["senior_officer"], user__organisation=council)
    services.team_propose(organiser=organiser, challenge=confirmed)
    membership = confirmed.team.exclude(peer=alternative).first()
    staff = client_for(organiser)
    page = staff.get(f"/peers/challenges/{confirmed.pk}/team/{membership.pk}/swap/")
    assert page.status_code == 200
    refused = staff.post(f"/peers/challenges/{confirmed.pk}/team/{membership.pk}/swap/", {"peer": local.pk})
    assert refused.status_code == 400 and b"works for the host council" in refused.content


def test_timeline_and_overdue_view(organiser, confirmed, lead):
    step = confirmed.steps.get(kind="scoping")
    assert client_for(lead).post(f"/peers/challenges/{confirmed.pk}/steps/{step.pk}/done/").status_code == 302
    step.refresh_from_db()
    assert step.done_at is not None
    confirmed.refresh_from_db()
    assert confirmed.status == ChallengeStatus.IN_PROGRESS
    confirmed.steps.filter(kind="position_statement").update(due_on="2026-05-01")
    overdue = client_for(organiser).get("/peers/overdue/")
    assert overdue.status_code == 200 and b"Position statement" in overdue.content
    assert client_for(lead).get("/peers/overdue/").status_code == 403


def test_programme_calendar_shows_supply_against_demand(organiser, confirmed):
    PeerRecordFactory(roles=["lead_officer"], days_offered=8)
    page = client_for(organiser).get("/peers/programme/")
    assert page.status_code == 200
    programme = page.context["programme"]
    quarter = next(q for q in programme.quarters if confirmed in q.challenges)
    assert quarter.demand["senior_officer"] == 8  # two senior officer places, four days each
    assert "Senior officer peer: 8 days needed, 0 offered" in quarter.warnings
    assert client_for(UserFactory()).get("/peers/programme/").status_code == 403


# --- Privacy from every side ---------------------------------------------------------------------


def test_a_challenge_is_hidden_from_everyone_but_organisers_and_the_parties(organiser, confirmed, lead):
    invited = PeerRecordFactory()
    TeamMembership.objects.create(
        challenge=confirmed, peer=invited, role="senior_officer", status=MembershipStatus.INVITED
    )
    declined = PeerRecordFactory()
    TeamMembership.objects.create(
        challenge=confirmed, peer=declined, role="senior_officer", status=MembershipStatus.DECLINED
    )
    colleague = verified(UserFactory(organisation=lead.organisation))
    unverified_elsewhere = UserFactory(organisation=CouncilFactory())
    url = f"/peers/challenges/{confirmed.pk}/"
    for user in (organiser, lead, colleague, invited.user):
        assert client_for(user).get(url).status_code == 200, user
    for user in (declined.user, unverified_elsewhere, UserFactory(organisation=None)):
        assert client_for(user).get(url).status_code == 404, user
    assert client_for(None).get(url).status_code == 302  # to sign in


def test_an_unpublished_report_is_only_for_organisers_and_parties(organiser, confirmed, lead):
    url = f"/peers/challenges/{confirmed.pk}/report/"
    confirmed.report = "Draft findings"
    confirmed.save()
    assert client_for(None).get(url).status_code == 404
    assert client_for(UserFactory()).get(url).status_code == 404
    assert b"Draft findings" in client_for(lead).get(url).content
    assert client_for(lead).post(url, {"report": "Mine"}).status_code == 403
    client_for(organiser).post(url, {"report": "Final findings"})
    public = client_for(None).get(url)
    assert public.status_code == 200 and b"Final findings" in public.content


def test_peer_records_and_availability_are_for_the_peer_organisers_and_their_hosts(organiser, confirmed, lead):
    from peers.selectors import can_see_record

    record = PeerRecordFactory()
    assert can_see_record(record.user, record) and can_see_record(organiser, record)
    assert not can_see_record(lead, record)
    assert not can_see_record(UserFactory(), record)
    TeamMembership.objects.create(
        challenge=confirmed, peer=record, role="senior_officer", status=MembershipStatus.ACCEPTED
    )
    assert can_see_record(lead, record)
    # The record page is only ever the signed-in person's own.
    page = client_for(record.user).get("/peers/record/")
    assert record.calendar_token.encode() in page.content
    other = client_for(UserFactory()).get("/peers/record/")
    assert record.calendar_token.encode() not in other.content


def test_calendar_feeds_answer_only_to_their_token(confirmed):
    record = PeerRecordFactory()
    TeamMembership.objects.create(
        challenge=confirmed, peer=record, role="senior_officer", status=MembershipStatus.ACCEPTED
    )
    anonymous = client_for(None)
    feed = anonymous.get(f"/peers/calendar/{record.calendar_token}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert any("Kirklees" in str(event["summary"]) for event in events)
    challenge_feed = anonymous.get(f"/peers/challenges/calendar/{confirmed.calendar_token}.ics")
    assert challenge_feed.status_code == 200
    assert len(Calendar.from_ical(challenge_feed.content).walk("VEVENT")) == 8
    for wrong in ("", "x", record.calendar_token[:-1], record.calendar_token + "x", confirmed.calendar_token):
        assert anonymous.get(f"/peers/calendar/{wrong}.ics").status_code == 404, wrong
    assert anonymous.get(f"/peers/challenges/calendar/{record.calendar_token}.ics").status_code == 404
