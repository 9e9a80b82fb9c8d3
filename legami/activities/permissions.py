"""Who may act on one activity: the capabilities of `capabilities.py`, narrowed for partner staff to the
activities their own organisation organises (coordinators and community workers act on every activity)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from legami.core.permissions import capability_grants, grants
from legami.core.roles import Role


def organizer_scope(user: Any, capability: str, network: Any) -> set[int] | None:
    """None when `user` holds `capability` for every activity of `network`, else the organisations whose
    activities it is limited to (maybe empty: then nowhere)."""
    held = capability_grants(user, capability, network)
    if any(grant.role != Role.PARTNER_STAFF for grant in held):
        return None
    return {grant.organization_id for grant in held if grant.organization_id is not None}


def may(user: Any, capability: str, activity: Any, network: Any = None) -> bool:
    """True when `user` holds `capability` for `activity` (partner staff: only their organisation's)."""
    scope = organizer_scope(user, capability, network or activity.network)
    if scope is None:
        return bool(capability_grants(user, capability, network or activity.network))
    return activity.organizer_id in scope


def require_for(user: Any, capability: str, activity: Any, network: Any = None) -> None:
    """PermissionDenied unless `may(user, capability, activity)`."""
    if not may(user, capability, activity, network):
        raise PermissionDenied(capability)


def own_organization_ids(user: Any, network: Any) -> set[int]:
    """The organisations a partner staff member of `network` works for."""
    return {
        grant.organization_id
        for grant in grants(user, network)
        if grant.role == Role.PARTNER_STAFF and grant.organization_id is not None
    }
