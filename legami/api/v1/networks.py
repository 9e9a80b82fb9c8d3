"""Networks: the partnerships the caller belongs to."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from legami.api.auth import requires
from legami.api.schemas import ErrorOut, NetworkOut, PageNumberPagination, ValidationErrorOut
from legami.api.scoping import scoped_network
from legami.core.permissions import roles

# Every role may see the network itself (the same capability as its dashboard).
from legami.network.capabilities import VIEW_DASHBOARD as VIEW
from legami.network.selectors.networks import networks_with_my_roles

router = Router(tags=["networks"])


@router.get(
    "/",
    response={200: list[NetworkOut], 401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    operation_id="networks_list",
    summary="The networks where the caller has a role",
)
@paginate(PageNumberPagination)
def list_networks(request: HttpRequest):
    return networks_with_my_roles(request.user).order_by("name", "pk")


@router.get(
    "/{slug}/",
    response={200: NetworkOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    operation_id="networks_get",
    summary="One network, with the caller's roles in it",
    auth=requires(VIEW),
)
def get_network(request: HttpRequest, slug: str):
    network = scoped_network(request)
    network.caller_roles = roles(request.user, network)  # type: ignore[attr-defined]
    return network
