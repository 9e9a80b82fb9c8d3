"""Reads of offers: the operators' list with filters, one offer, a person's own offers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from legami.core.permissions import can, grants
from legami.core.roles import Role
from legami.exchange.capabilities import MANAGE_OFFERS, OFFER_OWN, VIEW_OFFERS
from legami.exchange.models import LIVE_MATCH_STATES, Offer, OfferEvent
from legami.network.models import Network


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def staff_organization_ids(actor: Any, network: Network) -> set[int]:
    """The organisations `actor` works for as partner staff in `network`."""
    return {
        grant.organization_id
        for grant in grants(actor, network)
        if grant.role == Role.PARTNER_STAFF and grant.organization_id is not None
    }


def _own(viewer: Any, network: Network) -> Q:
    """The offers that are `viewer`'s own: posted by them, their person's, their organisation's."""
    own = Q(submitted_by_id=viewer.pk) | Q(person__user_id=viewer.pk)
    organizations = staff_organization_ids(viewer, network)
    if organizations:
        own |= Q(organization_id__in=organizations)
    return own


def offers_for_user(
    viewer: Any,
    network: Network,
    *,
    status: str = "",
    kind: str = "",
    area: Any = None,
    municipality: Any = None,
    search: str = "",
) -> QuerySet[Offer]:
    """The network's offers `viewer` may see (all for operators, their own for the others), filtered, newest first."""
    qs = Offer.objects.filter(network=network)
    if not can(viewer, VIEW_OFFERS, network):
        if not can(viewer, OFFER_OWN, network):
            return Offer.objects.none()
        qs = qs.filter(_own(viewer, network))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(areas=_pk(area))
    if municipality:
        qs = qs.filter(municipality_id=_pk(municipality))
    for word in search.split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return qs.order_by("-created_at", "-id")


def offer_rows(ids: list[int]) -> list[Offer]:
    """The offers of one page, with what the list shows (areas, Comune, owner, live matches), in `ids` order."""
    rows = (
        Offer.objects.filter(pk__in=ids)
        .select_related("municipality", "organization", "person")
        .prefetch_related("areas")
        .annotate(live=Count("matches", filter=Q(matches__status__in=LIVE_MATCH_STATES)))
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def get_offer_for_user(viewer: Any, network: Network, pk: Any) -> Offer:
    """One offer `viewer` may see, with its areas and owner; 404 otherwise."""
    offer = (
        offers_for_user(viewer, network)
        .select_related("municipality", "neighbourhood", "organization", "person", "submitted_by")
        .prefetch_related("areas")
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def offer_history(offer: Offer) -> QuerySet[OfferEvent]:
    """The offer's history, oldest first, with who did each step."""
    return offer.events.select_related("actor").order_by("created_at", "id")


def pending_offers_count(viewer: Any, network: Network) -> int:
    """How many offers wait for an operator's check (0 for those who do not check them)."""
    if not can(viewer, MANAGE_OFFERS, network):
        return 0
    return Offer.objects.filter(network=network, status="pending").count()


def exportable_offers(viewer: Any, network: Network) -> QuerySet[Offer]:
    """Every offer of the network with what the export's rows read (for those who manage offers), oldest first."""
    if not can(viewer, MANAGE_OFFERS, network):
        return Offer.objects.none()
    return (
        Offer.objects.filter(network=network)
        .select_related("municipality", "organization", "person")
        .prefetch_related("areas")
        .order_by("pk")
    )
