"""Writes on needs: record, edit, delete, and move them through their status workflow, always audited."""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, require
from legami.core.validation import length_error
from legami.core.workflow import Refusal, Transition, Workflow
from legami.needs.models import (
    Channel,
    Need,
    NeedArea,
    NeedEvent,
    NeedStatus,
    PrivacyLevel,
    SurveyResponse,
    TargetGroup,
    Urgency,
)
from legami.needs.timewindows import (
    TimeWindow,
    TimeWindowError,
    parse_time_windows,
    windows_from_json,
    windows_to_json,
)
from legami.network.models import Household, Network, Person
from legami.network.selectors.people import municipality_in_scope
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality

CHANGE_NEEDS = "needs.change_needs"
VIEW_CASE_NEEDS = "needs.view_case_needs"

# The keys `data` may hold: the Need fields a service sets (status, network and reporter are the services' own).
NEED_FIELDS = (
    "area",
    "target_group",
    "description",
    "urgency",
    "expressed",
    "channel",
    "privacy_level",
    "person",
    "household",
    "people_count",
    "municipality",
    "neighbourhood",
    "latitude",
    "longitude",
    "time_windows",
    "observed_on",
    "contact_name",
    "contact_email",
    "contact_phone",
    "external_id",
    "survey_response",
)
REQUIRED_FIELDS = ("area", "target_group", "description", "channel", "municipality")
DESCRIPTION_MAX_LENGTH = 4000
MAX_PEOPLE_COUNT = 10000
# A generous box around Italy (Lampedusa to the Vetta d'Italia, Sardinia's west coast to Otranto).
ITALY_LATITUDE = (decimal.Decimal("35.0"), decimal.Decimal("47.2"))
ITALY_LONGITUDE = (decimal.Decimal("6.5"), decimal.Decimal("18.6"))
_PHONE = re.compile(r"^(?:\+39)?[0-9]{6,11}$")
_TRUE = {"1", "true", "yes", "y", "si", "sì", "on", "espresso"}
_FALSE = {"0", "false", "no", "n", "off", "rilevato"}


def data_class_of(need: Need) -> str:
    """CASE for a need kept to the case team, PERSONAL otherwise (what its audit events are marked as)."""
    return DataClass.CASE if need.privacy_level == PrivacyLevel.CASE_TEAM else DataClass.PERSONAL


S = NeedStatus
# The status workflow, in one place.
NEED_WORKFLOW = Workflow(
    name="need",
    model=Need,
    states=NeedStatus,
    transitions=(
        Transition((S.NEW, S.AGGREGATED, S.MATCHED, S.ANSWERED, S.CLOSED), S.READING),
        Transition(S.READING, S.AGGREGATED),
        Transition(S.READING, S.MATCHED),
        Transition((S.AGGREGATED, S.MATCHED), S.ANSWERED),
        Transition((S.NEW, S.READING, S.AGGREGATED, S.MATCHED, S.ANSWERED), S.CLOSED),
    ),
    capability=CHANGE_NEEDS,
    refusal=Refusal(_("A need cannot go from “%(from)s” to “%(to)s”."), field="to_status"),
    history=NeedEvent,
    data_class=data_class_of,
    select_related=("area",),
)
# From -> the statuses a need may move to (the table above, read the old way).
NEED_TRANSITIONS: dict[str, frozenset[str]] = NEED_WORKFLOW.table()


def allowed_transitions(need: Need) -> list[str]:
    """The statuses `need` may move to next, in the workflow's order."""
    return NEED_WORKFLOW.targets(need.status)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _error(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _lookup(model: Any, value: Any, **filters: Any) -> Any:
    """An instance of `model` matching `filters` from an instance or a primary key; None when there is none."""
    if isinstance(value, model):
        pk = value.pk
    elif isinstance(value, int) and not isinstance(value, bool):
        pk = value
    elif isinstance(value, str) and value.strip().isdigit():
        pk = int(value.strip())
    else:
        return None
    return model.objects.filter(pk=pk, **filters).first()


def _to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value) if value in (0, 1) else None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _to_decimal(value: Any) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = decimal.Decimal(str(value).strip().replace(",", "."))
    except (decimal.InvalidOperation, ValueError) as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP)


def _to_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip())
    raise ValueError(value)


def _clean_time_windows(value: Any) -> list[dict]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return windows_to_json(parse_time_windows(value))
    items = list(value)
    if all(isinstance(item, TimeWindow) for item in items):
        return windows_to_json(items)
    return windows_to_json(windows_from_json(items))


def _changed(instance: Need | None, name: str, value: Any) -> bool:
    if instance is None:
        return True
    return getattr(instance, f"{name}_id") != getattr(value, "pk", value)


def _clean(*, network: Network, data: dict, instance: Need | None = None, partial: bool = False) -> dict[str, Any]:
    unknown = sorted(set(data) - set(NEED_FIELDS))
    if unknown:
        raise ValidationError({key: [_error(_("Unknown field."), "unknown")] for key in unknown})
    errors: dict[str, ValidationError] = {}
    values: dict[str, Any] = dict(data)

    if not partial and instance is None:
        for name in REQUIRED_FIELDS:
            if values.get(name) in (None, ""):
                errors[name] = _error(_("This field is required."), "required")
        values.setdefault("urgency", Urgency.MEDIUM)
        values.setdefault("expressed", True)
        values.setdefault("privacy_level", PrivacyLevel.NETWORK)
        values.setdefault("people_count", 1)
        values.setdefault("observed_on", None)
        for name in ("person", "household", "neighbourhood", "latitude", "longitude", "survey_response"):
            values.setdefault(name, None)
        for name in ("contact_name", "contact_email", "contact_phone", "external_id"):
            values.setdefault(name, "")
        values.setdefault("time_windows", [])

    def present(name: str) -> bool:
        return name in values and name not in errors

    if present("area"):
        area = _lookup(NeedArea, values["area"], network=network)
        if area is None:
            errors["area"] = _error(_("Choose an area of this network."), "invalid_choice")
        elif not area.is_active and _changed(instance, "area", area):
            errors["area"] = _error(_("This area is no longer in use: choose another."), "inactive")
        else:
            values["area"] = area

    for name, choices, message in (
        ("target_group", TargetGroup.values, _("Choose a valid target group.")),
        ("channel", Channel.values, _("Choose a valid channel.")),
        ("privacy_level", PrivacyLevel.values, _("Choose a valid privacy level.")),
    ):
        if present(name):
            raw = values[name]
            raw = "" if raw is None else str(raw).strip()
            if raw not in choices:
                errors[name] = _error(message, "invalid_choice")
            values[name] = raw

    if present("description"):
        text = "" if values["description"] is None else str(values["description"]).strip()
        if not text:
            errors["description"] = _error(_("Describe the need."), "required")
        elif len(text) > DESCRIPTION_MAX_LENGTH:
            errors["description"] = _error(
                _("At most %(limit)d characters."), "max_length", limit=DESCRIPTION_MAX_LENGTH
            )
        values["description"] = text

    if present("urgency"):
        urgency = _to_int(values["urgency"])
        if urgency not in Urgency.values:
            errors["urgency"] = _error(_("Choose a valid urgency."), "invalid_choice")
        values["urgency"] = urgency

    if present("expressed"):
        expressed = _to_bool(values["expressed"])
        if expressed is None:
            errors["expressed"] = _error(
                _("Say whether the need was expressed by the people concerned or detected by others."), "invalid"
            )
        values["expressed"] = expressed

    if present("people_count"):
        count = _to_int(values["people_count"])
        if count is None or not 1 <= count <= MAX_PEOPLE_COUNT:
            errors["people_count"] = _error(
                _("Enter a whole number between 1 and %(max)d."), "invalid", max=MAX_PEOPLE_COUNT
            )
        values["people_count"] = count

    if present("person") and values["person"] not in (None, ""):
        person = _lookup(Person, values["person"], network=network)
        if person is None:
            errors["person"] = _error(_("Choose a person of this network."), "invalid_choice")
        values["person"] = person
    elif "person" in values and "person" not in errors:
        values["person"] = None

    if present("household") and values["household"] not in (None, ""):
        household = _lookup(Household, values["household"], network=network)
        if household is None:
            errors["household"] = _error(_("Choose a household of this network."), "invalid_choice")
        values["household"] = household
    elif "household" in values and "household" not in errors:
        values["household"] = None

    if present("municipality"):
        municipality = values["municipality"]
        if not isinstance(municipality, Municipality):
            municipality = _lookup(Municipality, municipality)
        if municipality is None:
            errors["municipality"] = _error(_("Choose a Comune of the network."), "invalid_choice")
        elif _changed(instance, "municipality", municipality) and not (
            NetworkMunicipality.objects.filter(network=network, municipality=municipality).exists()
        ):
            errors["municipality"] = _error(
                _("This Comune is not part of the network's territory."), "not_in_territory"
            )
        else:
            values["municipality"] = municipality

    if present("neighbourhood") and values["neighbourhood"] not in (None, ""):
        neighbourhood = _lookup(Neighbourhood, values["neighbourhood"], network=network)
        if neighbourhood is None:
            errors["neighbourhood"] = _error(_("Choose a neighbourhood of the network."), "invalid_choice")
        else:
            values["neighbourhood"] = neighbourhood
            municipality = values.get("municipality", getattr(instance, "municipality", None))
            if "municipality" not in errors and (
                municipality is None or neighbourhood.municipality_id != getattr(municipality, "pk", municipality)
            ):
                errors["neighbourhood"] = _error(
                    _("This neighbourhood is not in the chosen Comune."), "neighbourhood_not_in_municipality"
                )
    elif "neighbourhood" in values and "neighbourhood" not in errors:
        values["neighbourhood"] = None
    elif instance is not None and "municipality" in values and "municipality" not in errors:
        # A new Comune drops a neighbourhood of the old one.
        old = instance.neighbourhood
        if old is not None and old.municipality_id != values["municipality"].pk:
            values["neighbourhood"] = None

    for name, (low, high) in (("latitude", ITALY_LATITUDE), ("longitude", ITALY_LONGITUDE)):
        if present(name):
            try:
                number = _to_decimal(values[name])
            except ValueError:
                errors[name] = _error(_("Enter a number, such as 45.133 (a dot or a comma for decimals)."), "invalid")
                continue
            if number is not None and not low <= number <= high:
                errors[name] = _error(_("This point is not in Italy."), "out_of_italy")
            values[name] = number
    if ("latitude" in values or "longitude" in values) and not ({"latitude", "longitude"} & set(errors)):
        latitude = values.get("latitude", getattr(instance, "latitude", None))
        longitude = values.get("longitude", getattr(instance, "longitude", None))
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            errors[missing] = _error(_("Give both latitude and longitude, or neither."), "point_incomplete")

    if present("time_windows"):
        try:
            values["time_windows"] = _clean_time_windows(values["time_windows"])
        except TimeWindowError as exc:
            errors["time_windows"] = _error(str(exc), "invalid")
        except (TypeError, ValueError, AttributeError):
            errors["time_windows"] = _error(_("Enter the days and hours, for example: mar e gio 16-18."), "invalid")

    if "observed_on" in values and "observed_on" not in errors:
        try:
            observed = _to_date(values["observed_on"])
        except (TypeError, ValueError):
            errors["observed_on"] = _error(_("Enter a valid date."), "invalid")
        else:
            if observed is None:
                observed = timezone.localdate() if instance is None else instance.observed_on
            if observed > timezone.localdate():
                errors["observed_on"] = _error(_("The date cannot be in the future."), "future")
            values["observed_on"] = observed

    for name in ("contact_name", "contact_email", "contact_phone", "external_id"):
        if present(name):
            values[name] = "" if values[name] is None else str(values[name]).strip()
            error = length_error(Need, name, values[name])
            if error is not None:
                errors[name] = error
    if present("contact_email") and values["contact_email"]:
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors["contact_email"] = _error(_("Enter a valid e-mail address."), "invalid")
        else:
            values["contact_email"] = values["contact_email"].lower()
    if present("contact_phone") and values["contact_phone"]:
        if not _PHONE.match(values["contact_phone"].replace(" ", "")):
            errors["contact_phone"] = _error(
                _("Enter an Italian phone number: digits and spaces, optionally starting with +39."), "invalid_phone"
            )
        else:
            values["contact_phone"] = " ".join(values["contact_phone"].split())
    if present("external_id") and values["external_id"]:
        duplicates = Need.objects.filter(network=network, external_id=values["external_id"])
        if instance is not None:
            duplicates = duplicates.exclude(pk=instance.pk)
        if duplicates.exists():
            errors["external_id"] = _error(_("Another need of this network already has this identifier."), "unique")

    if present("survey_response") and values["survey_response"] not in (None, ""):
        response = _lookup(SurveyResponse, values["survey_response"], survey__network=network)
        if response is None:
            errors["survey_response"] = _error(_("Choose a survey response of this network."), "invalid_choice")
        values["survey_response"] = response
    elif "survey_response" in values and "survey_response" not in errors:
        values["survey_response"] = None

    if errors:
        raise ValidationError({name: [error] for name, error in errors.items()})
    return values


def validate_need_data(*, network: Network, data: dict, partial: bool = False) -> dict:
    """Check `data` (Need field names) for `network` and return the cleaned values; ValidationError per field."""
    return _clean(network=network, data=data, partial=partial)


def _require_reach(actor: Any, need: Need) -> None:
    """PermissionDenied unless `actor` may change `need` (capability, district and, for case data, the case team)."""
    require(actor, CHANGE_NEEDS, need.network)
    if not municipality_in_scope(actor, need.network, need.municipality_id, CHANGE_NEEDS):
        raise PermissionDenied(CHANGE_NEEDS)
    if need.is_case_data and not can(actor, VIEW_CASE_NEEDS, need.network):
        raise PermissionDenied(VIEW_CASE_NEEDS)


def _check_district(actor: Any, network: Network, municipality: Municipality) -> None:
    if not municipality_in_scope(actor, network, municipality, CHANGE_NEEDS):
        raise ValidationError(
            {
                "municipality": [
                    _error(_("Choose a Comune of your district: you can only record what is there."), "out_of_district")
                ]
            }
        )


def _save(need: Need) -> None:
    try:
        with transaction.atomic():
            need.save()
    except IntegrityError as exc:
        # Two imports of the same identifier at once: the unique index is the last word.
        raise ValidationError(
            {"external_id": [_error(_("Another need of this network already has this identifier."), "unique")]}
        ) from exc


def record_need(*, actor: Any, network: Network, data: dict, check_permission: bool = True, note: str = "") -> Need:
    """Record a new need (status new) with its first history step and an audit event."""
    if check_permission:
        require(actor, CHANGE_NEEDS, network)
    with transaction.atomic():
        values = validate_need_data(network=network, data=data)
        if check_permission:
            _check_district(actor, network, values["municipality"])
        need = Need(network=network, status=NeedStatus.NEW, reported_by=_user(actor), **values)
        _save(need)
        NEED_WORKFLOW.record(need, actor=actor, from_state="", note=note)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=need,
            after=snapshot(need),
            data_class=data_class_of(need),
            note=note,
        )
    return need


def update_need(*, actor: Any, need: Need, data: dict) -> Need:
    """Change some fields of a need (not its status); closed needs may still be corrected."""
    _require_reach(actor, need)
    if "status" in data:
        raise ValidationError({"status": [_error(_("Change the status with the status form."), "not_editable")]})
    with transaction.atomic():
        values = _clean(network=need.network, data=data, instance=need)
        if "municipality" in values and _changed(need, "municipality", values["municipality"]):
            _check_district(actor, need.network, values["municipality"])
        before = snapshot(need) or {}
        was_case = need.is_case_data
        old_description = need.description
        for name, value in values.items():
            setattr(need, name, value)
        after = snapshot(need) or {}
        if after == before and need.description == old_description:
            return need
        if need.description != old_description:
            # The description is encrypted and redacted in the trail: say that it changed, never what it says.
            before["description"], after["description"] = "[redacted]", "[redacted: changed]"
        _save(need)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=need,
            before=before,
            after=after,
            data_class=DataClass.CASE if was_case or need.is_case_data else DataClass.PERSONAL,
        )
    return need


def delete_need(*, actor: Any, need: Need) -> None:
    """Delete a need with its history (for mistakes and duplicates; close it otherwise)."""
    _require_reach(actor, need)
    with transaction.atomic():
        delete_and_record(
            actor=actor, obj=need, network=need.network_id, before=snapshot(need), data_class=data_class_of(need)
        )


def change_need_status(*, actor: Any, need: Need, to_status: str, note: str = "") -> Need:
    """Move a need to another status along NEED_WORKFLOW, with a history step and an audit event."""
    _require_reach(actor, need)
    if to_status not in NeedStatus.values:
        raise ValidationError({"to_status": [_error(_("Choose a valid status."), "invalid_choice")]})
    locked = NEED_WORKFLOW.apply(need, to_status, actor=actor, note=note)
    need.status, need.updated_at = locked.status, locked.updated_at
    return need


def move_needs(*, actor: Any, needs: Iterable[Need], steps: dict[str, list[str]], note: str = "") -> int:
    """Move needs in bulk along `steps` (status -> path of statuses), each hop allowed; returns how many moved.

    For other services (the demand review) that checked the actor's permission on the whole group.
    """
    NEED_WORKFLOW.check_path(steps)
    with transaction.atomic():
        return NEED_WORKFLOW.move_many(NEED_WORKFLOW.lock_many(needs), steps=steps, actor=actor, note=note)


def mark_needs_aggregated(*, actor: Any, needs: Iterable[Need], note: str = "") -> int:
    """Mark needs as aggregated into a demand (new ones pass through reading); returns how many changed.

    The caller (the aggregation services) checks the actor's permission; `actor` may be None for a
    background task. Needs already aggregated are left as they are; a need matched, answered or
    closed cannot be aggregated, and then nothing is written.
    """
    with transaction.atomic():
        locked = NEED_WORKFLOW.lock_many(needs)
        refused = [
            need.pk for need in locked if need.status not in (NeedStatus.NEW, NeedStatus.READING, NeedStatus.AGGREGATED)
        ]
        if refused:
            raise ValidationError(
                _("These needs cannot be aggregated in their present status: %(ids)s."),
                code="invalid_transition",
                params={"ids": ", ".join(f"#{pk}" for pk in refused)},
            )
        return NEED_WORKFLOW.move_many(
            locked,
            steps={
                NeedStatus.NEW: [NeedStatus.READING, NeedStatus.AGGREGATED],
                NeedStatus.READING: [NeedStatus.AGGREGATED],
            },
            actor=actor,
            note=note,
        )


def release_needs(*, actor: Any, needs: Iterable[Need], note: str = "") -> int:
    """Send aggregated needs back to reading (a demand split, discarded or shrunk); returns how many changed.

    The caller checks the actor's permission. Needs that are no longer aggregated (matched, answered,
    closed meanwhile) are left as they are.
    """
    with transaction.atomic():
        return NEED_WORKFLOW.move_many(
            NEED_WORKFLOW.lock_many(needs), steps={NeedStatus.AGGREGATED: [NeedStatus.READING]}, actor=actor, note=note
        )


PUBLIC_REPORT_FIELDS = (
    "area",
    "target_group",
    "municipality",
    "neighbourhood",
    "description",
    "time_windows",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def report_need(*, network: Network, data: dict, user: Any = None) -> Need:
    """Record a need a citizen reports on the public form (online, expressed, new); anyone may, with a contact."""
    unknown = sorted(set(data) - set(PUBLIC_REPORT_FIELDS))
    if unknown:
        raise ValidationError({key: [_error(_("Unknown field."), "unknown")] for key in unknown})
    logged_in = _user(user) is not None
    values = dict(data)
    if not logged_in:
        errors: dict[str, list[ValidationError]] = {}
        if not str(values.get("contact_name") or "").strip():
            errors["contact_name"] = [_error(_("Tell us your name, so that we can answer you."), "required")]
        if not (str(values.get("contact_email") or "").strip() or str(values.get("contact_phone") or "").strip()):
            errors["contact_email"] = [
                _error(_("Leave an e-mail address or a phone number, so that we can answer you."), "contact_required")
            ]
        if errors:
            raise ValidationError(errors)
    else:
        values.update(
            {
                "contact_name": getattr(user, "full_name", "") or "",
                "contact_email": getattr(user, "email", "") or "",
            }
        )
    values.update({"channel": Channel.ONLINE, "expressed": True, "privacy_level": PrivacyLevel.NETWORK})
    area = _lookup(NeedArea, values.get("area"), network=network)
    if values.get("area") not in (None, "") and (area is None or not area.is_active):
        raise ValidationError({"area": [_error(_("Choose one of the subjects in the list."), "invalid_choice")]})
    return record_need(
        actor=user if logged_in else None,
        network=network,
        data=values,
        check_permission=False,
        note=str(_("Reported on the public form")),
    )
