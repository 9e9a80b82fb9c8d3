"""Reads of a network's need-area taxonomy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from legami.needs.models import NeedArea
from legami.network.models import Network


def areas_for_network(network: Network) -> QuerySet[NeedArea]:
    """Every area of the network (in use or not), in order, each with `need_count` (how many needs use it)."""
    return NeedArea.objects.filter(network=network).annotate(need_count=Count("needs")).order_by("position", "name")


def area_choices(network: Network) -> QuerySet[NeedArea]:
    """Every area of the network, in order, without counting its needs (for filters and pickers)."""
    return NeedArea.objects.filter(network=network).order_by("position", "name")


def get_area(network: Network, pk: Any) -> NeedArea:
    """One area of the network, or 404."""
    try:
        return areas_for_network(network).get(pk=pk)
    except (NeedArea.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
