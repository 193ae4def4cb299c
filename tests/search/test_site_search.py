"""/search/: one query across pages, threads and people, grouped, filtered by type, permission-aware."""

import pytest

from django.contrib.auth.models import AnonymousUser

from accounts.factories import UserFactory
from communities.factories import MembershipFactory, ThreadFactory, community_create
from communities.models import Access
from search.registry import ProviderResult, SearchHit, providers, register_provider, unregister_provider
from search.selectors import site_search, site_suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def communities(home_page):
    open_community = community_create(title="Waste collection network", access=Access.OPEN)
    private = community_create(title="Zeppelin directors circle", access=Access.PRIVATE)
    ThreadFactory(community=open_community, title="Zeppelin-free bin rounds", body="Routes.")
    ThreadFactory(community=private, title="Zeppelin budget pressures", body="Confidential.")
    member = UserFactory()
    MembershipFactory(community=private, user=member)
    return {"open": open_community, "private": private, "member": member}


def _group(results, key):
    return next(group for group in results.groups if group.key == key)


def test_a_private_communitys_threads_and_page_are_only_found_by_its_members(communities):
    outsider = UserFactory()
    for viewer in (AnonymousUser(), outsider):
        results = site_search(query="zeppelin", user=viewer)
        threads = _group(results, "threads")
        assert threads.total == 1
        assert [hit.title for hit in threads.hits] == ["Zeppelin-free bin rounds"]
        assert _group(results, "pages").total == 0
        assert "Confidential" not in str(results)
        assert all("directors" not in hit.title for hit in site_suggest(query="zeppelin dir", user=viewer))
    results = site_search(query="zeppelin", user=communities["member"])
    assert _group(results, "threads").total == 2
    assert "Zeppelin budget pressures" in [hit.title for hit in _group(results, "threads").hits]


def test_results_are_grouped_with_counts_and_can_be_filtered_by_type(client, communities, cast):
    html = client.get("/search/", {"q": "finance"}).content.decode()
    assert "People (" in html and "Discussion threads (" in html
    assert "Amelia Hartley" in html
    people_only = client.get("/search/", {"q": "finance", "type": "people"}).content.decode()
    assert 'aria-current="true">People' in people_only
    assert "Harriet Harwood" in people_only


def test_snippets_mark_the_words_searched_for_and_escape_the_rest(communities):
    from django.template import Context, Template

    rendered = Template("{% load search_tags %}{{ text|highlight:q }}").render(
        Context({"text": "<b>Zeppelin</b> rounds", "q": "zeppelin"})
    )
    assert rendered == "&lt;b&gt;<mark>Zeppelin</mark>&lt;/b&gt; rounds"


def test_an_app_can_plug_in_its_own_permission_aware_provider(communities):
    class BookingProvider:
        key = "bookings"
        label = "Peer challenge bookings"
        order = 33

        def search(self, *, query, user, limit, offset=0):
            visible = ["Zeppelin audit"] if user.is_authenticated else []
            return ProviderResult(
                total=len(visible),
                hits=[SearchHit(title=t, url="/peers/x/", kind="Booking") for t in visible[:limit]],
            )

    register_provider(BookingProvider())
    try:
        assert [p.key for p in providers()][:4] == ["pages", "threads", "bookings", "library"]
        assert _group(site_search(query="zeppelin", user=AnonymousUser()), "bookings").total == 0
        assert _group(site_search(query="zeppelin", user=communities["member"]), "bookings").total == 1
    finally:
        unregister_provider("bookings")


def test_suggestions_are_json_and_respect_hidden_fields(client, cast):
    response = client.get("/search/suggest/", {"q": "Malh"})
    data = response.json()
    assert [r["title"] for r in data["results"]] == ["Dev Malhotra"]
    # Dev's job title is for members only: a visitor's suggestion does not carry it.
    assert data["results"][0]["meta"] == "Eastvale District Council"
    assert "Epidemiology" not in response.content.decode()
    assert response["Cache-Control"].startswith("private")


def test_an_empty_query_shows_the_search_box_only(client, home_page):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "result" not in response.content.decode().split("<main", 1)[1].lower().split("</main>")[0]
