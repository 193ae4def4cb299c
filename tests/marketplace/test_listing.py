"""The listing at /marketplace/: filters and sorts combine, counts match, URLs reproduce views."""

import re
from decimal import Decimal

import pytest

from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from marketplace import listing_index
from marketplace.factories import ProviderFactory, ServiceFactory
from marketplace.models import KIND_BITS, REGION_BITS, Category, CouncilOffer, DeliveryMode, Service
from marketplace.pricing import Need, PriceInterval, PriceUnit, VatHandling
from marketplace.selectors import ServiceFilters, service_search
from marketplace.services import listing_changed
from tests.marketplace.conftest import review_of
from tests.search.nasty_queries import NASTY_QUERIES

D = Decimal


def names(search) -> list[str]:
    return [service.name for service in search.services]


def facet_count(search, facet, value) -> int:
    return next(option.count for option in search.facets[facet] if option.value == value)


@pytest.fixture
def catalogue(db):
    """Six services chosen so that each filter keeps a different subset."""
    return {
        "day": ServiceFactory(
            name="Day rate data review",
            category=Category.DATA,
            price_min=D(520),
            price_max=D(700),
            price_unit=PriceUnit.PER_DAY,
            vat=VatHandling.EXCLUSIVE,
            regions=REGION_BITS["london"] | REGION_BITS["south_east"],
            delivery_mode=DeliveryMode.REMOTE,
            kinds_served=KIND_BITS["district"],
        ),
        "person": ServiceFactory(
            name="Per person data course",
            category=Category.DATA,
            price_min=D(100),
            price_max=D(100),
            price_unit=PriceUnit.PER_PERSON,
            vat=VatHandling.NOT_CHARGED,
            regions=REGION_BITS["wales"],
            delivery_mode=DeliveryMode.ON_SITE,
            council_offer=CouncilOffer.SUBSIDISED,
            council_offer_details="Half price for Welsh councils.",
        ),
        "fixed": ServiceFactory(
            name="Fixed price leadership day",
            category=Category.LEADERSHIP,
            price_min=D(3000),
            price_max=D(3000),
            price_unit=PriceUnit.FIXED,
            vat=VatHandling.INCLUSIVE,
            delivery_mode=DeliveryMode.REMOTE,
            review_count=10,
            rating_average=D("4.50"),
            rating_score=D("4.17"),
        ),
        "project": ServiceFactory(
            name="Project redesign",
            category=Category.SERVICE_REDESIGN,
            price_min=D(20000),
            price_max=D(30000),
            price_unit=PriceUnit.PER_PROJECT,
            vat=VatHandling.EXCLUSIVE,
            delivery_mode=DeliveryMode.BLENDED,
            council_offer=CouncilOffer.FREE,
            council_offer_details="Free for district councils.",
            review_count=3,
            rating_average=D("3.00"),
            rating_score=D("3.31"),
        ),
        "yearly": ServiceFactory(
            name="Annual benchmarking subscription",
            category=Category.DATA,
            price_min=D(1200),
            price_max=D(1200),
            price_unit=PriceUnit.PER_ORGANISATION,
            price_interval=PriceInterval.PER_YEAR,
            vat=VatHandling.NOT_CHARGED,
            delivery_mode=DeliveryMode.REMOTE,
        ),
        "draft": ServiceFactory(name="Unapproved draft", category=Category.DATA, is_published=False),
    }


def test_unapproved_listings_never_appear_or_count(catalogue):
    search = service_search(filters=ServiceFilters())
    assert "Unapproved draft" not in names(search)
    assert facet_count(search, "category", Category.DATA) == 3


def test_filters_within_a_facet_widen_and_across_facets_narrow(catalogue):
    data = service_search(filters=ServiceFilters(categories=(Category.DATA,)))
    assert set(names(data)) == {"Day rate data review", "Per person data course", "Annual benchmarking subscription"}
    data_or_leadership = service_search(filters=ServiceFilters(categories=(Category.DATA, Category.LEADERSHIP)))
    assert len(names(data_or_leadership)) == 4
    data_remote = service_search(
        filters=ServiceFilters(categories=(Category.DATA,), delivery_modes=(DeliveryMode.REMOTE,))
    )
    assert set(names(data_remote)) == {"Day rate data review", "Annual benchmarking subscription"}
    data_remote_london = service_search(
        filters=ServiceFilters(categories=(Category.DATA,), delivery_modes=(DeliveryMode.REMOTE,), regions=("london",))
    )
    # The subscription covers all regions by default, so it stays.
    assert set(names(data_remote_london)) == {"Day rate data review", "Annual benchmarking subscription"}
    wales_only = service_search(filters=ServiceFilters(regions=("wales",), kinds=("welsh",)))
    assert "Day rate data review" not in names(wales_only)
    assert "Per person data course" in names(wales_only)


def test_each_option_count_is_the_number_of_results_choosing_it_would_give(catalogue):
    current = ServiceFilters(categories=(Category.DATA,), delivery_modes=(DeliveryMode.REMOTE,))
    search = service_search(filters=current)
    for facet, field in [
        ("category", "categories"),
        ("delivery", "delivery_modes"),
        ("region", "regions"),
        ("kind", "kinds"),
        ("offer", "offers"),
    ]:
        for option in search.facets[facet]:
            # Counting an option means: this facet's choice replaced by that option, others kept.
            chosen = ServiceFilters(**{**current.__dict__, field: (option.value,)})
            assert option.count == service_search(filters=chosen).services.count(), (facet, option.value)
    for option in search.facets["rating"]:
        chosen = ServiceFilters(**{**current.__dict__, "min_rating": int(option.value)})
        assert option.count == service_search(filters=chosen).services.count()


def test_free_or_subsidised_and_minimum_rating_filters(catalogue):
    assert names(service_search(filters=ServiceFilters(offers=(CouncilOffer.FREE,)))) == ["Project redesign"]
    assert set(names(service_search(filters=ServiceFilters(offers=(CouncilOffer.FREE, CouncilOffer.SUBSIDISED))))) == {
        "Project redesign",
        "Per person data course",
    }
    assert names(service_search(filters=ServiceFilters(min_rating=4))) == ["Fixed price leadership day"]
    assert set(names(service_search(filters=ServiceFilters(min_rating=3)))) == {
        "Fixed price leadership day",
        "Project redesign",
    }


def test_price_filter_uses_the_cost_of_the_need_and_leaves_out_what_cannot_be_costed(catalogue):
    # 5 days: the day rate costs £3,120-£4,200 incl. VAT; people and months unknown.
    search = service_search(filters=ServiceFilters(price_to=D(3500), need=Need(days=5)))
    assert set(names(search)) == {"Day rate data review", "Fixed price leadership day"}
    # Left out, and said so: the per-person course and the annual subscription.
    assert search.uncomparable_count == 2
    assert search.uncomparable_units == [
        "Priced per organisation per year: give the number of months to compare it",
        "Priced per person: give the number of people to compare it",
    ]
    # With 12 people and 12 months everything can be costed: £1,200 course, £1,200 subscription.
    search = service_search(
        filters=ServiceFilters(price_from=D(1000), price_to=D(3500), need=Need(days=5, people=12, months=12))
    )
    assert set(names(search)) == {
        "Day rate data review",
        "Fixed price leadership day",
        "Per person data course",
        "Annual benchmarking subscription",
    }
    assert search.uncomparable_count == 0
    # A range overlapping the day rate's top end only still finds it.
    search = service_search(filters=ServiceFilters(price_from=D(4000), price_to=D(4100), need=Need(days=5)))
    assert names(search) == ["Day rate data review"]


def test_price_sort_orders_by_cost_of_the_need_and_puts_the_uncomparable_last(catalogue):
    need = Need(days=5, people=12)
    low = service_search(filters=ServiceFilters(sort="price_low", need=need))
    assert names(low) == [
        "Per person data course",  # £1,200
        "Fixed price leadership day",  # £3,000
        "Day rate data review",  # £3,120-£4,200
        "Project redesign",  # £24,000-£36,000
        "Annual benchmarking subscription",  # months not given
    ]
    high = service_search(filters=ServiceFilters(sort="price_high", need=need))
    assert names(high)[:2] == ["Project redesign", "Day rate data review"]
    assert names(high)[-1] == "Annual benchmarking subscription"


def test_rating_and_review_count_sorts(catalogue):
    assert names(service_search(filters=ServiceFilters(sort="rating")))[:2] == [
        "Fixed price leadership day",
        "Project redesign",
    ]
    assert names(service_search(filters=ServiceFilters(sort="reviews")))[:2] == [
        "Fixed price leadership day",
        "Project redesign",
    ]


def test_search_relevance_puts_name_matches_first(catalogue):
    ServiceFactory(name="Workforce plan", summary="Includes a data review of your staff")
    search = service_search(filters=ServiceFilters(q="data review"))
    assert names(search) == ["Day rate data review", "Workforce plan"]


def test_ties_follow_a_stable_pseudo_random_order_not_the_name(db):
    provider = ProviderFactory()
    # Equal in every sort key: only the tie-break separates them.
    for letter in "ABCDEFGHIJKL":
        ServiceFactory(name=f"{letter} service", provider=provider)
    first = names(service_search(filters=ServiceFilters(sort="rating")))
    again = names(service_search(filters=ServiceFilters(sort="rating")))
    assert first == again
    assert first != sorted(first)
    assert first != sorted(first, reverse=True)
    assert names(service_search(filters=ServiceFilters(sort="reviews"))) == first


def test_the_page_shows_counts_that_match_the_results(client, home_page, catalogue):
    response = client.get("/marketplace/?category=data&delivery=remote")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 services" in html
    assert 'data-count="2"' in html  # the Data and insight option with Remote chosen
    assert "Day rate data review" in html and "Per person data course" not in html


def test_a_shared_url_reproduces_the_same_view(client, home_page, catalogue):
    url = "/marketplace/?category=data&category=leadership&delivery=remote&sort=price_low&days=5&people=3&price_to=5000"
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()

    def result_names(html):
        return re.findall(r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', html)

    assert result_names(first) == result_names(second) == ["Fixed price leadership day", "Day rate data review"]
    assert 'value="data" checked' in first and 'value="leadership" checked' in first
    assert 'name="days" type="text" inputmode="numeric" value="5"' in first


def test_uncomparable_services_are_labelled_on_the_page(client, home_page, catalogue):
    html = client.get("/marketplace/?sort=price_low&days=2").content.decode()
    assert "Not compared" in html
    assert "Priced per person: give the number of people to compare it" in html


def test_mistyped_filters_are_reported_and_the_rest_still_apply(client, home_page, catalogue):
    response = client.get("/marketplace/?category=data&price_to=lots&days=-1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the highest cost in pounds and pence" in html
    assert "3 services" in html


def test_the_listing_costs_the_same_number_of_queries_whatever_the_page_size(client, home_page, db):
    provider = ProviderFactory()
    ServiceFactory.create_batch(120, provider=provider)
    # The first request fills Wagtail's site cache and remembers the need in the session.
    client.get("/marketplace/?days=3")
    counts = []
    for per_page in (20, 50, 100):
        listing_changed()  # measure the first request after a change: the index is rebuilt
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/marketplace/?per_page={per_page}&days=3")
        assert response.status_code == 200
        assert response.content.decode().count('class="marketplace-result') == per_page
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 12


def test_a_new_filter_combination_costs_the_same_queries_as_a_repeated_one(client, home_page, catalogue):
    client.get("/marketplace/?days=3")
    counts = []
    for url in (
        "/marketplace/?days=3&price_to=5000",
        "/marketplace/?days=3&price_to=5000",
        "/marketplace/?days=3&price_to=4000",
    ):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == counts[2]


def test_the_index_agrees_with_the_database_for_every_filter_option(catalogue):
    """Each option on its own, checked against a plain ORM query over the same rows."""
    listed = Service.objects.filter(is_published=True, withdrawn=False)
    cases = [(ServiceFilters(categories=(value,)), Q(category=value)) for value in Category.values]
    cases += [(ServiceFilters(delivery_modes=(value,)), Q(delivery_mode=value)) for value in DeliveryMode.values]
    cases += [(ServiceFilters(offers=(value,)), Q(council_offer=value)) for value in ("free", "subsidised")]
    cases += [
        (ServiceFilters(regions=(code,)), Q(regions__in=[m for m in range(1 << 12) if m & bit]))
        for code, bit in REGION_BITS.items()
    ]
    cases += [
        (ServiceFilters(kinds=(code,)), Q(kinds_served__in=[m for m in range(1 << 6) if m & bit]))
        for code, bit in KIND_BITS.items()
    ]
    cases += [(ServiceFilters(min_rating=value), Q(rating_average__gte=value)) for value in (2, 3, 4, 5)]
    for filters, condition in cases:
        expected = set(listed.filter(condition).values_list("name", flat=True))
        search = service_search(filters=filters)
        assert set(names(search)) == expected, filters
        assert search.total == len(expected), filters


def test_writes_that_bypass_the_services_are_seen_once_the_index_is_old_enough(catalogue, monkeypatch):
    assert "Written directly" not in names(service_search(filters=ServiceFilters()))
    ServiceFactory(name="Written directly")
    # Within MAX_AGE_SECONDS the index is kept (nothing told it about the write)...
    assert "Written directly" not in names(service_search(filters=ServiceFilters()))
    # ...and once it is older than that it is rebuilt.
    monkeypatch.setattr(listing_index, "MAX_AGE_SECONDS", 0)
    assert "Written directly" in names(service_search(filters=ServiceFilters()))


def test_a_change_is_indexed_once_and_other_processes_load_the_shared_index(
    client, home_page, catalogue, django_capture_on_commit_callbacks
):
    from marketplace.services import listing_reindex

    stale = listing_index.current()
    with django_capture_on_commit_callbacks(execute=True):
        ServiceFactory(name="Approved elsewhere")
        transaction.on_commit(listing_reindex)
    # Another process still holds the old index; the new one waits in the shared cache.
    listing_index.install(stale)
    with CaptureQueriesContext(connection) as captured:
        index = listing_index.current()
    assert index.version != stale.version
    assert not captured.captured_queries, "loaded, not rebuilt"
    assert "Approved elsewhere" in names(service_search(filters=ServiceFilters()))


def test_counts_and_results_follow_a_review_published_or_removed(
    client, home_page, council_officer, moderator, django_capture_on_commit_callbacks
):
    from marketplace.models import RemovalReason
    from marketplace.services import review_remove

    service = ServiceFactory(name="Soon reviewed")
    assert 'id="rating-3" name="rating" type="radio" value="3"' in client.get("/marketplace/").content.decode()
    html = client.get("/marketplace/?rating=3").content.decode()
    assert "0 services" in html
    with django_capture_on_commit_callbacks(execute=True):
        review = review_of(service, council_officer)
    html = client.get("/marketplace/?rating=3").content.decode()
    assert "1 service" in html and "Soon reviewed" in html
    assert 'for="rating-3">3 and above <span class="marketplace-count" data-count="1">' in html
    with django_capture_on_commit_callbacks(execute=True):
        review_remove(review=review, moderator=moderator, reason=RemovalReason.SPAM)
    html = client.get("/marketplace/?rating=3").content.decode()
    assert "0 services" in html and "Soon reviewed" not in html
    assert 'for="rating-3">3 and above <span class="marketplace-count" data-count="0">' in html


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_the_listing_answers_any_search_text(client, home_page, catalogue, query):
    response = client.get("/marketplace/", {"q": query, "sort": "relevance"})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ['"data review"', "data* review", "(data) review", "DATA: review"])
def test_words_wrapped_in_query_syntax_still_find_their_services(catalogue, query):
    assert names(service_search(filters=ServiceFilters(q=query))) == ["Day rate data review"]


def test_a_search_of_only_punctuation_or_wildcards_finds_nothing(catalogue):
    for query in ("%", "_", "%_%", '"'):
        assert names(service_search(filters=ServiceFilters(q=query))) == []
