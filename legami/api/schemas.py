"""Request and response schemas of the API (Out: what is returned, In: create, Patch: partial update).

Descriptions are in English: they document the API for developers and are committed in
docs/api/openapi.json, which must not change with the language of whoever regenerates it.
"""

import datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import ConfigDict

from legami.core.parsing import MAX_ID
from legami.network.models import Organization, Partnership

# The model choices spelled out, so the schema lists the allowed values and type checkers see them;
# test_api_schema checks that they stay equal to the models' choices.
OrganizationKind = Literal[
    "municipality",
    "public_body",
    "cooperative",
    "association",
    "foundation",
    "school",
    "parish",
    "business",
    "informal_group",
]
PartnershipRole = Literal["lead", "partner", "evaluator", "funder", "investor", "supporter"]
Gender = Literal["", "F", "M", "X"]
HouseholdRole = Literal["", "head", "partner", "child", "parent", "relative", "other"]

ISTAT_CODE = r"^\d{6}$"
PAGE_SIZE = 50
# A row's id: a positive integer a database column holds (a larger one would reach the database and fail there).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

MAX_PAGE_SIZE = 200
# Beyond this the OFFSET would overflow the database's integer: refuse it as bad input, not a crash.
MAX_PAGE = 1_000_000


# --- errors -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """An error that is not about a single field (401, 403, 404, 409)."""

    detail: str = Field(..., description="What went wrong, in the caller's language.")


class ValidationErrorItem(Schema):
    """One problem with the input, in the same shape as django-ninja's own validation errors."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(..., description="A machine-readable code for the problem (e.g. `missing`, `tax_code_invalid`).")
    loc: list[str | int] = Field(
        ...,
        description=(
            "Where the problem is: the source (`body`, `query`, `path`), then the parameter "
            "(`payload` for the request body) and the field."
        ),
    )
    msg: str = Field(..., description="What is wrong with the value, in the caller's language.")


class ValidationErrorOut(Schema):
    """The input was refused (422): nothing was written."""

    detail: list[ValidationErrorItem] = Field(..., description="Every problem found, one per field and message.")


# The error answers every endpoint documents: reads, and writes (which also refuse a malformed or too large body).
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 413: ErrorOut, **READ_ERRORS}


# --- pagination ---------------------------------------------------------------------------------


class PageNumberPagination(PaginationBase):
    """`?page=N&page_size=M` (at most 200 a page); the answer carries `count`, the total number of rows."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="The page to return, from 1.")
        page_size: int = Field(
            PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page (at most {MAX_PAGE_SIZE})."
        )

    class Output(Schema):
        count: int = Field(..., description="How many rows match, over all pages.")
        page: int = Field(..., description="The page returned.")
        page_size: int = Field(..., description="Rows per page.")
        items: list[Any] = Field(..., description="The rows of this page.")

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any) -> Any:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
            "items": queryset[offset : offset + pagination.page_size],
        }


# --- shared references --------------------------------------------------------------------------


class MunicipalityRef(Schema):
    """A Comune, by its ISTAT code."""

    istat_code: str = Field(..., description="The six-digit ISTAT code of the Comune.", examples=["019036"])
    name: str = Field(..., description="The Comune's name.", examples=["Cremona"])


class NamedRef(Schema):
    """Another object of the same network, by id and name."""

    id: int
    name: str


# --- networks -----------------------------------------------------------------------------------


class NetworkOut(Schema):
    """A network (partnership) the caller belongs to, with the caller's roles in it."""

    id: int
    slug: str = Field(..., description="The short name used in every address of the network.")
    name: str
    summary: str
    description: str
    contact_email: str
    website: str
    roles: list[str] = Field(..., description="The caller's active roles in this network.")

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        # Lists prefetch the caller's memberships; the detail view sets `caller_roles` itself.
        memberships = getattr(obj, "my_memberships", None)
        if memberships is not None:
            return sorted({m.role for m in memberships})
        return sorted(getattr(obj, "caller_roles", ()))


# --- organisations ------------------------------------------------------------------------------


class PartnershipOut(Schema):
    """One role of an organisation in the partnership."""

    id: int
    role: PartnershipRole
    since: datetime.date | None
    until: datetime.date | None
    contribution: str


class OrganizationOut(Schema):
    """A member organisation of the partnership."""

    id: int
    name: str
    kind: OrganizationKind
    tax_code: str = Field(..., description="Codice fiscale or partita IVA ('' when unknown).")
    municipality: MunicipalityRef | None = Field(..., description="The Comune where it is based.")
    address: str
    email: str
    phone: str
    website: str
    description: str
    partnerships: list[PartnershipOut] = Field(..., description="Its roles in the partnership.")

    @staticmethod
    def resolve_partnerships(obj: Organization) -> list[Partnership]:
        # .all() reads the prefetched rows, so a page of organisations costs one extra query in total.
        return list(obj.partnerships.all())


class OrganizationIn(Schema):
    """A new organisation, optionally with its first role in the partnership."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=200)
    kind: OrganizationKind
    tax_code: str = Field(
        "",
        max_length=16,
        description="11-digit codice fiscale or partita IVA (16 characters for informal groups and sole businesses).",
    )
    municipality: str | None = Field(
        None, pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network's territory."
    )
    address: str = Field("", max_length=250)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    website: str = Field("", max_length=200)
    description: str = ""
    role: PartnershipRole | None = Field(None, description="Its first role in the partnership (optional).")
    since: datetime.date | None = Field(None, description="When the role started (needs `role`).")
    until: datetime.date | None = Field(None, description="When the role ended (needs `role`).")
    contribution: str = Field("", description="What it contributes in that role (needs `role`).")


class OrganizationPatch(Schema):
    """A partial change: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    # A default of None with a non-optional type: a field may be left out, but not set to null.
    name: str = Field(None, max_length=200)  # type: ignore[assignment]
    kind: OrganizationKind = None  # type: ignore[assignment]
    tax_code: str = Field(None, max_length=16)  # type: ignore[assignment]
    municipality: str | None = Field(
        None, pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network's territory; null to clear."
    )
    address: str = Field(None, max_length=250)  # type: ignore[assignment]
    email: str = Field(None, max_length=254)  # type: ignore[assignment]
    phone: str = Field(None, max_length=30)  # type: ignore[assignment]
    website: str = Field(None, max_length=200)  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]


# --- people -------------------------------------------------------------------------------------


class PersonOut(Schema):
    """Someone the network works with. Personal data: only roles that may see the registry receive it."""

    id: int
    first_name: str
    last_name: str
    tax_code: str = Field(..., description="Codice fiscale ('' when unknown).")
    birth_date: datetime.date | None
    gender: Gender = Field(..., description="F, M, X (other / not stated) or '' when unknown.")
    email: str
    phone: str
    address: str
    municipality: MunicipalityRef | None = Field(..., description="The Comune where the person lives.")
    neighbourhood: NamedRef | None = Field(..., description="The neighbourhood (quartiere, frazione).")
    household: NamedRef | None = Field(..., description="The household (nucleo familiare).")
    household_role: HouseholdRole


class PersonIn(Schema):
    """A new person in the registry."""

    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=100)
    tax_code: str = Field("", max_length=16, description="Codice fiscale; checked, stored upper-case.")
    birth_date: datetime.date | None = None
    gender: Gender = ""
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=250)
    municipality: str | None = Field(
        None, pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network's territory."
    )
    neighbourhood: int | None = Field(None, description="Id of one of the network's neighbourhoods.")
    household: int | None = Field(None, description="Id of one of the network's households.")
    household_role: HouseholdRole = ""


class PersonPatch(Schema):
    """A partial change: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(None, max_length=100)  # type: ignore[assignment]
    last_name: str = Field(None, max_length=100)  # type: ignore[assignment]
    tax_code: str = Field(None, max_length=16)  # type: ignore[assignment]
    birth_date: datetime.date | None = None
    gender: Gender = None  # type: ignore[assignment]
    email: str = Field(None, max_length=254)  # type: ignore[assignment]
    phone: str = Field(None, max_length=30)  # type: ignore[assignment]
    address: str = Field(None, max_length=250)  # type: ignore[assignment]
    municipality: str | None = Field(None, pattern=ISTAT_CODE, description="ISTAT code; null to clear.")
    neighbourhood: int | None = Field(None, description="Neighbourhood id; null to clear.")
    household: int | None = Field(None, description="Household id; null to clear.")
    household_role: HouseholdRole = None  # type: ignore[assignment]
