"""Reads of the public calendar: the coming sessions of the published public activities, with the filters
(Comune, age, kind, day of the week), in a constant number of queries; and its iCalendar feed."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from legami.activities.models import ActivityKind, ActivityStatus, Session, SessionStatus, Weekday
from legami.core import inputs
from legami.network.models import Network
from legami.territory.models import Municipality

PRODID = "-//legami//activities//IT"
# The feed holds the coming sessions up to this far ahead (a calendar app reads it again every few hours).
FEED_HORIZON = datetime.timedelta(days=120)
FEED_LIMIT = 2000


@dataclass(frozen=True)
class CalendarFilters:
    """The calendar's filters, read from a query string; a value that is not valid is left out."""

    comune: int | None = None
    age: int | None = None
    kind: str = ""
    day: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> CalendarFilters:
        """The filters of `query` (request.GET): ids and numbers read strictly, the rest ignored."""
        age = inputs.parse_id(query.get("age", ""))
        day = inputs.parse_id(query.get("day", ""))
        kind = query.get("kind", "")
        return cls(
            comune=inputs.parse_id(query.get("comune", "")),
            age=age if age is not None and age <= 120 else None,
            kind=kind if kind in ActivityKind.values else "",
            day=day if day is not None and day in Weekday.values else None,
        )

    def query(self) -> dict[str, Any]:
        """The filters as a query string's values (for the feed's link and the pages)."""
        values = {"comune": self.comune, "age": self.age, "kind": self.kind, "day": self.day}
        return {name: value for name, value in values.items() if value not in (None, "")}


def calendar_sessions(
    network: Network, filters: CalendarFilters, *, now: datetime.datetime | None = None
) -> QuerySet[Session]:
    """The coming sessions (scheduled or cancelled) of the network's published public activities."""
    moment = now or timezone.now()
    sessions = Session.objects.filter(
        network=network,
        # A session lies within one day (a day, a start and an end time): this bound lets the (network, starts_at)
        # index skip the past sessions instead of reading them all to test their end.
        starts_at__gte=moment - datetime.timedelta(days=1),
        ends_at__gte=moment,
        status__in=(SessionStatus.SCHEDULED, SessionStatus.CANCELLED),
        activity__status=ActivityStatus.PUBLISHED,
        activity__is_public=True,
    )
    if filters.comune is not None:
        sessions = sessions.filter(activity__place__municipality_id=filters.comune)
    if filters.age is not None:
        sessions = sessions.filter(
            Q(activity__min_age__isnull=True) | Q(activity__min_age__lte=filters.age),
            Q(activity__max_age__isnull=True) | Q(activity__max_age__gte=filters.age),
        )
    if filters.kind:
        sessions = sessions.filter(activity__kind=filters.kind)
    if filters.day is not None:
        sessions = sessions.filter(weekday=filters.day)
    return sessions.select_related("activity", "activity__place", "activity__place__municipality").order_by(
        "starts_at", "pk"
    )


def _feed_window(network: Network, filters: CalendarFilters) -> QuerySet[Session]:
    """The calendar's sessions from the first coming one to FEED_HORIZON after it (the feed's span)."""
    sessions = calendar_sessions(network, filters)
    first = sessions.values_list("starts_at", flat=True).first()
    if first is not None:
        sessions = sessions.filter(starts_at__lte=first + FEED_HORIZON)
    return sessions


def feed_sessions(network: Network, filters: CalendarFilters) -> list[Session]:
    """The feed's sessions: those of its span, at most FEED_LIMIT."""
    return list(_feed_window(network, filters)[:FEED_LIMIT])


def feed_version(network: Network, filters: CalendarFilters, *, base: str = "") -> str:
    """A fingerprint of what the feed would hold now (its sessions with their times and status, and when each, its
    activity and its place last changed; the site's address `base` its links start with): the feed's ETag, so
    that a calendar asking again for an unchanged feed gets a 304 without the feed being written. Two narrow
    queries (the span's start, then the fingerprint's columns)."""
    sessions = _feed_window(network, filters)
    rows = sessions.values_list(
        "pk", "starts_at", "ends_at", "status", "updated_at", "activity__updated_at", "activity__place__updated_at"
    )[:FEED_LIMIT]
    digest = hashlib.sha256(f"{network.name}\n{base}".encode())
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()[:32]


def calendar_comuni(network: Network) -> list[Municipality]:
    """The Comuni that have a published public activity (the calendar's filter), by name."""
    return list(
        Municipality.objects.filter(
            places__activities__network=network,
            places__activities__status=ActivityStatus.PUBLISHED,
            places__activities__is_public=True,
        )
        .distinct()
        .order_by("name")
    )


def session_uid(session: Session) -> str:
    """The session's UID, the same in every feed: calendars update the event rather than add one."""
    return f"activity-session-{session.pk}@{session.network_id}.legami"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def sessions_calendar(sessions: Iterable[Session], *, name: str, link: Callable[[Session], str]) -> bytes:
    """The iCalendar text of `sessions`; `link(session)` gives the activity's absolute page address."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        activity = session.activity
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", _utc(session.updated_at))
        event.add("last-modified", _utc(session.updated_at))
        event.add("dtstart", _utc(session.starts_at))
        event.add("dtend", _utc(session.ends_at))
        event.add("summary", activity.title)
        if activity.description:
            event.add("description", activity.description)
        place = activity.place
        event.add("location", ", ".join(part for part in (place.name, place.address, place.municipality.name) if part))
        event.add("url", link(session))
        event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
