"""Resolve the network of a request and enforce a capability, the way the web UI does.

A caller with no role in the network gets 404 (its private data does not exist for outsiders); a
member without the capability gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from legami.core.permissions import can, is_member
from legami.core.tenancy import get_network_by_slug
from legami.network.models import Network


def network_for(request: HttpRequest, slug: str, capability: str) -> Network:
    """The network `slug` if the caller is a member holding `capability`; else 404 or 403."""
    network = get_network_by_slug(slug)
    if not is_member(request.user, network):
        raise Http404
    require_capability(request, capability, network)
    return network


def require_capability(request: HttpRequest, capability: str, network: Network) -> None:
    """403 unless the caller holds `capability` in `network`."""
    if not can(request.user, capability, network):
        raise PermissionDenied(capability)
