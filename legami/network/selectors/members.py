"""Reads of network members and invitations, scoped to one network."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from legami.accounts.models import Invitation
from legami.core.permissions import can
from legami.core.roles import Role
from legami.network.capabilities import VIEW_MEMBERS
from legami.network.models import Membership, Network


def memberships_for(viewer: Any, network: Network, *, role: str = "") -> QuerySet[Membership]:
    """Active memberships of `network` (optionally of one role), for viewers who may see members."""
    if not can(viewer, VIEW_MEMBERS, network):
        return Membership.objects.none()
    qs = Membership.objects.filter(network=network, is_active=True).select_related("user", "organization", "district")
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("user__full_name", "user__email", "role", "pk")


def open_invitations_for(viewer: Any, network: Network) -> QuerySet[Invitation]:
    """Invitations of `network` neither accepted nor withdrawn (expired ones included, to be cleaned up)."""
    if not can(viewer, VIEW_MEMBERS, network):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(network=network, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("organization", "district", "invited_by")
        .order_by("-created_at", "-pk")
    )


def pending_invitations_count(viewer: Any, network: Network) -> int:
    """How many invitations of `network` can still be accepted (not accepted, withdrawn or expired), one query."""
    if not can(viewer, VIEW_MEMBERS, network):
        return 0
    return Invitation.objects.filter(
        network=network, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def get_membership_for_user(viewer: Any, network: Network, pk: int) -> Membership:
    """An active membership of `network` that `viewer` may see, or 404."""
    try:
        return memberships_for(viewer, network).get(pk=pk)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc


def get_invitation_for_user(viewer: Any, network: Network, pk: int) -> Invitation:
    """An open invitation of `network` that `viewer` may see, or 404."""
    try:
        return open_invitations_for(viewer, network).select_related("network").get(pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc


def get_invitation_by_token(raw_token: str) -> Invitation:
    """The invitation with this secret token, whatever its state, or 404."""
    try:
        return Invitation.objects.select_related("network", "organization", "district").get(
            token_hash=Invitation.hash(raw_token or "")
        )
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc


def platform_coordinators(viewer: Any, network: Network) -> QuerySet[Membership]:
    """The network's active coordinators, for platform admins (who hold no role in it)."""
    if not getattr(viewer, "is_superuser", False):
        raise Http404
    return (
        Membership.objects.filter(network=network, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def platform_coordinator_invitations(viewer: Any, network: Network) -> QuerySet[Invitation]:
    """The network's pending coordinator invitations, for platform admins."""
    if not getattr(viewer, "is_superuser", False):
        raise Http404
    return Invitation.objects.filter(
        network=network,
        role=Role.COORDINATOR,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at", "-pk")
