"""What several territory writes share: the network type, the Comuni as inputs, and names in messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.territory.models import Municipality, NetworkMunicipality

# A network (settings.LEGAMI_NETWORK_MODEL): territory sits below the network app and does not import it.
Network = Any


def in_territory(queryset: models.QuerySet, network: Network) -> models.QuerySet:
    """The Comuni of `queryset` that are in the network's territory (the scope of a Comune a row is in)."""
    return queryset.filter(network_links__network=network)


def territory_municipality(*, messages: dict[str, Any] | None = None, **kwargs: Any) -> inputs.Lookup:
    """The input of a Comune that must be in the network's territory: one outside it is refused with the code
    `not_in_territory` (a Comune that does not exist, with `invalid_choice`). `messages` says both the write's way."""
    default = {"not_in_territory": _("This Comune is not part of the network's territory.")}
    return inputs.Lookup(
        Municipality, scope=in_territory, outside_code="not_in_territory", messages=default | (messages or {}), **kwargs
    )


def _istat_list(queryset: models.QuerySet, network: Network) -> models.QuerySet:
    # Every Comune of the ISTAT list, whatever the network: a write may bring one into the territory.
    return queryset.order_by("name", "pk")


def istat_municipalities(*, messages: dict[str, Any] | None = None, **kwargs: Any) -> inputs.LookupMany:
    """Comuni of the ISTAT list, as instances, ids or ISTAT codes, by name; refuses those not in the list."""
    return inputs.LookupMany(
        Municipality,
        scope=_istat_list,
        by=("istat_code",),
        messages={"invalid_choice": _("These Comuni are not in the ISTAT list: %(values)s.")} | dict(messages or {}),
        codes={"invalid_choice": "unknown_municipality"},
        **kwargs,
    )


def others(queryset: models.QuerySet, pk: Any) -> models.QuerySet:
    """`queryset` without the row being edited (nothing to leave out when creating)."""
    return queryset if pk is None else queryset.exclude(pk=pk)


def link_label(link: NetworkMunicipality) -> str:
    """A Comune of the territory and its district, as a message names it: "Crema (Ambito Cremasco)"."""
    district = link.district.name if link.district is not None else "-"
    return f"{link.municipality.name} ({district})"


def list_names(names: Iterable[str]) -> str:
    return ", ".join(names)
