"""Writes of the shared kernel: the register of processings (legal bases).

People's consents to them are recorded by the network app (`legami.network.services.consents`), which
knows whose data each operator may reach.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from legami.core.audit import change_and_record, record_event, snapshot
from legami.core.capabilities import MANAGE_PROCESSINGS
from legami.core.models import AuditEvent, LegalBasis, Processing, SpecialCategoryCondition
from legami.core.permissions import require
from legami.core.validation import length_error

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
        change_and_record(actor=actor, obj=processing, values=values)
    return processing
