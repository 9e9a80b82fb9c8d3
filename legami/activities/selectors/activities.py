"""Reads of activities: who may see which, the managers' list with its figures, one activity's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from legami.activities.capabilities import MANAGE_ACTIVITIES, VIEW_ACTIVITIES
from legami.activities.models import Activity, ActivityStatus, Attendance, EnrollmentStatus, SessionStatus
from legami.activities.permissions import may, organizer_scope
from legami.core import smallnumbers
from legami.core.permissions import can
from legami.network.models import Network

PUBLISHED_STATES = (ActivityStatus.PUBLISHED, ActivityStatus.CLOSED, ActivityStatus.CANCELLED)


def _base(network: Network) -> QuerySet[Activity]:
    return Activity.objects.filter(network=network).select_related(
        "network", "place", "place__municipality", "organizer", "space"
    )


def sees_all(viewer: Any, network: Network) -> bool:
    """True when `viewer` sees every activity of the network, drafts and private ones included."""
    return can(viewer, VIEW_ACTIVITIES, network)


def get_activity_for(viewer: Any, network: Network, pk: int) -> Activity:
    """The activity, or 404: a published public one for everyone, the others for who sees or runs activities."""
    activity = _base(network).filter(pk=pk).first()
    if activity is None:
        raise Http404
    public = activity.is_public and activity.status in PUBLISHED_STATES
    if public or sees_all(viewer, network) or may(viewer, MANAGE_ACTIVITIES, activity, network):
        return activity
    raise Http404


def activities_for(viewer: Any, network: Network, *, status: str = "", kind: str = "") -> QuerySet[Activity]:
    """The network's activities for the managers' list, with the people enrolled and waiting counted."""
    activities = _base(network)
    if status in ActivityStatus.values:
        activities = activities.filter(status=status)
    if kind:
        activities = activities.filter(kind=kind)
    return activities.annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ENROLLED)),
        waiting=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)),
    ).order_by("title", "pk")


@dataclass(frozen=True)
class ActivityFigures:
    """An activity's figures; `hidden` names the ones under k the viewer may not see."""

    enrolled: int
    waiting: int
    sessions_held: int
    sessions_left: int
    marks: int
    present: int
    hidden: frozenset[str]

    @property
    def attendance_rate(self) -> int | None:
        """Per cent of the roll calls' marks that were "present" (None before any roll call)."""
        return round(100 * self.present / self.marks) if self.marks else None


def activity_figures(activity: Activity, viewer: Any) -> ActivityFigures:
    """Enrolled, waiting, sessions held and left, attendance: counts of people under k hidden from the
    roles that do not see small numbers (evaluators, funders, partner staff)."""
    counts = activity.enrollments.aggregate(
        enrolled=Count("pk", filter=Q(status=EnrollmentStatus.ENROLLED)),
        waiting=Count("pk", filter=Q(status=EnrollmentStatus.WAITLISTED)),
    )
    sessions = activity.sessions.aggregate(
        held=Count("pk", filter=Q(status=SessionStatus.HELD)),
        left=Count("pk", filter=Q(status=SessionStatus.SCHEDULED)),
    )
    marks = Attendance.objects.filter(session__activity=activity).aggregate(
        marks=Count("pk"), present=Count("pk", filter=Q(present=True))
    )
    limit = smallnumbers.limit_for(viewer, activity.network)
    hidden = {name for name in ("enrolled", "waiting") if smallnumbers.hidden(counts[name], limit)}
    if smallnumbers.hidden(marks["present"], limit) or smallnumbers.hidden(marks["marks"] - marks["present"], limit):
        hidden.add("attendance")
    # A rate over fewer than k people would tell who came: hidden with the count it divides.
    if "enrolled" in hidden:
        hidden.add("attendance")
    return ActivityFigures(
        enrolled=counts["enrolled"],
        waiting=counts["waiting"],
        sessions_held=sessions["held"],
        sessions_left=sessions["left"],
        marks=marks["marks"],
        present=marks["present"],
        hidden=frozenset(hidden),
    )


def visible_activities(viewer: Any, network: Network) -> QuerySet[Activity]:
    """The activities `viewer` may read: every one for who sees activities, else the published public ones and
    the drafts of the organisations they run activities for."""
    activities = activities_for(viewer, network)
    if sees_all(viewer, network):
        return activities
    public = Q(is_public=True, status__in=PUBLISHED_STATES)
    scope = organizer_scope(viewer, MANAGE_ACTIVITIES, network)
    if scope:
        public |= Q(organizer_id__in=scope)
    return activities.filter(public)
