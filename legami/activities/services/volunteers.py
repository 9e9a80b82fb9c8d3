"""Writes of volunteers' shifts: the organiser or an operator logs who helped at a session and for how long.

Crediting the hours to the time bank is not done here: the shift keeps `minutes` and `credited_at` for it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.activities.capabilities import MANAGE_ACTIVITIES
from legami.activities.models import Session, SessionStatus, VolunteerShift
from legami.activities.permissions import require_for
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.validation import max_length_of
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
