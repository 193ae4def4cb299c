"""Small display helpers for marketplace templates."""

from django import template

from marketplace import pricing

register = template.Library()


@register.filter
def money(value) -> str:
    """£1,234.50 or £1,200 ("" for None)."""
    return pricing.money(value)


@register.filter
def one_decimal(value) -> str:
    return "" if value is None else f"{value:.1f}"


@register.inclusion_tag("marketplace/includes/rating.html")
def rating(service, size: str = "m"):
    """The average rating with the number of reviews beside it, always together."""
    return {"service": service, "size": size}


@register.inclusion_tag("marketplace/includes/cost.html")
def cost(estimate, need):
    """The cost of the officer's need, or why this price cannot be compared."""
    return {"cost": estimate, "need": need}
