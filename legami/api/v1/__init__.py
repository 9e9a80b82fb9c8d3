"""Version 1 of the API: networks, their organisations, their people, their needs and participation.

Every endpoint needs a personal access token (`Authorization: Bearer lgm_...`) or a logged-in
session. Under /networks/{slug}/ the capabilities are those of the web UI: a caller with no role in
the network gets 404, a member without the capability 403.
"""

from typing import Any

from ninja import NinjaAPI

from legami.api.auth import api_auth, capability_of
from legami.api.errors import install_exception_handlers
from legami.api.scoping import AnyOf
from legami.api.v1 import (
    activities,
    calls,
    cases,
    comments,
    coproduction,
    exchange,
    meetings,
    needs,
    networks,
    organizations,
    pact_content,
    pact_money,
    pacts,
    participation,
    people,
    proposals,
    referrals,
    responses,
    spaces,
    timebank,
)

DESCRIPTION = """\
The API of legami, the platform for *welfare di comunità*.

**Authentication.** Send a personal access token, created from your account page, as
`Authorization: Bearer lgm_...`. A logged-in browser session works too (unsafe methods then need the
CSRF token). Without either the answer is 401.

**Scope.** You see the networks where you hold a role, and inside each one what your role allows, as in
the web interface: a network where you have no role answers 404, an action your role does not allow 403.

**Errors.** Every error has a JSON body with `detail`. Refused input answers 422 with one entry per
problem (`loc` says where, `msg` says why); nothing is written then.

**Pages.** Lists take `page` and `page_size` (at most 200) and return `count`, the total.
"""


class LegamiAPI(NinjaAPI):
    """The API, whose schema also names the capability each operation asks for (`x-capability`)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        capabilities = {
            operation.operation_id: capability_of(operation)
            for _prefix, router in self._routers
            for view in router.path_operations.values()
            for operation in view.operations
        }
        for item in schema["paths"].values():
            for operation in item.values():
                capability = capabilities.get(operation.get("operationId"))
                if capability:
                    roles = ", ".join(sorted(role.value for role in capability.roles))
                    operation["x-capability"] = str(capability)
                    needs = (
                        "one of the capabilities " + " or ".join(f"`{c}`" for c in capability.capabilities)
                        if isinstance(capability, AnyOf)
                        else f"the capability `{capability}`"
                    )
                    operation["description"] = (
                        f"Needs {needs} in the network (roles: {roles}): checked before "
                        "the input is read, so a non-member gets 404 and a member without it 403."
                    )
        return schema


api = LegamiAPI(
    title="legami API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=api_auth,
)
install_exception_handlers(api)

api.add_router("/networks", networks.router)
api.add_router("/networks", organizations.router)
api.add_router("/networks", people.router)
api.add_router("/networks", needs.router)
api.add_router("/networks", participation.router)
api.add_router("/networks", meetings.router)
api.add_router("/networks", proposals.router)
api.add_router("/networks", comments.router)
api.add_router("/networks", calls.router)
api.add_router("/networks", responses.router)
api.add_router("/networks", coproduction.router)
api.add_router("/networks", exchange.router)
api.add_router("/networks", timebank.router)
api.add_router("/networks", spaces.router)
api.add_router("/networks", activities.router)
api.add_router("/networks", referrals.router)
api.add_router("/networks", cases.router)
api.add_router("/networks", pacts.router)
api.add_router("/networks", pact_content.router)
api.add_router("/networks", pact_money.router)
