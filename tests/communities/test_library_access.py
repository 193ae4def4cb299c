"""Who may read a community's library: its readers (today's default, said on the settings page) or members only."""

import pytest

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communities import services
from communities.models import AuditEntry, LibraryAccess
from communities.search import LibrarySearchProvider
from communities.selectors import library_readable_ids
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path


@pytest.fixture
def library(make_community):
    """An open community with a facilitator, a member and one file in its library."""
    community = make_community("open", title="Digital inclusion")
    facilitator, member = make_viewer("facilitator", community), make_viewer("member", community)
    document = services.library_file_add(
        community=community,
        actor=member,
        title="Broadband take-up survey",
        upload=SimpleUploadedFile("survey.csv", b"ward,households\n"),
    )
    return community, facilitator, member, document


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _urls(community, document) -> list[str]:
    return [
        f"/communities/{community.slug}/library/",
        f"/communities/{community.slug}/library/{document.pk}/download/",
    ]


def test_an_open_communitys_library_is_open_to_anyone_by_default_and_its_settings_page_says_so(library):
    community, facilitator, _member, document = library
    assert community.library_access == LibraryAccess.READERS
    for url in _urls(community, document):
        assert _client().get(url).status_code == 200
    page = _client(facilitator).get(f"/communities/{community.slug}/settings/").text
    assert "Anyone can download its files, without signing in" in page
    assert "Members only" in page


def test_facilitators_make_the_library_members_only_for_listing_download_search_and_the_page(library):
    community, facilitator, member, document = library
    response = _client(facilitator).post(f"/communities/{community.slug}/settings/", {"library_access": "members"})
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.library_access == LibraryAccess.MEMBERS
    assert AuditEntry.objects.filter(community=community, action="library access changed", reason="members").exists()
    outsider = make_viewer("non_member", community)
    for url in _urls(community, document):
        assert _client().get(url).status_code == 404
        assert _client(outsider).get(url).status_code == 404
        assert _client(member).get(url).status_code == 200
    # The community page no longer offers the library to those who may not open it.
    assert "/library/" not in _client(outsider).get(community.url).text
    assert "/library/" in _client(member).get(community.url).text
    # Site search asks the same rule.
    assert community.pk not in library_readable_ids(user=AnonymousUser())
    assert community.pk not in library_readable_ids(user=outsider)
    assert community.pk in library_readable_ids(user=member)
    provider = LibrarySearchProvider()
    assert provider.search(query="broadband", user=outsider, limit=10).total == 0


def test_only_facilitators_may_open_the_settings_page(library):
    community, _facilitator, member, _document = library
    assert _client(member).get(f"/communities/{community.slug}/settings/").status_code == 404
    assert (
        _client(member).post(f"/communities/{community.slug}/settings/", {"library_access": "members"}).status_code
        == 404
    )
    community.refresh_from_db()
    assert community.library_access == LibraryAccess.READERS
