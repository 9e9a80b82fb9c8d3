"""Writes of the co-production ledger: what partners and citizens contributed to a response (hours, spaces,
money, goods).

Partner staff record entries for their own organisation only; the operators who run responses record any
partner's entries and the citizens' ones (how many people, never who). An entry is removed by those who run
responses, or by whoever recorded it within a week.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import can, require
from legami.core.validation import max_length_of
from legami.network.models import Organization
from legami.network.selectors.organizations import organizations_staffed_by
from legami.responses.capabilities import MANAGE_RESPONSES, RECORD_COPRODUCTION
from legami.responses.models import (
    ContributorKind,
    CoProduction,
    CoProductionKind,
    Response,
    ResponsePartner,
    ResponseStatus,
)

ENTRY_FIELDS = ("contributor", "organization", "kind", "quantity", "people", "description", "on_date")
# How long whoever recorded an entry may still remove it.
UNDO_WINDOW = timedelta(days=7)
MAX_QUANTITY = Decimal("9999999999.99")


def _contributor_fits(ctx: inputs.Context) -> None:
    """A partner's entry names the organisation; a citizens' entry names none and says how many people gave."""
    contributor, organization = ctx.value("contributor"), ctx.value("organization")
    if not ctx.ok("contributor"):
        return
    if contributor == ContributorKind.PARTNER:
        if organization is None and ctx.ok("organization"):
            ctx.add_error("organization", gettext("Choose the partner that contributed."), "required")
    elif contributor == ContributorKind.CITIZENS:
        if organization is not None:
            ctx.add_error("organization", gettext("Citizens' contributions name no organisation."), "not_for_citizens")
        if ctx.ok("people") and not ctx.value("people"):
            ctx.add_error("people", gettext("Say how many people contributed."), "required")


def _partner_of_the_response(ctx: inputs.Context) -> None:
    """The organisation is a partner of the response; partner staff record for their own organisation only."""
    organization, response = ctx.value("organization"), ctx.extra.get("response")
    if organization is None or response is None:
        return
    if not ResponsePartner.objects.filter(response=response, organization=organization).exists():
        ctx.add_error("organization", gettext("This organisation is not a partner of the response."), "not_a_partner")
        return
    if not can(ctx.actor, MANAGE_RESPONSES, ctx.network):
        own = organizations_staffed_by(ctx.actor, ctx.network).filter(pk=organization.pk).exists()
        if not own:
            ctx.add_error(
                "organization", gettext("You can record contributions of your own organisation only."), "not_own"
            )


def _citizens_by_operators(ctx: inputs.Context) -> None:
    """Citizens' contributions are recorded by those who run responses."""
    if ctx.value("contributor") == ContributorKind.CITIZENS and not can(ctx.actor, MANAGE_RESPONSES, ctx.network):
        ctx.add_error(
            "contributor",
            gettext("Citizens' contributions are recorded by those who run the response."),
            "not_allowed",
        )


ENTRY_INPUTS = inputs.Rules(
    {
        "contributor": inputs.Choice(
            ContributorKind, required=True, messages={"required": _("Say who contributed: a partner or citizens.")}
        ),
        "organization": inputs.Lookup(
            Organization, messages={"invalid_choice": _("Choose an organisation of the network.")}
        ),
        "kind": inputs.Choice(CoProductionKind, required=True, messages={"required": _("Say what was contributed.")}),
        "quantity": inputs.Decimal(
            required=True,
            places=2,
            min_value=Decimal("0.01"),
            max_value=MAX_QUANTITY,
            messages={
                "required": _("Say how much was contributed."),
                "min_value": _("The quantity must be more than zero."),
            },
        ),
        "people": inputs.Integer(min_value=0, max_value=100_000, default=0),
        "description": inputs.Text(max_length=max_length_of(CoProduction, "description")),
        "on_date": inputs.Date(required=True, past=True, messages={"required": _("Give the day of the contribution.")}),
    },
    checks=(_contributor_fits, _citizens_by_operators, _partner_of_the_response),
)


@transaction.atomic
def record_entry(*, actor: Any, response: Response, data: dict[str, Any]) -> CoProduction:
    """Record what a partner or citizens contributed to a response: kind, quantity, day and description."""
    network = response.network
    require(actor, RECORD_COPRODUCTION, network)
    if response.status == ResponseStatus.CANCELLED:
        raise ValidationError(gettext("A cancelled response takes no more contributions."), code="cancelled")
    values = ENTRY_INPUTS.clean(data, network=network, actor=actor, extra={"response": response})
    if values.get("contributor") == ContributorKind.PARTNER:
        values["people"] = 0
    entry = CoProduction.objects.create(
        network=network,
        response=response,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        before=None,
        after=snapshot(entry, ENTRY_FIELDS),
    )
    return entry


def may_delete(actor: Any, entry: CoProduction, *, now: Any = None) -> bool:
    """Those who run responses may remove any entry; whoever recorded it, within a week."""
    if can(actor, MANAGE_RESPONSES, entry.network):
        return True
    now = now or timezone.now()
    return (
        entry.recorded_by_id is not None
        and entry.recorded_by_id == getattr(actor, "pk", None)
        and can(actor, RECORD_COPRODUCTION, entry.network)
        and now - entry.created_at <= UNDO_WINDOW
    )


@transaction.atomic
def delete_entry(*, actor: Any, entry: CoProduction) -> None:
    """Remove an entry of the ledger (those who run responses, or its recorder within a week)."""
    if not may_delete(actor, entry):
        raise PermissionDenied(MANAGE_RESPONSES)
    delete_and_record(actor=actor, obj=entry, network=entry.network, before=snapshot(entry, ENTRY_FIELDS))
