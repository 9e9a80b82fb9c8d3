"""The network's places: schools, community houses, parishes… with their address and, if known, their point."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.models import Neighbourhood, Place
from legami.territory.services.common import Network, others, territory_municipality
from legami.territory.usage import PLACE, count_uses, describe_uses

# A rough box around Italy (Lampedusa to the Vetta d'Italia, Sardinia to Otranto), to catch
# swapped or mistyped coordinates rather than to draw borders.
ITALY_LATITUDE = (Decimal("35.4"), Decimal("47.1"))
ITALY_LONGITUDE = (Decimal("6.6"), Decimal("18.6"))


def _place_neighbourhood(ctx: inputs.Context) -> None:
    municipality, neighbourhood = ctx.value("municipality"), ctx.value("neighbourhood")
    if ctx.ok("municipality", "neighbourhood") and municipality is not None and neighbourhood is not None:
        if neighbourhood.municipality_id != municipality.pk:
            ctx.add_error(
                "neighbourhood",
                _("The neighbourhood %(name)s is not in %(municipality)s."),
                "neighbourhood_not_in_municipality",
                name=neighbourhood.name,
                municipality=municipality.name,
            )


def _place_name_unique(ctx: inputs.Context) -> None:
    municipality = ctx.value("municipality")
    if ctx.ok("name", "municipality") and municipality is not None:
        namesakes = Place.objects.filter(network=ctx.network, municipality=municipality, name__iexact=ctx.value("name"))
        if others(namesakes, getattr(ctx.instance, "pk", None)).exists():
            ctx.add_error("name", _("This Comune already has a place with this name."), "unique")


def _coordinate(bounds: tuple[Decimal, Decimal], what: Any) -> inputs.Coordinate:
    return inputs.Coordinate(
        bounds,
        params={"what": what},
        messages={
            "invalid": _("Enter a number, such as 45.133 (decimal degrees)."),
            "out_of_italy": _("The %(what)s must be between %(low)s and %(high)s: the place must be in Italy."),
        },
    )


def _required_text(limit: int, required: Any, too_long: Any) -> inputs.Text:
    return inputs.Text(required=True, max_length=limit, messages={"required": required, "max_length": too_long})


PLACE_INPUTS = inputs.Rules(
    {
        "name": _required_text(
            200, _("Enter the name of the place."), _("The name can be at most 200 characters long.")
        ),
        "kind": inputs.Choice(
            Place.Kind,
            required=True,
            messages=dict.fromkeys(("required", "invalid_choice"), _("Choose the kind of place.")),
        ),
        "municipality": territory_municipality(
            required=True,
            messages={
                "required": _("Choose the Comune of the place."),
                "invalid_choice": _("Choose the Comune of the place."),
                "not_in_territory": _("This Comune is not in the network's territory: add it first."),
            },
        ),
        "neighbourhood": inputs.Lookup(
            Neighbourhood, messages={"invalid_choice": _("This neighbourhood does not exist in this network.")}
        ),
        "address": _required_text(
            250, _("Enter the address of the place."), _("The address can be at most 250 characters long.")
        ),
        "latitude": _coordinate(ITALY_LATITUDE, _("latitude")),
        "longitude": _coordinate(ITALY_LONGITUDE, _("longitude")),
        "description": inputs.Text(),
    },
    checks=(
        _place_neighbourhood,
        inputs.point(message=_("Enter both latitude and longitude, or neither.")),
        _place_name_unique,
    ),
    messages={"unknown": _("Unknown field: %(field)s.")},
    unknown_on_all=True,
)
PLACE_FIELDS = tuple(PLACE_INPUTS.fields)


def create_place(*, actor: Any, network: Network, data: dict[str, Any]) -> Place:
    """Create a place (keys of `data`: the Place field names; municipality/neighbourhood as instances or ids)."""
    require(actor, MANAGE, network)
    place = Place(network=network)
    PLACE_INPUTS.apply(place, data, network=network)
    with transaction.atomic():
        place.save()
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=place, after=snapshot(place))
    return place


def update_place(*, actor: Any, place: Place, data: dict[str, Any]) -> Place:
    """Change a place; `data` holds only the fields to change."""
    network = place.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        current = (
            Place.objects.select_for_update(of=("self",))
            .select_related("municipality", "neighbourhood")
            .get(pk=place.pk)
        )
        before = snapshot(current)
        PLACE_INPUTS.apply(current, data, network=network)
        current.save()
        record_event(actor=actor, action=AuditEvent.Action.UPDATE, obj=current, before=before, after=snapshot(current))
    return current


def delete_place(*, actor: Any, place: Place) -> None:
    """Delete a place nothing refers to (a place where meetings were held stays, for their history)."""
    network = place.network
    require(actor, MANAGE, network)
    usage = count_uses(PLACE, place.pk, network=network)
    if any(usage.values()):
        raise ValidationError(
            _("The place cannot be deleted: %(uses)s refer to it."),
            code="in_use",
            params={"uses": ", ".join(describe_uses(PLACE, usage))},
        )
    with transaction.atomic():
        before = snapshot(place)
        delete_and_record(actor=actor, obj=place, network=network, before=before)
