"""The aggregation app's panel on the members' dashboard (see core.panels)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from legami.aggregation.capabilities import REVIEW_DEMANDS, VIEW_DEMANDS
from legami.aggregation.models import DemandStatus
from legami.aggregation.selectors.demands import demand_status_counts
from legami.core.panels import Panel, PanelFigure, PanelLink
from legami.core.permissions import can

ORDER = 20


def dashboard_panels(viewer: Any, network: Any) -> Iterator[Panel]:
    """Aggregated demand: the candidates to review and the accepted demands waiting for an answer."""
    if not can(viewer, VIEW_DEMANDS, network):
        return
    demands = reverse("aggregation:demands", args=[network.slug])
    # Counts of demands, not of people: no k-anonymity to apply (a demand holds no personal data).
    counts = demand_status_counts(viewer, network)
    links = [PanelLink(_("Aggregated demand"), demands)]
    if can(viewer, REVIEW_DEMANDS, network):
        links.append(PanelLink(_("Aggregation runs"), reverse("aggregation:runs", args=[network.slug])))
    yield Panel(
        key="demands",
        title=_("Aggregated demand"),
        order=ORDER,
        description=_("Similar needs gathered into demands that the partnership can answer together."),
        figures=(
            PanelFigure(
                _("Candidate demands to review"), counts[DemandStatus.CANDIDATE], f"{demands}?status=candidate"
            ),
            PanelFigure(
                _("Accepted demands awaiting an answer"), counts[DemandStatus.ACCEPTED], f"{demands}?status=accepted"
            ),
        ),
        links=tuple(links),
    )
