"""Request and response schemas of the API (Out: what is returned, In: create, Patch: partial update).

Descriptions are in English: they document the API for developers and are committed in
docs/api/openapi.json, which must not change with the language of whoever regenerates it.

The rules of a body come from the write's `core.inputs` declaration (`declared(RULES)`): lengths, required
texts, numeric bounds, choices and ids become JSON Schema constraints that django-ninja also enforces; what
JSON Schema cannot say (a Comune of the territory, a unique tax code, a valid codice fiscale …) is listed in the
schema's `x-server-rules`, each with the error code (`type`) a 422 carries when it is broken.
"""

import datetime
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import BeforeValidator, ConfigDict

from legami.core import inputs
from legami.core.parsing import MAX_ID
from legami.network.models import Organization, Partnership
from legami.network.services.organizations import ORGANIZATION_CREATE_INPUTS, ORGANIZATION_INPUTS
from legami.network.services.people import PERSON_INPUTS

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


def _iso_day(value: Any) -> Any:
    """Only a date or its ISO text (2025-12-31): pydantic alone would also read a number as a Unix time."""
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("Input should be a valid date, written YYYY-MM-DD")


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date the caller sends (body or query): the schema's `format: date`, and nothing else.
Day = Annotated[datetime.date, BeforeValidator(_iso_day)]

MAX_PAGE_SIZE = 200
# Beyond this the OFFSET would overflow the database's integer: refuse it as bad input, not a crash.
MAX_PAGE = 1_000_000


# --- the server's rules, read from the declarations ---------------------------------------------------------

# A field given by the API in its own way (an ISTAT code instead of the Comune's row): its schema is the API's.
REQUIRED: Any = ...


def _first_line(text: str | None) -> str:
    """The first paragraph of a docstring, on one line."""
    return " ".join((text or "").strip().split("\n\n", 1)[0].split())


class Declared:
    """What one `core.inputs.Rules` says, for the API's schemas: pydantic `Field`s with the declaration's
    constraints, the choices as a `Literal`, and the rules JSON Schema cannot express (`server_rules`)."""

    def __init__(self, rules: inputs.Rules) -> None:
        self.rules = rules

    def constraints(self, name: str) -> dict[str, Any]:
        """The JSON Schema constraints of a field, as pydantic Field arguments (enforced on the raw value)."""
        spec = self.rules[name]
        found: dict[str, Any] = {}
        if isinstance(spec, inputs.Text):
            limits = [v.limit_value for v in spec.validators if isinstance(v, MaxLengthValidator)]
            if spec.max_length is not None:
                limits.append(spec.max_length)
            if limits:
                found["max_length"] = min(limits)
            if spec.required:
                found["min_length"] = 1
        elif isinstance(spec, inputs.Lookup):
            found.update(ge=1, le=MAX_ID)  # the row's id
        elif isinstance(spec, inputs.Number):
            if spec.min_value is not None:
                found["ge"] = float(spec.min_value) if isinstance(spec, inputs.Decimal) else spec.min_value
            if spec.max_value is not None:
                found["le"] = float(spec.max_value) if isinstance(spec, inputs.Decimal) else spec.max_value
        return found

    def default(self, name: str) -> Any:
        """`...` for a field the write requires and fills in for nobody, else its default or its empty value."""
        spec = self.rules[name]
        if spec.default is not inputs.MISSING:
            return getattr(spec.default, "value", spec.default)
        return REQUIRED if spec.required else spec.empty

    def field(self, name: str, default: Any = inputs.MISSING, **kwargs: Any) -> Any:
        """A pydantic Field for `name` with the declaration's constraints (`kwargs` add or override)."""
        value = self.default(name) if default is inputs.MISSING else default
        return Field(value, **(self.constraints(name) | kwargs))

    def choice(self, name: str) -> Any:
        """The values of a choice as a Literal type ('' first when the choice may be left empty)."""
        spec = self.rules[name]
        if not isinstance(spec, inputs.Choice):
            raise TypeError(f"{name} is not a choice")
        values = tuple(spec.choices.values)
        return Literal[values if spec.required or spec.empty != "" else ("", *values)]  # type: ignore[valid-type]

    def _field_rules(self, name: str, resolved: bool) -> Iterable[tuple[str, Any]]:
        """(code, message) of the errors the field raises that its JSON Schema does not prevent (`resolved`: a
        reference the API turns into a row itself, with its own code when nothing has it)."""
        spec = self.rules[name]
        codes: list[str] = []
        if isinstance(spec, inputs.Text):
            # Every text refuses a NUL character (null_characters): the API's description says it once.
            if spec.required:
                yield spec.codes.get("required", "required"), spec.messages["blank"]
        if isinstance(spec, inputs.Email):
            codes.append("invalid")
        if isinstance(spec, inputs.Phone):
            codes.append("invalid_phone")
        if isinstance(spec, inputs.Date) and spec.past:
            codes.append("future")
        if isinstance(spec, inputs.Lookup):
            if not resolved:
                codes.append("invalid_choice")
            if spec.outside_code:
                codes.append(spec.outside_code)
            if spec.usable is not None:
                codes.append(spec.inactive_code)
        if type(spec) not in _KNOWN_FIELDS and spec.messages.get("invalid"):
            codes.append("invalid")  # a field of the write's own (time windows): its message says what it takes
        for code in codes:
            yield spec.codes.get(code, code), spec.messages.get(code) or spec.messages.get("invalid")
        for validator in spec.validators:
            if not isinstance(validator, MaxLengthValidator) and getattr(validator, "message", None):
                yield getattr(validator, "code", "invalid") or "invalid", validator.message

    def server_rules(
        self, names: Iterable[str], *, resolved: Iterable[str] = (), more: Iterable[dict[str, Any]] = ()
    ) -> list[dict[str, Any]]:
        """The rules of the fields `names` and of the write's checks that JSON Schema cannot express, each as
        {field, code, rule} (a check that names neither: {rule}, its docstring); the 422's item then has `loc`
        ending in `field` and `type` equal to `code`. The rules stay lazy: `rules_extra` renders them."""
        wanted, by_api = set(names), set(resolved)
        found: list[dict[str, Any]] = []
        for name in self.rules.fields:
            if name in wanted:
                rules = self._field_rules(name, name in by_api)
                found.extend({"field": name, "code": code, "rule": m} for code, m in rules)
        for check in self.rules.checks:
            rule = getattr(check, "rule", None)
            if rule is not None:
                if set(rule["field"].split(", ")) & wanted:
                    found.append(dict(rule))
            elif text := _first_line(check.__doc__):
                found.append({"rule": text})
        found.extend(more)
        return found


_KNOWN_FIELDS = {
    inputs.Text,
    inputs.Email,
    inputs.Phone,
    inputs.Choice,
    inputs.Integer,
    inputs.Decimal,
    inputs.Number,
    inputs.Coordinate,
    inputs.Boolean,
    inputs.Date,
    inputs.Time,
    inputs.Lookup,
    inputs.LookupMany,
}


def declared(rules: inputs.Rules) -> Declared:
    """Read a write's `core.inputs` declaration for the API's schemas (see Declared)."""
    return Declared(rules)


def with_server_rules(rules: list[dict[str, Any]]) -> ConfigDict:
    """A body schema's config: no unknown fields, and its `x-server-rules`, rendered when the schema is made, in
    English like the rest of the schema (the 422's messages follow the caller's language)."""

    def extra(schema: dict[str, Any], model: Any) -> None:
        rendered: list[dict[str, str]] = []
        with translation.override(None):
            for rule in rules:
                item = {key: str(value) for key, value in rule.items()}
                if item not in rendered:
                    rendered.append(item)
        schema["x-server-rules"] = rendered

    return ConfigDict(extra="forbid", json_schema_extra=extra)


# What the API itself checks when it turns references into rows (legami/api/references.py).
UNKNOWN_MUNICIPALITY = {
    "field": "municipality",
    "code": "unknown_municipality",
    "rule": "The ISTAT code of an existing Comune.",
}
UNKNOWN_NEIGHBOURHOOD = {
    "field": "neighbourhood",
    "code": "unknown_neighbourhood",
    "rule": "The id of one of the network's neighbourhoods.",
}
UNKNOWN_HOUSEHOLD = {
    "field": "household",
    "code": "unknown_household",
    "rule": "The id of one of the network's households the caller may see.",
}

ORGANIZATION = declared(ORGANIZATION_CREATE_INPUTS)
ORGANIZATION_CHANGE = declared(ORGANIZATION_INPUTS)
PERSON = declared(PERSON_INPUTS)


# --- errors -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """An error that is not about a single field (401, 403, 404, 409)."""

    detail: str = Field(..., description="What went wrong, in the caller's language.")
    code: str | None = Field(
        None,
        description="A 409's machine-readable code for the refusal (e.g. `consent_withdrawn`, `not_editable`, "
        "`signed`), the same in every language; absent from other errors.",
    )


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


ORG_TAX_CODE = [
    {"field": "tax_code", "code": code, "rule": rule}
    for code, rule in (
        ("org_tax_code_length", "A numeric codice fiscale or partita IVA has 11 digits."),
        ("org_tax_code_checksum", "Its check digit matches."),
        ("org_tax_code_personal", "A 16-character (personal) codice fiscale only for informal groups and businesses."),
        ("org_tax_code_format", "11 digits, or a 16-character personal codice fiscale."),
        ("tax_code_invalid", "A 16-character codice fiscale is valid (its characters, its check letter)."),
    )
]
ORGANIZATION_RULES = ORGANIZATION.server_rules(
    ORGANIZATION.rules.fields, resolved=["municipality"], more=[UNKNOWN_MUNICIPALITY, *ORG_TAX_CODE]
)
ORGANIZATION_CHANGE_RULES = ORGANIZATION_CHANGE.server_rules(
    ORGANIZATION_CHANGE.rules.fields, resolved=["municipality"], more=[UNKNOWN_MUNICIPALITY, *ORG_TAX_CODE]
)
# The codice fiscale's own length (the declaration checks the code itself, whatever its length).
TAX_CODE_LENGTH = 16


class OrganizationIn(Schema):
    """A new organisation, optionally with its first role in the partnership."""

    model_config = with_server_rules(ORGANIZATION_RULES)

    name: str = ORGANIZATION.field("name")
    kind: OrganizationKind
    tax_code: str = ORGANIZATION.field(
        "tax_code",
        max_length=TAX_CODE_LENGTH,
        description="11-digit codice fiscale or partita IVA (16 characters for informal groups and sole businesses).",
    )
    municipality: str | None = Field(
        None, pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network's territory."
    )
    address: str = ORGANIZATION.field("address")
    email: str = ORGANIZATION.field("email")
    phone: str = ORGANIZATION.field("phone")
    website: str = ORGANIZATION.field("website")
    description: str = ORGANIZATION.field("description")
    role: PartnershipRole | None = Field(None, description="Its first role in the partnership (optional).")
    since: Day | None = Field(None, description="When the role started (needs `role`).")
    until: Day | None = Field(None, description="When the role ended (needs `role`).")
    contribution: str = ORGANIZATION.field(
        "contribution", description="What it contributes in that role (needs `role`)."
    )


class OrganizationPatch(Schema):
    """A partial change: only the fields sent are changed."""

    model_config = with_server_rules(ORGANIZATION_CHANGE_RULES)

    # A default of None with a non-optional type: a field may be left out, but not set to null.
    name: str = ORGANIZATION_CHANGE.field("name", None)
    kind: OrganizationKind = None  # type: ignore[assignment]
    tax_code: str = ORGANIZATION_CHANGE.field("tax_code", None, max_length=TAX_CODE_LENGTH)
    municipality: str | None = Field(
        None, pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network's territory; null to clear."
    )
    address: str = ORGANIZATION_CHANGE.field("address", None)
    email: str = ORGANIZATION_CHANGE.field("email", None)
    phone: str = ORGANIZATION_CHANGE.field("phone", None)
    website: str = ORGANIZATION_CHANGE.field("website", None)
    description: str = ORGANIZATION_CHANGE.field("description", None)


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


PERSON_RULES = PERSON.server_rules(
    set(PERSON.rules.fields) - {"notes"},
    resolved=["municipality", "neighbourhood", "household"],
    more=[
        UNKNOWN_MUNICIPALITY,
        UNKNOWN_NEIGHBOURHOOD,
        UNKNOWN_HOUSEHOLD,
        {"field": "tax_code", "code": "tax_code_length", "rule": "A codice fiscale has 16 characters."},
        {
            "field": "tax_code",
            "code": "tax_code_invalid",
            "rule": "A valid codice fiscale (its characters, its check letter).",
        },
    ],
)


class PersonIn(Schema):
    """A new person in the registry."""

    model_config = with_server_rules(PERSON_RULES)

    first_name: str = PERSON.field("first_name")
    last_name: str = PERSON.field("last_name")
    tax_code: str = PERSON.field(
        "tax_code", max_length=TAX_CODE_LENGTH, description="Codice fiscale; checked, stored upper-case."
    )
    birth_date: Day | None = PERSON.field("birth_date", description="Not after today.")
    gender: Gender = PERSON.field("gender")
    email: str = PERSON.field("email")
    phone: str = PERSON.field("phone")
    address: str = PERSON.field("address")
    municipality: str | None = Field(
        None, pattern=ISTAT_CODE, description="ISTAT code of a Comune of the network's territory."
    )
    neighbourhood: int | None = PERSON.field("neighbourhood", description="Id of one of the network's neighbourhoods.")
    household: int | None = PERSON.field("household", description="Id of one of the network's households.")
    household_role: HouseholdRole = ""


class PersonPatch(Schema):
    """A partial change: only the fields sent are changed."""

    model_config = with_server_rules(PERSON_RULES)

    first_name: str = PERSON.field("first_name", None)
    last_name: str = PERSON.field("last_name", None)
    tax_code: str = PERSON.field("tax_code", None, max_length=TAX_CODE_LENGTH)
    birth_date: Day | None = PERSON.field("birth_date", None, description="Not after today.")
    gender: Gender = PERSON.field("gender", None)
    email: str = PERSON.field("email", None)
    phone: str = PERSON.field("phone", None)
    address: str = PERSON.field("address", None)
    municipality: str | None = Field(None, pattern=ISTAT_CODE, description="ISTAT code; null to clear.")
    neighbourhood: int | None = PERSON.field("neighbourhood", None, description="Neighbourhood id; null to clear.")
    household: int | None = PERSON.field("household", None, description="Household id; null to clear.")
    household_role: HouseholdRole = None  # type: ignore[assignment]
