"""Booking: places in a week, the five free days of member support, and who hears of each change."""

from datetime import timedelta
from decimal import Decimal

import pytest

from django.core import mail

from accounts.factories import CouncilFactory, UserFactory
from peers import services
from peers.factories import PeerRecordFactory, programme_monday
from peers.models import (
    ChallengeKind,
    ChallengeStatus,
    MembershipStatus,
    Notice,
    ProgrammeWeek,
    TeamMembership,
)
from peers.services import PeersError

pytestmark = pytest.mark.django_db


a_monday = programme_monday


def book(user, week, **kwargs):
    defaults = {
        "kind": ChallengeKind.CORPORATE,
        "week_starts_on": week,
        "focus_areas": ["housing"],
        "contact_name": "Chief executive's office",
        "contact_email": "ceo@council.example",
    }
    return services.challenge_request(user=user, **{**defaults, **kwargs})


def test_a_full_week_refuses_the_next_booking_with_the_reason(booker):
    week = a_monday()
    ProgrammeWeek.objects.create(starts_on=week, capacity=2)
    book(booker(), week)
    book(booker(), week)
    with pytest.raises(PeersError, match=r"is full: it already holds 2 challenges, all it can take"):
        book(booker(), week)
    assert ProgrammeWeek.objects.get(starts_on=week).challenges.count() == 2


def test_a_declined_request_frees_its_place(booker, organiser):
    week = a_monday()
    ProgrammeWeek.objects.create(starts_on=week, capacity=1)
    first = book(booker(), week)
    services.challenge_decline(organiser=organiser, challenge=first, reason="Your last challenge was a year ago")
    assert book(booker(), week).status == ChallengeStatus.REQUESTED


def test_moving_into_a_full_week_is_refused(booker, organiser):
    full, other = a_monday(40), a_monday(41)
    ProgrammeWeek.objects.create(starts_on=full, capacity=1)
    book(booker(), full)
    moving = book(booker(), other)
    with pytest.raises(PeersError, match="is full"):
        services.challenge_move(organiser=organiser, challenge=moving, week_starts_on=full, reason="Elections")
    moving.refresh_from_db()
    assert moving.week.starts_on == other


def test_a_week_not_a_monday_or_outside_the_programme_is_refused(booker):
    with pytest.raises(PeersError, match="Monday"):
        book(booker(), a_monday() + timedelta(days=2))
    with pytest.raises(PeersError, match="within the programme"):
        book(booker(), a_monday(200))


def test_only_someone_working_for_a_council_can_book():
    with pytest.raises(PeersError, match="verified as working for a council"):
        book(UserFactory(organisation=None), a_monday())


def test_member_support_cannot_ask_for_more_than_five_free_days(booker):
    with pytest.raises(PeersError, match="up to 5 free days; you asked for 6"):
        book(booker(), a_monday(), kind=ChallengeKind.MEMBER_SUPPORT, days_on_site=6)


def test_days_given_on_member_support_cannot_exceed_the_allowance(booker, organiser):
    support = book(booker(), a_monday(), kind=ChallengeKind.MEMBER_SUPPORT, days_on_site=5)
    first, second = PeerRecordFactory(roles=["lead_member"]), PeerRecordFactory(roles=["member"])
    a = TeamMembership.objects.create(
        challenge=support, peer=first, role="lead_member", status=MembershipStatus.ACCEPTED
    )
    b = TeamMembership.objects.create(challenge=support, peer=second, role="member", status=MembershipStatus.ACCEPTED)
    services.days_record(user=first.user, membership=a, days=Decimal(3))
    with pytest.raises(PeersError, match="would make 5.5 days .* allowance is 5 days, with 2 left"):
        services.days_record(user=second.user, membership=b, days=Decimal("2.5"))
    services.days_record(user=second.user, membership=b, days=Decimal(2))
    # Correcting one's own figure counts only the others' days.
    services.days_record(user=first.user, membership=a, days=Decimal(3))
    assert sum(m.days_given for m in support.team.all()) == 5


def test_each_state_change_notifies_the_right_people_once_after_commit(
    organiser, lead, django_capture_on_commit_callbacks
):
    other_organiser = UserFactory(email="second@lga.example", organisation=None)
    other_organiser.groups.add(*organiser.groups.all())
    bystander = UserFactory(email="someone@else.example")

    with django_capture_on_commit_callbacks(execute=False) as pending:
        challenge = book(lead, a_monday(), contact_email="lead@kirklees.example")
    assert mail.outbox == []  # nothing is sent before the booking commits
    for callback in pending:
        callback()
    # The organisers hear of the request, and the lead (also the contact) once, not twice.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "lead@kirklees.example",
        "organiser@lga.example",
        "second@lga.example",
    ]
    assert Notice.objects.filter(recipient=lead).count() == 1
    assert Notice.objects.filter(recipient=organiser).count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_confirm(organiser=organiser, challenge=challenge)
    assert [message.to for message in mail.outbox] == [["lead@kirklees.example"]]
    assert "is confirmed" in mail.outbox[0].body
    assert Notice.objects.filter(recipient=lead).count() == 2
    assert not Notice.objects.filter(recipient=bystander).exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_move(
            organiser=organiser, challenge=challenge, week_starts_on=a_monday(45), reason="The council asked"
        )
    assert [message.to for message in mail.outbox] == [["lead@kirklees.example"]]
    assert "The council asked" in mail.outbox[0].body


def test_a_refused_change_announces_nothing(organiser, lead, django_capture_on_commit_callbacks):
    challenge = book(lead, a_monday())
    services.challenge_confirm(organiser=organiser, challenge=challenge)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PeersError):
        services.challenge_decline(organiser=organiser, challenge=challenge, reason="Too late")
    assert mail.outbox == []


def test_confirming_lays_out_the_timeline_with_the_lga_intervals(organiser, lead):
    challenge = book(lead, a_monday())
    services.challenge_confirm(organiser=organiser, challenge=challenge)
    due = {step.kind: (step.due_on - challenge.starts_on).days for step in challenge.steps.all()}
    assert due["scoping"] == -150  # 4-6 months before
    assert due["report"] == 91  # within 3 months
    assert due["action_plan"] == 152  # within 5 months
    assert due["progress_review"] == 304  # about 10 months after
    assert due["progress_report"] == 365  # within 12
    services.challenge_move(organiser=organiser, challenge=challenge, week_starts_on=a_monday(50), reason="Moved")
    challenge.refresh_from_db()
    assert challenge.steps.get(kind="on_site").due_on == a_monday(50)


def test_only_organisers_decide(lead):
    from django.core.exceptions import PermissionDenied

    challenge = book(lead, a_monday())
    with pytest.raises(PermissionDenied):
        services.challenge_confirm(organiser=lead, challenge=challenge)


def test_neighbouring_council_stays_out_of_the_match(organiser, lead, council):
    """The neighbours rule reaches matching through the injectable neighbours function."""
    from benchmarking.selectors import Neighbour

    neighbour = CouncilFactory(name="Calderdale")
    challenge = book(lead, a_monday())
    services.challenge_confirm(organiser=organiser, challenge=challenge)
    near = PeerRecordFactory(user__organisation=neighbour)
    far = PeerRecordFactory()
    proposal = services.team_propose(
        organiser=organiser, challenge=challenge, neighbours=lambda org, count: [Neighbour(neighbour, 0.1, 1)]
    )
    assert far.pk in proposal.ids and near.pk not in proposal.ids
    assert challenge.__class__.objects.get(pk=challenge.pk).match_exclusions["neighbour"]["peers"][0][0] == near.pk
