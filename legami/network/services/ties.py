"""Writes to ties (legami) between people and organisations of one network."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.inputs import parse_date
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.validation import length_error
from legami.network.capabilities import CHANGE_TIES
from legami.network.models import Network, Organization, Person, Tie
from legami.network.selectors.people import person_in_scope

TIE_FIELDS = (
    "kind",
    "direction",
    "source_person",
    "source_organization",
    "target_person",
    "target_organization",
    "since",
    "until",
    "note",
)


def _check_end(*, actor: Any, network: Network, values: dict, end: str, errors: dict) -> None:
    """Exactly one of `<end>_person` / `<end>_organization`, of this network and within the actor's reach."""
    person, organization = values[f"{end}_person"], values[f"{end}_organization"]
    field = f"{end}_person"
    if person is not None and organization is not None:
        errors[field] = ValidationError(_("Choose either a person or an organisation, not both."), code="both_ends")
        return
    if person is None and organization is None:
        errors[field] = ValidationError(_("Choose a person or an organisation."), code="no_end")
        return
    if person is not None:
        if not isinstance(person, Person) or person.network_id != network.pk:
            errors[field] = ValidationError(_("Choose a person of this network."), code="invalid_choice")
        elif not person_in_scope(actor, person, CHANGE_TIES):
            errors[field] = ValidationError(
                _("This person lives outside your district: you cannot record their ties."), code="out_of_district"
            )
    elif not isinstance(organization, Organization) or organization.network_id != network.pk:
        errors[f"{end}_organization"] = ValidationError(
            _("Choose an organisation of this network."), code="invalid_choice"
        )


def _is_active(until: datetime.date | None) -> bool:
    return until is None or until >= timezone.localdate()


def _duplicate_exists(network: Network, values: dict, instance: Tie | None) -> bool:
    """An active tie of the same kind between the same ends (in either order when one of them is mutual)."""
    ends = {
        "source_person": values["source_person"],
        "source_organization": values["source_organization"],
        "target_person": values["target_person"],
        "target_organization": values["target_organization"],
    }
    same = Q(**ends)
    reversed_ends = Q(
        source_person=ends["target_person"],
        source_organization=ends["target_organization"],
        target_person=ends["source_person"],
        target_organization=ends["source_organization"],
    )
    if values["direction"] == Tie.Direction.MUTUAL:
        match = same | reversed_ends
    else:
        match = same | (reversed_ends & Q(direction=Tie.Direction.MUTUAL))
    qs = Tie.objects.filter(match, network=network, kind=values["kind"]).filter(
        Q(until__isnull=True) | Q(until__gte=timezone.localdate())
    )
    if instance is not None:
        qs = qs.exclude(pk=instance.pk)
    return qs.exists()


def clean_tie_data(*, actor: Any, network: Network, data: dict, instance: Tie | None = None) -> dict[str, Any]:
    """Validate `data` (Tie field names) for `network` and return the complete values; nothing is written."""
    unknown = sorted(set(data) - set(TIE_FIELDS))
    if unknown:
        raise ValidationError({key: ValidationError(_("Unknown field."), code="unknown") for key in unknown})
    if instance is not None:
        values = {name: getattr(instance, name) for name in TIE_FIELDS}
    else:
        values = {name: None for name in TIE_FIELDS} | {"kind": "", "direction": Tie.Direction.MUTUAL, "note": ""}
    values.update(data)
    errors: dict[str, ValidationError] = {}

    values["kind"] = values["kind"] or ""
    if not values["kind"]:
        errors["kind"] = ValidationError(_("This field is required."), code="required")
    elif values["kind"] not in Tie.Kind.values:
        errors["kind"] = ValidationError(_("Choose a valid kind of tie."), code="invalid_choice")
    values["direction"] = values["direction"] or Tie.Direction.MUTUAL
    if values["direction"] not in Tie.Direction.values:
        errors["direction"] = ValidationError(_("Choose a valid direction."), code="invalid_choice")
    values["note"] = "" if values["note"] is None else str(values["note"]).strip()
    if error := length_error(Tie, "note", values["note"]):
        errors["note"] = error

    for end in ("source", "target"):
        _check_end(actor=actor, network=network, values=values, end=end, errors=errors)
    if "source_person" not in errors and "target_person" not in errors:
        if values["source_person"] is not None and values["source_person"] == values["target_person"]:
            errors["target_person"] = ValidationError(
                _("A tie links two different people: choose someone else."), code="same_person"
            )
        elif (
            values["source_organization"] is not None and values["source_organization"] == values["target_organization"]
        ):
            errors["target_organization"] = ValidationError(
                _("A tie links two different organisations: choose another one."), code="same_organization"
            )

    for name in ("since", "until"):
        try:
            values[name] = parse_date(values[name])
        except (TypeError, ValueError):
            errors[name] = ValidationError(_("Enter a valid date."), code="invalid")
    if "since" not in errors and "until" not in errors:
        if values["since"] and values["until"] and values["until"] < values["since"]:
            errors["until"] = ValidationError(
                _("The end date cannot be before the start date."), code="until_before_since"
            )

    if not errors and _is_active(values["until"]) and _duplicate_exists(network, values, instance):
        errors[NON_FIELD_ERRORS] = ValidationError(
            _("These two already have an active tie of this kind."), code="duplicate"
        )
    if errors:
        raise ValidationError(errors)
    return values


def _require_reach(actor: Any, tie: Tie) -> None:
    require(actor, CHANGE_TIES, tie.network)
    for person in (tie.source_person, tie.target_person):
        if person is not None and not person_in_scope(actor, person, CHANGE_TIES):
            raise PermissionDenied(CHANGE_TIES)


def create_tie(*, actor: Any, network: Network, data: dict) -> Tie:
    """Record a tie between two people or organisations of the network."""
    require(actor, CHANGE_TIES, network)
    with transaction.atomic():
        values = clean_tie_data(actor=actor, network=network, data=data)
        tie = Tie.objects.create(network=network, **values)
        record_event(
            actor=actor, action=AuditEvent.Action.CREATE, obj=tie, after=snapshot(tie), data_class=DataClass.PERSONAL
        )
    return tie


def update_tie(*, actor: Any, tie: Tie, data: dict) -> Tie:
    """Change some fields of a tie (only the keys present in `data`)."""
    _require_reach(actor, tie)
    with transaction.atomic():
        values = clean_tie_data(actor=actor, network=tie.network, data=data, instance=tie)
        before = snapshot(tie)
        for name, value in values.items():
            setattr(tie, name, value)
        after = snapshot(tie)
        if after == before:
            return tie
        tie.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=tie,
            before=before,
            after=after,
            data_class=DataClass.PERSONAL,
        )
    return tie


def delete_tie(*, actor: Any, tie: Tie) -> None:
    """Delete a tie (the people and organisations it linked stay)."""
    _require_reach(actor, tie)
    with transaction.atomic():
        before = snapshot(tie)
        delete_and_record(actor=actor, obj=tie, network=tie.network_id, before=before, data_class=DataClass.PERSONAL)
