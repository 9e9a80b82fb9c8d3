"""Reads of partner organisations, their roles in the partnership and their staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from legami.core.permissions import can, grants
from legami.core.roles import Role
from legami.network.capabilities import VIEW_MEMBERS
from legami.network.capabilities import VIEW_ORGANIZATIONS as VIEW
from legami.network.models import Membership, Network, Organization, Partnership
from legami.territory.models import Municipality

# The order in which roles are shown: who leads first, then who works, evaluates, pays, supports.
ROLE_ORDER = (
    Partnership.Role.LEAD,
    Partnership.Role.PARTNER,
    Partnership.Role.EVALUATOR,
    Partnership.Role.FUNDER,
    Partnership.Role.INVESTOR,
    Partnership.Role.SUPPORTER,
)


def _partnerships() -> Prefetch:
    return Prefetch("partnerships", queryset=Partnership.objects.order_by("role", "since", "pk"))


def organizations_for(
    viewer: Any, network: Network, *, kind: str = "", role: str = "", search: str = ""
) -> QuerySet[Organization]:
    """The network's organisations the viewer may see (all members), filtered, with partnerships prefetched."""
    if not can(viewer, VIEW, network):
        return Organization.objects.none()
    qs = Organization.objects.filter(network=network).select_related("municipality").prefetch_related(_partnerships())
    if kind:
        qs = qs.filter(kind=kind)
    if role:
        qs = qs.filter(pk__in=Partnership.objects.filter(network=network, role=role).values("organization_id"))
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(tax_code__iexact=search.replace(" ", "")))
    return qs.order_by("name", "pk")


def get_organization_for_user(viewer: Any, network: Network, pk: int) -> Organization:
    """One organisation of the network, or 404 when it is elsewhere or the viewer may not see it."""
    try:
        return organizations_for(viewer, network).select_related("network", "municipality__province").get(pk=pk)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc


def get_partnership_for_user(viewer: Any, network: Network, pk: int) -> Partnership:
    """One partnership role of the network, or 404."""
    if not can(viewer, VIEW, network):
        raise Http404
    try:
        return Partnership.objects.select_related("organization", "network").get(pk=pk, network=network)
    except Partnership.DoesNotExist as exc:
        raise Http404 from exc


def staff_of(viewer: Any, organization: Organization) -> QuerySet[Membership]:
    """The active memberships limited to this organisation (its staff in the network), for those who see the
    network's members: a member's name is not published with the organisation they work for."""
    if not can(viewer, VIEW_MEMBERS, organization.network):
        return Membership.objects.none()
    return (
        Membership.objects.filter(network_id=organization.network_id, organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )


def organizations_staffed_by(viewer: Any, network: Network) -> QuerySet[Organization]:
    """The organisations the viewer works for as partner staff (their membership is limited to them)."""
    ids = {g.organization_id for g in grants(viewer, network) if g.role == Role.PARTNER_STAFF and g.organization_id}
    if not ids:
        return Organization.objects.none()
    return Organization.objects.filter(network=network, pk__in=ids).order_by("name")


def territory_municipalities(network: Network) -> QuerySet[Municipality]:
    """The Comuni of the network's territory, by name (the choices for an organisation's Comune)."""
    return (
        Municipality.objects.filter(pk__in=network.territory.values("municipality_id"))
        .select_related("province")
        .order_by(Lower("name"), "pk")
    )


@dataclass
class RoleGroup:
    role: str
    label: StrOrPromise
    organizations: list[Organization] = field(default_factory=list)


def public_partners(network: Network) -> list[RoleGroup]:
    """The organisations with a current role, grouped by role (lead first), for the public home page.

    Only public facts are loaded (name, kind, website), whatever the size, in one query.
    """
    today = timezone.localdate()
    rows = (
        Partnership.objects.filter(network=network)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("organization")
        .only("role", "organization__name", "organization__kind", "organization__website")
        .order_by("organization__name", "pk")
    )
    groups = {role: RoleGroup(role=role, label=role.label) for role in ROLE_ORDER}
    for partnership in rows:
        groups[Partnership.Role(partnership.role)].organizations.append(partnership.organization)
    return [group for group in groups.values() if group.organizations]
