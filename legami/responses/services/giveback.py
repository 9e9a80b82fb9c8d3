"""Writes of give-back places (posti per la restituzione): what a response offers to people who give back to
the community (a generative pact takes a place), by area, with a host organisation, skills and a period."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.needs.models import NeedArea
from legami.network.models import Organization
from legami.responses.capabilities import MANAGE_RESPONSES as MANAGE
from legami.responses.models import GiveBackPlace, GiveBackPlaceStatus, Response, ResponseStatus

PLACE_FIELDS = ("area", "objective", "places", "host", "skills_sought", "starts_on", "ends_on")


def _period_in_order(ctx: inputs.Context) -> None:
    """The period ends on or after the day it starts."""
    starts, ends = ctx.value("starts_on"), ctx.value("ends_on")
    if starts and ends and ends < starts:
        ctx.add_error("ends_on", gettext("The period ends before it starts."), "dates_order")


PLACE_INPUTS = inputs.Rules(
    {
        "area": inputs.Lookup(NeedArea),
        "objective": inputs.Text(
            required=True,
            max_length=max_length_of(GiveBackPlace, "objective"),
            messages={"required": _("Say what the people who take these places will do.")},
        ),
        "places": inputs.Integer(
            required=True,
            min_value=1,
            max_value=1000,
            messages={"required": _("Say how many places there are."), "min_value": _("Offer at least one place.")},
        ),
        "host": inputs.Lookup(
            Organization,
            required=True,
            messages={
                "required": _("Choose the organisation that hosts the people."),
                "invalid_choice": _("Choose an organisation of the network."),
            },
        ),
        "skills_sought": inputs.Text(max_length=5_000),
        "starts_on": inputs.Date(required=True, messages={"required": _("Give the day the places open.")}),
        "ends_on": inputs.Date(required=True, messages={"required": _("Give the day the places end.")}),
    },
    checks=(_period_in_order,),
)


def _audit(actor: Any, place: GiveBackPlace, *, action: str, before: dict | None, fields: tuple = PLACE_FIELDS) -> None:
    record_event(actor=actor, action=action, obj=place, before=before, after=snapshot(place, fields))


@transaction.atomic
def create_place(*, actor: Any, response: Response, data: dict[str, Any]) -> GiveBackPlace:
    """Offer give-back places on a response: area, objective, how many, host, skills sought and period."""
    network = response.network
    require(actor, MANAGE, network)
    if response.status in (ResponseStatus.COMPLETED, ResponseStatus.CANCELLED):
        raise ValidationError(gettext("A response that is over offers no more places."), code="response_over")
    place = GiveBackPlace(network=network, response=response)
    PLACE_INPUTS.apply(place, data, network=network, actor=actor)
    place.save()
    _audit(actor, place, action=AuditEvent.Action.CREATE, before=None)
    return place


@transaction.atomic
def update_place(*, actor: Any, place: GiveBackPlace, data: dict[str, Any]) -> GiveBackPlace:
    """Change give-back places (an open or a closed offer)."""
    require(actor, MANAGE, place.network)
    place = GiveBackPlace.objects.select_for_update().get(pk=place.pk)
    before = snapshot(place, PLACE_FIELDS)
    PLACE_INPUTS.apply(place, data, network=place.network, actor=actor)
    place.save()
    _audit(actor, place, action=AuditEvent.Action.UPDATE, before=before)
    return place


@transaction.atomic
def close_place(*, actor: Any, place: GiveBackPlace) -> GiveBackPlace:
    """Close give-back places: pacts no longer take them."""
    require(actor, MANAGE, place.network)
    place = GiveBackPlace.objects.select_for_update().get(pk=place.pk)
    if place.status == GiveBackPlaceStatus.CLOSED:
        raise ValidationError(gettext("These places are already closed."), code="already_closed")
    before = snapshot(place, ("status",))
    place.status = GiveBackPlaceStatus.CLOSED
    place.save(update_fields=["status", "updated_at"])
    _audit(actor, place, action=AuditEvent.Action.UPDATE, before=before, fields=("status",))
    return place
