"""Fixtures for the good practice library's tests."""

import pytest

from django.core.cache import cache

from accounts.factories import CouncilFactory, UserFactory
from accounts.roles import Role
from accounts.services import user_set_role
from hub.models import GoodPracticeIndexPage, ServiceArea
from hub.services import review_workflow_ensure, service_areas_ensure


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def library(home_page) -> GoodPracticeIndexPage:
    """/good-practice/ with the service areas and the editors' review workflow in place."""
    service_areas_ensure()
    index = GoodPracticeIndexPage.objects.get()
    review_workflow_ensure(index=index)
    return index


@pytest.fixture
def housing(library) -> ServiceArea:
    return ServiceArea.objects.get(slug="housing")


@pytest.fixture
def waste(library) -> ServiceArea:
    return ServiceArea.objects.get(slug="waste-and-recycling")


@pytest.fixture
def officer(db):
    return UserFactory(
        email="officer@council.example",
        first_name="Priya",
        last_name="Shah",
        organisation=CouncilFactory(name="Kirklees Council", slug="kirklees"),
    )


@pytest.fixture
def editor(library):
    user = UserFactory(email="editor@hub.example", first_name="Elin", last_name="Evans")
    user_set_role(user=user, role=Role.SITE_EDITOR)
    return user


@pytest.fixture
def moderator(library):
    user = UserFactory(email="moderator@hub.example", first_name="Marcus", last_name="Okafor")
    user_set_role(user=user, role=Role.MODERATOR)
    return user
