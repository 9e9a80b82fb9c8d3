"""The iCalendar (RFC 5545) feed of a space: confirmed bookings as anyone may see them ("taken", or a public
event's title), times in UTC, one stable UID per booking; never who booked, their contact or the purpose."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from icalendar import Calendar, Event

from legami.exchange.models import Booking, Space
from legami.exchange.selectors.spaces import public_label

PRODID = "-//legami//exchange//IT"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def space_calendar(space: Space, bookings: Iterable[Booking], *, taken: str) -> bytes:
    """The iCalendar text of a space's bookings."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", space.name)
    location = ", ".join(p for p in (space.name, space.place.name, space.place.address) if p)
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@{space.network.slug}.legami")
        event.add("dtstamp", _utc(booking.updated_at))
        event.add("dtstart", _utc(booking.starts_at))
        event.add("dtend", _utc(booking.ends_at))
        event.add("summary", public_label(booking, taken))
        event.add("location", location)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
