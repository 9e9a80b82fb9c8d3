"""Writes of volunteers' shifts: the organiser or an operator logs who helped at a session and for how long.

An operator who runs the time bank credits a shift's minutes to the volunteer's hours account, from the network's
fund, once (`credit_shift`): the transfer is confirmed at once and linked to the shift.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.activities.capabilities import MANAGE_ACTIVITIES
from legami.activities.models import Session, SessionStatus, VolunteerShift
from legami.activities.permissions import require_for
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.exchange.capabilities import MANAGE_TIME_BANK
from legami.exchange.models import Transfer
from legami.exchange.services.timebank import account_for, fund_for, propose_transfer
from legami.network.models import Person

SHIFT_INPUTS = inputs.Rules(
    {
        "person": inputs.Lookup(
            Person,
            by=("pk", "tax_code"),
            required=True,
            messages={
                "required": _("Choose the volunteer."),
                "invalid_choice": _("Choose a person of the network's registry."),
            },
        ),
        "minutes": inputs.Integer(
            required=True,
            min_value=1,
            max_value=1440,
            messages={
                "required": _("Give the minutes of voluntary work."),
                "min_value": _("At least one minute."),
                "max_value": _("At most a day (1440 minutes)."),
            },
        ),
        "role": inputs.Text(max_length=max_length_of(VolunteerShift, "role")),
    }
)


@transaction.atomic
def log_shift(*, actor: Any, session: Session, data: dict[str, Any]) -> VolunteerShift:
    """Log a volunteer's minutes at a session that is not cancelled (once per person and session)."""
    require_for(actor, MANAGE_ACTIVITIES, session.activity)
    session = Session.objects.select_for_update(of=("self",)).select_related("activity", "network").get(pk=session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(gettext("The session has been cancelled."), code="cancelled")
    values = SHIFT_INPUTS.clean(data, network=session.network, actor=actor)
    if VolunteerShift.objects.filter(session=session, person=values["person"]).exists():
        raise ValidationError(
            {"person": [ValidationError(gettext("This volunteer's time at the session is already logged."), "logged")]}
        )
    shift = VolunteerShift.objects.create(
        network=session.network,
        session=session,
        logged_by=actor,
        role=values.get("role") or "",
        person=values["person"],
        minutes=values["minutes"],
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=shift,
        after=snapshot(shift, ("person", "minutes", "role")),
        data_class=DataClass.PERSONAL,
    )
    return shift


@transaction.atomic
def remove_shift(*, actor: Any, shift: VolunteerShift) -> None:
    """Remove a shift logged by mistake (not one already credited to the time bank)."""
    require_for(actor, MANAGE_ACTIVITIES, shift.session.activity)
    shift = VolunteerShift.objects.select_for_update().get(pk=shift.pk)
    if shift.credited_at is not None:
        raise ValidationError(gettext("These hours are in the time bank already."), code="credited")
    record_event(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=shift,
        before=snapshot(shift, ("person", "minutes", "role")),
        data_class=DataClass.PERSONAL,
    )
    shift.delete()


@transaction.atomic
def credit_shift(*, actor: Any, shift: VolunteerShift) -> Transfer:
    """Credit a held session's volunteer minutes to the volunteer's hours account, from the network's fund, once."""
    require(actor, MANAGE_TIME_BANK, shift.network)
    shift = (
        VolunteerShift.objects.select_for_update(of=("self",))
        .select_related("session__activity", "person", "network")
        .get(pk=shift.pk)
    )
    if shift.credited_at is not None:
        raise ValidationError(gettext("These hours are in the time bank already."), code="credited")
    session = shift.session
    if session.status == SessionStatus.CANCELLED or session.starts_at > timezone.now():
        raise ValidationError(gettext("Hours are credited once the session has taken place."), code="not_held")
    reason = gettext("Volunteering: %(activity)s, %(day)s") % {
        "activity": session.activity.title,
        "day": timezone.localtime(session.starts_at).strftime("%d/%m/%Y"),
    }
    limit = Transfer._meta.get_field("reason").max_length or len(reason)
    transfer = propose_transfer(
        actor=actor,
        network=shift.network,
        legs=[
            (fund_for(shift.network), -shift.minutes),
            (account_for(network=shift.network, person=shift.person), shift.minutes),
        ],
        reason=reason[:limit],
        confirm=True,
    )
    shift.credited_at = timezone.now()
    shift.transfer = transfer
    shift.save(update_fields=["credited_at", "transfer", "updated_at"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=shift,
        after={"credited": True, "transfer": transfer.pk, "minutes": shift.minutes},
        data_class=DataClass.PERSONAL,
    )
    return transfer
