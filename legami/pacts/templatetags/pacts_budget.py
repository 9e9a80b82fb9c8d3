"""Filters of the budget and give-back pages: `euro` ("1.200,50 €") and `duration` ("2 h 30 min")."""

from typing import Any

from django import template

from legami.pacts.selectors import budget, giveback

register = template.Library()


@register.filter
def euro(amount: Any) -> str:
    """Decimal("1200.5") -> "1.200,50 €"."""
    return budget.euro(amount)


@register.filter
def duration(minutes: Any) -> str:
    """150 -> "2 h 30 min"."""
    return giveback.duration(minutes)
