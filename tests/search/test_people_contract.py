"""One contract for every people-search backend: same cast, same expected results and counts.

Runs on the database backend always (SQLite or PostgreSQL, whichever DATABASE_URL gives) and
on Elasticsearch when ELASTICSEARCH_URL is set; otherwise that leg reports itself skipped.
"""

import pytest

from django.contrib.auth.models import AnonymousUser

from accounts.factories import UserFactory
from search.backends.base import FACETS
from search.selectors import expert_search, people_similar, people_suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return UserFactory()


def names(results):
    return [hit.name for hit in results.hits]


def test_accredited_finance_peer_ranks_above_someone_who_mentions_finance_once(cast, member):
    results = expert_search(user=member, text="finance")
    ranked = names(results)
    assert "Amelia Hartley" in ranked and "Ben Okoro" in ranked
    assert ranked.index("Amelia Hartley") < ranked.index("Ben Okoro")
    assert ranked[0] == "Amelia Hartley"


def test_each_result_says_in_plain_words_why_it_ranks(cast, member):
    results = expert_search(user=member, text="finance")
    top = results.hits[0]
    assert top.explanation.startswith("accredited finance officer peer · 12 good practice contributions")


def test_a_misspelt_surname_still_finds_the_person(cast, member):
    for typo in ("Fetherstonehaugh", "Featherstonhaugh", "Hartly"):
        results = expert_search(user=member, text=typo)
        assert results.hits, typo
        assert results.hits[0].last_active >= 0
    assert names(expert_search(user=member, text="Fetherstonehaugh"))[0] == "Siobhan Featherstonehaugh"
    assert names(expert_search(user=member, text="Hartly"))[0] == "Amelia Hartley"


def test_three_letters_of_a_name_find_people_whose_names_start_with_them(cast, member):
    found = set(names(expert_search(user=member, text="Har")))
    assert {"Amelia Hartley", "Harriet Harwood"} <= found
    assert "Ian Stevens" not in found


def test_a_skill_synonym_finds_people_with_that_skill_first(cast, member):
    results = expert_search(user=member, text="SEND")
    assert names(results)[0] == "Carys Pritchard"
    assert results.hits[0].matched_skill == "Special educational needs"


def test_two_terms_must_both_match(cast, member):
    assert names(expert_search(user=member, text="budget scrutiny")) == ["Harriet Harwood"]


@pytest.mark.parametrize("text", ["", "finance", "housing"])
def test_facet_counts_equal_the_filtered_result_counts(cast, member, text):
    results = expert_search(user=member, text=text)
    checked = 0
    for facet in FACETS:
        for value in results.facets[facet]:
            filtered = expert_search(user=member, text=text, filters={facet: [value.value]})
            assert filtered.total == value.count, (facet, value.value)
            checked += 1
    assert checked >= 5


def test_two_facets_narrow_the_results_and_counts_agree(cast, member):
    filters = {"sector": ["local_government"], "peer": ["accredited"]}
    results = expert_search(user=member, text="", filters=filters)
    assert names(results) == ["Amelia Hartley"]
    sector_counts = {v.value: v.count for v in results.facets["sector"]}
    # A facet's own filter is left out of its counts: they say what choosing each would give.
    assert sector_counts == {"local_government": 1}
    peer_counts = {v.value: v.count for v in results.facets["peer"]}
    assert peer_counts["accredited"] == 1 and peer_counts["councillor"] == 1


def test_results_are_paged_and_totals_stay_the_same(cast, member):
    first = expert_search(user=member, text="", per_page=3)
    second = expert_search(user=member, text="", page=2, per_page=3)
    assert first.total == second.total == 8
    assert not set(names(first)) & set(names(second))


def test_people_like_this_person_share_skills_and_interests(cast, member):
    similar = [hit.name for hit in people_similar(user=member, profile_id=cast["peer"].pk)]
    assert similar[0] == "Harriet Harwood"
    assert "Amelia Hartley" not in similar


def test_name_suggestions_complete_what_was_typed(cast, member):
    assert [hit.name for hit in people_suggest(user=member, text="Pri")] == ["Carys Pritchard"]


# --- privacy: what each side may and may not find --------------------------------------


def test_a_hidden_bio_is_never_matched_for_anyone(cast, member):
    assert expert_search(user=AnonymousUser(), text="zebrafish").total == 0
    assert expert_search(user=member, text="zebrafish").total == 0


def test_hidden_skills_are_never_matched_shown_or_counted(cast, member):
    for viewer in (AnonymousUser(), member):
        results = expert_search(user=viewer, text="Malhotra")
        assert names(results) == ["Dev Malhotra"]
        assert results.hits[0].skills == []
        assert expert_search(user=viewer, text="procurement").total == 0
        assert expert_search(user=viewer, filters={"skill": ["Procurement"]}).total == 0
        skill_values = {v.value for v in expert_search(user=viewer).facets["skill"]}
        assert "Procurement" not in skill_values


def test_members_only_fields_are_found_by_members_but_not_by_visitors(cast, member):
    assert names(expert_search(user=member, text="narwhal")) == ["Erin Walsh"]
    assert expert_search(user=AnonymousUser(), text="narwhal").total == 0
    # A members-only sector: counted and filterable for members only.
    member_sectors = {v.value: v.count for v in expert_search(user=member).facets["sector"]}
    visitor_sectors = {v.value: v.count for v in expert_search(user=AnonymousUser()).facets["sector"]}
    assert member_sectors.get("health") == 1
    assert "health" not in visitor_sectors
    assert expert_search(user=AnonymousUser(), filters={"sector": ["health"]}).total == 0
    # And a members-only job title is not shown to visitors.
    visitor_hit = expert_search(user=AnonymousUser(), text="Malhotra").hits[0]
    assert visitor_hit.job_title == ""
    assert expert_search(user=AnonymousUser(), text="epidemiology").total == 0
    assert expert_search(user=member, text="Malhotra").hits[0].job_title == "Epidemiology Lead"


def test_hidden_skills_do_not_make_people_similar(cast, member):
    similar = {hit.name for hit in people_similar(user=member, profile_id=cast["private"].pk)}
    # Dev's only visible terms are the "public health" interest nobody else shares.
    assert similar == set()
