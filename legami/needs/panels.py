"""The needs app's panels on the members' dashboard and on the network's public home (see core.panels)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from legami.core import smallnumbers
from legami.core.panels import Panel, PanelFigure, PanelLink
from legami.core.permissions import can
from legami.needs.capabilities import (
    CHANGE_NEEDS,
    IMPORT_NEEDS,
    MANAGE_SURVEYS,
    VIEW_NEEDS,
    VIEW_NEEDS_MAP,
    VIEW_SURVEY_RESULTS,
)
from legami.needs.models import NeedStatus
from legami.needs.selectors.map import MapFilters, needs_total
from legami.needs.selectors.needs import needs_for_user
from legami.needs.selectors.surveys import open_surveys_count, public_open_surveys
from legami.network.capabilities import VIEW_DASHBOARD

ORDER = 10


def _hidden_note() -> str:
    return _("Fewer than %(k)d people: hidden to protect them, as on the needs map.") % {"k": smallnumbers.k()}


def dashboard_panels(viewer: Any, network: Any) -> Iterator[Panel]:
    """Needs and surveys: this month's needs (hidden under k for non-operators), the needs to read, open surveys."""
    if not can(viewer, VIEW_DASHBOARD, network):
        return
    slug = network.slug
    figures: list[PanelFigure] = []
    links: list[PanelLink] = []
    if can(viewer, VIEW_NEEDS_MAP, network):
        first_day = timezone.localdate().replace(day=1)
        total = needs_total(viewer, network, MapFilters(date_from=first_day))
        map_url = reverse("needs:map", args=[slug]) + f"?date_from={first_day.isoformat()}"
        figures.append(
            PanelFigure(
                _("Needs this month"),
                _("hidden") if total.suppressed else total.needs or 0,
                map_url,
                _hidden_note() if total.suppressed else "",
            )
        )
    if can(viewer, VIEW_NEEDS, network):
        new = needs_for_user(viewer, network, status=NeedStatus.NEW).count()
        figures.append(
            PanelFigure(_("New needs to read"), new, reverse("needs:needs", args=[slug]) + f"?status={NeedStatus.NEW}")
        )
    sees_surveys = can(viewer, MANAGE_SURVEYS, network) or can(viewer, VIEW_SURVEY_RESULTS, network)
    if sees_surveys:
        figures.append(
            PanelFigure(_("Open surveys"), open_surveys_count(viewer, network), reverse("needs:surveys", args=[slug]))
        )
    if can(viewer, CHANGE_NEEDS, network):
        links.append(PanelLink(_("Record a need"), reverse("needs:need_create", args=[slug])))
    if can(viewer, VIEW_NEEDS, network):
        links.append(PanelLink(_("Needs"), reverse("needs:needs", args=[slug])))
    if can(viewer, IMPORT_NEEDS, network):
        links.append(PanelLink(_("Import needs from a file"), reverse("needs:needs_import", args=[slug])))
    links.append(PanelLink(_("Report a need"), reverse("needs:report", args=[slug])))
    links.append(PanelLink(_("Needs map"), reverse("needs:map", args=[slug])))
    if sees_surveys:
        links.append(PanelLink(_("Surveys"), reverse("needs:surveys", args=[slug])))
    yield Panel(
        key="needs",
        title=_("Needs"),
        order=ORDER,
        description=_("What the territory needs: reported, detected, asked in surveys."),
        figures=tuple(figures),
        links=tuple(links),
    )


def public_home_panels(viewer: Any, network: Any) -> Iterator[Panel]:
    """The surveys anyone may answer now, each linking to its public page."""
    surveys = public_open_surveys(network)
    if not surveys:
        return
    yield Panel(
        key="surveys",
        title=_("Open surveys"),
        order=ORDER,
        description=_("Tell the network how things are where you live: these surveys are open to everyone."),
        links=tuple(
            PanelLink(
                survey.title,
                reverse("needs:survey_answer", args=[network.slug, survey.public_token]),
                _("open until %(date)s") % {"date": date_format(survey.closes_on, "SHORT_DATE_FORMAT")}
                if survey.closes_on
                else "",
            )
            for survey in surveys
        ),
    )
