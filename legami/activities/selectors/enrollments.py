"""Reads of enrolments, sessions and the roll call: personal data (children among them), read only by the
operators and the organisers of the activity (VIEW_ENROLLMENTS, narrowed for partner staff)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from legami.activities.capabilities import MANAGE_ACTIVITIES, VIEW_ENROLLMENTS
from legami.activities.models import Activity, Attendance, Enrollment, EnrollmentStatus, Session, VolunteerShift
from legami.activities.permissions import may
from legami.activities.services.enrollments import household_people
from legami.core.permissions import capability_grants
from legami.network.models import Network
from legami.network.selectors.people import scoped_municipality_ids

E = EnrollmentStatus


def require_enrollment_reader(viewer: Any, activity: Activity) -> None:
    """PermissionDenied unless `viewer` may read the activity's enrolments."""
    if not may(viewer, VIEW_ENROLLMENTS, activity):
        raise PermissionDenied(VIEW_ENROLLMENTS)


def district_reach(viewer: Any, network: Network) -> set[int] | None:
    """The Comuni whose people a district-limited reader of enrolments (a case manager of some districts) sees;
    None when the viewer's reading is not limited by district (network-wide, an organisation's, or none)."""
    held = capability_grants(viewer, VIEW_ENROLLMENTS, network)
    if not held or any(grant.district_id is None for grant in held):
        return None
    municipalities = scoped_municipality_ids(viewer, network, VIEW_ENROLLMENTS)
    return set() if municipalities is None else set(municipalities.values_list("municipality_id", flat=True))


def enrollments_by_status(activity: Activity, viewer: Any = None) -> dict[str, list[Enrollment]]:
    """The enrolled (by name), the waiting list (in order) and the withdrawn, with their people: one query (two for
    a district-limited viewer, who sees only the people of their districts, each with their rank among all)."""
    rows = Enrollment.objects.filter(activity=activity).select_related("person", "person__household")
    found: dict[str, list[Enrollment]] = {status: [] for status in E.values}
    for row in rows.order_by("position", "person__last_name", "person__first_name", "pk"):
        found[row.status].append(row)
    for number, row in enumerate(found[E.WAITLISTED], start=1):
        row.rank = number  # type: ignore[attr-defined]
    reach = district_reach(viewer, activity.network) if viewer is not None else None
    if reach is not None:
        found = {status: [r for r in rows if r.person.municipality_id in reach] for status, rows in found.items()}
    return found


def own_enrollments(viewer: Any, activity: Activity) -> list[Enrollment]:
    """The enrolments in `activity` of `viewer` and their household (for their page), with the rank if waiting."""
    people = [person.pk for person in household_people(viewer, activity.network)]
    if not people:
        return []
    rows = list(Enrollment.objects.filter(activity=activity, person_id__in=people).select_related("person"))
    for row in rows:
        if row.status == E.WAITLISTED:
            ahead = Enrollment.objects.filter(activity=activity, status=E.WAITLISTED, position__lt=row.position)
            row.rank = ahead.count() + 1  # type: ignore[attr-defined]
    return rows


def get_enrollment_for(viewer: Any, network: Network, pk: int) -> Enrollment:
    """The enrolment, or 404 (another network's, or not in the viewer's reach)."""
    enrollment = (
        Enrollment.objects.filter(network=network, pk=pk)
        .select_related("activity", "activity__network", "activity__place", "person")
        .first()
    )
    if enrollment is None:
        raise Http404
    reach = district_reach(viewer, network)
    if reach is not None and enrollment.person.municipality_id not in reach:
        raise Http404  # a person outside the viewer's districts: as if it did not exist
    return enrollment


def get_session_for(viewer: Any, network: Network, pk: int) -> Session:
    """A session of an activity the viewer runs, or 404 (403 for an activity of another organisation)."""
    session = (
        Session.objects.filter(network=network, pk=pk)
        .select_related(
            "activity",
            "activity__network",
            "activity__place",
            "activity__place__municipality",
            "activity__space",
            "activity__organizer",
            "booking",
        )
        .first()
    )
    if session is None:
        raise Http404
    if not may(viewer, MANAGE_ACTIVITIES, session.activity, network):
        raise PermissionDenied(MANAGE_ACTIVITIES)
    return session


def coming_sessions(activity: Activity, *, limit: int = 12) -> list[Session]:
    """The activity's next sessions (the ones not over yet), in order."""
    return list(
        activity.sessions.filter(ends_at__gte=timezone.now())
        .select_related("booking")
        .order_by("starts_at", "pk")[:limit]
    )


def sessions_of(activity: Activity) -> QuerySet[Session]:
    """Every session of the activity, in order (paged by the page)."""
    return activity.sessions.select_related("booking").order_by("starts_at", "pk")


@dataclass(frozen=True)
class RollCallRow:
    enrollment: Enrollment
    present: bool | None  # None: not marked yet


def roll_call_rows(session: Session) -> list[RollCallRow]:
    """The people enrolled, by name, each with their mark at the session: two queries whatever the size."""
    enrolled = list(
        Enrollment.objects.filter(activity_id=session.activity_id, status=E.ENROLLED)
        .select_related("person")
        .only("pk", "status", "person__first_name", "person__last_name", "person__birth_date")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    return [RollCallRow(row, marks.get(row.pk)) for row in enrolled]


def roll_call_row(session: Session, enrollment_id: int) -> RollCallRow | None:
    """One row of the roll call (the fragment a tap sends back)."""
    enrollment = (
        Enrollment.objects.filter(activity_id=session.activity_id, status=E.ENROLLED, pk=enrollment_id)
        .select_related("person")
        .first()
    )
    if enrollment is None:
        return None
    mark = Attendance.objects.filter(session=session, enrollment=enrollment).values_list("present", flat=True).first()
    return RollCallRow(enrollment, mark)


def shifts_of(session: Session) -> list[VolunteerShift]:
    """The volunteers' shifts logged at a session, with their people."""
    return list(session.shifts.select_related("person").order_by("person__last_name", "person__first_name", "pk"))


def get_shift_for(viewer: Any, network: Network, pk: Any) -> VolunteerShift:
    """A volunteer's shift at a session of an activity `viewer` may see; 404 otherwise."""
    shift = VolunteerShift.objects.filter(network=network, pk=pk).select_related("session__activity", "person").first()
    if shift is None:
        raise Http404
    get_session_for(viewer, network, shift.session_id)
    return shift
