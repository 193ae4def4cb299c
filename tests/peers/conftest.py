import pytest

from accounts.factories import CouncilFactory, UserFactory
from accounts.models import MembershipStatus, OrganisationMembership
from peers.roles import peer_programme_group


def verified(user):
    """Make `user`'s membership of their organisation verified, the condition for booking
    (accounts.selectors.verified_organisation)."""
    if user.organisation_id:
        OrganisationMembership.objects.update_or_create(
            user=user, organisation_id=user.organisation_id, defaults={"status": MembershipStatus.VERIFIED}
        )
    return user


@pytest.fixture
def organiser(db):
    user = UserFactory(email="organiser@lga.example", organisation=None)
    user.groups.add(peer_programme_group())
    return user


@pytest.fixture
def council(db):
    return CouncilFactory(name="Kirklees Council")


@pytest.fixture
def lead(council):
    """The council's lead in the chief executive's office."""
    return verified(UserFactory(email="lead@kirklees.example", organisation=council))


@pytest.fixture
def booker(db):
    """Verified people at councils of their own."""
    return lambda **kwargs: verified(UserFactory(**kwargs))
