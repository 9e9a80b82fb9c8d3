"""iCalendar (RFC 5545) feeds of meetings, written with the `icalendar` library: times in UTC, one stable UID per
meeting, the place's name and address (or the online link) as LOCATION, the meeting's page as URL; the library
escapes , ; \\ and new lines and folds lines at 75 octets."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from icalendar import Calendar, Event

from legami.participation.models import Meeting, MeetingStatus

PRODID = "-//legami//participation//IT"


def meeting_uid(meeting: Meeting) -> str:
    """The meeting's UID, the same in every feed and every download: calendars update the event rather than add one."""
    return f"meeting-{meeting.pk}@{meeting.network.slug}.legami"


def meeting_location(meeting: Meeting) -> str:
    """The place's name, address and Comune, or the online link."""
    if meeting.place is not None:
        parts = [meeting.place.name, meeting.place.address]
        if meeting.place.municipality_id:
            parts.append(meeting.place.municipality.name)
        return ", ".join(part for part in parts if part)
    return meeting.online_url


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def meetings_calendar(meetings: Iterable[Meeting], *, name: str, link: Callable[[Meeting], str]) -> bytes:
    """The iCalendar text of `meetings`; `link(meeting)` gives each meeting's absolute page address."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("dtstamp", _utc(meeting.updated_at))
        event.add("last-modified", _utc(meeting.updated_at))
        event.add("dtstart", _utc(meeting.starts_at))
        event.add("dtend", _utc(meeting.ends_at))
        event.add("summary", meeting.title)
        description = meeting.agenda
        if meeting.online_url and meeting.place is not None:
            description = "\n\n".join(filter(None, [description, meeting.online_url]))
        if description:
            event.add("description", description)
        location = meeting_location(meeting)
        if location:
            event.add("location", location)
        event.add("url", link(meeting))
        cancelled = meeting.status == MeetingStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
