"""The database backend's in-memory facet bitmaps and its early-stopping ranking.

Counts come from per-process bitmaps, so these tests check that they follow every committed
write (and nothing rolled back), and that ranking only part of the matches gives exactly the
page that ranking everyone gives.
"""

import pytest

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from accounts.factories import UserFactory
from search.backends import database, facet_index
from search.backends.base import FACETS
from search.selectors import expert_search
from search.services import people_index_update

pytestmark = pytest.mark.django_db


def counts(results, facet):
    return {value.value: value.count for value in results.facets[facet]}


def assert_counts_match_filters(user, text=""):
    results = expert_search(user=user, text=text)
    for facet in FACETS:
        for value in results.facets[facet]:
            assert expert_search(user=user, text=text, filters={facet: [value.value]}).total == value.count


@pytest.mark.parametrize("text", ["finance", "housing", "har", "budget scrutiny", "community engagement", "Hartly"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_ranking_the_best_standing_first_gives_the_same_page_as_ranking_everyone(cast, monkeypatch, text, signed_in):
    if connection.vendor != "sqlite":
        pytest.skip("early stopping is the SQLite ranking; PostgreSQL ranks in SQL")
    user = UserFactory() if signed_in else AnonymousUser()
    stopped_early = []
    relevance = database.DatabaseBackend._relevance

    def spy(self, match_sql, ids):
        stopped_early.append(ids is not None)
        return relevance(self, match_sql, ids)

    monkeypatch.setattr(database.DatabaseBackend, "_relevance", spy)
    for per_page, page in ((1, 1), (1, 2), (3, 1)):
        monkeypatch.setattr(database, "PRUNE_FROM", 10**9)
        everyone = expert_search(user=user, text=text, per_page=per_page, page=page)
        monkeypatch.setattr(database, "PRUNE_FROM", 0)
        stopped_early.clear()
        pruned = expert_search(user=user, text=text, per_page=per_page, page=page)
        assert [(h.name, round(h.score, 9)) for h in pruned.hits] == [
            (h.name, round(h.score, 9)) for h in everyone.hits
        ]
        assert pruned.total == everyone.total
        if text == "finance" and per_page == 1 and page == 1:
            # Amelia, the one accredited peer, is provably first without scoring anyone else.
            assert stopped_early == [True]
            assert pruned.hits[0].name == "Amelia Hartley"


def test_counts_follow_a_reindex_by_catching_up_not_rebuilding(cast, monkeypatch):
    from accounts.models import Sector

    member = UserFactory()
    assert counts(expert_search(user=member), "sector")["voluntary"] == 2
    monkeypatch.setattr(facet_index, "_build", lambda *args: pytest.fail("rebuilt instead of catching up"))
    profile = cast["rare"]
    profile.sector = Sector.HEALTH
    profile.save()
    people_index_update(user_ids=[profile.user_id])
    sectors = counts(expert_search(user=member), "sector")
    assert sectors["voluntary"] == 1
    assert sectors["health"] == 2
    assert_counts_match_filters(member)


def test_a_rolled_back_write_leaves_no_trace_in_the_counts(cast):
    from accounts.models import Sector

    member = UserFactory()
    before = counts(expert_search(user=member), "sector")
    profile = cast["planner"]
    try:
        with transaction.atomic():
            profile.sector = Sector.VOLUNTARY
            profile.save()
            people_index_update(user_ids=[profile.user_id])
            assert counts(expert_search(user=member), "sector")["voluntary"] == before["voluntary"] + 1
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert counts(expert_search(user=member), "sector") == before
    assert_counts_match_filters(member)


def test_people_taken_out_of_the_index_are_no_longer_counted(cast):
    from search.backends import people_backend

    visitor = AnonymousUser()
    assert expert_search(user=visitor).total == 8
    people_backend().delete(profile_ids=[cast["peer"].pk])
    results = expert_search(user=visitor)
    assert results.total == 7
    assert "accredited" not in counts(results, "peer")
    assert_counts_match_filters(visitor)


def test_members_only_values_are_counted_for_members_only_after_a_change(cast):
    from accounts.models import Visibility

    profile = cast["send"]
    profile.skills_visibility = Visibility.MEMBERS
    profile.save()
    expert_search(user=AnonymousUser())  # the bitmaps exist before the change arrives
    people_index_update(user_ids=[profile.user_id])
    visitor_skills = counts(expert_search(user=AnonymousUser()), "skill")
    member_skills = counts(expert_search(user=UserFactory()), "skill")
    assert "Special educational needs" not in visitor_skills
    assert member_skills["Special educational needs"] == 1
    assert expert_search(user=AnonymousUser(), filters={"skill": ["Special educational needs"]}).total == 0
    assert_counts_match_filters(AnonymousUser())


def test_a_deleted_account_is_no_longer_counted(cast):
    visitor = AnonymousUser()
    assert counts(expert_search(user=visitor), "peer")["accredited"] == 1
    cast["peer"].user.delete()
    results = expert_search(user=visitor)
    assert results.total == 7
    assert "accredited" not in counts(results, "peer")


def _same_index(one, other):
    assert (one.version, one.token, one.everyone) == (other.version, other.token, other.everyone)
    assert dict(one.bits) == dict(other.bits)
    assert one.order == other.order and one.keys == other.keys
    # A tier's multiplier is an upper bound that ages with the clock: the index made earlier
    # (or caught up from an earlier one) may hold a slightly larger one, never a smaller one.
    assert one.tier_multiplier.keys() == other.tier_multiplier.keys()
    for tier, multiplier in other.tier_multiplier.items():
        assert one.tier_multiplier[tier] == pytest.approx(multiplier, rel=1e-6)
        assert one.tier_multiplier[tier] >= multiplier


def test_a_new_process_loads_the_saved_bitmaps_instead_of_reading_every_entry(cast, monkeypatch):
    member = UserFactory()
    before = expert_search(user=member, text="finance")
    built = facet_index.facet_index()
    database.forget_process_state()
    monkeypatch.setattr(facet_index, "_build", lambda *args: pytest.fail("built instead of loading the snapshot"))
    after = expert_search(user=member, text="finance")
    assert (after.total, after.facets) == (before.total, before.facets)
    _same_index(facet_index.facet_index(), built)


def test_a_new_process_catches_up_from_an_older_snapshot_to_what_a_build_gives(cast, monkeypatch):
    from accounts.models import Sector

    member = UserFactory()
    expert_search(user=member)
    profile = cast["rare"]
    profile.sector = Sector.HEALTH
    profile.save()
    people_index_update(user_ids=[profile.user_id])
    database.forget_process_state()
    build = facet_index._build
    monkeypatch.setattr(facet_index, "_build", lambda *args: pytest.fail("built instead of catching up"))
    caught_up = facet_index.facet_index()
    assert counts(expert_search(user=member), "sector")["health"] == 2
    assert_counts_match_filters(member)
    _same_index(caught_up, build(*facet_index.current_version()))


def test_a_snapshot_of_another_history_or_unreadable_is_ignored(cast, monkeypatch):
    from search.models import FacetSnapshot

    member = UserFactory()
    expected = counts(expert_search(user=member), "sector")
    builds = []
    build = facet_index._build
    monkeypatch.setattr(facet_index, "_build", lambda *args: builds.append(args) or build(*args))
    for change in ({"token": "another history"}, {"data": b"not a snapshot"}):
        FacetSnapshot.objects.filter(pk=1).update(**change)
        database.forget_process_state()
        assert counts(expert_search(user=member), "sector") == expected
    assert len(builds) == 2
    # Each build saved a snapshot of this history again.
    assert FacetSnapshot.objects.get().token == facet_index.current_version()[1]


def test_a_reindex_of_everyone_leaves_a_snapshot_for_the_next_process(cast, monkeypatch):
    from search.services import people_index_rebuild

    people_index_rebuild()
    database.forget_process_state()
    monkeypatch.setattr(facet_index, "_build", lambda *args: pytest.fail("the first search built the bitmaps"))
    assert expert_search(user=AnonymousUser(), text="finance").total >= 1


def test_phrase_counts_for_the_relevance_bound_follow_every_write(cast):
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 phrase counts are SQLite's")
    from search.factories import person_create

    expression = '"zanzibar"*'
    assert database.phrase_rows(facet_index.facet_index(), expression) == 0
    person_create(first_name="Zanzibar", last_name="Okafor", skills=["Procurement"])
    assert database.phrase_rows(facet_index.facet_index(), expression) == 1
