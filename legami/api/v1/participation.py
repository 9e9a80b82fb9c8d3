"""Participation: participatory processes and their phases, meetings with registrations, proposals with supports
and answers.

Reading asks for TAKE_PART (every role of the network): published and closed processes, their meetings and their
proposals are public pages on the site, but the API answers members only. Drafts (and their meetings and proposals)
exist only for those who run processes (MANAGE_PROCESSES), who also shape processes and meetings, and draft a
process from an accepted aggregated demand or from the needs map's filters. Taking part (registering, proposing,
supporting, commenting, reporting, withdrawing one's own proposal) is TAKE_PART; answering is ANSWER_PROPOSALS;
hiding and showing again is MODERATE (legami/api/v1/comments.py).
The evidence a process started from follows the small-numbers rule exactly as its page does
(`selectors.processes.evidence_figures`); registrations name people and are for MANAGE_PROCESSES only.
"""

import datetime
import re
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from legami.aggregation.selectors.demands import get_demand_for_user
from legami.api.auth import requires
from legami.api.errors import BODY, conflict_errors, refusals, service_errors
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
from legami.api.v1.needs import Channel, NeedStatus, TargetGroup
from legami.core import smallnumbers
from legami.needs.forms.map import MapFilterForm
from legami.needs.selectors.map import MapFilters
from legami.network.models import Network
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.capabilities import TAKE_PART
from legami.participation.models import Process
from legami.participation.selectors.processes import (
    evidence_figures,
    get_phase_for,
    get_process_for,
    open_phase,
    processes_for,
)
from legami.participation.services.from_map import create_process_from_map
from legami.participation.services.processes import (
    PHASE_INPUTS,
    PROCESS_INPUTS,
    PROCESS_WORKFLOW,
    activate_phase,
    close_process,
    create_phase,
    create_process,
    create_process_from_demand,
    delete_phase,
    publish_process,
    reopen_process,
    update_phase,
    update_process,
)

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


# --- processes started from evidence: an aggregated demand, the needs map ------------------------------------
# (before /processes/{id}/, whose pattern would also take "from-map")


class FromDemandIn(Schema):
    """The kind of process to draft from an accepted (or answered) aggregated demand."""

    model_config = ConfigDict(extra="forbid")

    kind: ProcessKind = Field("community_lab", description="The kind of process.")


class MapFiltersIn(Schema):
    """The needs map's filters, as the map takes them (each one left out: any). The evidence is what the public map
    shows for them: figures about fewer than k people are suppressed."""

    model_config = with_server_rules(
        [
            {"field": "area", "code": "invalid_choice", "rule": "One of the network's need areas."},
            {"field": "district", "code": "invalid_choice", "rule": "One of the network's social districts."},
            {**UNKNOWN_MUNICIPALITY, "field": "municipality"},
            {"field": "municipality", "code": "invalid_choice", "rule": "A Comune of the network's territory."},
            {"field": "municipality", "code": "invalid", "rule": "With a social district: a Comune in it."},
            {"field": "date_from", "code": "invalid", "rule": "Not in the future."},
            {"field": "date_to", "code": "invalid", "rule": "Not before `date_from`."},
        ]
    )

    area: Id | None = Field(None, description="Id of one of the network's need areas.")
    target_group: TargetGroup | None = None
    district: Id | None = Field(None, description="Id of one of the network's social districts (ambiti).")
    municipality: IstatCode | None = Field(None, description="ISTAT code of a Comune of the network's territory.")
    date_from: Day | None = Field(None, description="Needs recorded from this day.")
    date_to: Day | None = Field(None, description="Needs recorded up to this day.")
    origin: Literal["expressed", "detected"] | None = Field(
        None, description="Needs expressed by the people themselves, or detected by the operators."
    )
    status: NeedStatus | None = None
    channel: Channel | None = None


class FromMapIn(Schema):
    """A process to draft from a reading of the needs map: its title, its kind and the map's filters."""

    model_config = with_server_rules(
        [
            *(rule for rule in PROCESS.server_rules(["title"]) if rule.get("field") == "title"),
            {"rule": "Some need matches the filters (else 409): a process starts from the needs it answers."},
        ]
    )

    title: str = PROCESS.field("title")
    kind: ProcessKind = Field("community_lab", description="The kind of process.")
    filters: MapFiltersIn = Field(default_factory=MapFiltersIn, description="The needs map's filters.")


def _map_filters(request: HttpRequest, network: Network, payload: MapFiltersIn) -> MapFilters:
    """The filters checked as the needs map checks them (its own form): a 422 names each bad one."""
    loc = (*BODY, "filters")
    given = payload.dict()
    municipality = municipality_by_istat_code(given["municipality"], loc=(*loc, "municipality"))
    data = {name: "" if value is None else str(value) for name, value in given.items()}
    data["municipality"] = str(municipality.pk) if municipality is not None else ""
    for name in ("date_from", "date_to"):
        if given[name] is not None:
            data[name] = given[name].isoformat()
    form = MapFilterForm(data, viewer=request.user, network=network, exact=False)
    if not form.is_valid():
        with service_errors(loc):
            raise DjangoValidationError(form.errors.as_data())
    return form.filters()


@router.post(
    "/{slug}/processes/from-demand/{demand_id}/",
    response={201: ProcessOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="processes_from_demand",
    summary="Draft a process from an aggregated demand: its figures and area become the evidence (409 unless the "
    "demand is accepted or answered)",
    auth=requires(MANAGE),
)
def from_demand(request: HttpRequest, slug: str, demand_id: Id, payload: FromDemandIn):
    network = scoped_network(request)
    demand = get_demand_for_user(request.user, network, demand_id)
    with refusals():
        process = create_process_from_demand(actor=request.user, demand=demand, kind=payload.kind)
    return Status(201, _process_out(request, network, process.pk))


@router.post(
    "/{slug}/processes/from-map/",
    response={201: ProcessOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="processes_from_map",
    summary="Draft a process from the needs map's filters: the public map's figures for them become the evidence "
    "(409 when no need matches)",
    auth=requires(MANAGE),
)
def from_map(request: HttpRequest, slug: str, payload: FromMapIn):
    network = scoped_network(request)
    filters = _map_filters(request, network, payload.filters)
    with refusals():
        process = create_process_from_map(
            actor=request.user, network=network, filters=filters, title=payload.title, kind=payload.kind
        )
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
