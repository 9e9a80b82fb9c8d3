"""The person registry of a network (personal data): list, read, create, change, delete through the services."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import BODY, conflict_errors, service_errors
from legami.api.references import household_of_network, municipality_by_istat_code, neighbourhood_of_network
from legami.api.schemas import (
    ISTAT_CODE,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    PageNumberPagination,
    PersonIn,
    PersonOut,
    PersonPatch,
)
from legami.api.scoping import scoped_network
from legami.network.capabilities import CHANGE_PEOPLE as CHANGE

# The same capabilities as the registry pages: a district-limited role reaches only its districts' people.
from legami.network.capabilities import VIEW_PEOPLE as VIEW
from legami.network.models import Network
from legami.network.selectors.people import get_person_for_user, people_for
from legami.network.services.people import create_person, delete_person, update_person

router = Router(tags=["people"])


class PeopleFilters(Schema):
    search: str = Field(
        "", max_length=200, description="Words to find in the name, e-mail or codice fiscale (all must match)."
    )
    municipality: str | None = Field(
        None, pattern=ISTAT_CODE, description="Only people living in this Comune (ISTAT code)."
    )
    neighbourhood: Id | None = Field(None, description="Only people of this neighbourhood (id).")
    household: Id | None = Field(None, description="Only the members of this household (id).")


def _service_data(request: HttpRequest, network: Network, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the service expects it: references turned into the network's own objects."""
    data = dict(payload)
    if "municipality" in data:
        data["municipality"] = municipality_by_istat_code(data["municipality"], loc=(*BODY, "municipality"))
    if "neighbourhood" in data:
        data["neighbourhood"] = neighbourhood_of_network(network, data["neighbourhood"], loc=(*BODY, "neighbourhood"))
    if "household" in data:
        data["household"] = household_of_network(request.user, network, data["household"], loc=(*BODY, "household"))
    return data


@router.get(
    "/{slug}/people/",
    response={200: list[PersonOut], **READ_ERRORS},
    operation_id="people_list",
    summary="The people of the network the caller may see",
    auth=requires(VIEW),
)
@paginate(PageNumberPagination)
def list_people(request: HttpRequest, slug: str, filters: Query[PeopleFilters]):
    network = scoped_network(request)
    municipality = municipality_by_istat_code(filters.municipality, loc=("query", "municipality"))
    return people_for(
        request.user,
        network,
        search=filters.search,
        municipality=municipality,
        neighbourhood=filters.neighbourhood,
        household=filters.household,
    )


@router.post(
    "/{slug}/people/",
    response={201: PersonOut, **WRITE_ERRORS},
    operation_id="people_create",
    summary="Add a person to the registry",
    auth=requires(CHANGE),
)
def create(request: HttpRequest, slug: str, payload: PersonIn):
    network = scoped_network(request)
    data = _service_data(request, network, payload.dict())
    with service_errors():
        person = create_person(actor=request.user, network=network, data=data)
    return Status(201, get_person_for_user(request.user, network, person.pk))


@router.get(
    "/{slug}/people/{id}/",
    response={200: PersonOut, **READ_ERRORS},
    operation_id="people_get",
    summary="One person",
    auth=requires(VIEW),
)
def get(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return get_person_for_user(request.user, network, id)


@router.patch(
    "/{slug}/people/{id}/",
    response={200: PersonOut, **WRITE_ERRORS},
    operation_id="people_update",
    summary="Change some fields of a person",
    auth=requires(CHANGE),
)
def update(request: HttpRequest, slug: str, id: Id, payload: PersonPatch):
    network = scoped_network(request)
    person = get_person_for_user(request.user, network, id)
    data = _service_data(request, network, payload.dict(exclude_unset=True))
    with service_errors():
        update_person(actor=request.user, person=person, data=data)
    return get_person_for_user(request.user, network, id)


@router.delete(
    "/{slug}/people/{id}/",
    response={204: None, 409: ErrorOut, **READ_ERRORS},
    operation_id="people_delete",
    summary="Remove a person from the registry (409 while other records refer to them)",
    auth=requires(CHANGE),
)
def delete(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    person = get_person_for_user(request.user, network, id)
    with conflict_errors():
        delete_person(actor=request.user, person=person)
    return Status(204, None)
