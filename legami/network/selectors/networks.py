"""Reads of networks: the ones a user belongs to, and the platform-wide list for platform admins."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from legami.core.roles import Role
from legami.network.models import Membership, Network


def networks_for(viewer: Any) -> QuerySet[Network]:
    """Active networks in which `viewer` holds an active membership (none for anonymous viewers)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Network.objects.none()
    member_of = Membership.objects.filter(user_id=viewer.pk, is_active=True).values("network_id")
    return Network.objects.filter(is_active=True, pk__in=member_of).order_by("name")


def networks_with_my_roles(viewer: Any) -> QuerySet[Network]:
    """`networks_for(viewer)` with the viewer's own active memberships in `my_memberships`."""
    if not getattr(viewer, "is_authenticated", False):
        return Network.objects.none()
    mine = Membership.objects.filter(user_id=viewer.pk, is_active=True).select_related("organization", "district")
    return networks_for(viewer).prefetch_related(Prefetch("memberships", queryset=mine, to_attr="my_memberships"))


def _require_platform_admin(viewer: Any) -> None:
    if not getattr(viewer, "is_superuser", False):
        raise Http404


def platform_networks(viewer: Any) -> QuerySet[Network]:
    """Every network, with member, coordinator and pending-invitation counts (platform admins only)."""
    _require_platform_admin(viewer)
    now = timezone.now()
    return Network.objects.annotate(
        member_count=Count("memberships__user", filter=Q(memberships__is_active=True), distinct=True),
        coordinator_count=Count(
            "memberships",
            filter=Q(memberships__is_active=True, memberships__role=Role.COORDINATOR),
            distinct=True,
        ),
        pending_invitation_count=Count(
            "invitations",
            filter=Q(
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
                invitations__expires_at__gt=now,
            ),
            distinct=True,
        ),
    ).order_by("name")


def get_network_for_platform_admin(viewer: Any, pk: int) -> Network:
    """Any network by id, for platform admins; 404 for everyone else."""
    _require_platform_admin(viewer)
    try:
        return Network.objects.get(pk=pk)
    except Network.DoesNotExist as exc:
        raise Http404 from exc
