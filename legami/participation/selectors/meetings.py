"""Reads of meetings: a process's meetings, one meeting for a viewer, its registrations and waiting list, and
the attendance figures (who came, how often, new faces) that impact reads.

Meetings of a published (or closed) process are public; a draft process's meetings are seen only by those who
run processes, as the process itself. Registrations name people: their names are for MANAGE_PROCESSES only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from legami.network.models import Network
from legami.participation.models import (
    Meeting,
    MeetingStatus,
    Process,
    ProcessStatus,
    Registration,
    RegistrationStatus,
)
from legami.participation.selectors.processes import sees_drafts

R = RegistrationStatus


def _with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=R.REGISTERED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=R.WAITING)),
    )


def meetings_of(process: Process) -> tuple[list[Meeting], list[Meeting]]:
    """The process's meetings as (upcoming, past): those not yet over, soonest first; the others, latest first.

    Cancelled meetings are in both lists, marked by their status; each meeting carries `registered_count`,
    `waiting_count` and `places_left` (None: no limit). One query.
    """
    now = timezone.now()
    meetings = list(
        _with_counts(Meeting.objects.filter(process=process))
        .select_related("place", "place__municipality")
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        meeting.places_left = places_left(meeting, meeting.registered_count)  # type: ignore[attr-defined]
    upcoming = [m for m in meetings if m.ends_at > now]
    past = [m for m in reversed(meetings) if m.ends_at <= now]
    return upcoming, past


def places_left(meeting: Meeting, registered: int) -> int | None:
    """How many places are still free (None: no limit)."""
    if meeting.capacity is None:
        return None
    return max(meeting.capacity - registered, 0)


def get_meeting_for(user: Any, network: Network, pk: int) -> Meeting:
    """One meeting `user` may see, with its process, place and counts (404 for a draft process's meeting to those
    who do not run processes, or another network's)."""
    meetings = Meeting.objects.filter(network=network)
    if not sees_drafts(user, network):
        meetings = meetings.exclude(process__status=ProcessStatus.DRAFT)
    meeting = (
        _with_counts(meetings)
        .select_related("network", "process", "place", "place__municipality")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    meeting.places_left = places_left(meeting, meeting.registered_count)  # type: ignore[attr-defined]
    return meeting


def registration_of(meeting: Meeting, user: Any) -> Registration | None:
    """The viewer's own registration for the meeting (any status), or None (anonymous included)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(meeting=meeting, user=user).first()


def waiting_position(meeting: Meeting, registration: Registration | None) -> int | None:
    """The place of `registration` on the meeting's waiting list (1 is next), or None when it is not waiting."""
    if registration is None or registration.status != R.WAITING:
        return None
    ahead = Registration.objects.filter(meeting=meeting, status=R.WAITING).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


@dataclass
class RegistrationRow:
    registration: Registration
    name: str
    position: int | None = None  # on the waiting list


def registrations_by_status(meeting: Meeting) -> dict[str, list[RegistrationRow]]:
    """The meeting's registrations by status for those who run it (names included): registered and waiting in
    the order they came (the waiting list numbered), then the cancelled ones. One query."""
    rows: dict[str, list[RegistrationRow]] = {R.REGISTERED: [], R.WAITING: [], R.CANCELLED: []}
    registrations = Registration.objects.filter(meeting=meeting).select_related("user").order_by("created_at", "pk")
    for registration in registrations:
        rows[registration.status].append(RegistrationRow(registration, registration.user.display_name))
    for position, row in enumerate(rows[R.WAITING], start=1):
        row.position = position
    return rows


@dataclass
class MeetingFigures:
    """Attendance at one meeting."""

    registered: int
    present: int
    absent: int
    guests: int
    new_faces: int
    roll_call_taken: bool

    @property
    def total_present(self) -> int:
        return self.present + self.guests


def _first_meetings(network_id: int, user_ids: set[int]) -> dict[int, int]:
    """Each user's first attended meeting in the network (by start, then id): {user id: meeting id}. One query."""
    if not user_ids:
        return {}
    first: dict[int, int] = {}
    rows = (
        Registration.objects.filter(meeting__network_id=network_id, attended=True, user_id__in=user_ids)
        .order_by("user_id", "meeting__starts_at", "meeting_id")
        .values_list("user_id", "meeting_id")
    )
    for user_id, meeting_id in rows:
        first.setdefault(user_id, meeting_id)
    return first


def meeting_figures(meeting: Meeting) -> MeetingFigures:
    """Registered, present, absent, other people present and new faces (people whose first attended meeting
    in the network is this one) at the meeting. Two queries."""
    rows = list(Registration.objects.filter(meeting=meeting, status=R.REGISTERED).values_list("user_id", "attended"))
    present = {user_id for user_id, attended in rows if attended}
    first = _first_meetings(meeting.network_id, present)
    return MeetingFigures(
        registered=len(rows),
        present=len(present),
        absent=sum(1 for _user, attended in rows if attended is False),
        guests=meeting.guests,
        new_faces=sum(1 for user_id in present if first.get(user_id) == meeting.pk),
        roll_call_taken=meeting.roll_call_at is not None,
    )


@dataclass
class ProcessAttendance:
    """Attendance across a process's meetings."""

    meetings: list[tuple[Meeting, MeetingFigures]] = field(default_factory=list)
    participants: int = 0  # distinct people present at least once
    frequency: list[tuple[int, int]] = field(default_factory=list)  # (meetings attended, people), fewest first
    new_faces: int = 0  # people whose first attended meeting in the network is one of this process's
    guests: int = 0


def process_attendance(process: Process) -> ProcessAttendance:
    """Who took part in the process's meetings and how often, and the new faces it brought. Three queries."""
    meetings = list(
        Meeting.objects.filter(process=process).exclude(status=MeetingStatus.CANCELLED).order_by("starts_at", "pk")
    )
    rows = list(
        Registration.objects.filter(meeting__process=process, status=R.REGISTERED)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values_list("meeting_id", "user_id", "attended")
    )
    present_users = {user_id for _meeting, user_id, attended in rows if attended}
    first = _first_meetings(process.network_id, present_users)
    by_meeting: dict[int, list[tuple[int, bool | None]]] = {m.pk: [] for m in meetings}
    times: Counter[int] = Counter()
    for meeting_id, user_id, attended in rows:
        by_meeting.setdefault(meeting_id, []).append((user_id, attended))
        if attended:
            times[user_id] += 1
    result = ProcessAttendance()
    for meeting in meetings:
        people = by_meeting.get(meeting.pk, [])
        present = {user_id for user_id, attended in people if attended}
        figures = MeetingFigures(
            registered=len(people),
            present=len(present),
            absent=sum(1 for _user, attended in people if attended is False),
            guests=meeting.guests,
            new_faces=sum(1 for user_id in present if first.get(user_id) == meeting.pk),
            roll_call_taken=meeting.roll_call_at is not None,
        )
        result.meetings.append((meeting, figures))
        result.new_faces += figures.new_faces
        result.guests += meeting.guests
    result.participants = len(times)
    result.frequency = sorted(Counter(times.values()).items())
    return result


def calendar_meetings(network: Network, *, process: Process | None = None) -> QuerySet[Meeting]:
    """The meetings of the network's public processes (published or closed) for the calendar feeds, scheduled and
    cancelled, with their place and process; of one process when given."""
    meetings = Meeting.objects.filter(network=network).exclude(process__status=ProcessStatus.DRAFT)
    if process is not None:
        meetings = meetings.filter(process=process)
    return meetings.select_related("process", "place", "place__municipality", "network").order_by("starts_at", "pk")
