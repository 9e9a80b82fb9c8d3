"""Writes of single sessions: moving one (another day or time) or cancelling it keeps the others as they are
(SESSION_WORKFLOW: scheduled → held by the roll call, scheduled → cancelled, cancelled → scheduled). The booking of
the activity's space follows the session (services/bookings.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.activities.capabilities import MANAGE_ACTIVITIES
from legami.activities.models import Activity, ActivityStatus, Session, SessionStatus
from legami.activities.permissions import require_for
from legami.activities.services.bookings import cancel_session_booking, hold_spaces, rebook_session
from legami.activities.services.common import rome_datetime
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.workflow import Refusal, Transition, Workflow

S = SessionStatus

SESSION_WORKFLOW = Workflow(
    name="session",
    model=Session,
    states=SessionStatus,
    capability=MANAGE_ACTIVITIES,
    refusal=Refusal(_("A session cannot go from “%(from)s” to “%(to)s”."), code="transition"),
    transitions=(
        Transition(S.SCHEDULED, S.HELD, name="hold", label=_("Mark as held")),
        Transition(S.SCHEDULED, S.CANCELLED, name="cancel", label=_("Cancel this session")),
        Transition(S.CANCELLED, S.SCHEDULED, name="restore", label=_("Restore this session")),
    ),
    audit_snapshot=lambda session: snapshot(session, ("status", "note")),
)


def _ends_after_start(ctx: inputs.Context) -> None:
    """The session ends after it starts."""
    start, end = ctx.value("start_time"), ctx.value("end_time")
    if ctx.ok("start_time", "end_time") and start and end and end <= start:
        ctx.add_error("end_time", gettext("The session ends before it starts."), "ends_before_start")


MOVE_INPUTS = inputs.Rules(
    {
        "day": inputs.Date(required=True, messages={"required": _("Give the day of the session.")}),
        "start_time": inputs.Time(required=True, messages={"required": _("Give the time the session starts.")}),
        "end_time": inputs.Time(required=True, messages={"required": _("Give the time the session ends.")}),
        "note": inputs.Text(max_length=300),
    },
    checks=(
        inputs.described(_ends_after_start, "end_time", "ends_before_start", _("The session ends after it starts.")),
    ),
)
CANCEL_INPUTS = inputs.Rules({"note": inputs.Text(max_length=300)})


def _open(session: Session) -> None:
    if session.activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(gettext("The activity has been cancelled."), code="activity_cancelled")


@transaction.atomic
def move_session(*, actor: Any, session: Session, data: dict[str, Any]) -> Session:
    """Move one scheduled session to another day or time; the other sessions stay as they are."""
    require_for(actor, MANAGE_ACTIVITIES, session.activity)
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("activity", "activity__space", "activity__organizer", "network")
        .get(pk=session.pk)
    )
    _open(session)
    if session.status != S.SCHEDULED:
        raise ValidationError(gettext("Only a scheduled session can be moved."), code="not_scheduled")
    values = MOVE_INPUTS.clean(data, network=session.network, actor=actor)
    hold_spaces(session.activity.space)  # before the first audit event (see services/bookings.py)
    day: datetime.date = values["day"]
    before = snapshot(session, ("starts_at", "ends_at", "note"))
    session.starts_at = rome_datetime(day, values["start_time"])
    session.ends_at = rome_datetime(day, values["end_time"])
    session.note = values.get("note") or ""
    session.edited = True
    session.save(update_fields=["starts_at", "ends_at", "note", "edited", "updated_at"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=session,
        before=before,
        after=snapshot(session, ("starts_at", "ends_at", "note")),
    )
    # The space at the new time, or the move is refused (a taken time keeps the session where it was).
    rebook_session(actor=actor, session=session, refuse_taken=True)
    return session


@transaction.atomic
def cancel_session(*, actor: Any, session: Session, note: str = "") -> Session:
    """Cancel one session (a holiday, a closure): its booking of the space is cancelled; the others stay as they
    are."""
    require_for(actor, MANAGE_ACTIVITIES, session.activity)
    values = CANCEL_INPUTS.clean({"note": note})
    session = SESSION_WORKFLOW.apply(
        session, S.CANCELLED, actor=actor, note=values["note"], changes={"note": values["note"], "edited": True}
    )
    cancel_session_booking(actor=actor, session=session)
    return session


@transaction.atomic
def restore_session(*, actor: Any, session: Session) -> Session:
    """Schedule a cancelled session again, booking the activity's space again when its time is free (the page
    says when it is not)."""
    require_for(actor, MANAGE_ACTIVITIES, session.activity)
    _open(session)
    hold_spaces(session.activity.space)  # before the first audit event (see services/bookings.py)
    session = SESSION_WORKFLOW.apply(session, S.SCHEDULED, actor=actor, changes={"note": ""})
    session.activity = Activity.objects.select_related("space", "organizer").get(pk=session.activity_id)
    rebook_session(actor=actor, session=session, refuse_taken=False)
    return session
