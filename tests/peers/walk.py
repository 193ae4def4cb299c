"""The peer programme's part of the robustness walk (tests/security/walker.py)."""

from tests.security.walker import Route

CHALLENGE = {"pk": "peers.challenge.id"}
MEMBERSHIP = {"pk": "peers.challenge.id", "membership_id": "peers.membership.id"}
ORGANISER = ("peer_organiser",)
C = "peers/challenges/<pk>/"

ROUTES = {
    "peers/": Route(),
    "peers/record/": Route(roles=("peer_peer",)),
    "peers/record/windows/": Route(form_page="peers.record.url", roles=("peer_peer",)),
    "peers/record/windows/<window_id>/remove/": Route(
        path={"window_id": "peers.window.id"}, form_page="peers.record.url", roles=("peer_peer",)
    ),
    "peers/book/": Route(roles=("peer_lead",)),
    "peers/book/check/": Route(roles=("peer_lead",)),
    "peers/programme/": Route(roles=ORGANISER),
    "peers/overdue/": Route(roles=ORGANISER),
    "peers/calendar/<token>.ics": Route(path={"token": "peers.record.token"}),
    "peers/challenges/calendar/<token>.ics": Route(path={"token": "peers.challenge.token"}),
    C: Route(path=CHALLENGE, roles=(*ORGANISER, "peer_lead", "peer_peer")),
    C + "decide/": Route(path=CHALLENGE, form_page="peers.challenge.url", roles=ORGANISER),
    C + "propose/": Route(path=CHALLENGE, form_page="peers.challenge.url", roles=ORGANISER),
    C + "invite/": Route(path=CHALLENGE, form_page="peers.challenge.url", roles=ORGANISER),
    C + "team/<membership_id>/swap/": Route(path=MEMBERSHIP, roles=ORGANISER),
    C + "team/<membership_id>/respond/": Route(
        path=MEMBERSHIP, form_page="peers.challenge.url", post=("answer",), roles=("peer_peer",)
    ),
    C + "team/<membership_id>/days/": Route(path=MEMBERSHIP, form_page="peers.challenge.url", roles=("peer_peer",)),
    C + "steps/<step_id>/done/": Route(
        path={"pk": "peers.challenge.id", "step_id": "peers.step.id"},
        form_page="peers.challenge.url",
        roles=(*ORGANISER, "peer_lead"),
    ),
    C + "report/": Route(path=CHALLENGE, roles=ORGANISER),
}


def world(*, users):
    """A confirmed challenge with a timeline, an organiser, the council's lead and an invited peer."""

    from accounts.factories import CouncilFactory, UserFactory
    from peers import services
    from peers.factories import PeerRecordFactory, programme_monday
    from peers.models import MembershipStatus, TeamMembership
    from peers.roles import peer_programme_group
    from tests.peers.conftest import verified

    organiser = UserFactory(email="walk-organiser@lga.example", organisation=None)
    organiser.groups.add(peer_programme_group())
    council = CouncilFactory(name="Walk Borough Council")
    lead = verified(UserFactory(email="walk-lead@council.example", organisation=council))
    challenge = services.challenge_request(
        user=lead,
        kind="corporate",
        week_starts_on=programme_monday(30),
        focus_areas=["housing"],
        contact_name="Chief executive's office",
        contact_email="walk-lead@council.example",
    )
    services.challenge_confirm(organiser=organiser, challenge=challenge)
    record = PeerRecordFactory(user__email="walk-peer@peer.example")
    membership = TeamMembership.objects.create(
        challenge=challenge, peer=record, role="senior_officer", status=MembershipStatus.INVITED
    )
    return {
        "samples": {
            "peers.challenge.id": str(challenge.pk),
            "peers.challenge.url": f"/peers/challenges/{challenge.pk}/",
            "peers.challenge.token": challenge.calendar_token,
            "peers.membership.id": str(membership.pk),
            "peers.step.id": str(challenge.steps.first().pk),
            "peers.window.id": str(record.windows.first().pk),
            "peers.record.token": record.calendar_token,
            "peers.record.url": "/peers/record/",
        },
        "extra": {"peer_organiser": organiser, "peer_lead": lead, "peer_peer": record.user},
    }
