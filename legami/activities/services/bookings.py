"""The bookings of an activity's space: each scheduled session to come books the shared space through the
exchange's booking services (one booking per session, linked from `Session.booking`), as the person who saves the
activity, for the organising organisation; the space's approval rule applies (a space that needs approval leaves
them requested, unless that person manages it).

- A session whose time is taken already (or outside the space's opening hours) stays without a booking: the
  activity is saved all the same, and its page lists these sessions with what is in the way
  (`selectors/bookings.py`). Saving the activity again tries them again.
- Cancelling a session or the activity cancels its bookings; restoring a session books it again.
- A new schedule, a session moved by hand, another space or another organiser: the bookings that no longer fit
  are cancelled and the sessions booked again. A session moved by hand to a time that is taken is refused (it
  keeps its time and its booking); a new title renames the bookings to come.
- A booking the space's managers refused or cancelled stays on its session as they left it (moving the session
  asks again). Past sessions are never booked.

Writes that book lock the spaces first (`hold_spaces`), before their first audit event: see the note of
`legami.exchange.services.bookings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from legami.activities.models import Activity, Session, SessionStatus
from legami.exchange.models import HOLDING_BOOKING_STATES, Booking, Space
from legami.exchange.selectors.spaces import opening_hours_text
from legami.exchange.services.bookings import (
    LeftOut,
    cancel_bookings,
    conflict_message,
    hold_space,
    rename_bookings,
    request_bookings,
)


def hold_spaces(*spaces: Space | None) -> None:
    """Lock the spaces a write will book or free (in key order, the same for everyone), before its first audit
    event."""
    for space in sorted({space for space in spaces if space is not None}, key=lambda space: space.pk):
        hold_space(space)


def _live(booking: Booking | None) -> bool:
    return booking is not None and booking.status in HOLDING_BOOKING_STATES


def _fits(session: Session, activity: Activity) -> bool:
    """True when the session's booking is of the activity's space, at the session's times, for its organiser."""
    booking = session.booking
    return (
        booking is not None
        and booking.space_id == activity.space_id
        and booking.organization_id == activity.organizer_id
        and (booking.starts_at, booking.ends_at) == (session.starts_at, session.ends_at)
    )


def release(*, actor: Any, sessions: Sequence[Session], note: str, unlink: bool) -> None:
    """Cancel the requested and confirmed bookings of `sessions` (their slots are free again); with `unlink`, the
    sessions no longer point at them (to be booked again)."""
    cancel_bookings(actor=actor, bookings=[s.booking for s in sessions if s.booking is not None and _live(s.booking)])
    if unlink:
        linked = [session for session in sessions if session.booking_id is not None]
        Session.objects.filter(pk__in=[session.pk for session in linked]).update(booking=None)
        for session in linked:
            session.booking = None


def book_sessions(*, actor: Any, activity: Activity, sessions: Sequence[Session]) -> dict[int, LeftOut]:
    """Book the activity's space for `sessions` (scheduled, without a booking): the past ones are skipped, the free
    ones booked and linked; returns the sessions left out (by primary key), with the reason."""
    space = activity.space
    now = timezone.now()
    wanted = [session for session in sessions if session.starts_at > now]
    if space is None or not space.is_active or not wanted:
        return {}
    data = {
        "title": activity.title,
        "people": min(activity.capacity, space.capacity),
        "organization": activity.organizer,
    }
    batch = request_bookings(actor=actor, space=space, data=data, moments=[(s.starts_at, s.ends_at) for s in wanted])
    booked = []
    for index, booking in batch.booked.items():
        wanted[index].booking = booking
        booked.append(wanted[index])
    Session.objects.bulk_update(booked, ["booking"], batch_size=500)
    return {wanted[index].pk: left for index, left in batch.left_out.items()}


def sync_bookings(*, actor: Any, activity: Activity, renamed: bool = False) -> None:
    """Make the activity's sessions to come hold its space as they should (inside the caller's transaction, which
    holds the spaces): free the bookings that no longer fit or whose session is cancelled, book the scheduled
    sessions without one, and with `renamed` give the bookings to come the activity's new title."""
    now = timezone.now()
    sessions = list(
        Session.objects.filter(activity=activity, starts_at__gt=now).select_related("booking").order_by("starts_at")
    )
    scheduled = [s for s in sessions if s.status == SessionStatus.SCHEDULED]
    misfits = [s for s in scheduled if s.booking is not None and not _fits(s, activity)]
    release(actor=actor, sessions=misfits, note=gettext("The activity's session changed."), unlink=True)
    cancelled = [s for s in sessions if s.status == SessionStatus.CANCELLED and _live(s.booking)]
    release(actor=actor, sessions=cancelled, note=gettext("The activity's session is cancelled."), unlink=False)
    if renamed:
        kept = [s.booking for s in scheduled if s.booking is not None and _live(s.booking)]
        rename_bookings(actor=actor, bookings=kept, title=activity.title)
    book_sessions(actor=actor, activity=activity, sessions=[s for s in scheduled if s.booking is None])


def cancel_session_booking(*, actor: Any, session: Session) -> None:
    """Free the space of a session that has just been cancelled (the session keeps its booking, cancelled)."""
    if session.booking_id is not None:
        booking = Booking.objects.get(pk=session.booking_id)
        session.booking = booking
        release(actor=actor, sessions=[session], note=gettext("The activity's session is cancelled."), unlink=False)


def rebook_session(*, actor: Any, session: Session, refuse_taken: bool) -> LeftOut | None:
    """Book the space again for a session just moved or restored (its old booking cancelled when it no longer
    fits); returns why it was left out, or, with `refuse_taken`, refuses a time taken or outside the opening hours
    (ValidationError on `start_time`)."""
    activity = session.activity
    if session.booking_id is not None:
        session.booking = Booking.objects.get(pk=session.booking_id)
        if _fits(session, activity) and _live(session.booking):
            return None
        release(actor=actor, sessions=[session], note=gettext("The activity's session changed."), unlink=True)
    left = book_sessions(actor=actor, activity=activity, sessions=[session]).get(session.pk)
    refused = left is not None and left.reason in ("slot_taken", "outside_opening_hours")
    if left is not None and refused and refuse_taken and activity.space is not None:
        raise ValidationError({"start_time": [ValidationError(_refusal(left, activity.space), code=left.reason)]})
    return left


def _refusal(left: LeftOut, space: Space) -> str:
    if left.booking is not None:
        return conflict_message(left.booking)
    if left.reason == "outside_opening_hours":
        return gettext("The space is open %(hours)s: choose a time within the opening hours.") % {
            "hours": opening_hours_text(space)
        }
    return gettext("Another session of the activity takes the space at this time.")
