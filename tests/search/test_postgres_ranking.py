"""PostgreSQL ranking: the best standing tier is scored first, and ts_rank's bound that makes
leaving the other tiers unscored safe.

The page must be exactly the one that scoring every match gives, so these tests compare the
two, and check the bound against PostgreSQL's own ts_rank on text built to push it up.
"""

import pytest

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts.factories import UserFactory
from search.backends import database
from search.backends.database import ts_rank_bound
from search.selectors import expert_search

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL ranking: runs when DATABASE_URL names PostgreSQL"
)


@pytest.mark.parametrize(
    ("tsquery", "bound"),
    [
        ("'budget':* & 'set':*", 1.0),
        ("( 'budget':* | 'budgt' ) & 'set':*", 1.0),
        ("'e-govern' <-> 'e' <-> 'govern'", 1.0),
        ("'budget':*", None),
        ("'hous':* & 'hous':*", None),
        ("'har':* | 'hart'", None),
        ("'budget' & 'set' | 'plan'", None),
        ("!'budget' & 'set'", None),
        ("", None),
    ],
)
def test_a_bound_is_given_only_when_ts_rank_combines_two_distinct_lexemes(tsquery, bound):
    assert ts_rank_bound(tsquery) == bound


@needs_postgresql
@pytest.mark.parametrize("words", [["budget", "setting"], ["housing", "data"], ["har", "hart"]])
def test_ts_rank_stays_within_the_bound_on_text_built_to_push_it_up(words):
    tsquery = " & ".join(f"{word}:*" for word in words)
    # Every word next to every other, many times over, all in the heaviest (A) position.
    text = " ".join(words * 400)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsquery('english', %s)::text, ts_rank('{0.1, 0.3, 0.5, 1.0}', "
            "setweight(to_tsvector('english', %s), 'A'), to_tsquery('english', %s))",
            [tsquery, text, tsquery],
        )
        parsed, rank = cursor.fetchone()
    bound = ts_rank_bound(parsed)
    assert bound is not None
    assert 0.9 < rank <= bound


@needs_postgresql
@pytest.mark.parametrize("text", ["budget setting", "finance", "community engagement", "budget scrutiny", "har"])
@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("filters", [{}, {"sector": ["local_government"]}])
def test_scoring_the_best_standing_first_gives_the_same_page_as_scoring_everyone(
    cast, monkeypatch, text, signed_in, filters
):
    user = UserFactory() if signed_in else AnonymousUser()
    for per_page, page in ((1, 1), (1, 2), (3, 1), (20, 1)):
        monkeypatch.setattr(database, "ts_rank_bound", lambda tsquery: None)
        everyone = expert_search(user=user, text=text, filters=filters, per_page=per_page, page=page)
        monkeypatch.undo()
        tiered = expert_search(user=user, text=text, filters=filters, per_page=per_page, page=page)
        assert [(h.name, round(h.score, 9)) for h in tiered.hits] == [
            (h.name, round(h.score, 9)) for h in everyone.hits
        ]
        assert tiered.total == everyone.total


@needs_postgresql
def test_the_best_standing_tier_alone_can_decide_the_first_result(cast, monkeypatch):
    scored_later = []
    scores = database.DatabaseBackend._scores_postgres

    def spy(scoring, ids):
        scored_later.append(ids)
        return scores(scoring, ids)

    monkeypatch.setattr(database.DatabaseBackend, "_scores_postgres", staticmethod(spy))
    results = expert_search(user=UserFactory(), text="budget setting", per_page=1)
    assert results.hits[0].name == "Amelia Hartley"
    assert scored_later == []
