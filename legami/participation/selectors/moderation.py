"""Reads of moderation: the open reports, with their targets, for the moderators (a constant number of queries)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from legami.core.permissions import can
from legami.network.models import Network
from legami.participation.capabilities import MODERATE
from legami.participation.models import Report


def open_reports_for(viewer: Any, network: Network) -> QuerySet[Report]:
    """The reports nobody has dealt with yet, oldest first, with their proposal or comment (and its proposal)."""
    if not can(viewer, MODERATE, network):
        raise PermissionDenied(MODERATE)
    return (
        Report.objects.filter(network=network, resolved_at__isnull=True)
        .select_related(
            "proposal__process", "comment__proposal__process", "comment__author", "proposal__author", "reporter"
        )
        .order_by("created_at", "id")
    )


def get_report_for(viewer: Any, network: Network, pk: int) -> Report | None:
    """One report of the network, for a moderator (None when there is none)."""
    if not can(viewer, MODERATE, network):
        raise PermissionDenied(MODERATE)
    return Report.objects.filter(network=network, pk=pk).first()
