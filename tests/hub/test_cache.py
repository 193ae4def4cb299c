"""Anonymous visitors get cached pages; anything they would see change clears the cache."""

import pytest

from accounts.factories import UserFactory
from hub.factories import case_study_create
from hub.services import comment_create, useful_vote_toggle


@pytest.fixture
def case_study(library, housing):
    return case_study_create(title="Tenancy sustainment", service_area=housing)


@pytest.mark.django_db
def test_anonymous_pages_are_served_from_the_cache_after_the_first_visit(client, case_study):
    for url in (case_study.url, "/good-practice/", "/good-practice/?service_area=housing"):
        first, second = client.get(url), client.get(url)
        assert first["X-Library-Cache"] == "miss"
        assert second["X-Library-Cache"] == "hit"
        assert first.content == second.content


@pytest.mark.django_db
def test_signed_in_people_always_get_a_fresh_page(client, case_study):
    client.force_login(UserFactory())
    assert not client.get(case_study.url).has_header("X-Library-Cache")
    assert not client.get(case_study.url).has_header("X-Library-Cache")


@pytest.mark.django_db
def test_publishing_a_case_study_refreshes_the_cached_index(client, case_study, housing):
    assert "1 case study" in client.get("/good-practice/").content.decode()
    case_study_create(title="Second one", service_area=housing)
    response = client.get("/good-practice/")
    assert response["X-Library-Cache"] == "miss"
    assert "Second one" in response.content.decode()


@pytest.mark.django_db
def test_a_new_comment_or_vote_refreshes_the_cached_page(client, django_capture_on_commit_callbacks, case_study):
    client.get(case_study.url)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(user=UserFactory(), page=case_study, text="Useful, thanks")
    assert "Useful, thanks" in client.get(case_study.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        useful_vote_toggle(user=UserFactory(), page=case_study)
    assert "1 person found this useful" in client.get(case_study.url).content.decode()


@pytest.mark.django_db
def test_unpublished_case_study_is_not_served_from_the_cache(client, case_study):
    client.get(case_study.url)
    case_study.unpublish()
    assert client.get(case_study.url).status_code == 404


@pytest.mark.django_db
def test_visitors_with_a_pending_message_are_not_served_a_cached_page(client, case_study):
    client.get(case_study.url)
    client.cookies["messages"] = "something"
    assert client.get(case_study.url).get("X-Library-Cache") is None


@pytest.mark.django_db
def test_password_protected_case_study_never_leaks_through_the_cache_or_listings(client, case_study, housing):
    from wagtail.models import PageViewRestriction

    secret = case_study_create(title="Members only pilot", service_area=housing)
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="letmein")
    for _ in range(2):
        response = client.get(secret.url)
        assert "The challenge" not in response.content.decode()  # the password form, not the page
        assert response.get("X-Library-Cache") != "hit"
    for url in ("/good-practice/", "/good-practice/?q=members", "/good-practice/feeds/rss/"):
        assert "Members only pilot" not in client.get(url).content.decode()
    # Someone who has a session (and so may have entered the password) bypasses the cache.
    client.cookies["sessionid"] = "anything"
    assert client.get(case_study.url).get("X-Library-Cache") is None


@pytest.mark.django_db
def test_another_host_or_scheme_cannot_poison_the_cached_links(client, case_study):
    """A visitor arriving under another host name (or over HTTPS) must not put links to that
    host in front of everyone else: feeds link to SITE_URL (home.links), whatever the request."""
    feed = "/good-practice/feeds/rss/"
    poisoned = client.get(feed, HTTP_HOST="localhost:8000")
    assert "localhost" not in poisoned.content.decode()

    for host, secure in (("testserver", False), ("testserver", False), ("localhost:8000", True)):
        body = client.get(feed, HTTP_HOST=host, secure=secure).content.decode()
        assert "localhost" not in body
        assert "http://testserver/good-practice/" in body
