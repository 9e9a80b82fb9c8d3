"""Writes to households (nuclei familiari); people join and leave them through their own record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from legami.core import inputs
from legami.core.audit import change_and_record, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.network.models import Household, Network, Person
from legami.network.selectors.people import municipality_in_scope
from legami.network.services.people import CHANGE_PEOPLE, PLACE_INPUTS, place_check, update_person

HOUSEHOLD_INPUTS = inputs.Rules(
    {
        "name": inputs.Text(required=True, max_length=max_length_of(Household, "name")),
        "address": inputs.Text(max_length=max_length_of(Household, "address")),
        **PLACE_INPUTS,
    },
    checks=(place_check(),),
)
HOUSEHOLD_FIELDS = tuple(HOUSEHOLD_INPUTS.fields)


def _clean(*, actor: Any, network: Network, data: dict, instance: Household | None = None) -> dict[str, Any]:
    HOUSEHOLD_INPUTS.refuse_unknown(data)
    if instance is not None:
        # The values on file are checked again with the new ones.
        data = {name: getattr(instance, name) for name in HOUSEHOLD_FIELDS} | dict(data)
    return HOUSEHOLD_INPUTS.clean(data, network=network, actor=actor, instance=instance)


def _require_reach(actor: Any, household: Household) -> None:
    require(actor, CHANGE_PEOPLE, household.network)
    if not municipality_in_scope(actor, household.network, household.municipality_id, CHANGE_PEOPLE):
        raise PermissionDenied(CHANGE_PEOPLE)


def create_household(*, actor: Any, network: Network, data: dict) -> Household:
    """Register a household (name, address, Comune, neighbourhood)."""
    require(actor, CHANGE_PEOPLE, network)
    with transaction.atomic():
        values = _clean(actor=actor, network=network, data=data)
        household = Household.objects.create(network=network, **values)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=household,
            after=snapshot(household),
            data_class=DataClass.PERSONAL,
        )
    return household


def update_household(*, actor: Any, household: Household, data: dict) -> Household:
    """Change some fields of a household (only the keys present in `data`)."""
    _require_reach(actor, household)
    with transaction.atomic():
        values = _clean(actor=actor, network=household.network, data=data, instance=household)
        change_and_record(actor=actor, obj=household, values=values, data_class=DataClass.PERSONAL)
    return household


def delete_household(*, actor: Any, household: Household) -> int:
    """Delete a household; its members stay in the registry, detached. Returns how many were detached."""
    _require_reach(actor, household)
    with transaction.atomic():
        before = snapshot(household) or {}
        members = list(Person.objects.filter(household=household).values_list("pk", flat=True))
        before["members"] = members
        pk, label = household.pk, str(household)
        Person.objects.filter(pk__in=members).update(household=None, household_role="")
        household.delete()
        record_event(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type=Household._meta.label_lower,
            object_id=pk,
            object_repr=label,
            network=household.network_id,
            before=before,
            data_class=DataClass.PERSONAL,
            note=f"members detached: {len(members)}",
        )
    return len(members)


def add_person_to_household(*, actor: Any, person: Person, household: Household, role: str = "") -> Person:
    """Make `person` a member of `household` with `role` (a Person.HouseholdRole value or "")."""
    return update_person(actor=actor, person=person, data={"household": household, "household_role": role})


def remove_person_from_household(*, actor: Any, person: Person) -> Person:
    """Detach `person` from their household (they stay in the registry)."""
    return update_person(actor=actor, person=person, data={"household": None, "household_role": ""})
