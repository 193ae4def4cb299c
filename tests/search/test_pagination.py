"""Page numbers in search URLs behave like Django's Paginator.get_page.

A page that is not a whole number shows the first page and one past the end (however far)
shows the last, with the search itself kept: a mistyped or hand-edited ?page= never loses
what was searched for, and never reaches the database as an offset it cannot hold.
"""

import pytest

from communities.factories import ThreadFactory, community_create
from communities.models import Access

pytestmark = pytest.mark.django_db

HUGE = ["99999999999999999999", str(2**63), "9" * 400]
NOT_NUMBERS = ["abc", "", "²", "1.5", "1e309", "-"]


@pytest.fixture
def threads(home_page):
    community = community_create(title="Council finance network", access=Access.OPEN)
    for number in range(25):
        ThreadFactory(community=community, title=f"Council budget round {number:02d}", body="Savings.")
    return community


def _search(client, kind, page):
    response = client.get("/search/", {"q": "council", "type": kind, "page": page})
    assert response.status_code == 200, (kind, page)
    return response


@pytest.mark.parametrize("page", [*HUGE, "3", "0", "-1"])
def test_a_thread_results_page_past_the_end_shows_the_last_page(client, threads, page):
    response = _search(client, "threads", page)
    assert response.context["page_obj"].number == 2
    assert response.context["query"] == "council"
    assert len(response.context["selected_group"].hits) == 5


@pytest.mark.parametrize("page", NOT_NUMBERS)
def test_a_thread_results_page_that_is_not_a_number_shows_the_first_page(client, threads, page):
    response = _search(client, "threads", page)
    assert response.context["page_obj"].number == 1
    assert response.context["query"] == "council"
    assert len(response.context["selected_group"].hits) == 20


@pytest.mark.parametrize(("page", "shown"), [("١", 1), ("٢", 2), ("𝟗", 2)])
def test_a_page_in_another_scripts_digits_is_read_as_that_number(client, threads, page, shown):
    # int() reads any script's decimal digits, as Paginator.get_page does ("𝟗" is 9, past the
    # end); "²" is a superscript, not a decimal digit, so it is not a number.
    assert _search(client, "threads", page).context["page_obj"].number == shown


@pytest.mark.parametrize("page", [*HUGE, *NOT_NUMBERS])
def test_page_results_keep_the_search_for_any_page_value(client, threads, page):
    response = _search(client, "pages", page)
    assert response.context["page_obj"].number == 1
    assert "Council finance network" in [hit.title for hit in response.context["selected_group"].hits]


@pytest.mark.parametrize("page", [*HUGE, *NOT_NUMBERS, "0"])
def test_the_expert_finder_keeps_the_search_for_any_page_value(client, home_page, cast, page):
    response = client.get("/people/", {"q": "finance", "page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert response.context["query"] == "finance"
    assert "Amelia Hartley" in response.content.decode()
