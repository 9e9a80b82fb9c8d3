"""Small numbers: the one rule every figure about people follows.

A figure about fewer than k people (LEGAMI_K_ANONYMITY, 5 by default) could point at someone: a roster of
two people with a disability in one Comune is two names for whoever knows the place. So such a figure is
shown only to the roles that work with the people (the capability core.see_small_numbers: coordinators,
case managers, community workers); anyone else (partner staff, evaluators, funders, the public pages)
sees "fewer than k" instead of the figure, and nothing that a figure would describe (a summary, keywords,
a written answer).

Use it wherever a count of people, needs or answers reaches a page, an export or the API:

    limit = smallnumbers.limit_for(request.user, network)   # None: this viewer sees every figure
    if smallnumbers.hidden(count, limit): ...               # show "fewer than k" instead
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from legami.core.capabilities import SEE_SMALL_NUMBERS
from legami.core.permissions import can


def k() -> int:
    """The threshold: a figure about fewer people than this is small (LEGAMI_K_ANONYMITY)."""
    return int(settings.LEGAMI_K_ANONYMITY)


def sees_small_numbers(viewer: Any, network: Any) -> bool:
    """True when `viewer` works with the network's people and so sees figures under k."""
    return can(viewer, SEE_SMALL_NUMBERS, network)


def limit_for(viewer: Any, network: Any) -> int | None:
    """Under how many people a figure is hidden from `viewer`: k, or None for roles that see small numbers."""
    return None if sees_small_numbers(viewer, network) else k()


def is_small(count: int | None) -> bool:
    """True for a figure about at least one but fewer than k people (zero tells nothing about anyone)."""
    return 0 < (count or 0) < k()


def hidden(count: int | None, limit: int | None) -> bool:
    """True when a figure of `count` people is hidden under `limit` (from limit_for): 0 < count < limit."""
    return limit is not None and 0 < (count or 0) < limit
