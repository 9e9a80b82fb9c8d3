"""Permission helpers: who holds which role where, and `can()` over the role table (`legami.core.roles`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from legami.core.roles import Role, registry
from legami.core.tenancy import membership_model

# A network (settings.LEGAMI_NETWORK_MODEL): core does not import the network app, even for typing.
Network = Any


@dataclass(frozen=True)
class Grant:
    role: Role
    organization_id: int | None
    district_id: int | None


def grants(user: Any, network: Network | None) -> tuple[Grant, ...]:
    """The active role grants of `user` in `network`, cached on the user object for the request."""
    if network is None or user is None or not getattr(user, "is_authenticated", False):
        return ()
    cache = user.__dict__.setdefault("_legami_grants", {})
    if network.pk not in cache:
        rows = (
            membership_model()
            ._default_manager.filter(network_id=network.pk, user_id=user.pk, is_active=True)
            .order_by()
            .values_list("role", "organization_id", "district_id")
        )
        cache[network.pk] = tuple(Grant(Role(r), o, d) for r, o, d in rows)
    return cache[network.pk]


def forget_grants(user: Any) -> None:
    """Drop the cached grants (after a membership change in the same request)."""
    user.__dict__.pop("_legami_grants", None)


def roles(user: Any, network: Network | None) -> frozenset[Role]:
    """The roles `user` holds in `network`."""
    return frozenset(g.role for g in grants(user, network))


def is_member(user: Any, network: Network | None) -> bool:
    """True when `user` holds any active role in `network`."""
    return bool(grants(user, network))


def can(user: Any, capability: str, network: Network | None) -> bool:
    """True when one of the user's roles in `network` grants `capability`.

    A capability no app declared raises ImproperlyConfigured (a typo must not read as "nobody may").
    """
    allowed = registry.roles_for(capability)
    return any(g.role in allowed for g in grants(user, network))


def capability_grants(user: Any, capability: str, network: Network | None) -> tuple[Grant, ...]:
    """The grants through which `user` holds `capability` (to compute organisation/district scope)."""
    allowed = registry.roles_for(capability)
    return tuple(g for g in grants(user, network) if g.role in allowed)


def district_scope(user: Any, capability: str, network: Network | None) -> set[int] | None:
    """None when `user` holds `capability` network-wide, else the districts it is limited to (maybe empty)."""
    held = capability_grants(user, capability, network)
    if any(g.district_id is None for g in held):
        return None
    return {g.district_id for g in held if g.district_id is not None}


def require(user: Any, capability: str, network: Network | None) -> None:
    """Raise PermissionDenied unless `user` holds `capability` in `network` (ImproperlyConfigured if undeclared)."""
    if not can(user, capability, network):
        raise PermissionDenied(capability)
