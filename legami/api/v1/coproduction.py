"""What partners and citizens give to a response, and what a response offers back: the co-production ledger and the
give-back places (posti per la restituzione).

The ledger is read with VIEW_RESPONSES, as its page (who contributed what is also on the response's public page,
hence in `responses_get`); entries are recorded with RECORD_COPRODUCTION (partner staff for their own organisation,
those who run responses for any partner and for the citizens, as the service says). How many citizens gave follows
the small-numbers rule, as on the page. A response's give-back places are public like its page (TAKE_PART); the
network's open offers are read with VIEW_RESPONSES, as their page; offering and changing places is MANAGE_RESPONSES.
"""

import datetime
from typing import Any, Literal

from django.db.models import IntegerField, Value
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import refusals, service_errors
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    NamedRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.api.v1.responses import ContributorKind, ContributorOut, CoProductionKind, Money, Total
from legami.core import smallnumbers
from legami.participation.capabilities import TAKE_PART
from legami.responses.capabilities import MANAGE_RESPONSES, RECORD_COPRODUCTION, VIEW_RESPONSES
from legami.responses.selectors.coproduction import (
    ledger_for,
    partner_totals,
    totals_by_contributor,
    totals_by_kind,
)
from legami.responses.selectors.giveback import get_place, open_giveback_places
from legami.responses.selectors.responses import get_response
from legami.responses.services.coproduction import ENTRY_INPUTS, record_entry
from legami.responses.services.giveback import PLACE_INPUTS, create_place, update_place

router = Router(tags=["responses"])

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
GiveBackStatus = Literal["open", "closed"]


# --- the co-production ledger ------------------------------------------------------------------------------


class EntryOut(Schema):
    """One entry of the ledger: who gave what, how much and when (citizens are counted, never named)."""

    id: int
    contributor: ContributorKind
    organization: NamedRef | None = Field(..., description="The partner; null for the citizens' entries.")
    kind: CoProductionKind = Field(..., description="Hours of work, hours of a space, money or goods (euro).")
    quantity: Money
    people: int | None = Field(
        ...,
        description="How many citizens gave (0 for a partner's entry); null, and `small` true, when they are fewer "
        "than k and the caller does not see small numbers.",
    )
    small: bool
    description: str
    on_date: datetime.date

    @staticmethod
    def resolve_people(obj: Any) -> int | None:
        return None if smallnumbers.hidden(obj.people, obj.api_limit) else obj.people

    @staticmethod
    def resolve_small(obj: Any) -> bool:
        return bool(smallnumbers.hidden(obj.people, obj.api_limit))


class KindTotalOut(Schema):
    kind: CoProductionKind
    total: Total


class CoProductionTotalsOut(Schema):
    """A response's totals, as its ledger shows them: by kind, and by contributor."""

    by_kind: list[KindTotalOut]
    contributors: list[ContributorOut]


class PartnerTotalsOut(ContributorOut):
    """What a partner, or the citizens together, gave across the network's responses."""

    responses: int = Field(..., description="How many responses it contributed to.")


ENTRY = declared(ENTRY_INPUTS)


class EntryIn(Schema):
    """A contribution to a response, by a partner of the response or by citizens."""

    model_config = with_server_rules(ENTRY.server_rules(ENTRY.rules.fields))

    contributor: ContributorKind = ENTRY.field("contributor")
    organization: int | None = ENTRY.field(
        "organization", description="Id of the partner (one of the response's; partner staff: their own)."
    )
    kind: CoProductionKind = ENTRY.field("kind")
    quantity: Money = ENTRY.field("quantity", description="Hours, or euro for money and goods; at most 2 decimals.")
    people: int = ENTRY.field("people", description="How many citizens gave (citizens' entries only).")
    description: str = ENTRY.field("description")
    on_date: Day = ENTRY.field("on_date", description="The day of the contribution (not in the future).")


@router.get(
    "/{slug}/responses/{id}/coproduction/",
    response={200: list[EntryOut], **READ_ERRORS},
    operation_id="coproduction_list",
    summary="The entries of a response's co-production ledger, newest first",
    auth=requires(VIEW_RESPONSES),
)
@paginate(PageNumberPagination)
def list_entries(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    response = get_response(network, id)
    limit = smallnumbers.limit_for(request.user, network)
    return ledger_for(response).annotate(api_limit=Value(limit, output_field=IntegerField()))


@router.post(
    "/{slug}/responses/{id}/coproduction/",
    response={201: EntryOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="coproduction_create",
    summary="Record a contribution to a response (409 once the response is cancelled)",
    auth=requires(RECORD_COPRODUCTION),
)
def record_an_entry(request: HttpRequest, slug: str, id: Id, payload: EntryIn):
    network = scoped_network(request)
    response = get_response(network, id)
    with refusals():
        entry = record_entry(actor=request.user, response=response, data=payload.dict())
    entry.api_limit = smallnumbers.limit_for(request.user, network)  # type: ignore[attr-defined]
    return Status(201, entry)


@router.get(
    "/{slug}/responses/{id}/coproduction/totals/",
    response={200: CoProductionTotalsOut, **READ_ERRORS},
    operation_id="coproduction_totals",
    summary="A response's co-production totals: by kind, and by partner and citizens",
    auth=requires(VIEW_RESPONSES),
)
def response_totals(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    response = get_response(network, id)
    limit = smallnumbers.limit_for(request.user, network)
    return {"by_kind": totals_by_kind(response), "contributors": totals_by_contributor(response, limit=limit)}


@router.get(
    "/{slug}/coproduction/partners/",
    response={200: list[PartnerTotalsOut], **READ_ERRORS},
    operation_id="coproduction_partners",
    summary="What each partner, and the citizens, gave across the network's responses, by kind",
    auth=requires(VIEW_RESPONSES),
)
def totals_per_partner(request: HttpRequest, slug: str):
    network = scoped_network(request)
    return partner_totals(network, limit=smallnumbers.limit_for(request.user, network))


# --- give-back places --------------------------------------------------------------------------------------


class GiveBackPlaceOut(Schema):
    """Give-back places a response offers: what the people who take them do, how many, hosted by whom, when."""

    id: int
    response: NamedRef
    objective: str
    places: int
    host: NamedRef = Field(..., description="The organisation that hosts the people.")
    area: NamedRef | None
    skills_sought: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: GiveBackStatus = Field(..., description="`closed` once pacts no longer take them.")

    @staticmethod
    def resolve_response(obj: Any) -> dict[str, Any]:
        return {"id": obj.response_id, "name": obj.response.title}


PLACE = declared(PLACE_INPUTS)
PLACE_RULES = PLACE.server_rules(PLACE.rules.fields)


class GiveBackPlaceIn(Schema):
    """Give-back places offered on a response (409 once the response is completed or cancelled)."""

    model_config = with_server_rules(PLACE_RULES)

    objective: str = PLACE.field("objective", description="What the people who take a place will do.")
    area: int | None = PLACE.field("area", description="Id of one of the network's need areas.")
    places: int = PLACE.field("places", description="How many places, 1 to 1000.")
    host: int = PLACE.field("host", description="Id of the host organisation.")
    skills_sought: str = PLACE.field("skills_sought")
    starts_on: Day = PLACE.field("starts_on")
    ends_on: Day = PLACE.field("ends_on", description="On or after `starts_on`.")


class GiveBackPlacePatch(Schema):
    """A partial change of give-back places (open or closed): only the fields sent are changed."""

    model_config = with_server_rules(PLACE_RULES)

    objective: str = PLACE.field("objective", None)
    area: int | None = PLACE.field("area", None, description="null: no area.")
    places: int = PLACE.field("places", None)
    host: int = PLACE.field("host", None)
    skills_sought: str = PLACE.field("skills_sought", None)
    starts_on: Day = PLACE.field("starts_on", None)
    ends_on: Day = PLACE.field("ends_on", None)


class GiveBackPlaceFilters(Schema):
    area: Id | None = Field(None, description="Id of a need area: only its places.")
    on: Day | None = Field(None, description="Only the places available on this day.")


@router.get(
    "/{slug}/responses/{id}/giveback-places/",
    response={200: list[GiveBackPlaceOut], **READ_ERRORS},
    operation_id="giveback_places_of_response",
    summary="The give-back places a response offers (public), open and closed, by starting day",
    auth=requires(TAKE_PART),
)
def places_of_response(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return list(get_response(network, id).giveback_places.all())


@router.post(
    "/{slug}/responses/{id}/giveback-places/",
    response={201: GiveBackPlaceOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="giveback_places_create",
    summary="Offer give-back places on a response (409 once the response is completed or cancelled)",
    auth=requires(MANAGE_RESPONSES),
)
def offer_places(request: HttpRequest, slug: str, id: Id, payload: GiveBackPlaceIn):
    network = scoped_network(request)
    response = get_response(network, id)
    with refusals():
        place = create_place(actor=request.user, response=response, data=payload.dict())
    return Status(201, get_place(network, place.pk))


@router.get(
    "/{slug}/giveback-places/",
    response={200: list[GiveBackPlaceOut], **READ_ERRORS},
    operation_id="giveback_places_open",
    summary="The open give-back places of the network's running responses, by starting day",
    auth=requires(VIEW_RESPONSES),
)
@paginate(PageNumberPagination)
def open_places(request: HttpRequest, slug: str, filters: Query[GiveBackPlaceFilters]):
    network = scoped_network(request)
    return open_giveback_places(network, area=filters.area, on=filters.on)


@router.patch(
    "/{slug}/giveback-places/{id}/",
    response={200: GiveBackPlaceOut, **WRITE_ERRORS},
    operation_id="giveback_places_update",
    summary="Change give-back places (open or closed)",
    auth=requires(MANAGE_RESPONSES),
)
def change_places(request: HttpRequest, slug: str, id: Id, payload: GiveBackPlacePatch):
    network = scoped_network(request)
    place = get_place(network, id)
    with service_errors():
        update_place(actor=request.user, place=place, data=payload.dict(exclude_unset=True))
    return get_place(network, id)
