"""Writes on needs: record, edit, delete, and move them through their status workflow, always audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.languages import LanguagesField
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, require
from legami.core.validation import max_length_of
from legami.core.workflow import Refusal, Transition, Workflow
from legami.needs.capabilities import CHANGE_NEEDS, VIEW_CASE_NEEDS
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
from legami.territory.models import Municipality, Neighbourhood
from legami.territory.services.common import territory_municipality

DESCRIPTION_MAX_LENGTH = 4000
MAX_PEOPLE_COUNT = 10000
ITALY_LATITUDE, ITALY_LONGITUDE = inputs.ITALY_LATITUDE, inputs.ITALY_LONGITUDE


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


class TimeWindowsField(inputs.Field):
    """The days and hours a need applies to: text ("mar e gio 16-18"), TimeWindows or their JSON; stored as JSON."""

    default_messages = {"invalid": _("Enter the days and hours, for example: mar e gio 16-18.")}

    def clean(self, value: Any, ctx: inputs.Context) -> list[dict]:
        if value in (None, ""):
            return []
        try:
            if isinstance(value, str):
                return windows_to_json(parse_time_windows(value))
            items = list(value)
            if all(isinstance(item, TimeWindow) for item in items):
                return windows_to_json(items)
            return windows_to_json(windows_from_json(items))
        except TimeWindowError as exc:
            raise _error(str(exc), "invalid") from exc
        except (TypeError, ValueError, AttributeError):
            raise self.error("invalid") from None


def _neighbourhood_in_municipality(ctx: inputs.Context) -> None:
    """The neighbourhood is in the chosen Comune; a new Comune drops a neighbourhood of the old one."""
    if not ctx.ok("municipality"):
        return
    municipality = ctx.value("municipality")
    if ctx.given("neighbourhood") and ctx.values["neighbourhood"] is not None:
        if municipality is None or ctx.values["neighbourhood"].municipality_id != municipality.pk:
            ctx.add_error(
                "neighbourhood",
                _("This neighbourhood is not in the chosen Comune."),
                "neighbourhood_not_in_municipality",
            )
    elif "neighbourhood" not in ctx.values and ctx.instance is not None and ctx.given("municipality"):
        old = ctx.instance.neighbourhood
        if old is not None and old.municipality_id != municipality.pk:
            ctx.values["neighbourhood"] = None


def _observed_on(ctx: inputs.Context) -> None:
    """An empty date is today on a new need, and the date on file on an edited one."""
    if ctx.given("observed_on") and ctx.values["observed_on"] is None:
        ctx.values["observed_on"] = timezone.localdate() if ctx.instance is None else ctx.instance.observed_on


def _choice(choices: Any, message: Any, **kwargs: Any) -> inputs.Choice:
    kwargs.setdefault("given_empty_code", "invalid_choice")
    return inputs.Choice(choices, required=True, messages={"invalid_choice": message}, **kwargs)


def _lookup(model: Any, message: Any, **kwargs: Any) -> inputs.Lookup:
    return inputs.Lookup(model, messages={"invalid_choice": message}, **kwargs)


_PEOPLE_COUNT_MESSAGE = _("Enter a whole number between 1 and %(max)d.")
UNIQUE_EXTERNAL_ID = _("Another need of this network already has this identifier.")
OUT_OF_DISTRICT = _("Choose a Comune of your district: you can only record what is there.")
# Only a name can be ambiguous (a file may give the Comune by name).
_AMBIGUOUS_COMUNE = _("More than one Comune of the territory is called “%(value)s”: write its ISTAT code.")
# Checked once per file by the import, instead of once per row.
UNIQUE_EXTERNAL_ID_CHECK = inputs.unique(Need, "external_id", message=UNIQUE_EXTERNAL_ID)

# The inputs of a need (record, update, import, API): the Need fields a service sets.
NEED_RULES = inputs.Rules(
    {
        "area": inputs.Lookup(
            NeedArea,
            required=True,
            given_empty_code="invalid_choice",
            usable=lambda area: area.is_active,
            messages={
                "invalid_choice": _("Choose an area of this network."),
                "inactive": _("This area is no longer in use: choose another."),
            },
        ),
        "target_group": _choice(TargetGroup, _("Choose a valid target group.")),
        "description": inputs.Text(
            required=True, max_length=DESCRIPTION_MAX_LENGTH, messages={"blank": _("Describe the need.")}
        ),
        "urgency": _choice(Urgency, _("Choose a valid urgency."), default=Urgency.MEDIUM, empty_code="invalid_choice"),
        "expressed": inputs.Boolean(
            required=True,
            empty_code="invalid",
            default=True,
            true_words=("espresso", "expressed"),
            false_words=("rilevato", "detected"),
            messages={
                "invalid": _("Say whether the need was expressed by the people concerned or detected by others.")
            },
        ),
        "channel": _choice(Channel, _("Choose a valid channel.")),
        "privacy_level": _choice(
            PrivacyLevel,
            _("Choose a valid privacy level."),
            default=PrivacyLevel.NETWORK,
            empty_code="invalid_choice",
            # The words of the import file (with labels=True): the network's operators, or the case team.
            words={"rete": PrivacyLevel.NETWORK, "equipe": PrivacyLevel.CASE_TEAM, "team": PrivacyLevel.CASE_TEAM},
        ),
        "person": _lookup(Person, _("Choose a person of this network.")),
        "household": _lookup(Household, _("Choose a household of this network.")),
        "people_count": inputs.Integer(
            required=True,
            empty_code="invalid",
            default=1,
            min_value=1,
            max_value=MAX_PEOPLE_COUNT,
            range_code="invalid",
            params={"max": MAX_PEOPLE_COUNT},
            messages={"invalid": _PEOPLE_COUNT_MESSAGE},
        ),
        "municipality": territory_municipality(
            required=True,
            given_empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose a Comune of the network."), "ambiguous": _AMBIGUOUS_COMUNE},
        ),
        "neighbourhood": _lookup(Neighbourhood, _("Choose a neighbourhood of the network.")),
        "latitude": inputs.Coordinate(ITALY_LATITUDE),
        "longitude": inputs.Coordinate(ITALY_LONGITUDE),
        "time_windows": TimeWindowsField(),
        "languages": LanguagesField(),
        "step_free": inputs.Boolean(default=False, empty=False),
        "observed_on": inputs.Date(past=True),
        "contact_name": inputs.Text(max_length=max_length_of(Need, "contact_name")),
        "contact_email": inputs.Email(max_length=max_length_of(Need, "contact_email"), lower=True),
        "contact_phone": inputs.Phone(max_length=max_length_of(Need, "contact_phone")),
        "external_id": inputs.Text(max_length=max_length_of(Need, "external_id")),
        "survey_response": _lookup(
            SurveyResponse, _("Choose a survey response of this network."), scope="survey__network"
        ),
    },
    checks=(
        _neighbourhood_in_municipality,
        inputs.point(message=_("Give both latitude and longitude, or neither.")),
        _observed_on,
        UNIQUE_EXTERNAL_ID_CHECK,
    ),
)
# The keys `data` may hold.
NEED_FIELDS = tuple(NEED_RULES.fields)


def validate_need_data(*, network: Network, data: dict, partial: bool = False) -> dict:
    """Check `data` (Need field names) for `network` and return the cleaned values; ValidationError per field."""
    return NEED_RULES.clean(data, network=network, partial=partial)


def _require_reach(actor: Any, need: Need) -> None:
    """PermissionDenied unless `actor` may change `need` (capability, district and, for case data, the case team)."""
    require(actor, CHANGE_NEEDS, need.network)
    if not municipality_in_scope(actor, need.network, need.municipality_id, CHANGE_NEEDS):
        raise PermissionDenied(CHANGE_NEEDS)
    if need.is_case_data and not can(actor, VIEW_CASE_NEEDS, need.network):
        raise PermissionDenied(VIEW_CASE_NEEDS)


def _check_district(actor: Any, network: Network, municipality: Municipality) -> None:
    if not municipality_in_scope(actor, network, municipality, CHANGE_NEEDS):
        raise ValidationError({"municipality": [_error(OUT_OF_DISTRICT, "out_of_district")]})


def _save(need: Need) -> None:
    try:
        with transaction.atomic():
            need.save()
    except IntegrityError as exc:
        # Two imports of the same identifier at once: the unique index is the last word.
        raise ValidationError({"external_id": [_error(UNIQUE_EXTERNAL_ID, "unique")]}) from exc


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
        values = NEED_RULES.clean(data, network=need.network, instance=need)
        if "municipality" in values and need.municipality_id != values["municipality"].pk:
            _check_district(actor, need.network, values["municipality"])
        before = snapshot(need) or {}
        was_case = need.is_case_data
        for name, value in values.items():
            setattr(need, name, value)
        after = snapshot(need) or {}
        if after == before:
            return need
        # Encrypted fields (the description, the contacts) reach the trail as "[redacted: changed]", never in clear.
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


# What the public form checks itself, before the need's own rules: a subject in the list, a way to answer.
_SUBJECT = _("Choose one of the subjects in the list.")
REPORT_AREA_RULES = inputs.Rules(
    {
        "area": inputs.Lookup(
            NeedArea,
            usable=lambda area: area.is_active,
            inactive_code="invalid_choice",
            messages={"invalid_choice": _SUBJECT},
        )
    }
)
REPORT_RULES = REPORT_AREA_RULES.extend(
    {name: NEED_RULES[name] for name in ("contact_name", "contact_email", "contact_phone")},
    checks=(
        inputs.filled("contact_name", message=_("Tell us your name, so that we can answer you.")),
        inputs.one_of(
            "contact_email",
            "contact_phone",
            on="contact_email",
            message=_("Leave an e-mail address or a phone number, so that we can answer you."),
            code="contact_required",
        ),
    ),
)


def report_need(*, network: Network, data: dict, user: Any = None) -> Need:
    """Record a need a citizen reports on the public form (online, expressed, new); anyone may, with a contact."""
    inputs.refuse_unknown(data, PUBLIC_REPORT_FIELDS)
    logged_in = _user(user) is not None
    values = dict(data)
    if logged_in:
        # A logged-in citizen is reachable through their account.
        values.update(
            {"contact_name": getattr(user, "full_name", "") or "", "contact_email": getattr(user, "email", "") or ""}
        )
    checked = REPORT_AREA_RULES if logged_in else REPORT_RULES
    # The area found here goes on as an instance: record_need checks it without another query.
    values.update(checked.clean({k: v for k, v in values.items() if k in checked}, network=network, partial=True))
    values.update({"channel": Channel.ONLINE, "expressed": True, "privacy_level": PrivacyLevel.NETWORK})
    return record_need(
        actor=user if logged_in else None,
        network=network,
        data=values,
        check_permission=False,
        note=str(_("Reported on the public form")),
    )
