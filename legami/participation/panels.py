"""The participation app's panels: open processes on the public home and on the members' dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from legami.core.panels import Panel, PanelFigure, PanelLink
from legami.participation.models import ProcessStatus
from legami.participation.selectors.processes import processes_for

ORDER = 30


def process_panels(viewer: Any, network: Any) -> Iterator[Panel]:
    """The processes open now, each with a link: where anyone can take part."""
    open_now = processes_for(viewer, network, status=ProcessStatus.PUBLISHED)
    total = open_now.count()
    if not total:
        return
    processes = list(open_now[:4])
    url = reverse("participation:processes", args=[network.slug])
    # Counts of processes and proposals, not of people: no k-anonymity to apply.
    links = [
        PanelLink(
            process.title, reverse("participation:process_detail", args=[network.slug, process.pk]), process.summary
        )
        for process in processes
    ]
    links.append(PanelLink(_("All the processes"), url))
    yield Panel(
        key="processes",
        title=_("Take part"),
        order=ORDER,
        description=_("Community labs, co-design and consultations open now."),
        figures=(PanelFigure(_("Open processes"), total, f"{url}?status=published"),),
        links=tuple(links),
    )
