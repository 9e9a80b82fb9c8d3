"""Writes of the roll call: one person present or absent at a session (a tap on the phone), or the whole
list at once (the plain form). The first mark moves the session to "held"."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from legami.activities.capabilities import MANAGE_ACTIVITIES, VIEW_ENROLLMENTS
from legami.activities.models import Attendance, Enrollment, EnrollmentStatus, Session, SessionStatus
from legami.activities.permissions import require_for
from legami.activities.services.common import ROME
from legami.activities.services.sessions import SESSION_WORKFLOW
from legami.core import inputs
from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass


def roll_call_refusal(session: Session, *, today: datetime.date | None = None) -> ValidationError | None:
    """Why the roll call of `session` cannot be taken now (cancelled, or before its day), or None."""
    if session.status == SessionStatus.CANCELLED:
        return ValidationError(gettext("The session has been cancelled."), code="cancelled")
    day = today or timezone.localdate(timezone=ROME)
    if day < timezone.localtime(session.starts_at, ROME).date():
        return ValidationError(gettext("The roll call can be taken from the day of the session on."), code="too_early")
    return None


def _prepare(actor: Any, session: Session) -> Session:
    require_for(actor, MANAGE_ACTIVITIES, session.activity)
    require_for(actor, VIEW_ENROLLMENTS, session.activity)
    session = Session.objects.select_for_update(of=("self",)).select_related("activity", "network").get(pk=session.pk)
    refusal = roll_call_refusal(session)
    if refusal is not None:
        raise refusal
    return session


def _held(actor: Any, session: Session) -> None:
    if session.status == SessionStatus.SCHEDULED:
        SESSION_WORKFLOW.apply(session, SessionStatus.HELD, actor=actor, lock=False, check_capability=False)


def _enrolled(session: Session) -> dict[int, Enrollment]:
    rows = Enrollment.objects.filter(activity_id=session.activity_id, status=EnrollmentStatus.ENROLLED)
    return {row.pk: row for row in rows.order_by("pk")}


def _not_enrolled() -> ValidationError:
    return ValidationError(
        {"present": [ValidationError(gettext("Only the people enrolled can be marked."), "not_enrolled")]}
    )


@transaction.atomic
def mark_attendance(*, actor: Any, session: Session, enrollment: Any, present: Any) -> Attendance:
    """Mark one enrolled person present or absent at the session (a tap of the roll call)."""
    session = _prepare(actor, session)
    pk = inputs.parse_id(getattr(enrollment, "pk", enrollment))
    try:
        flag = inputs.parse_bool(present)
    except ValueError:
        flag = None
    if pk is None or pk not in _enrolled(session):
        raise _not_enrolled()
    if flag is None:
        raise ValidationError({"present": [ValidationError(gettext("Say present or absent."), "invalid")]})
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        enrollment_id=pk,
        defaults={"present": flag, "recorded_by": actor, "network_id": session.network_id},
    )
    _held(actor, session)
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=session,
        after={"enrollment": pk, "present": flag},
        data_class=DataClass.PERSONAL,
        note="roll call",
    )
    return attendance


@transaction.atomic
def take_roll_call(*, actor: Any, session: Session, present: Iterable[Any]) -> Session:
    """Record who of the people enrolled came (the others are absent), in one go."""
    session = _prepare(actor, session)
    enrolled = _enrolled(session)
    present_ids = set()
    for value in present:
        pk = inputs.parse_id(getattr(value, "pk", value))
        if pk is None or pk not in enrolled:
            raise _not_enrolled()
        present_ids.add(pk)
    existing = {a.enrollment_id: a for a in Attendance.objects.filter(session=session, enrollment_id__in=enrolled)}
    new, changed = [], []
    for pk in enrolled:
        flag = pk in present_ids
        row = existing.get(pk)
        if row is None:
            new.append(
                Attendance(
                    network_id=session.network_id, session=session, enrollment_id=pk, present=flag, recorded_by=actor
                )
            )
        elif row.present != flag:
            row.present, row.recorded_by = flag, actor
            changed.append(row)
    Attendance.objects.bulk_create(new)
    if changed:
        Attendance.objects.bulk_update(changed, ["present", "recorded_by"])
    _held(actor, session)
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=session,
        after={"present": len(present_ids), "enrolled": len(enrolled)},
        note="roll call",
    )
    return session
