"""Reads of a network's social districts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from legami.territory.models import NetworkMunicipality, SocialDistrict
from legami.territory.selectors.common import get_for_user, pk_of


def districts_of(network: Any) -> QuerySet[SocialDistrict]:
    """The network's social districts, ordered by name, with their member Comuni prefetched (`members`)."""
    members = NetworkMunicipality.objects.select_related("municipality__province").order_by(
        Lower("municipality__name"), "pk"
    )
    return SocialDistrict.objects.filter(network=network).prefetch_related(Prefetch("members", queryset=members))


def get_district_for_user(viewer: Any, network: Any, pk: Any) -> SocialDistrict:
    """One district of the network the viewer may see, with its members, or 404."""
    return get_for_user(viewer, network, districts_of(network), pk=pk)


def district_municipality_ids(network: Any, district_ids: Iterable[Any]) -> QuerySet:
    """Ids of the Comuni that belong to these districts of the network (a lazy subquery, usable with `__in`)."""
    return NetworkMunicipality.objects.filter(
        network=network, district_id__in=[pk_of(d) for d in district_ids]
    ).values_list("municipality_id", flat=True)
