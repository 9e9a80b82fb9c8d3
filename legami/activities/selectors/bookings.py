"""Reads of the bookings of an activity's space: the sessions to come that hold no booking of it, and why, as the
viewer may know it (what is in the way reads as the space's calendar shows it to them: its purpose for who may
see the booking's details, else "taken" or a public event's title)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from legami.activities.models import Activity, Session, SessionStatus
from legami.exchange.selectors.spaces import holding_between, label_for, local_zone, open_between


@dataclass(frozen=True)
class Unbooked:
    """A scheduled session to come without a booking of the activity's space.

    `reason`: "slot_taken" (`label` names what is in the way when the viewer may know it, else ""),
    "outside_opening_hours", "space_inactive", or "free" (nothing is in the way any more: saving the activity
    books it).
    """

    session: Session
    reason: str
    label: str = ""


def unbooked_sessions(
    viewer: Any, activity: Activity, *, session: Session | None = None, now: datetime.datetime | None = None
) -> list[Unbooked]:
    """The activity's scheduled sessions to come (or only `session`) that hold no booking of its space, in order,
    each with why (two queries whatever their number)."""
    space = activity.space
    if space is None:
        return []
    moment = now or timezone.now()
    rows = Session.objects.filter(
        activity=activity, status=SessionStatus.SCHEDULED, starts_at__gt=moment, booking__isnull=True
    )
    if session is not None:
        rows = rows.filter(pk=session.pk)
    sessions = list(rows.order_by("starts_at", "pk"))
    if not sessions:
        return []
    if not space.is_active:
        return [Unbooked(row, "space_inactive") for row in sessions]
    first, last = sessions[0].starts_at, max(row.ends_at for row in sessions)
    held = list(holding_between(space, first, last).select_related("network", "space"))
    zone = local_zone()
    found = []
    for row in sessions:
        booking = next((b for b in held if b.starts_at < row.ends_at and b.ends_at > row.starts_at), None)
        start, end = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
        if booking is not None:
            found.append(Unbooked(row, "slot_taken", label_for(viewer, booking, "")))
        elif not open_between(space, start.weekday(), start.time(), end.time()):
            found.append(Unbooked(row, "outside_opening_hours"))
        else:
            found.append(Unbooked(row, "free"))
    return found
