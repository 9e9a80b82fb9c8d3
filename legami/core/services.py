"""Writes of the shared kernel: the register of processings (legal bases) and people's consents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, Consent, DataClass, LegalBasis, Processing, SpecialCategoryCondition
from legami.core.permissions import require
from legami.core.validation import length_error

MANAGE_PROCESSINGS = "core.manage_processings"
CHANGE_PEOPLE = "network.change_people"

# Fields of a processing that update_processing may change. The code is how other modules find a
# processing (e.g. "newsletter"), so it is fixed once defined.
PROCESSING_FIELDS = ("name", "purpose", "legal_basis", "special_category_condition", "retention")


def _clean_processing(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, ValidationError] = {}
    for name in ("code", *PROCESSING_FIELDS):
        if name in values:
            values[name] = "" if values[name] is None else str(values[name]).strip()
    for name in ("code", "name", "purpose", "legal_basis"):
        if name in values and not values[name]:
            errors[name] = ValidationError(_("This field is required."), code="required")
    for name in ("code", "name", "retention"):
        if name in values and name not in errors and (error := length_error(Processing, name, values[name])):
            errors[name] = error
    if values.get("code") and "code" not in errors:
        try:
            validate_slug(values["code"])
        except ValidationError:
            errors["code"] = ValidationError(
                _("Use only lower-case letters, digits, hyphens and underscores."), code="invalid"
            )
        else:
            values["code"] = values["code"].lower()
    if values.get("legal_basis") and values["legal_basis"] not in LegalBasis.values:
        errors["legal_basis"] = ValidationError(_("Choose a legal basis from the list."), code="invalid_choice")
    if values.get("special_category_condition") and (
        values["special_category_condition"] not in SpecialCategoryCondition.values
    ):
        errors["special_category_condition"] = ValidationError(
            _("Choose a condition from the list."), code="invalid_choice"
        )
    if errors:
        raise ValidationError(errors)
    return values


def _duplicate_code_error() -> ValidationError:
    return ValidationError(
        {"code": ValidationError(_("The network already has a processing with this code."), code="duplicate")}
    )


def define_processing(
    *,
    actor: Any,
    network: Any,
    code: str,
    name: str,
    purpose: str,
    legal_basis: str,
    special_category_condition: str = "",
    retention: str = "",
) -> Processing:
    """Add a processing to the network's register, with its purpose and legal basis."""
    require(actor, MANAGE_PROCESSINGS, network)
    values = _clean_processing(
        {
            "code": code,
            "name": name,
            "purpose": purpose,
            "legal_basis": legal_basis,
            "special_category_condition": special_category_condition,
            "retention": retention,
        }
    )
    if Processing.objects.filter(network=network, code=values["code"]).exists():
        raise _duplicate_code_error()
    try:
        with transaction.atomic():
            processing = Processing.objects.create(network=network, **values)
            record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=processing, after=snapshot(processing))
    except IntegrityError as exc:
        raise _duplicate_code_error() from exc
    return processing


def update_processing(*, actor: Any, processing: Processing, data: dict) -> Processing:
    """Change the name, purpose, legal basis, Art. 9 condition or retention of a processing."""
    require(actor, MANAGE_PROCESSINGS, processing.network)
    unknown = sorted(set(data) - set(PROCESSING_FIELDS))
    if unknown:
        raise ValidationError(
            {key: ValidationError(_("This field cannot be changed."), code="unknown") for key in unknown}
        )
    values = _clean_processing(dict(data))
    with transaction.atomic():
        before = snapshot(processing)
        for key, value in values.items():
            setattr(processing, key, value)
        after = snapshot(processing)
        if after == before:
            return processing
        processing.save()
        record_event(actor=actor, action=AuditEvent.Action.UPDATE, obj=processing, before=before, after=after)
    return processing


def record_consent(*, actor: Any, person: Any, processing: Processing, given: bool, source: str = "") -> Consent:
    """Record that `person` gave (given=True) or refused/withdrew (given=False) consent to `processing`.

    Giving sets given_at and clears withdrawn_at; withdrawing sets withdrawn_at and keeps given_at, so the
    record shows when consent was last given and when it was withdrawn.
    """
    from legami.network.selectors.people import person_in_scope

    network = person.network
    require(actor, CHANGE_PEOPLE, network)
    if not person_in_scope(actor, person, CHANGE_PEOPLE):
        raise PermissionDenied(CHANGE_PEOPLE)
    errors: dict[str, ValidationError] = {}
    if not isinstance(processing, Processing) or processing.network_id != person.network_id:
        errors["processing"] = ValidationError(_("Choose a processing of this network."), code="invalid_choice")
    elif not processing.needs_consent:
        errors["processing"] = ValidationError(
            _("This processing does not rest on consent (its legal basis is: %(basis)s)."),
            code="not_consent_based",
            params={"basis": processing.get_legal_basis_display()},
        )
    if not isinstance(given, bool):
        errors["given"] = ValidationError(_("Say whether consent was given or withdrawn."), code="invalid")
    source = "" if source is None else str(source).strip()
    if error := length_error(Consent, "source", source):
        errors["source"] = error
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(person=person, processing=processing).first()
        before = snapshot(consent)
        if consent is None:
            consent = Consent(person=person, processing=processing)
        consent.given = given
        consent.source = source
        if given:
            consent.given_at = now
            consent.withdrawn_at = None
        else:
            consent.withdrawn_at = now
        consent.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
            obj=consent,
            network=network,
            object_repr=f"{person} — {processing}",
            before=before,
            after=snapshot(consent),
            data_class=DataClass.PERSONAL,
        )
    return consent
