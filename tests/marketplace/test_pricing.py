"""The price-normalising helper, with worked examples for every unit, interval and VAT rule."""

import itertools
from decimal import Decimal

import pytest

from marketplace.factories import ServiceFactory
from marketplace.models import Service
from marketplace.pricing import (
    Need,
    PriceInterval,
    PriceUnit,
    VatHandling,
    cost_for,
    money_span,
    price_label,
)
from marketplace.selectors import ServiceFilters, service_search

D = Decimal


def cost(low, high, unit, need, interval="", vat=VatHandling.NOT_CHARGED):
    return cost_for(price_min=D(low), price_max=D(high), unit=unit, interval=interval, vat=vat, need=need)


@pytest.mark.parametrize(
    ("low", "high", "unit", "interval", "vat", "need", "expected"),
    [
        # £600-£900 a day plus VAT, for 5 days: 5 x 600 x 1.2 = 3,600; 5 x 900 x 1.2 = 5,400.
        ("600", "900", PriceUnit.PER_DAY, "", VatHandling.EXCLUSIVE, Need(days=5), ("3600.00", "5400.00")),
        # A day rate with no VAT charged, for 3 days.
        ("450", "450", PriceUnit.PER_DAY, "", VatHandling.NOT_CHARGED, Need(days=3), ("1350.00", "1350.00")),
        # £40 a person including VAT, 25 people: VAT is already in the price.
        ("40", "40", PriceUnit.PER_PERSON, "", VatHandling.INCLUSIVE, Need(people=25), ("1000.00", "1000.00")),
        # £95.50-£120 a person plus VAT, 12 people: 12 x 95.50 x 1.2 = 1,375.20.
        ("95.50", "120", PriceUnit.PER_PERSON, "", VatHandling.EXCLUSIVE, Need(people=12), ("1375.20", "1728.00")),
        # Per organisation, one-off: the need's quantities do not change it.
        (
            "2000",
            "3000",
            PriceUnit.PER_ORGANISATION,
            "",
            VatHandling.EXCLUSIVE,
            Need(days=9, people=40),
            ("2400.00", "3600.00"),
        ),
        # £1,200 per organisation per year, no VAT, for 18 months: two years' subscription.
        (
            "1200",
            "1200",
            PriceUnit.PER_ORGANISATION,
            PriceInterval.PER_YEAR,
            VatHandling.NOT_CHARGED,
            Need(months=18),
            ("2400.00", "2400.00"),
        ),
        # Exactly 12 months is one year.
        (
            "1200",
            "1200",
            PriceUnit.PER_ORGANISATION,
            PriceInterval.PER_YEAR,
            VatHandling.NOT_CHARGED,
            Need(months=12),
            ("1200.00", "1200.00"),
        ),
        # £250 per organisation per month plus VAT, 6 months: 6 x 250 x 1.2 = 1,800.
        (
            "250",
            "300",
            PriceUnit.PER_ORGANISATION,
            PriceInterval.PER_MONTH,
            VatHandling.EXCLUSIVE,
            Need(months=6),
            ("1800.00", "2160.00"),
        ),
        # Per project and fixed prices are the cost of the need as they stand (plus VAT).
        ("15000", "40000", PriceUnit.PER_PROJECT, "", VatHandling.EXCLUSIVE, Need(), ("18000.00", "48000.00")),
        ("7500", "7500", PriceUnit.FIXED, "", VatHandling.INCLUSIVE, Need(days=2), ("7500.00", "7500.00")),
        # A monthly day rate (a retained adviser): 2 days a month for 3 months.
        (
            "500",
            "500",
            PriceUnit.PER_DAY,
            PriceInterval.PER_MONTH,
            VatHandling.NOT_CHARGED,
            Need(days=2, months=3),
            ("3000.00", "3000.00"),
        ),
        # Free is free whatever the need.
        ("0", "0", PriceUnit.PER_PERSON, "", VatHandling.EXCLUSIVE, Need(people=30), ("0.00", "0.00")),
    ],
)
def test_cost_for_worked_examples(low, high, unit, interval, vat, need, expected):
    estimate = cost(low, high, unit, need, interval=interval, vat=vat)
    assert estimate.comparable
    assert (estimate.low, estimate.high) == (D(expected[0]), D(expected[1]))


@pytest.mark.parametrize(
    ("unit", "interval", "need", "reason"),
    [
        (PriceUnit.PER_DAY, "", Need(people=10), "Priced per day: give the number of days to compare it"),
        (PriceUnit.PER_PERSON, "", Need(days=4), "Priced per person: give the number of people to compare it"),
        (
            PriceUnit.PER_ORGANISATION,
            PriceInterval.PER_YEAR,
            Need(days=4),
            "Priced per organisation per year: give the number of months to compare it",
        ),
        (
            PriceUnit.PER_DAY,
            PriceInterval.PER_MONTH,
            Need(),
            "Priced per day per month: give the number of days and the number of months to compare it",
        ),
    ],
)
def test_prices_that_cannot_be_costed_say_what_is_missing_instead_of_guessing(unit, interval, need, reason):
    estimate = cost("100", "200", unit, need, interval=interval)
    assert not estimate.comparable
    assert estimate.low is None and estimate.high is None
    assert estimate.reason == reason


def test_price_label_reads_like_a_price_list():
    assert (
        price_label(
            price_min=D("600"), price_max=D("900"), unit=PriceUnit.PER_DAY, interval="", vat=VatHandling.EXCLUSIVE
        )
        == "£600 to £900 per day plus VAT"
    )
    assert (
        price_label(
            price_min=D("1200"),
            price_max=D("1200"),
            unit=PriceUnit.PER_ORGANISATION,
            interval=PriceInterval.PER_YEAR,
            vat=VatHandling.NOT_CHARGED,
        )
        == "£1,200 per organisation per year no VAT charged"
    )
    assert (
        price_label(
            price_min=D("95.50"),
            price_max=D("95.50"),
            unit=PriceUnit.PER_PERSON,
            interval="",
            vat=VatHandling.INCLUSIVE,
        )
        == "£95.50 per person including VAT"
    )
    assert (
        price_label(price_min=D(0), price_max=D(0), unit=PriceUnit.FIXED, interval="", vat=VatHandling.EXCLUSIVE)
        == "Free"
    )


@pytest.mark.django_db
def test_the_listing_filters_and_sorts_every_unit_on_exactly_the_cost_the_page_shows():
    """For every unit, interval and VAT rule: a price filter with the shown cost as both bounds
    finds the service, a penny either side does not, and the price sort follows the shown cost."""
    for index, (unit, interval, vat) in enumerate(
        itertools.product(PriceUnit.values, PriceInterval.values, VatHandling.values)
    ):
        ServiceFactory(
            name=f"Shape {index}",
            price_min=D("95.50") + index,
            price_max=D("1234.25") + index,
            price_unit=unit,
            price_interval=interval,
            vat=vat,
        )
    services = list(Service.objects.all())
    penny = D("0.01")
    for need in (Need(), Need(days=3), Need(people=7, months=13), Need(days=2, people=5, months=6)):
        for service in services:
            expected = service.cost_for(need)

            def found(low, high, service=service, need=need):
                search = service_search(filters=ServiceFilters(price_from=low, price_to=high, need=need))
                return service.name in [result.name for result in search.services]

            if expected.comparable:
                assert found(expected.low, expected.low), (service.name, need)
                assert found(expected.high, expected.high), (service.name, need)
                assert not found(None, expected.low - penny), (service.name, need)
                assert not found(expected.high + penny, None), (service.name, need)
            else:
                assert not found(D(0), None), (service.name, need)
        low_first = [s.name for s in service_search(filters=ServiceFilters(sort="price_low", need=need)).services]
        costs = {service.name: service.cost_for(need) for service in services}
        comparable = [name for name in low_first if costs[name].comparable]
        assert low_first[: len(comparable)] == comparable, "services that cannot be costed come last"
        assert [costs[name].low for name in comparable] == sorted(costs[name].low for name in comparable)
        high_first = [s.name for s in service_search(filters=ServiceFilters(sort="price_high", need=need)).services]
        comparable = [name for name in high_first if costs[name].comparable]
        assert [costs[name].high for name in comparable] == sorted(
            (costs[name].high for name in comparable), reverse=True
        )


def test_one_money_format_for_every_figure_of_a_range():
    """Whole pounds when every figure is whole, else pence on each: never "£2,502 to £3,002.40"."""
    assert money_span(D("2502.00"), D("3002.40")) == "£2,502.00 to £3,002.40"
    assert money_span(D("2502"), D("3002")) == "£2,502 to £3,002"
    assert money_span(D("95.50"), D("95.50")) == "£95.50"
    assert (
        price_label(
            price_min=D("2085"), price_max=D("2502"), unit=PriceUnit.PER_DAY, interval="", vat=VatHandling.EXCLUSIVE
        )
        == "£2,085 to £2,502 per day plus VAT"
    )
    assert (
        price_label(
            price_min=D("2085"), price_max=D("2502.20"), unit=PriceUnit.PER_DAY, interval="", vat=VatHandling.EXCLUSIVE
        )
        == "£2,085.00 to £2,502.20 per day plus VAT"
    )


def test_a_cost_range_shows_pence_on_both_ends_when_either_has_them():
    from marketplace.templatetags.marketplace_tags import cost as cost_html

    # £2,085 to £2,502 per day plus VAT, for one day: £2,502 to £3,002.40.
    estimate = cost("2085", "2502", PriceUnit.PER_DAY, Need(days=1), vat=VatHandling.EXCLUSIVE)
    assert str(cost_html(estimate, Need(days=1))).startswith("£2,502.00 to £3,002.40 ")


def test_a_cost_with_no_quantities_given_says_so_plainly():
    from marketplace.templatetags.marketplace_tags import cost as cost_html

    estimate = cost("4000", "4000", PriceUnit.FIXED, Need(), vat=VatHandling.EXCLUSIVE)
    assert Need().describe() == "" and not Need().given
    assert str(cost_html(estimate, Need())) == '£4,800 <span class="govuk-body-s">including VAT where charged</span>'
