"""Structured prices and the helper that puts them on a common footing.

A listing states a minimum and maximum price, the unit the price is for (per day, per person,
per organisation, per project or fixed), an optional billing interval (per month, per year)
and how VAT is handled. An officer states a need: how many days, people and months. The
helper answers "what would this cost for that need", including VAT where it is charged, or
says why it cannot: a day rate cannot be turned into a cost without a number of days, and
guessing one would mix prices that are not comparable.

The listing's price filter and price sort multiply each listed price by the same `multiplier`
(see `listing_index`), so the figure on the page and the figure the filter uses cannot drift
apart.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

VAT_RATE = Decimal("0.20")
PENNY = Decimal("0.01")


class PriceUnit(models.TextChoices):
    PER_DAY = "per_day", "per day"
    PER_PERSON = "per_person", "per person"
    PER_ORGANISATION = "per_organisation", "per organisation"
    PER_PROJECT = "per_project", "per project"
    FIXED = "fixed", "fixed price"


class PriceInterval(models.TextChoices):
    NONE = "", "one-off"
    PER_MONTH = "per_month", "per month"
    PER_YEAR = "per_year", "per year"


class VatHandling(models.TextChoices):
    EXCLUSIVE = "exclusive", "plus VAT"
    INCLUSIVE = "inclusive", "including VAT"
    NOT_CHARGED = "not_charged", "no VAT charged"


@dataclass(frozen=True)
class Need:
    """What the officer wants priced: any of days, people and months may be unknown."""

    days: int | None = None
    people: int | None = None
    months: int | None = None

    @property
    def given(self) -> bool:
        return bool(self.days or self.people or self.months)

    def describe(self) -> str:
        """ "5 days, 25 people"; empty when nothing is given, so no page says it is priced for
        "no quantities" (each says plainly what to enter instead)."""
        parts = []
        if self.days:
            parts.append(f"{self.days} day{'s' if self.days != 1 else ''}")
        if self.people:
            parts.append(f"{self.people} {'person' if self.people == 1 else 'people'}")
        if self.months:
            parts.append(f"{self.months} month{'s' if self.months != 1 else ''}")
        return ", ".join(parts)


@dataclass(frozen=True)
class CostEstimate:
    """The cost of a need, from the minimum to the maximum price, including any VAT charged.

    `low`/`high` are None when the price cannot be turned into a cost for this need; then
    `reason` says what is missing, so the page can label the service instead of guessing.
    """

    low: Decimal | None
    high: Decimal | None
    reason: str = ""

    @property
    def comparable(self) -> bool:
        return self.low is not None


def vat_factor(vat: str) -> Decimal:
    """What to multiply a price by to get what a buyer pays, VAT included where charged."""
    return Decimal(1) + VAT_RATE if vat == VatHandling.EXCLUSIVE else Decimal(1)


def unit_quantity(*, unit: str, need: Need) -> int | None:
    """How many units the need takes: days, people, or one (per organisation, project, fixed)."""
    if unit == PriceUnit.PER_DAY:
        return need.days or None
    if unit == PriceUnit.PER_PERSON:
        return need.people or None
    return 1


def interval_periods(*, interval: str, need: Need) -> int | None:
    """How many billing periods the need spans; None if the months are not known.

    Annual prices are charged for whole years (13 months is two years), monthly prices per
    month, which is how such contracts are sold.
    """
    if interval == PriceInterval.PER_MONTH:
        return need.months or None
    if interval == PriceInterval.PER_YEAR:
        return math.ceil(need.months / 12) if need.months else None
    return 1


def multiplier(*, unit: str, interval: str, vat: str, need: Need) -> Decimal | None:
    """The factor from a listed price to the cost of the need including VAT, or None.

    A product of three independent factors (units, billing periods, VAT), which is also how
    the listing's SQL computes it.
    """
    quantity = unit_quantity(unit=unit, need=need)
    periods = interval_periods(interval=interval, need=need)
    if quantity is None or periods is None:
        return None
    return Decimal(quantity) * Decimal(periods) * vat_factor(vat)


def missing_for(*, unit: str, interval: str, need: Need) -> str:
    """Why a price cannot be costed for this need, in words for the page ("" if it can)."""
    missing = []
    if unit == PriceUnit.PER_DAY and not need.days:
        missing.append("the number of days")
    if unit == PriceUnit.PER_PERSON and not need.people:
        missing.append("the number of people")
    if interval in (PriceInterval.PER_MONTH, PriceInterval.PER_YEAR) and not need.months:
        missing.append("the number of months")
    if not missing:
        return ""
    label = PriceUnit(unit).label
    if interval:
        label += f" {PriceInterval(interval).label}"
    return f"Priced {label}: give {' and '.join(missing)} to compare it"


def cost_for(
    *,
    price_min: Decimal,
    price_max: Decimal,
    unit: str,
    interval: str,
    vat: str,
    need: Need,
) -> CostEstimate:
    """What this need would cost at the listed minimum and maximum prices, VAT included.

    Worked examples (all in tests/marketplace/test_pricing.py): £600-£900 per day plus VAT
    for 5 days costs £3,600-£5,400; £40 per person including VAT for 25 people costs £1,000;
    £1,200 per organisation per year, no VAT, for 18 months costs £2,400.
    """
    factor = multiplier(unit=unit, interval=interval, vat=vat, need=need)
    if factor is None:
        return CostEstimate(None, None, missing_for(unit=unit, interval=interval, need=need))
    return CostEstimate(
        (price_min * factor).quantize(PENNY, ROUND_HALF_UP),
        (price_max * factor).quantize(PENNY, ROUND_HALF_UP),
    )


def price_label(*, price_min: Decimal, price_max: Decimal, unit: str, interval: str, vat: str) -> str:
    """The listed price in words: "£600 to £900 per day plus VAT", "Free"."""
    if price_max == 0:
        return "Free"
    unit_label = PriceUnit(unit).label
    interval_label = f" {PriceInterval(interval).label}" if interval else ""
    return f"{money_span(price_min, price_max)} {unit_label}{interval_label} {VatHandling(vat).label}"


def money_figures(*values: Decimal | None) -> list[str]:
    """Amounts shown together, formatted alike: whole pounds when every one is whole, else
    pence on each ("£2,502.00 to £3,002.40", never "£2,502 to £3,002.40"). None gives "".

    The one money format of the marketplace: listed prices, costs, the moderation diff and
    the `money` template filter all come through here.
    """
    present = [value for value in values if value is not None]
    places = 2 if any(value % 1 for value in present) else 0
    return ["" if value is None else f"£{value:,.{places}f}" for value in values]


def money_span(low: Decimal, high: Decimal) -> str:
    """ "£600" when both ends are the same, else "£600 to £900", in one format."""
    if low == high:
        return money_figures(low)[0]
    low_text, high_text = money_figures(low, high)
    return f"{low_text} to {high_text}"


def money(value: Decimal | None) -> str:
    """£1,234.50 / £1,200 for display; empty for None."""
    return money_figures(value)[0]
