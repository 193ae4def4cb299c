"""Finding good practice: filters, counts, search, sorting, tag pages and feeds."""

import re

import feedparser
import pytest

from accounts.factories import CouncilFactory, UserFactory
from hub.factories import CommentFactory, UsefulVoteFactory, case_study_create
from tests.search.nasty_queries import NASTY_QUERIES


@pytest.fixture
def library_with_case_studies(library, housing, waste):
    """Four case studies spread over two areas, two councils of different tiers, two themes."""
    kirklees = CouncilFactory(name="Kirklees Council", slug="kirklees", tier="metropolitan_district")
    devon = CouncilFactory(name="Devon County Council", slug="devon", tier="county")
    pages = {
        "evictions": case_study_create(
            title="Preventing evictions with early help",
            summary="Private renters kept their homes.",
            service_area=housing,
            organisations=[kirklees],
            tags=["prevention"],
        ),
        "mould": case_study_create(
            title="Damp and mould sensors",
            summary="Sensors flagged damp homes early.",
            service_area=housing,
            organisations=[devon],
            tags=["sensors"],
        ),
        "food": case_study_create(
            title="Weekly food waste collections",
            summary="Prevention of food waste in landfill.",
            service_area=waste,
            organisations=[kirklees],
            tags=["prevention", "recycling"],
        ),
        "flytipping": case_study_create(
            title="Cameras against fly-tipping",
            summary="Enforcement at hotspots.",
            service_area=waste,
            organisations=[devon],
            tags=["enforcement"],
        ),
    }
    return pages


def titles(response) -> list[str]:
    html = response.content.decode()
    listing = html.split('id="case-study-list"', 1)[-1] if 'id="case-study-list"' in html else ""
    return re.findall(r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', listing)


def option_count(response, select_id: str, value: str) -> int | None:
    html = response.content.decode()
    select = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    match = re.search(rf'<option value="{re.escape(value)}"[^>]*>[^<]*\((\d+)\)</option>', select)
    return int(match.group(1)) if match else None


@pytest.mark.django_db
def test_library_lists_every_published_case_study_and_no_drafts(client, library_with_case_studies, housing):
    case_study_create(title="Unpublished idea", service_area=housing, live=False)
    response = client.get("/good-practice/")
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(p.title for p in library_with_case_studies.values())
    assert "4 case studies" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("service_area=housing", {"evictions", "mould"}),
        ("tag=prevention", {"evictions", "food"}),
        ("organisation=kirklees", {"evictions", "food"}),
        ("tier=county", {"mould", "flytipping"}),
        ("q=sensors", {"mould"}),
        ("service_area=waste-and-recycling&tag=prevention", {"food"}),
        ("organisation=devon&service_area=housing", {"mould"}),
        ("tier=metropolitan_district&q=prevention", {"evictions", "food"}),
        ("tier=county&tag=prevention", set()),
    ],
)
def test_each_filter_and_combination_narrows_the_list(client, library_with_case_studies, query, expected):
    response = client.get(f"/good-practice/?{query}")
    assert set(titles(response)) == {library_with_case_studies[key].title for key in expected}


@pytest.mark.django_db
def test_counts_per_option_are_what_choosing_that_option_would_show(client, library_with_case_studies):
    # With "prevention" chosen, the area counts are counts of prevention case studies...
    response = client.get("/good-practice/?tag=prevention")
    assert option_count(response, "filter-service-area", "housing") == 1
    assert option_count(response, "filter-service-area", "waste-and-recycling") == 1
    assert option_count(response, "filter-tier", "county") == 0
    assert option_count(response, "filter-tier", "metropolitan_district") == 2
    # ...while the theme counts ignore the chosen theme, so switching theme shows real numbers.
    assert option_count(response, "filter-tag", "prevention") == 2
    assert option_count(response, "filter-tag", "sensors") == 1
    # Each count matches the list that choosing the option produces.
    for area, count in (("housing", 1), ("waste-and-recycling", 1)):
        assert len(titles(client.get(f"/good-practice/?tag=prevention&service_area={area}"))) == count


@pytest.mark.django_db
def test_a_filtered_url_reloads_to_the_same_view_with_the_filters_still_chosen(client, library_with_case_studies):
    url = "/good-practice/?service_area=housing&tier=county&sort=newest"
    first, second = client.get(url), client.get(url)
    assert titles(first) == titles(second) == [library_with_case_studies["mould"].title]
    html = second.content.decode()
    assert '<option value="housing" selected>' in html
    assert '<option value="county" selected>' in html


@pytest.mark.django_db
def test_sorting_by_most_useful_and_most_discussed(client, library_with_case_studies):
    pages = library_with_case_studies
    for _ in range(3):
        UsefulVoteFactory(page=pages["flytipping"])
    UsefulVoteFactory(page=pages["mould"])
    for _ in range(2):
        CommentFactory(content_object=pages["food"])
    assert titles(client.get("/good-practice/?sort=useful"))[:2] == [pages["flytipping"].title, pages["mould"].title]
    assert titles(client.get("/good-practice/?sort=discussed"))[0] == pages["food"].title
    html = client.get("/good-practice/?sort=discussed").content.decode()
    assert "2 comments" in html and "3 found this useful" in html


@pytest.mark.django_db
def test_search_ranks_title_above_summary_above_body(client, library, housing):
    body = case_study_create(
        title="Street lighting upgrade",
        summary="New lamps.",
        service_area=housing,
        approach="We fitted dimmable LED lanterns.",
    )
    summary = case_study_create(
        title="Lighting the high street", summary="Dimmable LED lanterns in the centre.", service_area=housing
    )
    title = case_study_create(title="Dimmable lanterns for every ward", summary="New lamps.", service_area=housing)
    found = titles(client.get("/good-practice/?q=dimmable"))
    assert found == [title.title, summary.title, body.title]


@pytest.mark.django_db
def test_empty_results_say_what_to_try(client, library_with_case_studies):
    html = client.get("/good-practice/?q=zeppelin").content.decode()
    assert "No case studies match “zeppelin”" in html
    assert "check the spelling" in html and "remove a filter" in html


@pytest.mark.django_db
def test_library_is_paginated_twenty_at_a_time(client, library, housing):
    for number in range(23):
        case_study_create(title=f"Case study {number}", service_area=housing)
    assert len(titles(client.get("/good-practice/"))) == 20
    second = client.get("/good-practice/?page=2")
    assert len(titles(second)) == 3
    assert "Previous" in second.content.decode()


@pytest.mark.django_db
def test_tag_page_lists_only_that_theme(client, library_with_case_studies):
    response = client.get("/good-practice/tags/prevention/")
    assert response.status_code == 200
    assert set(titles(response)) == {
        library_with_case_studies["evictions"].title,
        library_with_case_studies["food"].title,
    }
    assert "Theme: Prevention" in response.content.decode()
    assert client.get("/good-practice/tags/no-such-theme/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_of_the_library_and_of_a_filtered_view_are_valid(client, library_with_case_studies, kind):
    whole = feedparser.parse(client.get(f"/good-practice/feeds/{kind}/").content)
    assert not whole.bozo, whole.bozo_exception
    assert whole.version == ("rss20" if kind == "rss" else "atom10")
    assert len(whole.entries) == 4
    filtered = feedparser.parse(client.get(f"/good-practice/feeds/{kind}/?service_area=housing&tag=sensors").content)
    assert not filtered.bozo, filtered.bozo_exception
    assert [entry.title for entry in filtered.entries] == [library_with_case_studies["mould"].title]
    assert filtered.entries[0].link.endswith(library_with_case_studies["mould"].url)


@pytest.mark.django_db
def test_index_links_to_the_feeds_of_the_current_view(client, library_with_case_studies):
    html = client.get("/good-practice/?service_area=housing").content.decode()
    assert 'href="/good-practice/feeds/rss/?service_area=housing"' in html
    assert 'type="application/atom+xml"' in html


@pytest.mark.django_db
def test_case_study_shows_its_structured_fields_and_related_good_practice(client, library_with_case_studies):
    evictions = library_with_case_studies["evictions"]
    contact = UserFactory(first_name="Sam", last_name="Okoro", email="sam@kirklees.example")
    evictions.contact = contact
    evictions.save_revision().publish()
    html = client.get(evictions.url).content.decode()
    assert html.count("<h1") == 1
    for text in (
        "The challenge",
        "What was done",
        "Outcomes and impact",
        "£10,000",
        "Six months",
        "Kirklees Council",
        "Sam Okoro",
        "Housing",
    ):
        assert text in html
    related = html.split('id="related-heading"', 1)[1]
    # Shares the theme "prevention" (food) and the service area (mould); fly-tipping shares neither.
    assert library_with_case_studies["food"].title in related
    assert library_with_case_studies["mould"].title in related
    assert library_with_case_studies["flytipping"].title not in related


@pytest.mark.django_db
def test_home_page_features_published_case_studies(client, library_with_case_studies):
    UsefulVoteFactory(page=library_with_case_studies["mould"])
    html = client.get("/").content.decode()
    assert library_with_case_studies["mould"].title in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_the_library_and_its_feeds_answer_any_search_text(client, library_with_case_studies, query):
    for url in ("/good-practice/", "/good-practice/feeds/rss/", "/good-practice/feeds/atom/"):
        response = client.get(url, {"q": query})
        assert response.status_code == 200, (url, query[:40])


@pytest.mark.django_db
@pytest.mark.parametrize("query", ['"sensors"', "sensors*", "(sensors)", 'sensors"', "SENSORS:"])
def test_a_word_wrapped_in_query_syntax_still_finds_its_case_studies(client, library_with_case_studies, query):
    assert titles(client.get("/good-practice/", {"q": query})) == ["Damp and mould sensors"]
    feed = feedparser.parse(client.get("/good-practice/feeds/rss/", {"q": query}).content)
    assert [entry.title for entry in feed.entries] == ["Damp and mould sensors"]
