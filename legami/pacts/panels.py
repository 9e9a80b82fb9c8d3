"""The pacts app's card on the members' dashboard (see core.panels): "Today", the counts of the desk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from legami.core.panels import Panel, PanelFigure, PanelLink
from legami.pacts.selectors.desk import desk_counts

# First on the dashboard: it is what a case manager came for.
ORDER = 5


def dashboard_panels(viewer: Any, network: Any) -> Iterator[Panel]:
    """The desk's counts for whoever holds pacts.work_on_cases (their own team's cases only)."""
    counts = desk_counts(viewer, network)
    if counts is None:
        return
    desk = reverse("pacts:desk", args=[network.slug])
    figures = [
        PanelFigure(_("My open cases"), counts.cases, f"{desk}#desk-cases"),
        PanelFigure(_("Reviews due"), counts.reviews, f"{desk}#desk-reviews"),
        PanelFigure(_("Overdue commitments"), counts.commitments, f"{desk}#desk-commitments"),
    ]
    if counts.referrals is not None:
        figures.append(PanelFigure(_("Referrals waiting"), counts.referrals, f"{desk}#desk-referrals"))
    figures.append(PanelFigure(_("Budgets near their limit"), counts.budgets, f"{desk}#desk-budgets"))
    if counts.approvals is not None:
        figures.append(PanelFigure(_("Expenses awaiting your approval"), counts.approvals, f"{desk}#desk-approvals"))
    yield Panel(
        key="pacts_today",
        title=_("Today"),
        order=ORDER,
        description=_("What is waiting for you on the cases you follow."),
        figures=tuple(figures),
        links=(PanelLink(_("Open the desk"), desk),),
    )
