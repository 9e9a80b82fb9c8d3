"""Organisations of a network: list, read, create, change, delete (through the organisation services)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import BODY, conflict_errors, service_errors
from legami.api.references import municipality_by_istat_code
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    OrganizationIn,
    OrganizationKind,
    OrganizationOut,
    OrganizationPatch,
    PageNumberPagination,
    PartnershipRole,
)
from legami.api.scoping import scoped_network
from legami.network.capabilities import CHANGE_ORGANIZATIONS as CHANGE
from legami.network.capabilities import MANAGE_ORGANIZATIONS as MANAGE
from legami.network.capabilities import VIEW_ORGANIZATIONS as VIEW
from legami.network.selectors.organizations import get_organization_for_user, organizations_for
from legami.network.services.organizations import (
    can_update_organization,
    create_organization,
    delete_organization,
    update_organization,
)

router = Router(tags=["organizations"])


# Fields of the create payload that the service takes as keyword arguments (the first role), not in `data`.
PARTNERSHIP_FIELDS = ("role", "since", "until", "contribution")


class OrganizationFilters(Schema):
    kind: OrganizationKind | None = Field(None, description="Only organisations of this kind.")
    role: PartnershipRole | None = Field(None, description="Only organisations with this role in the partnership.")
    search: str = Field("", max_length=100, description="Part of the name, or the exact tax code.")


def _service_data(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the service expects it: the Comune as a model instance instead of its ISTAT code."""
    data = dict(payload)
    if "municipality" in data:
        data["municipality"] = municipality_by_istat_code(data["municipality"], loc=(*BODY, "municipality"))
    return data


@router.get(
    "/{slug}/organizations/",
    response={200: list[OrganizationOut], **READ_ERRORS},
    operation_id="organizations_list",
    summary="The network's organisations",
    auth=requires(VIEW),
)
@paginate(PageNumberPagination)
def list_organizations(request: HttpRequest, slug: str, filters: Query[OrganizationFilters]):
    network = scoped_network(request)
    return organizations_for(
        request.user, network, kind=filters.kind or "", role=filters.role or "", search=filters.search
    )


@router.post(
    "/{slug}/organizations/",
    response={201: OrganizationOut, **WRITE_ERRORS},
    operation_id="organizations_create",
    summary="Add an organisation to the network",
    auth=requires(MANAGE),
)
def create(request: HttpRequest, slug: str, payload: OrganizationIn):
    network = scoped_network(request)
    data = _service_data(payload.dict(exclude=set(PARTNERSHIP_FIELDS)))
    with service_errors():
        organization = create_organization(
            actor=request.user,
            network=network,
            data=data,
            role=payload.role or "",
            since=payload.since,
            until=payload.until,
            contribution=payload.contribution,
        )
    return Status(201, get_organization_for_user(request.user, network, organization.pk))


@router.get(
    "/{slug}/organizations/{id}/",
    response={200: OrganizationOut, **READ_ERRORS},
    operation_id="organizations_get",
    summary="One organisation",
    auth=requires(VIEW),
)
def get(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return get_organization_for_user(request.user, network, id)


@router.patch(
    "/{slug}/organizations/{id}/",
    response={200: OrganizationOut, **WRITE_ERRORS},
    operation_id="organizations_update",
    summary="Change an organisation (coordinators, or its own partner staff)",
    auth=requires(CHANGE),
)
def update(request: HttpRequest, slug: str, id: Id, payload: OrganizationPatch):
    network = scoped_network(request)
    organization = get_organization_for_user(request.user, network, id)
    # Coordinators change any organisation, a partner's staff only their own.
    if not can_update_organization(request.user, organization):
        raise PermissionDenied(MANAGE)
    data = _service_data(payload.dict(exclude_unset=True))
    with service_errors():
        update_organization(actor=request.user, organization=organization, data=data)
    return get_organization_for_user(request.user, network, id)


@router.delete(
    "/{slug}/organizations/{id}/",
    response={204: None, 409: ErrorOut, **READ_ERRORS},
    operation_id="organizations_delete",
    summary="Delete an organisation and its roles (refused with 409 while people work for it)",
    auth=requires(MANAGE),
)
def delete(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    organization = get_organization_for_user(request.user, network, id)
    with conflict_errors():
        delete_organization(actor=request.user, organization=organization)
    return Status(204, None)
