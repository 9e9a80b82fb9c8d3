"""Turn the references a client sends (ISTAT codes, ids) into model instances, or a 422 saying which one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from legami.api.errors import field_error
from legami.network.models import Household, Network
from legami.network.selectors.households import get_household_for_user
from legami.territory.models import Municipality, Neighbourhood
from legami.territory.selectors.municipalities import search_municipalities
from legami.territory.selectors.neighbourhoods import neighbourhoods_of


def municipality_by_istat_code(code: str | None, *, loc: Sequence[str]) -> Municipality | None:
    """The Comune with this ISTAT code (None for None); whether it is in the territory is the service's call."""
    if code is None:
        return None
    municipality = search_municipalities(code).filter(istat_code=code).first()
    if municipality is None:
        raise field_error(
            loc, _("No Comune has the ISTAT code %(code)s.") % {"code": code}, code="unknown_municipality"
        )
    return municipality


def neighbourhood_of_network(network: Network, pk: int | None, *, loc: Sequence[str]) -> Neighbourhood | None:
    """One of the network's neighbourhoods by id (None for None)."""
    if pk is None:
        return None
    neighbourhood = neighbourhoods_of(network).filter(pk=pk).first()
    if neighbourhood is None:
        raise field_error(
            loc, _("The network has no neighbourhood with id %(id)s.") % {"id": pk}, code="unknown_neighbourhood"
        )
    return neighbourhood


def household_of_network(viewer: Any, network: Network, pk: int | None, *, loc: Sequence[str]) -> Household | None:
    """One of the network's households the viewer may see, by id (None for None)."""
    if pk is None:
        return None
    try:
        return get_household_for_user(viewer, network, pk)
    except Http404:
        raise field_error(
            loc, _("The network has no household with id %(id)s.") % {"id": pk}, code="unknown_household"
        ) from None
