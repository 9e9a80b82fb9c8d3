"""The network app's panels on the members' dashboard (see core.panels): people, the partnership,
the territory, privacy. Their figures come from one query (dashboard_counts) and, for who may manage
members, one more (the pending invitations)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from legami.core.panels import Panel, PanelFigure, PanelLink
from legami.core.permissions import can
from legami.network.selectors.dashboard import dashboard_counts
from legami.network.selectors.members import pending_invitations_count
from legami.network.selectors.organizations import organizations_staffed_by


def _figure(viewer: Any, network: Any, label: str, value: int, url_name: str, capability: str) -> PanelFigure:
    """A figure that links to its page only when the viewer may open that page."""
    url = reverse(url_name, args=[network.slug]) if can(viewer, capability, network) else ""
    return PanelFigure(label, value, url)


def _people(viewer: Any, network: Any, counts: dict[str, int]) -> Panel:
    slug = network.slug
    figures: list[PanelFigure] = []
    links: list[PanelLink] = []
    if "people" in counts:
        figures += [
            _figure(viewer, network, _("People"), counts["people"], "network:people", "network.view_people"),
            _figure(
                viewer, network, _("Households"), counts["households"], "network:households", "network.view_people"
            ),
        ]
    if can(viewer, "network.change_people", network):
        links.append(PanelLink(_("Add a person"), reverse("network:person_create", args=[slug])))
    if can(viewer, "network.view_people", network):
        links.append(PanelLink(_("Person registry"), reverse("network:people", args=[slug])))
        links.append(PanelLink(_("Households"), reverse("network:households", args=[slug])))
    if can(viewer, "network.view_ties", network):
        links.append(PanelLink(_("Ties"), reverse("network:ties", args=[slug])))
    if can(viewer, "network.import_people", network):
        links.append(PanelLink(_("Import people from a file"), reverse("network:people_import", args=[slug])))
    if can(viewer, "network.export_people", network):
        links.append(PanelLink(_("Export the person registry"), reverse("network:people_export", args=[slug])))
    return Panel(
        key="people",
        title=_("People and households"),
        order=30,
        description=_("The person registry, households and the ties between people."),
        figures=tuple(figures),
        links=tuple(links),
    )


def _partnership(viewer: Any, network: Any, counts: dict[str, int]) -> Panel:
    slug = network.slug
    figures = [
        _figure(
            viewer,
            network,
            _("Organisations"),
            counts["organizations"],
            "network:organizations",
            "network.view_organizations",
        ),
        _figure(viewer, network, _("Members"), counts["members"], "network:members", "network.view_members"),
    ]
    if can(viewer, "network.manage_members", network):
        url = reverse("network:members", args=[slug]) + "#invitations"
        figures.append(PanelFigure(_("Pending invitations"), pending_invitations_count(viewer, network), url))
    links = [
        PanelLink(
            _("Your organisation: %(name)s") % {"name": organization.name},
            reverse("network:organization_detail", args=[slug, organization.pk]),
        )
        for organization in organizations_staffed_by(viewer, network)
    ]
    links.append(PanelLink(_("Partner organisations"), reverse("network:organizations", args=[slug])))
    if can(viewer, "network.manage_organizations", network):
        links.append(PanelLink(_("Add an organisation"), reverse("network:organization_create", args=[slug])))
    if can(viewer, "network.view_members", network):
        links.append(PanelLink(_("Members"), reverse("network:members", args=[slug])))
    if can(viewer, "network.manage_members", network):
        links.append(PanelLink(_("Invite a member"), reverse("network:member_invite", args=[slug])))
    links.append(PanelLink(_("Public page of the network"), reverse("network:home", args=[slug])))
    return Panel(
        key="partnership",
        title=_("The partnership"),
        order=40,
        description=_("The organisations of the network and the people who work in it."),
        figures=tuple(figures),
        links=tuple(links),
    )


def _territory(viewer: Any, network: Any, counts: dict[str, int]) -> Panel:
    capability = "territory.view_territory"
    figures = (
        _figure(viewer, network, _("Comuni"), counts["municipalities"], "territory:overview", capability),
        _figure(viewer, network, _("Social districts"), counts["districts"], "territory:overview", capability),
        _figure(viewer, network, _("Neighbourhoods"), counts["neighbourhoods"], "territory:overview", capability),
        _figure(viewer, network, _("Places"), counts["places"], "territory:places", capability),
    )
    links: tuple[PanelLink, ...] = ()
    if can(viewer, capability, network):
        links = (
            PanelLink(_("Territory"), reverse("territory:overview", args=[network.slug])),
            PanelLink(_("Places"), reverse("territory:places", args=[network.slug])),
        )
    return Panel(
        key="territory",
        title=_("Territory"),
        order=50,
        description=_("The Comuni where the network works, its districts, neighbourhoods and places."),
        figures=figures,
        links=links,
    )


def _privacy(viewer: Any, network: Any) -> Panel:
    links = []
    if can(viewer, "core.view_audit", network):
        links.append(PanelLink(_("Audit log"), reverse("network:audit", args=[network.slug])))
    if can(viewer, "core.manage_processings", network):
        links.append(PanelLink(_("Register of processings"), reverse("network:processings", args=[network.slug])))
    return Panel(
        key="privacy",
        title=_("Privacy and audit"),
        order=60,
        description=_("Who did what, and why personal data are processed."),
        links=tuple(links),
    )


def dashboard_panels(viewer: Any, network: Any) -> Iterator[Panel]:
    """The network app's panels for `viewer`, each holding only what the viewer's roles may use."""
    counts = dashboard_counts(viewer, network)
    if not counts:
        return
    yield _people(viewer, network, counts)
    yield _partnership(viewer, network, counts)
    yield _territory(viewer, network, counts)
    yield _privacy(viewer, network)
