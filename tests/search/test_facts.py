"""Contributions and communities from the other apps feed standing, and only public ones count."""

import pytest

from accounts.factories import UserFactory
from communities.factories import MembershipFactory, ReplyFactory, ThreadFactory, community_create
from communities.models import Access
from hub.factories import case_study_create
from search.selectors import expert_search, people_similar
from search.services import people_index_update

pytestmark = pytest.mark.django_db


def test_published_good_practice_and_open_community_replies_raise_standing(home_page):
    from search.factories import person_create

    writer = person_create(first_name="Olu", last_name="Adeyemi", skills=["Procurement"])
    quiet = person_create(first_name="Pat", last_name="Quinn", skills=["Procurement"])
    case_study_create(title="Procurement that paid off", owner=writer.user)
    case_study_create(title="Unpublished draft", owner=quiet.user, live=False)
    open_community = community_create(title="Buyers network", access=Access.OPEN)
    private = community_create(title="Secret buyers", access=Access.PRIVATE)
    thread = ThreadFactory(community=open_community)
    ReplyFactory(thread=thread, author=writer.user)
    ReplyFactory(thread=ThreadFactory(community=private), author=quiet.user)
    for community in (open_community, private):
        MembershipFactory(community=community, user=writer.user)
        MembershipFactory(community=community, user=quiet.user)
    people_index_update(user_ids=[writer.user_id, quiet.user_id])

    results = expert_search(user=UserFactory(), text="procurement")
    assert [hit.name for hit in results.hits] == ["Olu Adeyemi", "Pat Quinn"]
    assert "1 discussion reply · 1 good practice contribution" in results.hits[0].explanation
    assert results.hits[1].contributions == 0
    # The good practice title is searchable too.
    assert [hit.name for hit in expert_search(user=UserFactory(), text="paid off").hits] == ["Olu Adeyemi"]
    similar = {hit.name for hit in people_similar(user=UserFactory(), profile_id=writer.pk)}
    assert similar == {"Pat Quinn"}
