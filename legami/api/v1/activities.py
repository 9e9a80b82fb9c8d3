"""Civic Center activities: the activities and their sessions (any member reads the published public ones; who
sees activities reads them all), recording and moving them (MANAGE_ACTIVITIES; partner staff: their own
organisation's), enrolments (names: VIEW_ENROLLMENTS), enrolling and withdrawing (the operators and organisers
anyone, a member their own household) and the roll call of a session."""

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.activities.capabilities import ENROLL_OWN, MANAGE_ACTIVITIES, VIEW_ENROLLMENTS
from legami.activities.models import Activity
from legami.activities.permissions import may
from legami.activities.selectors.activities import get_activity_for, sees_all, visible_activities
from legami.activities.selectors.bookings import unbooked_sessions
from legami.activities.selectors.enrollments import (
    enrollments_by_status,
    get_enrollment_for,
    get_session_for,
    require_enrollment_reader,
    roll_call_rows,
    sessions_of,
)
from legami.activities.services import activities as services
from legami.activities.services.attendance import take_roll_call
from legami.activities.services.enrollments import ENROLLMENT_INPUTS, enroll, free_places, may_enroll, withdraw
from legami.api.auth import requires
from legami.api.errors import refusals
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    MunicipalityRef,
    NamedRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network

router = Router(tags=["activities"])

Kind = Literal["after_school", "cultural", "aggregative", "sport", "mutual_help", "digital_help"]
ActivityStatus = Literal["draft", "published", "closed", "cancelled"]
SessionStatus = Literal["scheduled", "held", "cancelled"]
EnrollmentStatus = Literal["enrolled", "waitlisted", "withdrawn"]
Weekday = Annotated[int, Field(ge=0, le=6)]


class ActivityPlaceOut(Schema):
    id: int
    name: str
    address: str
    municipality: MunicipalityRef


class ActivityOut(Schema):
    """An activity: what, who organises it, where, for which ages, its weekly schedule and its places."""

    id: int
    title: str
    description: str
    kind: Kind
    status: ActivityStatus
    is_public: bool
    organizer: NamedRef
    place: ActivityPlaceOut
    space: NamedRef | None = Field(..., description="The shared space its sessions book; null: none.")
    min_age: int | None
    max_age: int | None
    capacity: int
    places_left: int = Field(..., description="Places not taken; 0: new enrolments go on the waiting list.")
    weekdays: list[int] = Field(..., description="Days of the week: 0 Monday … 6 Sunday.")
    start_time: datetime.time
    end_time: datetime.time
    first_day: datetime.date
    last_day: datetime.date

    @staticmethod
    def resolve_places_left(obj: Activity) -> int:
        return free_places(obj)

    @staticmethod
    def resolve_space(obj: Activity) -> dict[str, Any] | None:
        return {"id": obj.space.pk, "name": obj.space.name} if obj.space is not None else None


UnbookedReason = Literal["slot_taken", "outside_opening_hours", "space_inactive", "free"]


class UnbookedSessionOut(Schema):
    """A session to come that holds no booking of the activity's space, and why."""

    session: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: UnbookedReason = Field(
        ...,
        description="slot_taken: booked by someone else; outside_opening_hours; space_inactive: it takes no "
        "bookings; free: nothing is in the way any more (saving the activity books it).",
    )
    taken_by: str = Field(
        ..., description="What holds the space at that time, when the caller may read it (else empty)."
    )


class ActivityDetailOut(ActivityOut):
    """An activity, with the sessions to come that could not book its space."""

    unbooked_sessions: list[UnbookedSessionOut] = Field(
        ...,
        description="The sessions to come without a booking of the space, for who runs the activity or sees every "
        "activity (else empty; empty without a space).",
    )


ACTIVITY = declared(services.ACTIVITY_INPUTS)
ACTIVITY_RULES = ACTIVITY.server_rules(ACTIVITY.rules.fields)
WEEKDAYS = Field(..., min_length=1, max_length=7, description="Days of the week: 0 Monday … 6 Sunday.")


class ActivityIn(Schema):
    """A new activity (a draft); its sessions are made from the weekly schedule."""

    model_config = with_server_rules(ACTIVITY_RULES)

    title: str = ACTIVITY.field("title")
    description: str = ACTIVITY.field("description")
    kind: Kind = ACTIVITY.field("kind")
    organizer: int = ACTIVITY.field("organizer", description="Id of one of the network's organisations.")
    place: int = ACTIVITY.field("place", description="Id of one of the network's places.")
    space: int | None = ACTIVITY.field(
        "space",
        None,
        description="Id of a shared space of the place: each session to come books it (a time taken already is "
        "left without a booking and listed in `unbooked_sessions`).",
    )
    min_age: int | None = ACTIVITY.field("min_age")
    max_age: int | None = ACTIVITY.field("max_age")
    capacity: int = ACTIVITY.field("capacity")
    is_public: bool = ACTIVITY.field("is_public")
    demand: int | None = ACTIVITY.field("demand", description="Id of an aggregated demand it answers.")
    response: int | None = ACTIVITY.field("response", description="Id of the response it is part of.")
    weekdays: list[Weekday] = WEEKDAYS
    start_time: datetime.time = ACTIVITY.field("start_time")
    end_time: datetime.time = ACTIVITY.field("end_time", description="After `start_time`.")
    first_day: Day = ACTIVITY.field("first_day")
    last_day: Day = ACTIVITY.field("last_day", description="On or after `first_day`, at most 800 days later.")


class ActivityPatch(Schema):
    """A partial change: only the fields sent change; a new schedule keeps the sessions changed by hand."""

    model_config = with_server_rules(ACTIVITY_RULES)

    title: str = ACTIVITY.field("title", None)
    description: str = ACTIVITY.field("description", None)
    kind: Kind = ACTIVITY.field("kind", None)
    place: int = ACTIVITY.field("place", None)
    space: int | None = ACTIVITY.field("space", None, description="null: the activity books no space any more.")
    min_age: int | None = ACTIVITY.field("min_age", None)
    max_age: int | None = ACTIVITY.field("max_age", None)
    capacity: int = ACTIVITY.field("capacity", None)
    is_public: bool = ACTIVITY.field("is_public", None)
    weekdays: list[Weekday] = Field(None, min_length=1, max_length=7)
    start_time: datetime.time = ACTIVITY.field("start_time", None)
    end_time: datetime.time = ACTIVITY.field("end_time", None)
    first_day: Day = ACTIVITY.field("first_day", None)
    last_day: Day = ACTIVITY.field("last_day", None)


class ActivityNoteIn(Schema):
    """Why (required to cancel: the people enrolled read it)."""

    model_config = with_server_rules([{"field": "note", "code": "required", "rule": "Required to cancel an activity."}])

    note: str = Field("", max_length=300)


class SessionOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: SessionStatus
    note: str
    edited: bool = Field(..., description="Moved or cancelled by hand: a new schedule keeps it as it is.")
    space_booking: Literal["requested", "confirmed", "refused", "cancelled", "not_booked"] | None = Field(
        ...,
        description="The status of its booking of the activity's space; not_booked: a session to come the space "
        "could not take; null: no space, or a past session without a booking.",
    )

    @staticmethod
    def resolve_space_booking(obj: Any) -> str | None:
        if obj.booking_id is not None:
            return obj.booking.status
        if obj.activity.space_id and obj.status == "scheduled" and obj.starts_at > timezone.now():
            return "not_booked"
        return None


class EnrollmentOut(Schema):
    """An enrolment (personal data: for the operators and the activity's organisers, and the person's household)."""

    id: int
    person: int = Field(..., description="Id of the person in the registry.")
    name: str
    status: EnrollmentStatus
    waiting_position: int | None = Field(..., description="On the waiting list: 1 is next; else null.")

    @staticmethod
    def resolve_person(obj: Any) -> int:
        return obj.person_id

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_waiting_position(obj: Any) -> int | None:
        return getattr(obj, "rank", None)


ENROLLMENT = declared(ENROLLMENT_INPUTS)


class EnrollmentIn(Schema):
    """Enrol a person: a place if one is free, else the end of the waiting list."""

    model_config = with_server_rules(
        [
            *ENROLLMENT.server_rules(ENROLLMENT.rules.fields),
            {"field": "person", "code": "not_own", "rule": "A member enrols only themselves and their household."},
            {"field": "person", "code": "age", "rule": "The person's age is within the activity's ages."},
            {"field": "person", "code": "already_enrolled", "rule": "The person is not enrolled or waiting already."},
            {
                "field": "guardian_phone",
                "code": "guardian_required",
                "rule": "For a minor, a guardian's phone or e-mail (given, or on file in the household).",
            },
        ]
    )

    person: int = ENROLLMENT.field("person", description="Id of the person in the registry.")
    guardian_name: str = ENROLLMENT.field("guardian_name", max_length=200)
    guardian_email: str = ENROLLMENT.field("guardian_email", max_length=254)
    guardian_phone: str = ENROLLMENT.field("guardian_phone", max_length=30)
    consent: bool = ENROLLMENT.field("consent", description="Must be true: consent to the use of the data.")


class WithdrawIn(Schema):
    """Nothing to say: an empty object."""

    model_config = with_server_rules([])


class RollCallIn(Schema):
    """The roll call of a session: which enrolments were present (every other enrolled person is absent)."""

    model_config = with_server_rules(
        [{"field": "present", "code": "not_enrolled", "rule": "Ids of this activity's enrolments that are enrolled."}]
    )

    present: list[Id] = Field(default_factory=list, max_length=10_000)


class AttendanceRowOut(Schema):
    enrollment: int
    name: str
    present: bool | None = Field(..., description="null: not marked yet.")


def _activity(request: HttpRequest, pk: int) -> Activity:
    network = scoped_network(request)
    return get_activity_for(request.user, network, pk)


def _detail(request: HttpRequest, pk: int) -> Activity:
    """The activity with its sessions to come that could not book its space, for who runs or sees every activity
    (what is in the way as the caller may read it)."""
    activity = _activity(request, pk)
    network = activity.network
    follows = sees_all(request.user, network) or may(request.user, MANAGE_ACTIVITIES, activity, network)
    rows = unbooked_sessions(request.user, activity) if follows else []
    activity.unbooked_sessions = [  # type: ignore[attr-defined]
        {
            "session": row.session.pk,
            "starts_at": row.session.starts_at,
            "ends_at": row.session.ends_at,
            "reason": row.reason,
            "taken_by": row.label,
        }
        for row in rows
    ]
    return activity


@router.get(
    "/{slug}/activities/",
    response={200: list[ActivityOut], **READ_ERRORS},
    operation_id="activities_list",
    summary="The activities the caller may read, by title",
    auth=requires(ENROLL_OWN),
)
@paginate(PageNumberPagination)
def list_activities(request: HttpRequest, slug: str):
    return visible_activities(request.user, scoped_network(request))


@router.post(
    "/{slug}/activities/",
    response={201: ActivityDetailOut, **WRITE_ERRORS},
    operation_id="activities_create",
    summary="Record a draft activity with its weekly schedule (the sessions are made from it and book its space)",
    auth=requires(MANAGE_ACTIVITIES),
)
def create(request: HttpRequest, slug: str, payload: ActivityIn):
    network = scoped_network(request)
    with refusals():
        activity = services.create_activity(actor=request.user, network=network, data=payload.dict())
    return Status(201, _detail(request, activity.pk))


@router.get(
    "/{slug}/activities/{id}/",
    response={200: ActivityDetailOut, **READ_ERRORS},
    operation_id="activities_get",
    summary="One activity, with the sessions to come that could not book its space",
    auth=requires(ENROLL_OWN),
)
def get_activity(request: HttpRequest, slug: str, id: Id):
    return _detail(request, id)


@router.patch(
    "/{slug}/activities/{id}/",
    response={200: ActivityDetailOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_update",
    summary="Change some fields of an activity (409 when it is closed or cancelled); its bookings follow",
    auth=requires(MANAGE_ACTIVITIES),
)
def update(request: HttpRequest, slug: str, id: Id, payload: ActivityPatch):
    activity = _activity(request, id)
    with refusals():
        services.update_activity(actor=request.user, activity=activity, data=payload.dict(exclude_unset=True))
    return _detail(request, id)


def _move(request: HttpRequest, pk: int, service: Any, note: str) -> Activity:
    activity = _activity(request, pk)
    with refusals():
        service(actor=request.user, activity=activity, note=note)
    return _activity(request, pk)


@router.post(
    "/{slug}/activities/{id}/publish/",
    response={200: ActivityOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_publish",
    summary="Publish a draft activity (409 when it is not a draft or has no session)",
    auth=requires(MANAGE_ACTIVITIES),
)
def publish(request: HttpRequest, slug: str, id: Id, payload: ActivityNoteIn):
    return _move(request, id, services.publish_activity, payload.note)


@router.post(
    "/{slug}/activities/{id}/close/",
    response={200: ActivityOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_close",
    summary="Close a published activity (409 otherwise)",
    auth=requires(MANAGE_ACTIVITIES),
)
def close(request: HttpRequest, slug: str, id: Id, payload: ActivityNoteIn):
    return _move(request, id, services.close_activity, payload.note)


@router.post(
    "/{slug}/activities/{id}/reopen/",
    response={200: ActivityOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_reopen",
    summary="Publish a closed activity again (409 otherwise)",
    auth=requires(MANAGE_ACTIVITIES),
)
def reopen(request: HttpRequest, slug: str, id: Id, payload: ActivityNoteIn):
    return _move(request, id, services.reopen_activity, payload.note)


@router.post(
    "/{slug}/activities/{id}/cancel/",
    response={200: ActivityOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_cancel",
    summary="Cancel an activity, saying why: its coming sessions are cancelled, the people enrolled told by e-mail",
    auth=requires(MANAGE_ACTIVITIES),
)
def cancel(request: HttpRequest, slug: str, id: Id, payload: ActivityNoteIn):
    return _move(request, id, services.cancel_activity, payload.note)


@router.get(
    "/{slug}/activities/{id}/sessions/",
    response={200: list[SessionOut], **READ_ERRORS},
    operation_id="activities_sessions",
    summary="The sessions of an activity, in order",
    auth=requires(ENROLL_OWN),
)
@paginate(PageNumberPagination)
def sessions(request: HttpRequest, slug: str, id: Id):
    return sessions_of(_activity(request, id))


@router.get(
    "/{slug}/activities/{id}/enrollments/",
    response={200: list[EnrollmentOut], **READ_ERRORS},
    operation_id="activities_enrollments",
    summary="Who is enrolled, the waiting list in order, then the withdrawn",
    auth=requires(VIEW_ENROLLMENTS),
)
def enrollments(request: HttpRequest, slug: str, id: Id):
    activity = _activity(request, id)
    require_enrollment_reader(request.user, activity)
    return [row for rows in enrollments_by_status(activity, request.user).values() for row in rows]


@router.post(
    "/{slug}/activities/{id}/enrollments/",
    response={201: EnrollmentOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_enroll",
    summary="Enrol a person: a place if one is free, else the waiting list (409 when the activity is not open)",
    auth=requires(ENROLL_OWN),
)
def enroll_person(request: HttpRequest, slug: str, id: Id, payload: EnrollmentIn):
    activity = _activity(request, id)
    if not may_enroll(request.user, activity):
        raise PermissionDenied(ENROLL_OWN)
    with refusals():
        enrollment = enroll(actor=request.user, activity=activity, data=payload.dict())
    return Status(201, _enrollment_out(request, enrollment.pk))


def _enrollment_out(request: HttpRequest, pk: int) -> Any:
    enrollment = get_enrollment_for(request.user, scoped_network(request), pk)
    if enrollment.status == "waitlisted":
        ahead = enrollment.activity.enrollments.filter(status="waitlisted", position__lt=enrollment.position).count()
        enrollment.rank = ahead + 1  # type: ignore[attr-defined]
    return enrollment


@router.post(
    "/{slug}/enrollments/{id}/withdraw/",
    response={200: EnrollmentOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_withdraw",
    summary="Withdraw an enrolment: its place goes to the first person waiting (409 when already withdrawn)",
    auth=requires(ENROLL_OWN),
)
def withdraw_enrollment(request: HttpRequest, slug: str, id: Id, payload: WithdrawIn):
    enrollment = get_enrollment_for(request.user, scoped_network(request), id)
    if not may_enroll(request.user, enrollment.activity, enrollment.person):
        raise PermissionDenied(ENROLL_OWN)
    with refusals():
        withdraw(actor=request.user, enrollment=enrollment)
    return _enrollment_out(request, id)


@router.put(
    "/{slug}/sessions/{id}/attendance/",
    response={200: list[AttendanceRowOut], 409: ErrorOut, **WRITE_ERRORS},
    operation_id="activities_attendance",
    summary="Take the roll call of a session (409 when it is cancelled or its day has not come)",
    auth=requires(MANAGE_ACTIVITIES),
)
def attendance(request: HttpRequest, slug: str, id: Id, payload: RollCallIn):
    network = scoped_network(request)
    session = get_session_for(request.user, network, id)
    with refusals():
        take_roll_call(actor=request.user, session=session, present=payload.present)
    return [
        {"enrollment": row.enrollment.pk, "name": row.enrollment.person.full_name, "present": row.present}
        for row in roll_call_rows(session)
    ]
