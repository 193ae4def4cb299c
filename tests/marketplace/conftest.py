"""Fixtures for the marketplace tests: people with the organisations the rules turn on."""

import datetime

import pytest

from accounts.factories import OrganisationFactory, UserFactory
from accounts.models import OrganisationKind
from accounts.roles import Role
from accounts.services import user_set_role
from marketplace.factories import ProviderFactory
from marketplace.services import listing_changed


@pytest.fixture(autouse=True)
def fresh_listing_index():
    """The listing's index is kept per listing version and factories write behind the
    services' back, so each test starts on a new version (never cache.clear(): with Redis that
    would flush the database other parts of the suite share)."""
    listing_changed()


@pytest.fixture
def council_officer(db):
    return UserFactory()  # UserFactory's organisation is a council


@pytest.fixture
def fire_officer(db):
    return UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.FIRE_AND_RESCUE))


@pytest.fixture
def consultant(db):
    """Someone from a business: may browse and shortlist, never review."""
    return UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.BUSINESS))


@pytest.fixture
def provider(db):
    return ProviderFactory()


@pytest.fixture
def provider_staff(provider):
    user = UserFactory(organisation=provider.organisation)
    provider.staff.add(user)
    return user


@pytest.fixture
def moderator(db):
    user = UserFactory()
    user_set_role(user=user, role=Role.MODERATOR)
    return user


def review_of(service, user, *, rating: int = 4):
    """Publish `user`'s review of `service` through the service layer, like the review form."""
    from marketplace.services import review_submit

    return review_submit(
        service=service,
        user=user,
        used_in=datetime.date(2025, 1, 1),
        how_used="commissioned",
        rating_experience=rating,
        rating_value=rating,
        rating_outcomes=rating,
        would_recommend=True,
        text="Good.",
    )
