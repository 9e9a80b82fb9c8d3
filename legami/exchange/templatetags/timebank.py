"""Template filters of the time bank: minutes written as hours."""

from typing import Any

from django import template

from legami.exchange.services.timebank import hours_label

register = template.Library()


@register.filter
def hours(minutes: Any) -> str:
    """90 -> "1:30 h", -570 -> "-9:30 h"; empty for no value."""
    if minutes is None or minutes == "":
        return ""
    return hours_label(int(minutes))


@register.filter
def signed_hours(minutes: Any) -> str:
    """90 -> "+1:30 h", -60 -> "-1:00 h" (a statement's movements)."""
    if minutes is None or minutes == "":
        return ""
    value = int(minutes)
    return ("+" if value > 0 else "") + hours_label(value)
