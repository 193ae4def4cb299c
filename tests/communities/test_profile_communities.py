"""A profile's "Communities" row: names linked to the communities, only those the viewer may see."""

import re

import pytest

from accounts.factories import UserFactory
from accounts.models import Profile
from communities.factories import MembershipFactory
from communities.models import Access, State


@pytest.fixture
def person(make_community):
    """Someone in an open, a restricted and a private community, and who left a fourth."""
    user = UserFactory(first_name="Dana", last_name="Reeve")
    Profile.objects.update_or_create(user=user, defaults={"handle": "dana-reeve"})
    communities = {
        "open": make_community(Access.OPEN, title="Digital inclusion", slug="digital-inclusion"),
        "restricted": make_community(Access.RESTRICTED, title="Local plan makers", slug="local-plan-makers"),
        "private": make_community(Access.PRIVATE, title="Chief executives", slug="chief-executives"),
        "left": make_community(Access.OPEN, title="Former haunt", slug="former-haunt"),
    }
    for key, community in communities.items():
        MembershipFactory(community=community, user=user, state=State.LEFT if key == "left" else State.ACTIVE)
    return user, communities


def _row(html: str) -> str:
    match = re.search(r"Communities</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.DOTALL)
    return match.group(1) if match else ""


@pytest.mark.django_db
def test_communities_row_names_and_links_the_communities_not_their_slugs(client, person):
    _user, communities = person
    row = _row(client.get("/people/dana-reeve/").content.decode())
    assert f'<a class="govuk-link" href="{communities["open"].url}">Digital inclusion</a>' in row
    assert f'<a class="govuk-link" href="{communities["restricted"].url}">Local plan makers</a>' in row
    assert "digital-inclusion," not in row and "Former haunt" not in row


@pytest.mark.django_db
def test_a_private_community_shows_only_to_its_members(client, person):
    _user, communities = person
    assert "Chief executives" not in client.get("/people/dana-reeve/").content.decode()
    client.force_login(UserFactory())
    assert "Chief executives" not in client.get("/people/dana-reeve/").content.decode()
    colleague = UserFactory()
    MembershipFactory(community=communities["private"], user=colleague)
    client.force_login(colleague)
    assert "Chief executives" in _row(client.get("/people/dana-reeve/").content.decode())
