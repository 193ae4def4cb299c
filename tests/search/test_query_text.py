"""Whatever is typed into a search box becomes safe query syntax on every backend.

Quotes, operators, LIKE metacharacters, NUL bytes and huge strings are words or nothing, never
query syntax: every search entry point answers 200, and a word in quotes still finds that word.
"""

import pytest

from communities.factories import ThreadFactory, community_create
from communities.models import Access
from hub.factories import case_study_create
from hub.models import GoodPracticeIndexPage
from hub.services import service_areas_ensure
from search.terms import search_terms, search_text
from tests.search.nasty_queries import NASTY_QUERIES, QUOTED_HOUSING

pytestmark = pytest.mark.django_db

# Ways of writing the word "housing" that are query syntax somewhere; each still finds it.
DECORATED_HOUSING = [QUOTED_HOUSING, "housing*", "(housing)", "^housing", "'housing'", 'housing"', "HOUSING:"]


@pytest.fixture
def housing_everywhere(home_page, cast):
    """A case study, an open community's thread and people (the cast) about housing."""
    service_areas_ensure()
    case_study_create(
        index=GoodPracticeIndexPage.objects.get(),
        title="Housing advice that prevents homelessness",
        summary="Early help for private renters.",
    )
    community = community_create(title="Tenancy officers network", access=Access.OPEN)
    ThreadFactory(community=community, title="Housing allocations policy", body="How do you decide?")
    return cast


def _group_totals(html_response) -> dict[str, int]:
    results = html_response.context["results"]
    return {group.key: group.total for group in results.groups}


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_site_search_suggestions_and_the_expert_finder_answer_any_text(client, housing_everywhere, query):
    for kind in ("", "pages", "threads", "people"):
        response = client.get("/search/", {"q": query, "type": kind})
        assert response.status_code == 200, (query[:40], kind)
    response = client.get("/search/suggest/", {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)
    assert client.get("/people/", {"q": query}).status_code == 200


@pytest.mark.parametrize("query", DECORATED_HOUSING)
def test_a_word_wrapped_in_query_syntax_still_finds_pages_threads_and_people(client, housing_everywhere, query):
    totals = _group_totals(client.get("/search/", {"q": query}))
    plain = _group_totals(client.get("/search/", {"q": "housing"}))
    assert totals == plain
    assert plain["pages"] >= 1 and plain["threads"] == 1 and plain["people"] >= 2


def test_suggestions_for_a_quoted_name_find_the_person_and_the_page(client, housing_everywhere):
    titles = [hit["title"] for hit in client.get("/search/suggest/", {"q": '"amelia'}).json()["results"]]
    assert "Amelia Hartley" in titles
    titles = [hit["title"] for hit in client.get("/search/suggest/", {"q": 'housing "advice'}).json()["results"]]
    assert "Housing advice that prevents homelessness" in titles


@pytest.mark.parametrize(
    "text, words",
    [
        ('"housing"', ["housing"]),
        ('a"b', ["a", "b"]),
        ("NEAR(housing council)", ["near", "housing", "council"]),
        ("title:housing* -waste", ["title", "housing", "waste"]),
        ("100%_done", ["100", "done"]),
        ("nul\x00byte", ["nul", "byte"]),
        ("back\\slash", ["back", "slash"]),
        ("x²", ["x2"]),
        ("Ｈｏｕｓｉｎｇ", ["housing"]),
        ("!@#$%^&*()", []),
        ("", []),
    ],
)
def test_text_becomes_plain_words(text, words):
    assert search_terms(text) == words
    assert search_text(text) == " ".join(words)


def test_huge_text_is_cut_to_a_few_words():
    assert search_terms("housing " * 2_500) == ["housing"] * 8
    assert len(search_text("x" * 20_000)) <= 200
