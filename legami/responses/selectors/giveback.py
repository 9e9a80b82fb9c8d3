"""Reads of give-back places: the open ones (for the generative pacts) and the filtered list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from legami.network.models import Network
from legami.responses.models import GiveBackPlace, GiveBackPlaceStatus, ResponseStatus

# A response that is over or cancelled offers no place any more.
OFFERING = (ResponseStatus.PLANNED, ResponseStatus.ACTIVE, ResponseStatus.SUSPENDED)


def _with_related(places: QuerySet[GiveBackPlace]) -> QuerySet[GiveBackPlace]:
    return places.select_related("response", "host", "area").order_by("starts_on", "id")


def open_giveback_places(network: Network, area: Any = None, on: date | None = None) -> QuerySet[GiveBackPlace]:
    """The open places of the network's responses still running, optionally of one area and available on a day."""
    places = GiveBackPlace.objects.filter(
        network=network, status=GiveBackPlaceStatus.OPEN, response__status__in=OFFERING
    )
    if area is not None:
        places = places.filter(area_id=getattr(area, "pk", area))
    if on is not None:
        places = places.filter(starts_on__lte=on, ends_on__gte=on)
    return _with_related(places)


def places_for(
    network: Network, *, area: Any = None, status: str = "", on: date | None = None
) -> QuerySet[GiveBackPlace]:
    """The network's give-back places, filtered by area, status and a day they cover."""
    places = GiveBackPlace.objects.filter(network=network)
    if area is not None:
        places = places.filter(area_id=getattr(area, "pk", area))
    if status:
        places = places.filter(status=status)
    if on is not None:
        places = places.filter(starts_on__lte=on, ends_on__gte=on)
    return _with_related(places)


def get_place(network: Network, pk: Any) -> GiveBackPlace:
    """One give-back place of the network, or 404."""
    from django.http import Http404

    place = GiveBackPlace.objects.filter(network=network, pk=pk).select_related("response", "host", "area").first()
    if place is None:
        raise Http404
    return place
