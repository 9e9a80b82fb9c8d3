"""Reads of ties (legami) between people and organisations, scoped like the people they link."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from legami.network.capabilities import VIEW_TIES
from legami.network.models import Network, Tie
from legami.network.selectors.people import scoped_municipality_ids


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def ties_for(
    viewer: Any,
    network: Network,
    *,
    kind: str = "",
    person: Any = None,
    organization: Any = None,
    capability: str = VIEW_TIES,
) -> QuerySet[Tie]:
    """The network's ties the viewer may see (each person end within their reach), optionally filtered."""
    qs = Tie.objects.filter(network=network)
    scope = scoped_municipality_ids(viewer, network, capability)
    if scope is not None:
        # A tie names both ends: a district-limited viewer sees it only when they may see every person in it.
        qs = qs.filter(
            Q(source_person__isnull=True) | Q(source_person__municipality_id__in=scope),
            Q(target_person__isnull=True) | Q(target_person__municipality_id__in=scope),
        )
    if kind:
        qs = qs.filter(kind=kind)
    if person:
        qs = qs.filter(Q(source_person_id=_pk(person)) | Q(target_person_id=_pk(person)))
    if organization:
        qs = qs.filter(Q(source_organization_id=_pk(organization)) | Q(target_organization_id=_pk(organization)))
    return qs.select_related("source_person", "source_organization", "target_person", "target_organization").order_by(
        "-since", "-created_at", "-id"
    )


def get_tie_for_user(viewer: Any, network: Network, pk: Any, capability: str = VIEW_TIES) -> Tie:
    """One tie of the network the viewer may see, or 404."""
    try:
        return ties_for(viewer, network, capability=capability).get(pk=pk)
    except (Tie.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def ties_of_person(viewer: Any, network: Network, person: Any) -> QuerySet[Tie]:
    """The ties of one person the viewer may see, newest first."""
    return ties_for(viewer, network, person=person)
