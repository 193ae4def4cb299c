"""Small display helpers for marketplace templates.

`rating`, `cost` and `shortlist_button` appear on every row of the listing, so they build their
few elements in Python rather than rendering a sub-template per row.
"""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
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
    amount = pricing.money_span(estimate.low, estimate.high)
    if not need.given:
        # A price that needs no quantities (fixed, per project): what it costs with VAT.
        return format_html('{} <span class="govuk-body-s">including VAT where charged</span>', amount)
    return format_html(
        '{} <span class="govuk-body-s">for {}, including VAT where charged</span>', amount, need.describe()
    )


ON_SHORTLIST = mark_safe(
    '<p class="govuk-body-s"><strong class="govuk-tag govuk-tag--green">On your shortlist</strong></p>'
)
SHORTLIST_FORM = (
    '<form method="post" action="{}" class="marketplace-inline-form">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    '<input type="hidden" name="service" value="{}">'
    '<input type="hidden" name="next" value="{}">'
    '<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" '
    'data-module="govuk-button">Add to shortlist<span class="govuk-visually-hidden">: {}</span></button>'
    "</form>"
)


@register.simple_tag(takes_context=True)
def shortlist_button(context, service, shortlisted: bool):
    """Add `service` to the shortlist and come back to this page, or say it is there already."""
    if shortlisted:
        return ON_SHORTLIST
    # The same for every row of a page: worked out once per render.
    shared = context.render_context.get("shortlist_button")
    if shared is None:
        request = context["request"]
        shared = (reverse("marketplace:shortlist_add"), get_token(request), request.get_full_path())
        context.render_context["shortlist_button"] = shared
    action, token, next_path = shared
    return format_html(SHORTLIST_FORM, action, token, service.pk, next_path, service.name)
