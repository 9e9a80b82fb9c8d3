"""Reads of co-programming rounds: the list, one round with its contributions, its figures as a viewer may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from legami.core import smallnumbers
from legami.network.models import Network
from legami.responses.models import Contribution, CoProgramming, CoProgrammingEvent


def rounds_for(user: Any, network: Network, *, status: str = "") -> QuerySet[CoProgramming]:
    """The network's rounds, newest first, with their public body, lead partner and number of contributions."""
    rounds = CoProgramming.objects.filter(network=network)
    if status:
        rounds = rounds.filter(status=status)
    return (
        rounds.select_related("public_body", "lead")
        .annotate(contributions_total=Count("contributions", distinct=True))
        .order_by("-opens_on", "-id")
    )


def get_round_for(user: Any, network: Network, pk: int) -> CoProgramming:
    """One round of the network (404 for another network's)."""
    found = (
        CoProgramming.objects.filter(network=network, pk=pk)
        .select_related("network", "public_body", "lead", "process", "signed_off_by", "created_by")
        .prefetch_related("demands", "surveys")
        .first()
    )
    if found is None:
        raise Http404
    return found


def contributions_of(round_: CoProgramming) -> QuerySet[Contribution]:
    """The round's contributions, oldest first, with their organisation and author."""
    return round_.contributions.select_related("organization", "author").order_by("created_at", "id")


def get_contribution_for(user: Any, network: Network, pk: int) -> Contribution:
    """One contribution of the network (404 for another network's)."""
    found = Contribution.objects.filter(network=network, pk=pk).select_related("coprogramming").first()
    if found is None:
        raise Http404
    return found


def round_events(round_: CoProgramming) -> QuerySet[CoProgrammingEvent]:
    """The round's history, oldest first, with who did each step."""
    return round_.events.select_related("actor")


def figures_for(round_: CoProgramming, *, limit: int | None) -> dict[str, Any] | None:
    """The round's territorial figures as a viewer may see them: an area about fewer than `limit` people is hidden,
    and when one area alone is hidden the next smallest is too, so that the total does not give it away."""
    figures = round_.figures or {}
    if not figures:
        return None
    areas = [dict(area, small=smallnumbers.hidden(area.get("people"), limit)) for area in figures.get("areas", [])]
    hidden = [a for a in areas if a["small"]]
    shown = [a for a in areas if not a["small"] and a.get("people")]
    if len(hidden) == 1 and shown:
        min(shown, key=lambda a: (a["people"], a["needs"]))["small"] = True
    for area in areas:
        if area["small"]:
            area["needs"] = area["people"] = None
    total_small = smallnumbers.hidden(figures.get("people"), limit)
    return {
        "territory": figures.get("territory", ""),
        "recorded_on": figures.get("recorded_on", ""),
        "areas": areas,
        "needs": None if total_small else figures.get("needs"),
        "people": None if total_small else figures.get("people"),
        "small": total_small,
    }
