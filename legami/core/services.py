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

from legami.core import inputs
from legami.core.audit import change_and_record, record_event, snapshot
from legami.core.capabilities import MANAGE_PROCESSINGS
from legami.core.models import AuditEvent, LegalBasis, Processing, SpecialCategoryCondition
from legami.core.permissions import require
from legami.core.validation import max_length_of


def _code_is_a_slug(ctx: inputs.Context) -> None:
    if ctx.ok("code") and ctx.value("code"):
        try:
            validate_slug(ctx.value("code"))
        except ValidationError:
            ctx.add_error("code", _("Use only lower-case letters, digits, hyphens and underscores."), "invalid")


_CODE_UNIQUE = inputs.unique(
    Processing, "code", message=_("The network already has a processing with this code."), code="duplicate"
)
PROCESSING_INPUTS = inputs.Rules(
    {
        "code": inputs.Text(required=True, lower=True, max_length=max_length_of(Processing, "code")),
        "name": inputs.Text(required=True, max_length=max_length_of(Processing, "name")),
        "purpose": inputs.Text(required=True),
        "legal_basis": inputs.Choice(
            LegalBasis, required=True, messages={"invalid_choice": _("Choose a legal basis from the list.")}
        ),
        "special_category_condition": inputs.Choice(
            SpecialCategoryCondition, messages={"invalid_choice": _("Choose a condition from the list.")}
        ),
        "retention": inputs.Text(max_length=max_length_of(Processing, "retention")),
        "retention_months": inputs.Integer(
            min_value=1,
            max_value=1200,
            messages={
                "invalid": _("Write the retention as a whole number of months, e.g. 60."),
                "min_value": _("The retention is at least one month; leave it empty if it is not set."),
                "max_value": _("The retention is at most 1200 months (100 years)."),
            },
        ),
    },
    checks=(_code_is_a_slug, _CODE_UNIQUE),
    messages={"unknown": _("This field cannot be changed.")},
)
# The code is how other modules find a processing (e.g. "newsletter"), so it is fixed once defined.
PROCESSING_UPDATE_INPUTS = PROCESSING_INPUTS.extend(drop=["code"], drop_checks=[_code_is_a_slug, _CODE_UNIQUE])
PROCESSING_FIELDS = tuple(PROCESSING_UPDATE_INPUTS.fields)


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
    retention_months: Any = None,
) -> Processing:
    """Add a processing to the network's register, with its purpose and legal basis."""
    require(actor, MANAGE_PROCESSINGS, network)
    values = PROCESSING_INPUTS.clean(
        {
            "code": code,
            "name": name,
            "purpose": purpose,
            "legal_basis": legal_basis,
            "special_category_condition": special_category_condition,
            "retention": retention,
            "retention_months": retention_months,
        },
        network=network,
    )
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
    values = PROCESSING_UPDATE_INPUTS.clean(data, network=processing.network, instance=processing)
    with transaction.atomic():
        change_and_record(actor=actor, obj=processing, values=values)
    return processing
