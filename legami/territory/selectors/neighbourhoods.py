"""Reads of a network's neighbourhoods."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Lower

from legami.territory.models import Neighbourhood
from legami.territory.selectors.common import get_for_user
from legami.territory.usage import NEIGHBOURHOOD, count_uses


def neighbourhoods_of(network: Any) -> QuerySet[Neighbourhood]:
    """The network's neighbourhoods, ordered by Comune and name."""
    return (
        Neighbourhood.objects.filter(network=network)
        .select_related("municipality")
        .order_by(Lower("municipality__name"), Lower("name"), "pk")
    )


def get_neighbourhood_for_user(viewer: Any, network: Any, pk: Any) -> Neighbourhood:
    """One neighbourhood of the network the viewer may see, or 404."""
    return get_for_user(viewer, network, neighbourhoods_of(network), pk=pk)


def neighbourhood_usage(neighbourhood: Neighbourhood) -> dict[str, int]:
    """How many places, people and households are in this neighbourhood."""
    return count_uses(NEIGHBOURHOOD, neighbourhood.pk)
