"""Participation: the meetings of processes and the caller's registration; the registrations (names), editing a
meeting, its roll call and its minutes for those who run processes (MANAGE_PROCESSES) only. See
legami/api/v1/participation.py for who reads what."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import refusals
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    MunicipalityRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.api.v1.participation import Moment
from legami.network.models import Network
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.capabilities import TAKE_PART
from legami.participation.selectors.meetings import (
    get_meeting_for,
    meeting_figures,
    meetings_for,
    places_left,
    registration_of,
    registrations_by_status,
    waiting_position,
)
from legami.participation.selectors.processes import (
    get_process_for,
)
from legami.participation.services.meetings import (
    CANCEL_NOTE,
    MEETING_INPUTS,
    MINUTES_INPUTS,
    ROLL_CALL_INPUTS,
    cancel_meeting,
    create_meeting,
    record_minutes,
    register,
    take_roll_call,
    unregister,
    update_meeting,
)

router = Router(tags=["participation"])

# --- meetings ------------------------------------------------------------------------------------------------

MeetingStatus = Literal["scheduled", "cancelled"]
RegistrationStatus = Literal["registered", "waiting", "cancelled"]


class PlaceOut(Schema):
    """A place of the network where a meeting is held."""

    id: int
    name: str
    address: str
    municipality: MunicipalityRef


class ProcessRef(Schema):
    """The process something belongs to, by id and title."""

    id: int
    title: str


class MyRegistrationOut(Schema):
    """The caller's own registration for a meeting."""

    status: RegistrationStatus
    waiting_position: int | None = Field(..., description="On the waiting list: 1 is next; else null.")


class MeetingOut(Schema):
    """A meeting of a process: when, where, how many places are left. Its page is public, as the process's."""

    id: int
    process: ProcessRef
    title: str
    agenda: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: PlaceOut | None
    online_url: str
    capacity: int | None = Field(..., description="Places; null: no limit.")
    places_left: int | None = Field(..., description="Places still free; null: no limit.")
    waiting_count: int = Field(..., description="How many people wait for a place.")
    registrations_open: bool
    status: MeetingStatus
    minutes: str = Field(..., description="What was said (public: it names no one).")
    outcomes: str

    @staticmethod
    def resolve_places_left(obj: Any) -> int | None:
        return places_left(obj, obj.registered_count)


class MeetingDetailOut(MeetingOut):
    """A meeting, with the caller's own registration."""

    my_registration: MyRegistrationOut | None = Field(
        ..., description="The caller's registration or place on the waiting list; null when none (or cancelled)."
    )

    @staticmethod
    def resolve_my_registration(obj: Any) -> dict[str, Any] | None:
        return obj.api_registration


class RegistrationOut(Schema):
    """A person's registration (personal data: for those who run processes)."""

    id: int
    name: str = Field(..., description="The participant's name.")
    status: RegistrationStatus
    waiting_position: int | None = Field(..., description="On the waiting list: 1 is next; else null.")
    attended: bool | None = Field(..., description="After the roll call: present or absent; null before it.")
    created_at: datetime.datetime = Field(..., description="When the place was taken (the waiting list's order).")


def _meeting_out(request: HttpRequest, network: Network, pk: int) -> Any:
    """The meeting as the caller may see it, read again, with the caller's own registration."""
    meeting = get_meeting_for(request.user, network, pk)
    registration = registration_of(meeting, request.user)
    if registration is None or registration.status == "cancelled":
        meeting.api_registration = None  # type: ignore[attr-defined]
    else:
        meeting.api_registration = {  # type: ignore[attr-defined]
            "status": registration.status,
            "waiting_position": waiting_position(meeting, registration),
        }
    return meeting


MEETING = declared(MEETING_INPUTS)
MEETING_RULES = MEETING.server_rules(MEETING.rules.fields)


class MeetingIn(Schema):
    """A new meeting of a process (not a closed one): in a place of the network, online, or both."""

    model_config = with_server_rules(MEETING_RULES)

    title: str = MEETING.field("title")
    agenda: str = MEETING.field("agenda")
    starts_at: Moment = MEETING.field("starts_at", description="ISO date and time; without an offset, Rome's.")
    ends_at: Moment = MEETING.field("ends_at", description="After `starts_at`.")
    place: int | None = MEETING.field("place", description="Id of one of the network's places.")
    online_url: str = MEETING.field("online_url", description="The link to take part online.")
    capacity: int | None = MEETING.field("capacity", description="Places; null: no limit.")
    registrations_open: bool = MEETING.field("registrations_open")


class MeetingPatch(Schema):
    """A partial change of a scheduled meeting: only the fields sent are changed (more places, or no limit, give
    them to the people waiting)."""

    model_config = with_server_rules(MEETING_RULES)

    # A default of None with a non-optional type: a field may be left out, but not set to null.
    title: str = MEETING.field("title", None)
    agenda: str = MEETING.field("agenda", None)
    starts_at: Moment = MEETING.field("starts_at", None, description="ISO date and time; without an offset, Rome's.")
    ends_at: Moment = MEETING.field("ends_at", None, description="After `starts_at`.")
    place: int | None = MEETING.field("place", None, description="Id of one of the network's places; null to clear.")
    online_url: str = MEETING.field("online_url", None, description="The link to take part online.")
    capacity: int | None = MEETING.field("capacity", None, description="Places; null: no limit.")
    registrations_open: bool = MEETING.field("registrations_open", None)


ROLL_CALL = declared(ROLL_CALL_INPUTS)


class AttendanceIn(Schema):
    """The roll call: which registrations were present (every other registered person is absent) and how many
    other people came. Taken again, it replaces the previous one."""

    model_config = with_server_rules(
        [
            *ROLL_CALL.server_rules(ROLL_CALL.rules.fields),
            {
                "field": "present",
                "code": "invalid",
                "rule": "Ids of this meeting's registrations with the status `registered` (meetings_registrations).",
            },
        ]
    )

    present: list[Id] = Field(
        default_factory=list,
        max_length=100_000,
        description="Ids of the registrations (not of the people) of those present.",
    )
    guests: int = ROLL_CALL.field("guests", description="Other people present, not registered (walk-ins).")


class FiguresOut(Schema):
    """The meeting's attendance in figures."""

    registered: int
    present: int
    absent: int
    guests: int = Field(..., description="Other people present, not registered.")
    new_faces: int = Field(..., description="People present whose first meeting in the network this is.")
    roll_call_taken: bool


class AttendanceOut(Schema):
    """The roll call as recorded: the figures and each registration, present (`attended`) or not."""

    figures: FiguresOut
    roll_call_at: datetime.datetime | None = Field(..., description="When the roll call was last taken.")
    registrations: list[RegistrationOut]


MINUTES = declared(MINUTES_INPUTS)


class MinutesIn(Schema):
    """The meeting's minutes and outcomes, both replaced (one left out becomes empty). They are public: write
    what was said and decided, never the names of the people present."""

    model_config = with_server_rules(MINUTES.server_rules(MINUTES.rules.fields))

    minutes: str = MINUTES.field("minutes", description="What was said (public: it names no one).")
    outcomes: str = MINUTES.field("outcomes", description="What was decided, the next steps.")


CANCEL = declared(CANCEL_NOTE)


class CancelIn(Schema):
    """Why the meeting is cancelled: the people registered read it in their e-mail."""

    model_config = with_server_rules(CANCEL.server_rules(CANCEL.rules.fields))

    note: str = CANCEL.field("note")


class MeetingFilters(Schema):
    status: MeetingStatus | None = None
    when: Literal["upcoming", "past"] | None = Field(
        None, description="`upcoming`: not yet over, soonest first; `past`: over, latest first; empty: all, by start."
    )


@router.get(
    "/{slug}/processes/{id}/meetings/",
    response={200: list[MeetingOut], **READ_ERRORS},
    operation_id="meetings_list",
    summary="The meetings of a process",
    auth=requires(TAKE_PART),
)
@paginate(PageNumberPagination)
def list_meetings(request: HttpRequest, slug: str, id: Id, filters: Query[MeetingFilters]):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    return meetings_for(process, status=filters.status or "", when=filters.when or "")


@router.post(
    "/{slug}/processes/{id}/meetings/",
    response={201: MeetingDetailOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="meetings_create",
    summary="Schedule a meeting of a process (409 when the process is closed)",
    auth=requires(MANAGE),
)
def create_meeting_of(request: HttpRequest, slug: str, id: Id, payload: MeetingIn):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    with refusals():
        meeting = create_meeting(actor=request.user, process=process, data=payload.dict())
    return Status(201, _meeting_out(request, network, meeting.pk))


@router.get(
    "/{slug}/meetings/{id}/",
    response={200: MeetingDetailOut, **READ_ERRORS},
    operation_id="meetings_get",
    summary="One meeting, with the caller's own registration",
    auth=requires(TAKE_PART),
)
def get_meeting(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return _meeting_out(request, network, id)


@router.patch(
    "/{slug}/meetings/{id}/",
    response={200: MeetingDetailOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="meetings_update",
    summary="Change some fields of a meeting (409 when it is cancelled)",
    auth=requires(MANAGE),
)
def update(request: HttpRequest, slug: str, id: Id, payload: MeetingPatch):
    network = scoped_network(request)
    meeting = get_meeting_for(request.user, network, id)
    with refusals():
        update_meeting(actor=request.user, meeting=meeting, data=payload.dict(exclude_unset=True))
    return _meeting_out(request, network, id)


@router.put(
    "/{slug}/meetings/{id}/minutes/",
    response={200: MeetingDetailOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="meetings_minutes",
    summary="Write the minutes and outcomes of a meeting (public; 409 when it is cancelled)",
    auth=requires(MANAGE),
)
def minutes(request: HttpRequest, slug: str, id: Id, payload: MinutesIn):
    network = scoped_network(request)
    meeting = get_meeting_for(request.user, network, id)
    with refusals():
        record_minutes(actor=request.user, meeting=meeting, data=payload.dict())
    return _meeting_out(request, network, id)


@router.put(
    "/{slug}/meetings/{id}/attendance/",
    response={200: AttendanceOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="meetings_attendance",
    summary="Take the roll call: who of the registered came, and how many others (409 when the meeting is cancelled "
    "or its day has not come)",
    auth=requires(MANAGE),
)
def attendance(request: HttpRequest, slug: str, id: Id, payload: AttendanceIn):
    network = scoped_network(request)
    meeting = get_meeting_for(request.user, network, id)
    with refusals():
        take_roll_call(actor=request.user, meeting=meeting, present=payload.present, guests=payload.guests)
    meeting = get_meeting_for(request.user, network, id)
    return {
        "figures": meeting_figures(meeting),
        "roll_call_at": meeting.roll_call_at,
        "registrations": _registrations(meeting),
    }


@router.post(
    "/{slug}/meetings/{id}/cancel/",
    response={200: MeetingDetailOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="meetings_cancel",
    summary="Cancel a meeting, saying why (the people registered are told by e-mail; 409 if already cancelled)",
    auth=requires(MANAGE),
)
def cancel(request: HttpRequest, slug: str, id: Id, payload: CancelIn):
    network = scoped_network(request)
    meeting = get_meeting_for(request.user, network, id)
    with refusals():
        cancel_meeting(actor=request.user, meeting=meeting, note=payload.note)
    return _meeting_out(request, network, id)


@router.put(
    "/{slug}/meetings/{id}/registration/",
    response={200: MyRegistrationOut, 409: ErrorOut, **READ_ERRORS},
    operation_id="meetings_register",
    summary="Register the caller: a place if one is free, else the waiting list (already registered: unchanged; "
    "409 when registering is not possible)",
    auth=requires(TAKE_PART),
)
def register_me(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    meeting = get_meeting_for(request.user, network, id)
    try:
        with refusals():
            register(actor=request.user, meeting=meeting)
    except HttpError:
        if not _registered(request, network, id):
            raise
    return _meeting_out(request, network, id).api_registration


def _registered(request: HttpRequest, network: Network, pk: int) -> bool:
    """Whether the caller holds a place or a spot on the waiting list (a second PUT changes nothing)."""
    return _meeting_out(request, network, pk).api_registration is not None


@router.delete(
    "/{slug}/meetings/{id}/registration/",
    response={204: None, 409: ErrorOut, **READ_ERRORS},
    operation_id="meetings_unregister",
    summary="Cancel the caller's registration or place on the waiting list (409 when there is none, or the meeting "
    "has started or is cancelled)",
    auth=requires(TAKE_PART),
)
def unregister_me(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    meeting = get_meeting_for(request.user, network, id)
    with refusals():
        unregister(actor=request.user, meeting=meeting)
    return Status(204, None)


@router.get(
    "/{slug}/meetings/{id}/registrations/",
    response={200: list[RegistrationOut], **READ_ERRORS},
    operation_id="meetings_registrations",
    summary="Who registered for a meeting: the registered and the waiting list in order, then the cancelled",
    auth=requires(MANAGE),
)
def registrations(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    meeting = get_meeting_for(request.user, network, id)
    return _registrations(meeting)


def _registrations(meeting: Any) -> list[dict[str, Any]]:
    """The meeting's registrations, the registered and the waiting list in order, then the cancelled."""
    return [
        {
            "id": row.registration.pk,
            "name": row.name,
            "status": row.registration.status,
            "waiting_position": row.position,
            "attended": row.registration.attended,
            "created_at": row.registration.created_at,
        }
        for rows in registrations_by_status(meeting).values()
        for row in rows
    ]
