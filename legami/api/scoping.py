"""Resolve the network of a request and enforce a capability, the way the web UI does.

A caller with no role in the network gets 404 (its private data does not exist for outsiders); a
member without the capability gets 403. `admit` does it for the authentication (`auth.requires`), before
the input is validated; the handler then takes the network with `scoped_network(request)`.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest

from legami.core.permissions import can, is_member
from legami.core.tenancy import get_network_by_slug
from legami.network.models import Network

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


class AnyOf(str):
    """Capabilities any one of which admits the caller (reading a case: its team's `pacts.work_on_cases`, the
    privacy officer's `pacts.inspect_cases`). A str like a Capability ("a or b"), with the `roles` of them all."""

    capabilities: tuple[str, ...]
    roles: frozenset[Any]

    def __new__(cls, *capabilities: str) -> AnyOf:
        found = super().__new__(cls, " or ".join(capabilities))
        found.capabilities = tuple(capabilities)
        found.roles = frozenset().union(*(getattr(c, "roles", ()) for c in capabilities))
        return found

    def __getnewargs__(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.capabilities


def network_for(request: HttpRequest, slug: str, capability: str) -> Network:
    """The network `slug` if the caller is a member holding `capability`; else 404 or 403."""
    if not SLUG.fullmatch(slug):
        raise Http404  # no network has it (and a NUL byte would not even reach PostgreSQL)
    network = get_network_by_slug(slug)
    if not is_member(request.user, network):
        raise Http404
    require_capability(request, capability, network)
    return network


def admit(request: HttpRequest, capability: str | None) -> None:
    """With a capability, the network of the path's `slug` for this caller (404/403 otherwise), kept on the
    request for `scoped_network`; run by the authentication, so before any input is looked at."""
    if capability is None:
        return
    match = request.resolver_match
    slug = match.kwargs.get("slug") if match is not None else None
    if not slug:
        raise ImproperlyConfigured("requires(capability) is for operations under /networks/{slug}/")
    request.legami_network = network_for(request, slug, capability)  # type: ignore[attr-defined]


def scoped_network(request: HttpRequest) -> Network:
    """The network the operation's `requires(...)` admitted the caller to."""
    network = getattr(request, "legami_network", None)
    if network is None:
        raise ImproperlyConfigured("scoped_network() needs an operation declared with auth=requires(capability)")
    return network


def require_capability(request: HttpRequest, capability: str, network: Network) -> None:
    """403 unless the caller holds `capability` in `network` (one of them, for an AnyOf)."""
    names = getattr(capability, "capabilities", (capability,))
    if not any(can(request.user, name, network) for name in names):
        raise PermissionDenied(capability)
