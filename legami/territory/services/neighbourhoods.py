"""The network's neighbourhoods: quartieri and frazioni of its Comuni."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.models import Neighbourhood
from legami.territory.selectors.neighbourhoods import neighbourhood_usage
from legami.territory.services.common import Network, others, territory_municipality
from legami.territory.usage import NEIGHBOURHOOD, describe_uses


def _name_unique_in_its_comune(ctx: inputs.Context) -> None:
    municipality = ctx.value("municipality")
    if ctx.ok("name", "municipality") and municipality is not None:
        namesakes = Neighbourhood.objects.filter(
            network=ctx.network, municipality=municipality, name__iexact=ctx.value("name")
        )
        if others(namesakes, getattr(ctx.instance, "pk", None)).exists():
            ctx.add_error("name", _("This Comune already has a neighbourhood with this name."), "unique")


def _stays_in_its_comune_while_in_use(ctx: inputs.Context) -> None:
    """A neighbourhood with places, people or households in it keeps its Comune (they are in that Comune)."""
    if ctx.instance is None or not ctx.ok("municipality") or not ctx.changed("municipality"):
        return
    usage = neighbourhood_usage(ctx.instance)
    if any(usage.values()):
        ctx.add_error(
            "municipality",
            _(
                "The neighbourhood cannot move to another Comune while %(uses)s are in it: "
                "create a new neighbourhood instead."
            ),
            "in_use",
            uses=", ".join(describe_uses(NEIGHBOURHOOD, usage)),
        )


# A neighbourhood: its Comune (one of the network's territory), its name (once per Comune), a description.
NEIGHBOURHOOD_INPUTS = inputs.Rules(
    {
        "municipality": territory_municipality(
            required=True,
            messages={
                "required": _("Choose the Comune of the neighbourhood."),
                "invalid_choice": _("Choose the Comune of the neighbourhood."),
                "not_in_territory": _("This Comune is not in the network's territory: add it first."),
            },
        ),
        "name": inputs.Text(
            required=True,
            max_length=max_length_of(Neighbourhood, "name"),
            messages={
                "required": _("Enter the name of the neighbourhood."),
                "max_length": _("The name can be at most 150 characters long."),
            },
        ),
        "description": inputs.Text(),
    },
    checks=(_name_unique_in_its_comune, _stays_in_its_comune_while_in_use),
)


def create_neighbourhood(
    *, actor: Any, network: Network, municipality: Any, name: str, description: str = ""
) -> Neighbourhood:
    """Create a neighbourhood (quartiere, frazione) in one of the network's Comuni."""
    require(actor, MANAGE, network)
    neighbourhood = Neighbourhood(network=network)
    data = {"municipality": municipality, "name": name, "description": description}
    NEIGHBOURHOOD_INPUTS.apply(neighbourhood, data, network=network)
    with transaction.atomic():
        neighbourhood.save()
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=neighbourhood, after=snapshot(neighbourhood))
    return neighbourhood


def update_neighbourhood(
    *, actor: Any, neighbourhood: Neighbourhood, municipality: Any, name: str, description: str = ""
) -> Neighbourhood:
    """Rename or describe a neighbourhood (it moves Comune only while nothing is in it)."""
    network = neighbourhood.network
    require(actor, MANAGE, network)
    data = {"municipality": municipality, "name": name, "description": description}
    with transaction.atomic():
        neighbourhood = Neighbourhood.objects.select_for_update().get(pk=neighbourhood.pk)
        before = snapshot(neighbourhood)
        NEIGHBOURHOOD_INPUTS.apply(neighbourhood, data, network=network)
        neighbourhood.save(update_fields=["municipality", "name", "description", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=neighbourhood,
            before=before,
            after=snapshot(neighbourhood),
        )
    return neighbourhood


def delete_neighbourhood(*, actor: Any, neighbourhood: Neighbourhood) -> None:
    """Delete a neighbourhood; its places, people and households stay, without a neighbourhood."""
    network = neighbourhood.network
    require(actor, MANAGE, network)
    with transaction.atomic():
        before = snapshot(neighbourhood)
        delete_and_record(actor=actor, obj=neighbourhood, network=network, before=before)
