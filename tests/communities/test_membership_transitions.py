"""Every membership transition from every state: only the ones that make sense happen.

The table below is the rule, written out independently of the code: for each action, the
states it may start from and the state it leaves. Anything else is refused with
`MembershipStateError` (a domain error the views show as a GOV.UK error message) and the
membership is left exactly as it was. "none" is someone with no membership row at all.
"""

import datetime

import pytest

from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from accounts.factories import UserFactory
from communities import services
from communities.factories import MembershipFactory
from communities.models import Access, Invitation, Membership, Role, State
from communities.permissions import community_access
from communities.services import MembershipStateError
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db

STATES = ["none", State.PENDING, State.ACTIVE, State.SUSPENDED, State.REFUSED, State.REMOVED, State.LEFT]

# action: (community kind, {from state: resulting state}); states not listed are refused.
TRANSITIONS = {
    "join": (Access.OPEN, {"none": State.ACTIVE, State.REFUSED: State.ACTIVE, State.LEFT: State.ACTIVE}),
    "request": (
        Access.RESTRICTED,
        {"none": State.PENDING, State.REFUSED: State.PENDING, State.LEFT: State.PENDING},
    ),
    "approve": (Access.RESTRICTED, {State.PENDING: State.ACTIVE}),
    "refuse": (Access.RESTRICTED, {State.PENDING: State.REFUSED}),
    "accept invitation": (
        Access.PRIVATE,
        {
            "none": State.ACTIVE,
            State.PENDING: State.ACTIVE,
            State.REFUSED: State.ACTIVE,
            State.LEFT: State.ACTIVE,
            State.ACTIVE: State.ACTIVE,
        },
    ),
    "suspend": (Access.RESTRICTED, {State.ACTIVE: State.SUSPENDED}),
    "remove": (Access.RESTRICTED, {State.ACTIVE: State.REMOVED, State.SUSPENDED: State.REMOVED}),
    "set role": (Access.RESTRICTED, {State.ACTIVE: State.ACTIVE, State.SUSPENDED: State.SUSPENDED}),
    "leave": (Access.RESTRICTED, {State.ACTIVE: State.LEFT}),
}


def _membership_in(community, user, state: str) -> Membership | None:
    if state == "none":
        return None
    suspended_until = timezone.now() + datetime.timedelta(days=5) if state == State.SUSPENDED else None
    return MembershipFactory(community=community, user=user, state=state, suspended_until=suspended_until)


def _act(action: str, *, community, user, membership, moderator, facilitator):
    if action == "join":
        return services.membership_join(community=community, user=user)
    if action == "request":
        return services.membership_request(community=community, user=user, message="Please")
    if action in ("approve", "refuse"):
        return services.membership_decide(membership=membership, actor=facilitator, approve=action == "approve")
    if action == "accept invitation":
        invitation = Invitation.objects.create(community=community, email=user.email, invited_by=facilitator)
        return services.invitation_accept(invitation=invitation, user=user)
    if action == "suspend":
        # A moderator, not a facilitator: the security issue's case.
        return services.membership_suspend(membership=membership, actor=moderator, days=7, reason="Flooding")
    if action == "remove":
        return services.membership_remove(membership=membership, actor=facilitator)
    if action == "set role":
        return services.membership_set_role(membership=membership, actor=facilitator, role=Role.MODERATOR)
    if action == "leave":
        return services.membership_leave(membership=membership)
    raise AssertionError(action)


# Actions on an existing membership cannot start from "none": there is nothing to act on.
CASES = [
    (action, state)
    for action in TRANSITIONS
    for state in STATES
    if not (state == "none" and action not in ("join", "request", "accept invitation"))
]


@pytest.mark.parametrize(("action", "state"), CASES)
def test_every_membership_transition_is_checked_against_the_current_state(make_community, action, state):
    kind, allowed = TRANSITIONS[action]
    community = make_community(kind)
    facilitator = make_viewer("facilitator", community)
    moderator = make_viewer("moderator", community)
    user = UserFactory()
    membership = _membership_in(community, user, state)
    before = Membership.objects.filter(pk=getattr(membership, "pk", None)).values().first()

    if state in allowed:
        _act(
            action, community=community, user=user, membership=membership, moderator=moderator, facilitator=facilitator
        )
        assert Membership.objects.get(community=community, user=user).state == allowed[state]
    else:
        with pytest.raises(MembershipStateError):
            _act(
                action,
                community=community,
                user=user,
                membership=membership,
                moderator=moderator,
                facilitator=facilitator,
            )
        after = Membership.objects.filter(community=community, user=user).values().first()
        assert after == before, "a refused transition changed the membership"


@pytest.mark.parametrize("kind", [Access.RESTRICTED, Access.PRIVATE])
def test_a_moderator_cannot_suspend_a_pending_request_into_membership(discussion, kind):
    """The security issue: suspending a pending request made the requester a reader."""
    community, thread, _ = discussion(kind)
    moderator = make_viewer("moderator", community)
    requester = UserFactory()
    pending = MembershipFactory(community=community, user=requester, state=State.PENDING)
    client = Client()
    client.force_login(moderator)

    response = client.post(
        f"/communities/{community.slug}/members/{pending.pk}/suspend/", {"days": 7, "reason": "Sneaky"}
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only an active member can be suspended: this person's request to join is still pending."
    ]
    pending.refresh_from_db()
    assert pending.state == State.PENDING
    reader = Client()
    reader.force_login(requester)
    assert reader.get(thread.get_absolute_url()).status_code == 404
    assert reader.get(f"/communities/{community.slug}/library/").status_code == 404
    assert reader.get(f"/communities/{community.slug}/feed/").status_code == 404


@pytest.mark.parametrize(
    ("action", "state", "data"),
    [
        ("suspend", State.LEFT, {"days": 7, "reason": "Gone anyway"}),
        ("remove", State.PENDING, {}),
        ("remove", State.REMOVED, {}),
        ("role", State.LEFT, {"role": Role.FACILITATOR}),
        ("approve", State.ACTIVE, {}),
    ],
)
def test_a_refused_member_action_is_an_error_message_not_a_server_error(make_community, action, state, data):
    community = make_community(Access.RESTRICTED)
    facilitator = make_viewer("facilitator", community)
    membership = _membership_in(community, UserFactory(), state)
    client = Client()
    client.force_login(facilitator)

    response = client.post(f"/communities/{community.slug}/members/{membership.pk}/{action}/", data, follow=True)

    assert response.status_code == 200
    assert "govuk-notification-banner" in response.text
    assert "govuk-notification-banner--success" not in response.text
    membership.refresh_from_db()
    assert (membership.state, membership.role) == (state, Role.MEMBER)


def test_a_suspended_member_cannot_leave_and_rejoin_to_lift_the_suspension(make_community):
    community = make_community(Access.OPEN)
    make_viewer("facilitator", community)
    suspended = make_viewer("suspended", community)
    client = Client()
    client.force_login(suspended)

    left = client.post(f"/communities/{community.slug}/leave/", follow=True)
    assert "You are suspended until" in left.text
    rejoined = client.post(f"/communities/{community.slug}/join/", follow=True)
    assert rejoined.status_code == 200

    membership = Membership.objects.get(user=suspended)
    assert membership.state == State.SUSPENDED
    assert not community_access(community=community, user=suspended).can_post


def test_an_invitation_does_not_lift_a_suspension_or_a_removal(make_community):
    community = make_community(Access.PRIVATE)
    facilitator = make_viewer("facilitator", community)
    for state in (State.SUSPENDED, State.REMOVED):
        user = UserFactory()
        _membership_in(community, user, state)
        invitation = services.membership_invite(community=community, actor=facilitator, email=user.email)
        client = Client()
        client.force_login(user)
        response = client.post(f"/communities/invitations/{invitation.token}/", follow=True)
        assert response.status_code == 200
        assert Membership.objects.get(user=user).state == state
        assert client.get(community.url).status_code == 404


def test_a_suspension_that_has_ended_counts_as_active_membership(discussion):
    community, thread, _ = discussion(Access.PRIVATE)
    facilitator = make_viewer("facilitator", community)
    user = UserFactory()
    membership = MembershipFactory(
        community=community,
        user=user,
        state=State.SUSPENDED,
        suspended_until=timezone.now() - datetime.timedelta(minutes=1),
    )
    access = community_access(community=community, user=user)
    assert access.can_read and access.can_post and not access.is_suspended
    client = Client()
    client.force_login(user)
    assert client.get(thread.get_absolute_url()).status_code == 200
    # And it can be suspended again, like any active membership.
    services.membership_suspend(membership=membership, actor=facilitator, days=1, reason="Again")
    membership.refresh_from_db()
    assert membership.state == State.SUSPENDED and membership.is_suspended
