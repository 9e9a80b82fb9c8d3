"""The network's neighbourhoods: quartieri and frazioni of its Comuni."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.territory.capabilities import MANAGE_TERRITORY as MANAGE
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality
from legami.territory.selectors.neighbourhoods import neighbourhood_usage
from legami.territory.services.common import Network, others, raise_if, usage_text


def _resolve_municipality(value: Any) -> Municipality | None:
    if value is None or value == "":
        return None
    if isinstance(value, Municipality):
        return value if value.pk is not None and Municipality.objects.filter(pk=value.pk).exists() else None
    try:
        return Municipality.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _in_territory(network: Network, municipality: Municipality) -> bool:
    return NetworkMunicipality.objects.filter(network=network, municipality=municipality).exists()


def _clean_neighbourhood(
    network: Network, neighbourhood: Neighbourhood | None, municipality: Any, name: str, description: str
) -> tuple[Municipality, str, str]:
    errors: dict[str, list] = {}
    name = (name or "").strip()
    description = (description or "").strip()
    resolved = _resolve_municipality(municipality)
    if resolved is None:
        errors["municipality"] = [_("Choose the Comune of the neighbourhood.")]
    elif not _in_territory(network, resolved):
        errors["municipality"] = [_("This Comune is not in the network's territory: add it first.")]
    if not name:
        errors["name"] = [_("Enter the name of the neighbourhood.")]
    elif len(name) > 150:
        errors["name"] = [_("The name can be at most 150 characters long.")]
    elif (
        resolved is not None
        and others(
            Neighbourhood.objects.filter(network=network, municipality=resolved, name__iexact=name),
            getattr(neighbourhood, "pk", None),
        ).exists()
    ):
        errors["name"] = [_("This Comune already has a neighbourhood with this name.")]
    if neighbourhood is not None and resolved is not None and resolved.pk != neighbourhood.municipality_id:
        usage = neighbourhood_usage(neighbourhood)
        if any(usage.values()):
            errors.setdefault("municipality", []).append(
                ValidationError(
                    _(
                        "The neighbourhood cannot move to another Comune while %(uses)s are in it: "
                        "create a new neighbourhood instead."
                    ),
                    code="in_use",
                    params={"uses": usage_text(usage)},
                )
            )
    raise_if(errors)
    assert resolved is not None
    return resolved, name, description


def create_neighbourhood(
    *, actor: Any, network: Network, municipality: Any, name: str, description: str = ""
) -> Neighbourhood:
    """Create a neighbourhood (quartiere, frazione) in one of the network's Comuni."""
    require(actor, MANAGE, network)
    municipality, name, description = _clean_neighbourhood(network, None, municipality, name, description)
    with transaction.atomic():
        neighbourhood = Neighbourhood.objects.create(
            network=network, municipality=municipality, name=name, description=description
        )
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=neighbourhood, after=snapshot(neighbourhood))
    return neighbourhood


def update_neighbourhood(
    *, actor: Any, neighbourhood: Neighbourhood, municipality: Any, name: str, description: str = ""
) -> Neighbourhood:
    """Rename or describe a neighbourhood (it moves Comune only while nothing is in it)."""
    network = neighbourhood.network
    require(actor, MANAGE, network)
    municipality, name, description = _clean_neighbourhood(network, neighbourhood, municipality, name, description)
    with transaction.atomic():
        neighbourhood = Neighbourhood.objects.select_for_update().get(pk=neighbourhood.pk)
        before = snapshot(neighbourhood)
        neighbourhood.municipality, neighbourhood.name, neighbourhood.description = municipality, name, description
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
