"""Writes on a network's need-area taxonomy: seed the standard list, add, edit, reorder, retire, delete."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import change_and_record, delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.needs.capabilities import MANAGE_AREAS
from legami.needs.models import Need, NeedArea
from legami.needs.taxonomy import DEFAULT_AREAS
from legami.network.models import Network

MAX_POSITION = 32767

# An area of the network's taxonomy; a new one without a position goes at the end of the list.
AREA_INPUTS = inputs.Rules(
    {
        "name": inputs.Text(required=True, collapse=True, max_length=max_length_of(NeedArea, "name")),
        "description": inputs.Text(),
        "position": inputs.Integer(
            required=True,
            empty_code="invalid",
            min_value=0,
            max_value=MAX_POSITION,
            range_code="invalid",
            messages={"invalid": _("Enter a whole number between 0 and %(max)d.")},
            params={"max": MAX_POSITION},
        ),
    },
    checks=(
        inputs.unique(NeedArea, "name", lookup="iexact", message=_("The network already has an area with this name.")),
    ),
)
AREA_FIELDS = tuple(AREA_INPUTS.fields)


def ensure_default_areas(*, network: Network) -> int:
    """Create the standard areas (DEFAULT_AREAS) that the network lacks, by code or name; returns how many."""
    with transaction.atomic():
        existing = list(NeedArea.objects.filter(network=network).values_list("code", "name"))
        codes = {code for code, _name in existing}
        names = {name.casefold() for _code, name in existing}
        start = (
            (NeedArea.objects.filter(network=network).aggregate(top=Max("position"))["top"] or 0) + 1 if existing else 1
        )
        missing = [
            NeedArea(network=network, code=code, name=name, description=description, position=start + index)
            for index, (code, name, description) in enumerate(
                row for row in DEFAULT_AREAS if row[0] not in codes and row[1].casefold() not in names
            )
        ]
        NeedArea.objects.bulk_create(missing)
    return len(missing)


def load_default_areas(*, actor: Any, network: Network) -> int:
    """Add the standard areas the network lacks (the "load the standard list" button); returns how many."""
    require(actor, MANAGE_AREAS, network)
    with transaction.atomic():
        created = ensure_default_areas(network=network)
        if created:
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                object_type=NeedArea._meta.label_lower,
                object_repr=str(_("Standard need areas")),
                network=network,
                after={"created": created},
            )
    return created


def _free_code(network: Network, name: str) -> str:
    base = slugify(name)[:50] or "area"
    code, suffix = base, 2
    while NeedArea.objects.filter(network=network, code=code).exists():
        code = f"{base}-{suffix}"
        suffix += 1
    return code


def _save(area: NeedArea) -> None:
    try:
        with transaction.atomic():
            area.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"name": [ValidationError(_("The network already has an area with this name."), code="unique")]}
        ) from exc


def create_area(*, actor: Any, network: Network, data: dict) -> NeedArea:
    """Add an area to the network's taxonomy (at the end of the list unless a position is given)."""
    require(actor, MANAGE_AREAS, network)
    with transaction.atomic():
        AREA_INPUTS.refuse_unknown(data)
        if "position" not in data:
            top = NeedArea.objects.filter(network=network).aggregate(top=Max("position"))["top"]
            data = {**data, "position": min((top or 0) + 1, MAX_POSITION)}
        values = AREA_INPUTS.clean(data, network=network)
        area = NeedArea(network=network, code=_free_code(network, values["name"]), **values)
        _save(area)
        record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=area, after=snapshot(area))
    return area


def update_area(*, actor: Any, area: NeedArea, data: dict) -> NeedArea:
    """Rename, describe or move an area (its code, used by imports, stays)."""
    require(actor, MANAGE_AREAS, area.network)
    with transaction.atomic():
        values = AREA_INPUTS.clean(data, network=area.network, instance=area)
        change_and_record(actor=actor, obj=area, values=values, save=_save)
    return area


def set_area_active(*, actor: Any, area: NeedArea, active: bool) -> NeedArea:
    """Retire an area (no new needs in it; old ones keep it) or bring it back into use."""
    require(actor, MANAGE_AREAS, area.network)
    if area.is_active == active:
        return area
    with transaction.atomic():
        before = snapshot(area, ["is_active"])
        area.is_active = active
        area.save(update_fields=["is_active", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=area,
            before=before,
            after=snapshot(area, ["is_active"]),
        )
    return area


def move_area(*, actor: Any, area: NeedArea, direction: int) -> NeedArea:
    """Swap an area with its neighbour above (direction -1) or below (+1) in the list, renumbering the list."""
    require(actor, MANAGE_AREAS, area.network)
    with transaction.atomic():
        areas = list(
            NeedArea.objects.select_for_update().filter(network_id=area.network_id).order_by("position", "name")
        )
        index = next(i for i, item in enumerate(areas) if item.pk == area.pk)
        other = index + (1 if direction > 0 else -1)
        if not 0 <= other < len(areas):
            return area
        areas[index], areas[other] = areas[other], areas[index]
        before = {item.pk: item.position for item in areas}
        for position, item in enumerate(areas, start=1):
            item.position = position
        changed = [item for item in areas if before[item.pk] != item.position]
        NeedArea.objects.bulk_update(changed, ["position"])
        moved = areas[other]
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=moved,
            before={"position": before[moved.pk]},
            after={"position": moved.position},
        )
        area.position = moved.position
    return area


def delete_area(*, actor: Any, area: NeedArea) -> None:
    """Delete an area that no need uses (retire it otherwise)."""
    require(actor, MANAGE_AREAS, area.network)
    with transaction.atomic():
        if Need.objects.filter(area=area).exists():
            raise ValidationError(
                _("Needs are filed under this area: it cannot be deleted, but it can be taken out of use."),
                code="protected",
            )
        try:
            with transaction.atomic():
                delete_and_record(actor=actor, obj=area, network=area.network_id, before=snapshot(area))
        except (ProtectedError, RestrictedError) as exc:
            # A survey rule or a demand still points at it.
            raise ValidationError(
                _("Other records (survey rules, demands) use this area: it cannot be deleted, only taken out of use."),
                code="protected",
            ) from exc
