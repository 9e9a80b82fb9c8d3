"""Participation: participatory processes and their phases, meetings with registrations, proposals with supports
and answers.

Reading asks for TAKE_PART (every role of the network): published and closed processes, their meetings and their
proposals are public pages on the site, but the API answers members only. Drafts (and their meetings and proposals)
exist only for those who run processes (MANAGE_PROCESSES), who also shape processes and meetings. Taking part
(registering, proposing, supporting, withdrawing one's own proposal) is TAKE_PART; answering is ANSWER_PROPOSALS.
The evidence a process started from follows the small-numbers rule exactly as its page does
(`selectors.processes.evidence_figures`); registrations name people and are for MANAGE_PROCESSES only.
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from legami.api.auth import requires
from legami.api.errors import BODY, conflict_errors, service_errors
from legami.api.references import municipality_by_istat_code
from legami.api.schemas import (
    ISTAT_CODE,
    READ_ERRORS,
    UNKNOWN_MUNICIPALITY,
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
from legami.core import smallnumbers
from legami.network.models import Network
from legami.participation.capabilities import ANSWER_PROPOSALS, TAKE_PART
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.models import Process
from legami.participation.selectors.meetings import (
    get_meeting_for,
    meetings_for,
    places_left,
    registration_of,
    registrations_by_status,
    waiting_position,
)
from legami.participation.selectors.processes import (
    evidence_figures,
    get_phase_for,
    get_process_for,
    open_phase,
    processes_for,
    today,
)
from legami.participation.selectors.proposals import (
    get_proposal_for,
    is_supported_by,
    moderates,
    proposals_for,
    public_name,
    random_seed,
)
from legami.participation.services.meetings import (
    CANCEL_NOTE,
    MEETING_INPUTS,
    cancel_meeting,
    create_meeting,
    register,
    unregister,
)
from legami.participation.services.processes import (
    PHASE_INPUTS,
    PROCESS_INPUTS,
    PROCESS_WORKFLOW,
    activate_phase,
    close_process,
    create_phase,
    create_process,
    delete_phase,
    publish_process,
    reopen_process,
    update_phase,
    update_process,
)
from legami.participation.services.proposals import (
    ANSWER_MAX_LENGTH,
    PROPOSAL_INPUTS,
    answer_proposal,
    create_proposal,
    withdraw_proposal,
)
from legami.participation.services.supports import support, unsupport

router = Router(tags=["participation"])

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
ProcessKind = Literal["community_lab", "co_programming", "co_design", "consultation"]
LifeContext = Literal["", "neighbourhood", "village", "workplace", "school", "other"]
ProcessStatus = Literal["draft", "published", "closed"]
IstatCode = Annotated[str, Field(pattern=ISTAT_CODE)]
NOTE_LENGTH = 500


# --- processes: what is returned -----------------------------------------------------------------------------


class PhaseRef(Schema):
    """A phase of the same process, by id and name."""

    id: int
    name: str


class PhaseOut(Schema):
    """A stretch of a process, and what it lets participants do while it is the current one."""

    id: int
    name: str
    description: str
    starts_on: datetime.date
    ends_on: datetime.date = Field(..., description="The last day of the phase (included).")
    position: int = Field(..., description="The order of the phases on the timeline.")
    proposals_open: bool = Field(..., description="While current and running, participants may propose.")
    supports_open: bool = Field(..., description="While current and running, participants may support proposals.")
    comments_open: bool = Field(..., description="While current and running, participants may comment.")


class ProcessSummaryOut(Schema):
    """A participatory process, as the list shows it."""

    id: int
    title: str
    kind: ProcessKind
    life_context: LifeContext
    summary: str
    status: ProcessStatus = Field(..., description="`draft` is seen only by those who run processes.")
    current_phase: PhaseRef | None
    municipalities: list[MunicipalityRef] = Field(..., description="The Comuni where it takes place.")
    neighbourhood: NamedRef | None
    support_limit: int = Field(..., description="How many proposals one person may support; 0: no limit.")
    published_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_municipalities(obj: Process) -> list[Any]:
        # .all() reads the prefetched rows.
        return list(obj.municipalities.all())


class ProcessListOut(ProcessSummaryOut):
    """A process in the list, with how many visible proposals and how many meetings it has."""

    proposals_total: int = Field(..., description="Its proposals that are not hidden by moderation.")
    meetings_total: int = Field(..., description="Its meetings, cancelled ones included.")


class EvidenceAreaOut(Schema):
    """An area of needs the evidence counts."""

    name: str
    needs: int | None = None


class EvidenceOut(Schema):
    """What the process started from (an aggregated demand), frozen when it was drafted: figures, never a person.

    A figure about fewer than k people (the small-numbers rule) is hidden from roles that do not see small
    numbers: then `small` is true and `people`, `needs`, `summary` and `areas` are left out, as on the page."""

    title: str
    summary: str = Field(..., description="Empty when the figures are hidden.")
    needs: int | None = Field(..., description="How many needs; null when hidden.")
    people: int | None = Field(..., description="How many people; null when hidden.")
    small: bool = Field(..., description="True: the figures concern fewer than k people and are hidden from you.")
    areas: list[EvidenceAreaOut]
    municipality: str
    target_group: str
    recorded_on: datetime.date | None = Field(..., description="When the evidence was taken; null when unknown.")
    demand: int | None = Field(..., description="The id of the aggregated demand it came from.")


class OpenForOut(Schema):
    """What the current phase lets participants do today (the process published, the phase running)."""

    proposals: bool
    supports: bool
    comments: bool


class ProcessOut(ProcessSummaryOut):
    """A participatory process with its phases, its evidence and what it is open for today."""

    description: str
    phases: list[PhaseOut] = Field(..., description="In the order of the timeline.")
    evidence: EvidenceOut | None = Field(..., description="Null when the process did not start from evidence.")
    open_for: OpenForOut
    transitions: list[Literal["publish", "close", "reopen"]] = Field(
        ..., description="The moves the caller may make now (empty for those who do not run processes)."
    )

    @staticmethod
    def resolve_phases(obj: Process) -> list[Any]:
        return list(obj.phases.all())

    @staticmethod
    def resolve_evidence(obj: Any) -> dict[str, Any] | None:
        return obj.api_evidence

    @staticmethod
    def resolve_open_for(obj: Process) -> dict[str, bool]:
        return {
            "proposals": open_phase(obj, "proposals_open") is not None,
            "supports": open_phase(obj, "supports_open") is not None,
            "comments": open_phase(obj, "comments_open") is not None,
        }

    @staticmethod
    def resolve_transitions(obj: Any) -> list[str]:
        return obj.api_transitions


def _process_out(request: HttpRequest, network: Network, pk: int) -> Process:
    """The process as the caller may see it, read again, with the evidence under the small-numbers rule."""
    user = request.user
    process = get_process_for(user, network, pk)
    limit = smallnumbers.limit_for(user, network)
    process.api_evidence = evidence_figures(process, limit=limit)  # type: ignore[attr-defined]
    process.api_transitions = [  # type: ignore[attr-defined]
        t.name for t in PROCESS_WORKFLOW.available(process, user, network=network)
    ]
    return process


# --- processes: what is sent ---------------------------------------------------------------------------------

PROCESS = declared(PROCESS_INPUTS)
PROCESS_RULES = PROCESS.server_rules(
    PROCESS.rules.fields,
    resolved=["municipalities"],
    more=[
        {**UNKNOWN_MUNICIPALITY, "field": "municipalities"},
        {"field": "municipalities", "code": "invalid_choice", "rule": "Comuni of the network's territory."},
        {"field": "neighbourhood", "code": "outside", "rule": "A neighbourhood in one of the process's Comuni."},
    ],
)


class ProcessIn(Schema):
    """A new process (a draft: add its phases, then publish it)."""

    model_config = with_server_rules(PROCESS_RULES)

    title: str = PROCESS.field("title")
    kind: ProcessKind
    life_context: LifeContext = PROCESS.field("life_context")
    summary: str = PROCESS.field("summary", description="What the process is for, in one sentence.")
    description: str = PROCESS.field("description")
    municipalities: list[IstatCode] = Field(
        default_factory=list, max_length=500, description="ISTAT codes of Comuni of the network's territory."
    )
    neighbourhood: int | None = PROCESS.field(
        "neighbourhood", description="Id of one of the network's neighbourhoods, in one of those Comuni."
    )
    support_limit: int = PROCESS.field("support_limit", description="Supports per person; 0: no limit.")


class ProcessPatch(Schema):
    """A partial change: only the fields sent are changed."""

    model_config = with_server_rules(PROCESS_RULES)

    # A default of None with a non-optional type: a field may be left out, but not set to null.
    title: str = PROCESS.field("title", None)
    kind: ProcessKind = None  # type: ignore[assignment]
    life_context: LifeContext = None  # type: ignore[assignment]
    summary: str = PROCESS.field("summary", None)
    description: str = PROCESS.field("description", None)
    municipalities: list[IstatCode] = Field(
        None,  # type: ignore[arg-type]
        max_length=500,
        description="ISTAT codes of Comuni of the network's territory (the whole list; [] for none).",
    )
    neighbourhood: int | None = PROCESS.field("neighbourhood", None, description="Neighbourhood id; null to clear.")
    support_limit: int = PROCESS.field("support_limit", None)


class NoteIn(Schema):
    """A move of a process, with an optional note for its history."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=NOTE_LENGTH, description="Why, in a few words.")


class CurrentPhaseIn(Schema):
    """Which phase becomes the current one."""

    model_config = with_server_rules([{"field": "phase", "code": "invalid_choice", "rule": "A phase of this process."}])

    phase: Id = Field(..., description="Id of one of the process's phases.")
    note: str = Field("", max_length=NOTE_LENGTH, description="Why, in a few words.")


PHASE = declared(PHASE_INPUTS)
PHASE_RULES = PHASE.server_rules(PHASE.rules.fields)


class PhaseIn(Schema):
    """A new phase of a process."""

    model_config = with_server_rules(PHASE_RULES)

    name: str = PHASE.field("name")
    description: str = PHASE.field("description")
    starts_on: Day = PHASE.field("starts_on")
    ends_on: Day = PHASE.field("ends_on", description="On or after `starts_on`.")
    position: int | None = PHASE.field("position", None, description="Its place on the timeline; empty: last.")
    proposals_open: bool = PHASE.field("proposals_open")
    supports_open: bool = PHASE.field("supports_open")
    comments_open: bool = PHASE.field("comments_open")


class PhasePatch(Schema):
    """A partial change: only the fields sent are changed."""

    model_config = with_server_rules(PHASE_RULES)

    name: str = PHASE.field("name", None)
    description: str = PHASE.field("description", None)
    starts_on: Day = PHASE.field("starts_on", None)
    ends_on: Day = PHASE.field("ends_on", None)
    position: int = PHASE.field("position", None)
    proposals_open: bool = PHASE.field("proposals_open", None)
    supports_open: bool = PHASE.field("supports_open", None)
    comments_open: bool = PHASE.field("comments_open", None)


class ProcessFilters(Schema):
    status: ProcessStatus | None = Field(None, description="Only processes in this status (`draft`: managers only).")
    kind: ProcessKind | None = None


def _process_data(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the service takes it: the Comuni as rows instead of their ISTAT codes."""
    data = dict(payload)
    if data.get("municipalities") is not None:
        data["municipalities"] = [
            municipality_by_istat_code(code, loc=(*BODY, "municipalities")) for code in data["municipalities"]
        ]
    elif "municipalities" in data:
        data["municipalities"] = []
    return data


# --- processes: the operations -------------------------------------------------------------------------------


@router.get(
    "/{slug}/processes/",
    response={200: list[ProcessListOut], **READ_ERRORS},
    operation_id="processes_list",
    summary="The network's participatory processes, latest published first (drafts only for those who run them)",
    auth=requires(TAKE_PART),
)
@paginate(PageNumberPagination)
def list_processes(request: HttpRequest, slug: str, filters: Query[ProcessFilters]):
    network = scoped_network(request)
    return processes_for(request.user, network, status=filters.status or "", kind=filters.kind or "")


@router.post(
    "/{slug}/processes/",
    response={201: ProcessOut, **WRITE_ERRORS},
    operation_id="processes_create",
    summary="Draft a participatory process",
    auth=requires(MANAGE),
)
def create(request: HttpRequest, slug: str, payload: ProcessIn):
    network = scoped_network(request)
    data = _process_data(payload.dict())
    with service_errors():
        process = create_process(actor=request.user, network=network, data=data)
    return Status(201, _process_out(request, network, process.pk))


@router.get(
    "/{slug}/processes/{id}/",
    response={200: ProcessOut, **READ_ERRORS},
    operation_id="processes_get",
    summary="One process: its phases, the current one, its evidence and what it is open for today",
    auth=requires(TAKE_PART),
)
def get(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return _process_out(request, network, id)


@router.patch(
    "/{slug}/processes/{id}/",
    response={200: ProcessOut, **WRITE_ERRORS},
    operation_id="processes_update",
    summary="Change some fields of a process",
    auth=requires(MANAGE),
)
def update(request: HttpRequest, slug: str, id: Id, payload: ProcessPatch):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    data = _process_data(payload.dict(exclude_unset=True))
    with service_errors():
        update_process(actor=request.user, process=process, data=data)
    return _process_out(request, network, id)


def _move(request: HttpRequest, id: int, payload: NoteIn, service: Any) -> Process:
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    with conflict_errors():
        service(actor=request.user, process=process, note=payload.note)
    return _process_out(request, network, id)


@router.post(
    "/{slug}/processes/{id}/publish/",
    response={200: ProcessOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="processes_publish",
    summary="Publish a draft process (409 unless it is a draft with at least one phase)",
    auth=requires(MANAGE),
)
def publish(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    return _move(request, id, payload, publish_process)


@router.post(
    "/{slug}/processes/{id}/close/",
    response={200: ProcessOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="processes_close",
    summary="Close a published process (409 unless it is published)",
    auth=requires(MANAGE),
)
def close(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    return _move(request, id, payload, close_process)


@router.post(
    "/{slug}/processes/{id}/reopen/",
    response={200: ProcessOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="processes_reopen",
    summary="Reopen a closed process (409 unless it is closed)",
    auth=requires(MANAGE),
)
def reopen(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    return _move(request, id, payload, reopen_process)


@router.post(
    "/{slug}/processes/{id}/current-phase/",
    response={200: ProcessOut, **WRITE_ERRORS},
    operation_id="processes_set_current_phase",
    summary="Make one of the process's phases the current one",
    auth=requires(MANAGE),
)
def set_current_phase(request: HttpRequest, slug: str, id: Id, payload: CurrentPhaseIn):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    with service_errors():
        activate_phase(actor=request.user, process=process, phase=payload.phase, note=payload.note)
    return _process_out(request, network, id)


# --- phases --------------------------------------------------------------------------------------------------


@router.post(
    "/{slug}/processes/{id}/phases/",
    response={201: PhaseOut, **WRITE_ERRORS},
    operation_id="phases_create",
    summary="Add a phase to a process",
    auth=requires(MANAGE),
)
def create_phase_of(request: HttpRequest, slug: str, id: Id, payload: PhaseIn):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    data = payload.dict()
    if data["position"] is None:
        del data["position"]  # the service puts it last
    with service_errors():
        phase = create_phase(actor=request.user, process=process, data=data)
    return Status(201, phase)


@router.patch(
    "/{slug}/phases/{id}/",
    response={200: PhaseOut, **WRITE_ERRORS},
    operation_id="phases_update",
    summary="Change some fields of a phase",
    auth=requires(MANAGE),
)
def update_phase_of(request: HttpRequest, slug: str, id: Id, payload: PhasePatch):
    network = scoped_network(request)
    phase = get_phase_for(request.user, network, id)
    with service_errors():
        return update_phase(actor=request.user, phase=phase, data=payload.dict(exclude_unset=True))


@router.delete(
    "/{slug}/phases/{id}/",
    response={204: None, 409: ErrorOut, **READ_ERRORS},
    operation_id="phases_delete",
    summary="Remove a phase (409 for the current phase, or the last one, of a published process)",
    auth=requires(MANAGE),
)
def delete_phase_of(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    phase = get_phase_for(request.user, network, id)
    with conflict_errors():
        delete_phase(actor=request.user, phase=phase)
    return Status(204, None)


# --- refusals ------------------------------------------------------------------------------------------------


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal: about input fields (a ValidationError naming fields) a 422 as `service_errors` gives;
    about the state of things (the process closed, the phase not open, already done) a 409."""
    try:
        with service_errors():
            yield
    except NinjaValidationError as exc:
        cause = exc.__cause__
        if isinstance(cause, DjangoValidationError) and not hasattr(cause, "error_dict"):
            raise HttpError(409, " ".join(str(m) for m in cause.messages)) from cause
        raise


def _iso_moment(value: Any) -> Any:
    """Only the ISO text of a moment (2026-12-31T18:30, with seconds and an offset optional): pydantic alone would
    also read a number as a Unix time, or a day alone as its midnight."""
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
        return value
    raise ValueError("Input should be a valid date and time, written YYYY-MM-DDTHH:MM (seconds and offset optional)")


def _in_range(value: datetime.datetime) -> datetime.datetime:
    if not (MOMENT_YEARS[0] <= value.year <= MOMENT_YEARS[1]):
        raise ValueError(f"Input should be a moment between the years {MOMENT_YEARS[0]} and {MOMENT_YEARS[1]}")
    return value


ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
MOMENT_YEARS = (2000, 2100)
# A moment the caller sends: ISO text; without an offset it is read on the clocks of Rome.
Moment = Annotated[datetime.datetime, BeforeValidator(_iso_moment), AfterValidator(_in_range)]


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


# --- proposals -----------------------------------------------------------------------------------------------

ProposalStatus = Literal["published", "evaluating", "accepted", "rejected", "withdrawn"]
ProposalSort = Literal["newest", "most_supported", "most_commented", "random"]


class ProposalOut(Schema):
    """A proposal: public, under its author's name. A proposal hidden by the moderators keeps its place, but its
    title and text are left out (null) for everyone but the moderators; its reason is shown instead."""

    id: int
    process: ProcessRef
    phase: PhaseRef | None = Field(..., description="The phase it was made in.")
    title: str | None = Field(..., description="Null when hidden (moderators read it).")
    body: str | None = Field(..., description="Null when hidden (moderators read it).")
    author: str = Field(..., description="The author's public name.")
    organization: NamedRef | None = Field(..., description="The organisation it is made on behalf of.")
    area: NamedRef | None
    status: ProposalStatus
    answer: str = Field(..., description="The partnership's answer ('' until there is one).")
    answered_at: datetime.datetime | None
    hidden: bool = Field(..., description="Hidden by the moderators.")
    hidden_reason: str = Field(..., description="Why it was hidden ('' when it is not).")
    support_count: int
    comment_count: int
    supported: bool = Field(..., description="Whether the caller supports it.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_process(obj: Any) -> dict[str, Any]:
        return {"id": obj.process_id, "title": obj.process.title}

    @staticmethod
    def resolve_title(obj: Any) -> str | None:
        return obj.title if obj.api_readable else None

    @staticmethod
    def resolve_body(obj: Any) -> str | None:
        return obj.body if obj.api_readable else None

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return public_name(obj.author)

    @staticmethod
    def resolve_hidden(obj: Any) -> bool:
        return obj.hidden_at is not None

    @staticmethod
    def resolve_hidden_reason(obj: Any) -> str:
        return obj.hidden_reason if obj.hidden_at is not None else ""


class ProposalPage(PageNumberPagination):
    """A page of proposals: each marks whether the moderators hid it and the caller may still read it."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        readable = moderates(request.user, scoped_network(request))
        rows = list(page["items"])
        for proposal in rows:
            proposal.api_readable = readable or proposal.hidden_at is None
        return {**page, "items": rows}


def _proposal_out(request: HttpRequest, network: Network, pk: int) -> Any:
    """The proposal as the caller may see it, read again: whether they support it, whether they may read it."""
    proposal = get_proposal_for(request.user, network, pk)
    proposal.supported = is_supported_by(request.user, proposal)  # type: ignore[attr-defined]
    proposal.api_readable = proposal.hidden_at is None or moderates(request.user, network)  # type: ignore[attr-defined]
    return proposal


PROPOSAL = declared(PROPOSAL_INPUTS)
PROPOSAL_RULES = PROPOSAL.server_rules(PROPOSAL.rules.fields)


class ProposalIn(Schema):
    """A new proposal, while the current phase of the process takes proposals (else 409): public, under the
    caller's name."""

    model_config = with_server_rules(PROPOSAL_RULES)

    title: str = PROPOSAL.field("title")
    body: str = PROPOSAL.field("body", description="What, for whom, where, with whom. No one else's personal data.")
    area: int | None = PROPOSAL.field("area", description="Id of one of the network's need areas in use.")
    organization: int | None = PROPOSAL.field(
        "organization", description="Id of an organisation the caller works for, to propose on its behalf."
    )


class AnswerIn(Schema):
    """The partnership's answer: under evaluation, accepted or not accepted (these two need the text)."""

    model_config = with_server_rules(
        [
            {"field": "answer", "code": "required", "rule": "Accepting or not accepting needs the answer's text."},
        ]
    )

    status: Literal["evaluating", "accepted", "rejected"]
    answer: str = Field("", max_length=ANSWER_MAX_LENGTH, description="Why, and what happens next.")


class ProposalFilters(Schema):
    search: str = Field("", max_length=200, description="Words in the title or the text.")
    area: Id | None = Field(None, description="Only proposals of this need area (id).")
    status: ProposalStatus | None = None
    sort: ProposalSort = Field(
        "newest", description="`random` is the same for the caller all day (stable across pages), new each day."
    )


@router.get(
    "/{slug}/processes/{id}/proposals/",
    response={200: list[ProposalOut], **READ_ERRORS},
    operation_id="proposals_list",
    summary="The proposals of a process: search, filters, order (hidden ones only for the moderators)",
    auth=requires(TAKE_PART),
)
@paginate(ProposalPage)
def list_proposals(request: HttpRequest, slug: str, id: Id, filters: Query[ProposalFilters]):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    proposals = proposals_for(
        request.user,
        process,
        search=filters.search,
        area=filters.area,
        status=filters.status or "",
        sort=filters.sort,
        seed=random_seed(request.user, today()),
    )
    # Each row names its process and phase: joined, so that a page costs the same whatever its size.
    return proposals.select_related("process", "phase")


@router.post(
    "/{slug}/processes/{id}/proposals/",
    response={201: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_create",
    summary="Make a proposal (409 unless the current phase of the process takes proposals today)",
    auth=requires(TAKE_PART),
)
def create_proposal_in(request: HttpRequest, slug: str, id: Id, payload: ProposalIn):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    with refusals():
        proposal = create_proposal(actor=request.user, process=process, data=payload.dict())
    return Status(201, _proposal_out(request, network, proposal.pk))


@router.get(
    "/{slug}/proposals/{id}/",
    response={200: ProposalOut, **READ_ERRORS},
    operation_id="proposals_get",
    summary="One proposal, with its answer and whether the caller supports it",
    auth=requires(TAKE_PART),
)
def get_proposal(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return _proposal_out(request, network, id)


@router.put(
    "/{slug}/proposals/{id}/support/",
    response={200: ProposalOut, 409: ErrorOut, **READ_ERRORS},
    operation_id="proposals_support",
    summary="Support a proposal (already supported: unchanged; 409 when the phase does not open supports, the "
    "proposal is closed or hidden, or the caller has used every support the process allows)",
    auth=requires(TAKE_PART),
)
def support_it(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    try:
        with refusals():
            support(actor=request.user, proposal=proposal)
    except HttpError:
        if not is_supported_by(request.user, proposal):
            raise
    return _proposal_out(request, network, id)


@router.delete(
    "/{slug}/proposals/{id}/support/",
    response={200: ProposalOut, 409: ErrorOut, **READ_ERRORS},
    operation_id="proposals_unsupport",
    summary="Take the caller's support back (409 when they do not support it, or supports are no longer open)",
    auth=requires(TAKE_PART),
)
def unsupport_it(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    with refusals():
        unsupport(actor=request.user, proposal=proposal)
    return _proposal_out(request, network, id)


@router.post(
    "/{slug}/proposals/{id}/answer/",
    response={200: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_answer",
    summary="Answer a proposal for the partnership (409 when its status does not allow that answer)",
    auth=requires(ANSWER_PROPOSALS),
)
def answer(request: HttpRequest, slug: str, id: Id, payload: AnswerIn):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    with refusals():
        answer_proposal(actor=request.user, proposal=proposal, status=payload.status, answer=payload.answer)
    return _proposal_out(request, network, id)


@router.post(
    "/{slug}/proposals/{id}/withdraw/",
    response={200: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_withdraw",
    summary="Withdraw one's own proposal (403 for another's; 409 once somebody supports it, or it is answered)",
    auth=requires(TAKE_PART),
)
def withdraw(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    if proposal.author_id != request.user.pk:
        raise PermissionDenied("not the author")
    with refusals():
        withdraw_proposal(actor=request.user, proposal=proposal, note=payload.note)
    return _proposal_out(request, network, id)
