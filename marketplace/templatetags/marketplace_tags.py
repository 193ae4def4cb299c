"""Small display helpers for marketplace templates.

`rating` and `cost` appear on every row of the listing, so they build their few elements in
Python rather than rendering a sub-template per row.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from marketplace import pricing

register = template.Library()

NO_REVIEWS = mark_safe(
    '<span class="marketplace-rating">No reviews yet <span class="govuk-body-s">(0 reviews)</span></span>'
)


@register.filter
def money(value) -> str:
    """£1,234.50 or £1,200 ("" for None)."""
    return pricing.money(value)


@register.filter
def one_decimal(value) -> str:
    return "" if value is None else f"{value:.1f}"


@register.simple_tag
def rating(service):
    """The average rating with the number of reviews beside it, always together."""
    count = service.review_count
    if not count:
        return NO_REVIEWS
    return format_html(
        '<span class="marketplace-rating"><strong>{}</strong> out of 5 <span class="govuk-body-s">({} review{})</span></span>',
        one_decimal(service.rating_average),
        count,
        "" if count == 1 else "s",
    )


@register.simple_tag
def cost(estimate, need):
    """The cost of the officer's need, or why this price cannot be compared."""
    if not estimate.comparable:
        return format_html(
            '<strong class="govuk-tag govuk-tag--yellow">Not compared</strong> <span class="govuk-body-s">{}</span>',
            estimate.reason,
        )
    amount = (
        pricing.money(estimate.low)
        if estimate.low == estimate.high
        else f"{pricing.money(estimate.low)} to {pricing.money(estimate.high)}"
    )
    return format_html(
        '{} <span class="govuk-body-s">for {}, including VAT where charged</span>', amount, need.describe()
    )
