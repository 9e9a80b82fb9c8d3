"""Offers of the community and their matches with needs: list, read, post and change offers; run the matching engine
(queued: 202 and a job to follow), match by hand, and answer a match (accept or decline for a side, start, complete,
cancel).

The capabilities are those of the pages: offer_own lists one's own offers (every offer for who holds view_offers)
and answers the matches one takes part in; manage_matches runs the engine and reads the matches of the needs the
caller may see. A side reads of the other side what its page shows: never the need's words nor who the person is.
Contacts are not in the API: the operators read them on the offer's page.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, Field

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
from legami.api.v1.needs import TimeWindowSchema
from legami.exchange.capabilities import MANAGE_MATCHES, OFFER_OWN
from legami.exchange.selectors.matching import (
    get_match_for_user,
    get_matching_job_for_user,
    job_run,
    matches_for_user,
    my_matches,
)
from legami.exchange.selectors.offers import get_offer_for_user, offers_for_user
from legami.exchange.services.matching import (
    FEEDBACK_RULES,
    accept_match,
    cancel_match,
    complete_match,
    decline_match,
    match_by_hand,
    start_match,
    start_matching,
)
from legami.exchange.services.offers import OFFER_RULES, change_offer_status, record_offer, update_offer
from legami.needs.selectors.needs import needs_for_user

router = Router(tags=["exchange"])

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
OfferKind = Literal["time", "skill", "good", "space", "transport"]
OfferStatus = Literal["pending", "open", "paused", "closed"]
MatchStatus = Literal["proposed", "accepted", "active", "completed", "cancelled"]
JobStatus = Literal["queued", "running", "succeeded", "failed"]
RunPhase = Literal["", "reading", "solving", "writing"]
Side = Literal["need", "offer"]
OFFER = declared(OFFER_RULES)
FEEDBACK = declared(FEEDBACK_RULES)


# --- offers ----------------------------------------------------------------------------------------------


class OfferOut(Schema):
    """An offer: what, for which need areas, where, how far, when, for how many needs at once."""

    id: int
    title: str
    description: str
    kind: OfferKind
    status: OfferStatus
    areas: list[NamedRef]
    organization: NamedRef | None = Field(..., description="The organisation that offers it, if any.")
    municipality: MunicipalityRef
    radius_km: float = Field(..., description="How far from its place the offer reaches, in km.")
    time_windows: list[TimeWindowSchema] = Field(..., description="When it is available; empty: any time.")
    capacity: int = Field(..., description="How many needs it can serve at the same time.")
    languages: list[str] = Field(..., description="ISO 639-1 codes of the languages it can be given in.")
    step_free: bool
    accessibility_notes: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_areas(obj: Any) -> list[dict]:
        return [{"id": area.pk, "name": area.name} for area in obj.areas.all()]

    @staticmethod
    def resolve_radius_km(obj: Any) -> float:
        return float(obj.radius_km)


OFFER_SERVER_RULES = OFFER.server_rules(
    set(OFFER.rules.fields) - {"contact_name", "contact_email", "contact_phone"},
    resolved=["municipality"],
    more=[UNKNOWN_MUNICIPALITY],
)


class OfferIn(Schema):
    """A new offer: open when an operator or partner staff (for their organisation) records it; a citizen's own
    waits for an operator's check (`pending`)."""

    model_config = with_server_rules(OFFER_SERVER_RULES)

    title: str = OFFER.field("title")
    description: str = OFFER.field("description")
    kind: OfferKind
    areas: list[int] = Field(..., min_length=1, description="Ids of the network's need areas it can help with.")
    person: int | None = OFFER.field("person", description="Id of the person of the registry who offers it.")
    organization: int | None = OFFER.field("organization", description="Id of the organisation that offers it.")
    municipality: str = Field(..., pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network.")
    neighbourhood: int | None = OFFER.field("neighbourhood", description="Id of a neighbourhood of that Comune.")
    latitude: float | None = OFFER.field("latitude", description="With longitude, a point in Italy.")
    longitude: float | None = OFFER.field("longitude")
    radius_km: float = OFFER.field("radius_km")
    time_windows: str | list[TimeWindowSchema] = Field(
        default_factory=list,
        description="When it is available: a list of slots, or text such as `mar e gio 16-18`.",
    )
    capacity: int = OFFER.field("capacity")
    languages: list[str] = Field(default_factory=list, description="Languages by ISO 639-1 code or name.")
    step_free: bool = OFFER.field("step_free")
    accessibility_notes: str = OFFER.field("accessibility_notes")
    external_id: str = OFFER.field("external_id", description="The id the offer has in another system, unique.")


class OfferPatch(Schema):
    """Some fields of an offer (its owner or an operator; only an operator changes who offers it)."""

    model_config = with_server_rules(OFFER_SERVER_RULES)

    title: str | None = OFFER.field("title", None)
    description: str | None = OFFER.field("description", None)
    kind: OfferKind | None = None
    areas: list[int] | None = Field(None, min_length=1)
    municipality: str | None = Field(None, pattern=ISTAT_CODE)
    neighbourhood: int | None = OFFER.field("neighbourhood", None)
    radius_km: float | None = OFFER.field("radius_km", None)
    time_windows: str | list[TimeWindowSchema] | None = None
    capacity: int | None = OFFER.field("capacity", None)
    languages: list[str] | None = None
    step_free: bool | None = None
    accessibility_notes: str | None = OFFER.field("accessibility_notes", None)


class OfferStatusIn(Schema):
    """Move an offer: pending → open (an operator's check) | closed; open ⇄ paused; open | paused → closed;
    closed → open (an operator)."""

    model_config = ConfigDict(extra="forbid")

    to_status: OfferStatus
    note: str = Field("", max_length=500, description="Why, in a few words.")


class OfferFilters(Schema):
    status: OfferStatus | None = None
    kind: OfferKind | None = None
    area: Id | None = Field(None, description="Only offers for this need area (id).")
    municipality: str | None = Field(None, pattern=ISTAT_CODE, description="Only offers in this Comune.")
    q: str | None = Field(None, max_length=100, description="Words in the title or the description.")


def _offer_data(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = payload.dict(exclude_unset=partial)
    if data.get("municipality") is not None:
        data["municipality"] = municipality_by_istat_code(data["municipality"], loc=(*BODY, "municipality"))
    if isinstance(data.get("languages"), list):
        data["languages"] = ", ".join(data["languages"])
    return data


@router.get(
    "/{slug}/offers/",
    response={200: list[OfferOut], **READ_ERRORS},
    operation_id="offers_list",
    summary="The offers the caller may see (every one for operators, one's own otherwise), newest first",
    auth=requires(OFFER_OWN),
)
@paginate(PageNumberPagination)
def list_offers(request: HttpRequest, slug: str, filters: Query[OfferFilters]):
    network = scoped_network(request)
    municipality = municipality_by_istat_code(filters.municipality, loc=("query", "municipality"))
    return (
        offers_for_user(
            request.user,
            network,
            status=filters.status or "",
            kind=filters.kind or "",
            area=filters.area,
            municipality=municipality,
            search=filters.q or "",
        )
        .select_related("municipality", "organization")
        .prefetch_related("areas")
    )


@router.post(
    "/{slug}/offers/",
    response={201: OfferOut, **WRITE_ERRORS},
    operation_id="offers_create",
    summary="Record an offer",
    auth=requires(OFFER_OWN),
)
def create_offer(request: HttpRequest, slug: str, payload: OfferIn):
    network = scoped_network(request)
    with service_errors():
        offer = record_offer(actor=request.user, network=network, data=_offer_data(payload, partial=False))
    return Status(201, offer)


@router.get(
    "/{slug}/offers/{id}/",
    response={200: OfferOut, **READ_ERRORS},
    operation_id="offers_get",
    summary="One offer",
    auth=requires(OFFER_OWN),
)
def get_offer(request: HttpRequest, slug: str, id: Id):
    return get_offer_for_user(request.user, scoped_network(request), id)


@router.patch(
    "/{slug}/offers/{id}/",
    response={200: OfferOut, **WRITE_ERRORS},
    operation_id="offers_update",
    summary="Change some fields of an offer (its owner or an operator)",
    auth=requires(OFFER_OWN),
)
def update(request: HttpRequest, slug: str, id: Id, payload: OfferPatch):
    network = scoped_network(request)
    offer = get_offer_for_user(request.user, network, id)
    with service_errors():
        update_offer(actor=request.user, offer=offer, data=_offer_data(payload, partial=True))
    return get_offer_for_user(request.user, network, id)


@router.post(
    "/{slug}/offers/{id}/status/",
    response={200: OfferOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="offers_change_status",
    summary="Move an offer to another status (409 when its present status does not allow it)",
    auth=requires(OFFER_OWN),
)
def change_status(request: HttpRequest, slug: str, id: Id, payload: OfferStatusIn):
    network = scoped_network(request)
    offer = get_offer_for_user(request.user, network, id)
    with conflict_errors():
        change_offer_status(actor=request.user, offer=offer, to_status=payload.to_status, note=payload.note)
    return get_offer_for_user(request.user, network, id)


# --- matches ---------------------------------------------------------------------------------------------


class NeedSideOut(Schema):
    """The need of a match, as both sides read it: its area, who needs it, where and when; never its words."""

    id: int
    area: NamedRef
    target_group: str
    municipality: MunicipalityRef
    neighbourhood: NamedRef | None
    time_windows: list[TimeWindowSchema]


class OfferSideOut(Schema):
    id: int
    title: str
    kind: OfferKind
    municipality: MunicipalityRef


class MatchOut(Schema):
    """A need meeting an offer: its status, why it fits, who has accepted."""

    id: int
    status: MatchStatus
    origin: Literal["engine", "manual"]
    need: NeedSideOut
    offer: OfferSideOut
    distance_km: float | None
    explanation: str
    need_accepted_at: datetime.datetime | None
    offer_accepted_at: datetime.datetime | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_distance_km(obj: Any) -> float | None:
        return None if obj.distance_km is None else float(obj.distance_km)


class RunIn(Schema):
    """Limit a run of the engine to a need area or a Comune (nothing: every open need the caller may see)."""

    model_config = ConfigDict(extra="forbid")

    area: Id | None = Field(None, description="Id of a need area.")
    municipality: str | None = Field(None, pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network.")


class RunOut(Schema):
    """What a run of the engine found."""

    id: int
    needs_considered: int
    offers_considered: int
    compatible_pairs: int
    proposed: int
    total_distance_km: Decimal
    seconds: Decimal
    created_at: datetime.datetime


class MatchingJobOut(Schema):
    """A run of the engine queued for the worker: where it has got, then the run it wrote or why it failed."""

    id: int
    status: JobStatus
    phase: RunPhase = Field(
        ...,
        description="While it runs: reading the needs and offers, solving (the engine), writing the proposals.",
    )
    processed: int = Field(..., description="Phases done, of `total`.")
    total: int
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    message: str = Field(..., description="What the run found, in the language of who started it (when succeeded).")
    error: str = Field(..., description="Why the run failed, in the language of who started it (when failed).")
    run: RunOut | None = Field(..., description="The run it wrote, with the matches proposed (when succeeded).")
    status_url: str = Field(..., description="Where to read this job again.")


class ByHandIn(Schema):
    model_config = ConfigDict(extra="forbid")

    need: Id = Field(..., description="Id of an open need the caller may see.")
    offer: Id = Field(..., description="Id of an open offer with room.")
    note: str = Field("", max_length=500)


class SideIn(Schema):
    model_config = ConfigDict(extra="forbid")

    side: Side = Field(..., description="For which side: the need's (its person) or the offer's.")
    note: str = Field("", max_length=500)


class StartIn(Schema):
    model_config = ConfigDict(extra="forbid")

    started_on: Day | None = Field(None, description="The day it began; empty: today.")
    note: str = Field("", max_length=500)


class CompleteIn(Schema):
    model_config = with_server_rules(FEEDBACK.server_rules(FEEDBACK.rules.fields))

    ended_on: Day | None = Field(None, description="The day it ended (not in the future, not before the start).")
    need_rating: int | None = Field(None, ge=1, le=5)
    offer_rating: int | None = Field(None, ge=1, le=5)
    feedback: str = FEEDBACK.field("feedback")


class MatchCancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(..., min_length=1, max_length=500, description="Why the match stops.")


class MatchFilters(Schema):
    status: MatchStatus | None = None


_MATCH_JOINS = ("need__area", "need__municipality", "need__neighbourhood", "offer__municipality")


@router.get(
    "/{slug}/matches/",
    response={200: list[MatchOut], **READ_ERRORS},
    operation_id="matches_list",
    summary="The matches of the needs the caller may see, newest first",
    auth=requires(MANAGE_MATCHES),
)
@paginate(PageNumberPagination)
def list_matches(request: HttpRequest, slug: str, filters: Query[MatchFilters]):
    network = scoped_network(request)
    return matches_for_user(request.user, network, status=filters.status or "").select_related(*_MATCH_JOINS)


@router.get(
    "/{slug}/matches/mine/",
    response={200: list[MatchOut], **READ_ERRORS},
    operation_id="matches_mine",
    summary="The matches the caller takes part in (a need of theirs, or their offer), live ones first",
    auth=requires(OFFER_OWN),
)
def list_my_matches(request: HttpRequest, slug: str):
    return my_matches(request.user, scoped_network(request))


@router.get(
    "/{slug}/matches/{id}/",
    response={200: MatchOut, **READ_ERRORS},
    operation_id="matches_get",
    summary="One match (an operator's, or one the caller takes part in)",
    auth=requires(OFFER_OWN),
)
def get_match(request: HttpRequest, slug: str, id: Id):
    return get_match_for_user(request.user, scoped_network(request), id)


def _job_out(request: HttpRequest, network: Any, job: Any) -> dict:
    result = job.result or {}
    return {
        "id": job.pk,
        "status": job.status,
        "phase": result.get("phase", "") if job.status == job.Status.RUNNING else "",
        "processed": job.processed,
        "total": job.total,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "message": str(result.get("message", "")),
        "error": str(result.get("error", "")) if job.status == job.Status.FAILED else "",
        "run": job_run(job),
        "status_url": request.build_absolute_uri(
            reverse("api-v1:matching_job", kwargs={"slug": network.slug, "id": job.pk})
        ),
    }


@router.post(
    "/{slug}/matching/runs/",
    response={202: MatchingJobOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="matching_run",
    summary="Queue a run of the matching engine (the best matches between open needs and open offers with room); "
    "409 while another run of the network is under way",
    auth=requires(MANAGE_MATCHES),
)
def run(request: HttpRequest, slug: str, payload: RunIn, response: HttpResponse):
    network = scoped_network(request)
    filters: dict[str, Any] = {}
    if payload.area is not None:
        filters["area"] = payload.area
    if payload.municipality is not None:
        filters["municipality"] = municipality_by_istat_code(payload.municipality, loc=(*BODY, "municipality"))
    try:
        job = start_matching(actor=request.user, network=network, filters=filters)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "busy":
            with conflict_errors():
                raise
        with service_errors():
            raise
    # The immediate backend (tests) has run it already: the answer says where it stands now.
    job = get_matching_job_for_user(request.user, network, job.pk)
    out = _job_out(request, network, job)
    response["Location"] = out["status_url"]
    return Status(202, out)


@router.get(
    "/{slug}/matching/jobs/{id}/",
    response={200: MatchingJobOut, **READ_ERRORS},
    operation_id="matching_job",
    url_name="matching_job",
    summary="A queued run of the matching engine: its status and phase, then the run it wrote or why it failed",
    auth=requires(MANAGE_MATCHES),
)
def matching_job(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return _job_out(request, network, get_matching_job_for_user(request.user, network, id))


@router.post(
    "/{slug}/matches/",
    response={201: MatchOut, **WRITE_ERRORS},
    operation_id="matches_create",
    summary="Match a need and an offer by hand",
    auth=requires(MANAGE_MATCHES),
)
def create_match(request: HttpRequest, slug: str, payload: ByHandIn):
    network = scoped_network(request)
    need = needs_for_user(request.user, network).filter(pk=payload.need).first()
    offer = offers_for_user(request.user, network).filter(pk=payload.offer).first()
    with service_errors():
        if need is None or offer is None:
            errors = {}
            if need is None:
                errors["need"] = ValidationError(_("There is no need with this number that you can see."), "not_found")
            if offer is None:
                errors["offer"] = ValidationError(_("There is no offer with this number in the network."), "not_found")
            raise ValidationError(errors)
        made = match_by_hand(actor=request.user, network=network, need=need, offer=offer, note=payload.note)
    return Status(201, get_match_for_user(request.user, network, made.pk))


@contextmanager
def _answer_errors() -> Iterator[None]:
    """A refused input (a field named) answers 422; a match whose state does not allow the step, 409."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            with service_errors():
                raise
        with conflict_errors():
            raise


def _answered(request: HttpRequest, id: int, act: Any) -> Any:
    network = scoped_network(request)
    match = get_match_for_user(request.user, network, id)
    with _answer_errors():
        act(match)
    return get_match_for_user(request.user, network, id)


@router.post(
    "/{slug}/matches/{id}/accept/",
    response={200: MatchOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="matches_accept",
    summary="Accept a proposed match for a side (operators for either); accepted once both have",
    auth=requires(OFFER_OWN),
)
def accept(request: HttpRequest, slug: str, id: Id, payload: SideIn):
    return _answered(
        request, id, lambda m: accept_match(actor=request.user, match=m, side=payload.side, note=payload.note)
    )


@router.post(
    "/{slug}/matches/{id}/decline/",
    response={200: MatchOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="matches_decline",
    summary="Decline a match for a side: it is cancelled and never proposed again",
    auth=requires(OFFER_OWN),
)
def decline(request: HttpRequest, slug: str, id: Id, payload: SideIn):
    return _answered(
        request, id, lambda m: decline_match(actor=request.user, match=m, side=payload.side, note=payload.note)
    )


@router.post(
    "/{slug}/matches/{id}/start/",
    response={200: MatchOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="matches_start",
    summary="Say an accepted match has started (the offer's side or an operator)",
    auth=requires(OFFER_OWN),
)
def start(request: HttpRequest, slug: str, id: Id, payload: StartIn):
    return _answered(
        request,
        id,
        lambda m: start_match(actor=request.user, match=m, started_on=payload.started_on, note=payload.note),
    )


@router.post(
    "/{slug}/matches/{id}/complete/",
    response={200: MatchOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="matches_complete",
    summary="Say an active match has ended, with ratings and feedback; its need is answered",
    auth=requires(OFFER_OWN),
)
def complete(request: HttpRequest, slug: str, id: Id, payload: CompleteIn):
    data = payload.dict(exclude_none=True)
    return _answered(request, id, lambda m: complete_match(actor=request.user, match=m, data=data))


@router.post(
    "/{slug}/matches/{id}/cancel/",
    response={200: MatchOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="matches_cancel",
    summary="Cancel a live match with the reason; a need already matched goes back to reading",
    auth=requires(OFFER_OWN),
)
def cancel(request: HttpRequest, slug: str, id: Id, payload: MatchCancelIn):
    return _answered(request, id, lambda m: cancel_match(actor=request.user, match=m, note=payload.note))
