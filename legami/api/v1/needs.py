"""Needs of a network (personal data, and case data for the case team): list, read, record, move on; the areas."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
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
from legami.needs.capabilities import CHANGE_NEEDS as CHANGE

# The same capabilities as the needs pages: district-limited roles reach only their districts' Comuni,
# and needs kept to the case team exist only for the case team.
from legami.needs.capabilities import VIEW_NEEDS as VIEW
from legami.needs.selectors.areas import areas_for_network
from legami.needs.selectors.needs import get_need_for_user, needs_for_user
from legami.needs.services.needs import NEED_RULES, change_need_status, record_need

router = Router(tags=["needs"])


# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
TargetGroup = Literal[
    "minors", "young_people", "families", "adults", "elderly", "disability", "migrants", "caregivers", "community"
]
Channel = Literal["online", "interview", "community_lab", "survey", "sentinel", "front_office"]
PrivacyLevel = Literal["network", "case_team"]
NeedStatus = Literal["new", "reading", "aggregated", "matched", "answered", "closed"]
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"


class TimeWindowSchema(Schema):
    """A weekly time slot when the need applies."""

    day: int = Field(..., ge=0, le=6, description="Day of the week, 0 = Monday … 6 = Sunday.")
    start: str = Field(..., pattern=HHMM, description="Start time, HH:MM.", examples=["16:00"])
    end: str = Field(..., pattern=HHMM, description="End time, HH:MM, after the start.", examples=["18:00"])


class NeedAreaOut(Schema):
    """One area of the network's need taxonomy."""

    id: Id
    code: str = Field(..., description="A stable code (used by imports).")
    name: str
    description: str
    is_active: bool = Field(..., description="False: kept for old needs, not offered for new ones.")
    position: int = Field(..., description="The order in which the areas are offered.")


class NeedOut(Schema):
    """A need. Personal data; a need with privacy_level `case_team` is case data, and every read of it is audited."""

    id: Id
    area: NamedRef
    target_group: TargetGroup
    description: str | None = Field(
        ..., description="What is needed. In lists, null for case-team needs: read the need itself (audited)."
    )
    urgency: int = Field(..., ge=1, le=4, description="1 low, 2 medium, 3 high, 4 urgent.")
    expressed: bool = Field(..., description="True: asked for by the people concerned; false: detected by others.")
    channel: Channel
    privacy_level: PrivacyLevel
    status: NeedStatus
    person: NamedRef | None = Field(..., description="The person concerned (null in lists for case-team needs).")
    household: NamedRef | None = Field(..., description="The household concerned.")
    people_count: int
    municipality: MunicipalityRef
    neighbourhood: NamedRef | None
    latitude: float | None
    longitude: float | None
    time_windows: list[TimeWindowSchema] = Field(..., description="When it applies; empty: any time.")
    observed_on: datetime.date = Field(..., description="When the need was expressed or detected.")
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    external_id: str

    @staticmethod
    def resolve_person(obj: Any) -> dict | None:
        return {"id": obj.person.pk, "name": obj.person.full_name} if obj.person_id else None

    @staticmethod
    def resolve_latitude(obj: Any) -> float | None:
        return None if obj.latitude is None else float(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Any) -> float | None:
        return None if obj.longitude is None else float(obj.longitude)


class NeedSummaryOut(NeedOut):
    """A need in a list: for case-team needs the description, the person and the contacts are left out."""

    @staticmethod
    def resolve_description(obj: Any) -> str | None:
        return None if obj.is_case_data else obj.description

    @staticmethod
    def resolve_person(obj: Any) -> dict | None:
        if obj.is_case_data or not obj.person_id:
            return None
        return {"id": obj.person.pk, "name": obj.person.full_name}

    @staticmethod
    def resolve_contact_name(obj: Any) -> str | None:
        return None if obj.is_case_data else obj.contact_name

    @staticmethod
    def resolve_contact_email(obj: Any) -> str | None:
        return None if obj.is_case_data else obj.contact_email

    @staticmethod
    def resolve_contact_phone(obj: Any) -> str | None:
        return None if obj.is_case_data else obj.contact_phone


NEED = declared(NEED_RULES)
NEED_SERVER_RULES = NEED.server_rules(
    set(NEED.rules.fields) - {"survey_response"},
    resolved=["municipality"],
    more=[
        UNKNOWN_MUNICIPALITY,
        {"field": "time_windows", "code": "invalid", "rule": "Each slot ends after it starts."},
    ],
)


class NeedIn(Schema):
    """A new need (status `new`)."""

    model_config = with_server_rules(NEED_SERVER_RULES)

    area: int = NEED.field("area", description="Id of one of the network's need areas in use.")
    target_group: TargetGroup
    description: str = NEED.field("description")
    urgency: int = NEED.field("urgency", ge=1, le=4, description="1 low, 2 medium, 3 high, 4 urgent.")
    expressed: bool = NEED.field("expressed")
    channel: Channel
    privacy_level: PrivacyLevel = NEED.field("privacy_level")
    person: int | None = NEED.field("person", description="Id of a person of the network's registry.")
    household: int | None = NEED.field("household", description="Id of one of the network's households.")
    people_count: int = NEED.field("people_count")
    municipality: str = Field(..., pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network.")
    neighbourhood: int | None = NEED.field(
        "neighbourhood", description="Id of one of the network's neighbourhoods in that Comune."
    )
    latitude: float | None = NEED.field("latitude", description="With longitude, a point in Italy.")
    longitude: float | None = NEED.field("longitude")
    time_windows: str | list[TimeWindowSchema] = Field(
        default_factory=list,
        description="When it applies: a list of slots, or text such as `mar e gio 16-18` or `mon 16:00-18:00`.",
    )
    observed_on: Day | None = NEED.field("observed_on", description="Not in the future; empty: today.")
    contact_name: str = NEED.field("contact_name")
    contact_email: str = NEED.field("contact_email")
    contact_phone: str = NEED.field("contact_phone")
    external_id: str = NEED.field("external_id", description="The id the need has in another system, unique.")


class NeedStatusIn(Schema):
    """Move a need to another status: new → reading | closed; reading → aggregated | matched | closed; …"""

    model_config = ConfigDict(extra="forbid")

    to_status: NeedStatus
    note: str = Field("", max_length=500, description="Why, in a few words.")


class NeedFilters(Schema):
    area: Id | None = Field(None, description="Only needs of this area (id).")
    target_group: TargetGroup | None = None
    municipality: str | None = Field(None, pattern=ISTAT_CODE, description="Only needs in this Comune (ISTAT code).")
    neighbourhood: Id | None = Field(None, description="Only needs of this neighbourhood (id).")
    status: NeedStatus | None = None
    expressed: bool | None = Field(None, description="True: expressed needs only; false: detected ones only.")
    channel: Channel | None = None
    urgency: int | None = Field(None, ge=1, le=4)
    date_from: Day | None = Field(None, description="Observed on or after this day.")
    date_to: Day | None = Field(None, description="Observed on or before this day.")


@router.get(
    "/{slug}/need-areas/",
    response={200: list[NeedAreaOut], **READ_ERRORS},
    operation_id="need_areas_list",
    summary="The network's need areas, in order (in use or not)",
    auth=requires(VIEW),
)
def list_areas(request: HttpRequest, slug: str):
    network = scoped_network(request)
    return list(areas_for_network(network))


@router.get(
    "/{slug}/needs/",
    response={200: list[NeedSummaryOut], **READ_ERRORS},
    operation_id="needs_list",
    summary="The needs of the network the caller may see, newest first",
    auth=requires(VIEW),
)
@paginate(PageNumberPagination)
def list_needs(request: HttpRequest, slug: str, filters: Query[NeedFilters]):
    network = scoped_network(request)
    municipality = municipality_by_istat_code(filters.municipality, loc=("query", "municipality"))
    return needs_for_user(
        request.user,
        network,
        area=filters.area,
        target_group=filters.target_group or "",
        municipality=municipality,
        neighbourhood=filters.neighbourhood,
        status=filters.status or "",
        expressed=filters.expressed,
        channel=filters.channel or "",
        urgency=filters.urgency,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@router.post(
    "/{slug}/needs/",
    response={201: NeedOut, **WRITE_ERRORS},
    operation_id="needs_create",
    summary="Record a need",
    auth=requires(CHANGE),
)
def create(request: HttpRequest, slug: str, payload: NeedIn):
    network = scoped_network(request)
    data = payload.dict()
    data["municipality"] = municipality_by_istat_code(data["municipality"], loc=(*BODY, "municipality"))
    with service_errors():
        need = record_need(actor=request.user, network=network, data=data, note="API")
    return Status(201, need)


@router.get(
    "/{slug}/needs/{id}/",
    response={200: NeedOut, **READ_ERRORS},
    operation_id="needs_get",
    summary="One need (reading a case-team need is written to the audit log)",
    auth=requires(VIEW),
)
def get(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return get_need_for_user(request.user, network, id, purpose="API")


@router.post(
    "/{slug}/needs/{id}/status/",
    response={200: NeedOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="needs_change_status",
    summary="Move a need to another status (409 when its present status does not allow it)",
    auth=requires(CHANGE),
)
def change_status(request: HttpRequest, slug: str, id: Id, payload: NeedStatusIn):
    network = scoped_network(request)
    need = get_need_for_user(request.user, network, id, purpose="API status change")
    with conflict_errors():
        change_need_status(actor=request.user, need=need, to_status=payload.to_status, note=payload.note)
    return need
