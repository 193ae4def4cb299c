"""Money and percentages as the budget pages write them."""

from decimal import Decimal

from django import template

from accountability.budget import money_text, percent_text

register = template.Library()


@register.filter
def money(value) -> str:
    return money_text(Decimal(value)) if value is not None else ""


@register.filter
def percent(value) -> str:
    return f"{percent_text(Decimal(value))}%" if value is not None else "–"


@register.filter
def get(mapping: dict, key):
    return mapping.get(key)
