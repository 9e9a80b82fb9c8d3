"""The network app's panels on the members' dashboard (see core.panels): people, the partnership,
the territory, privacy. Their figures come from one query (dashboard_counts) and, for who may manage
members, one more (the pending invitations)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from legami.core.capabilities import MANAGE_PROCESSINGS, VIEW_AUDIT
from legami.core.panels import Panel, PanelFigure, PanelLink
from legami.core.permissions import can
from legami.network.capabilities import (
    CHANGE_PEOPLE,
    EXPORT_PEOPLE,
    IMPORT_PEOPLE,
    MANAGE_MEMBERS,
    MANAGE_ORGANIZATIONS,
    VIEW_MEMBERS,
    VIEW_ORGANIZATIONS,
    VIEW_PEOPLE,
    VIEW_TIES,
)
from legami.network.selectors.dashboard import dashboard_counts
from legami.network.selectors.members import pending_invitations_count
from legami.network.selectors.organizations import organizations_staffed_by
from legami.territory.capabilities import VIEW_TERRITORY


def _figure(viewer: Any, network: Any, label: str, value: int, url_name: str, capability: str) -> PanelFigure:
    """A figure that links to its page only when the viewer may open that page."""
    url = reverse(url_name, args=[network.slug]) if can(viewer, capability, network) else ""
    return PanelFigure(label, value, url)


def _links(viewer: Any, network: Any, entries: list[tuple[str, str, str | None]]) -> list[PanelLink]:
    """The (label, URL name, capability or None for every member) entries the viewer may open, in order."""
    return [
        PanelLink(label, reverse(url_name, args=[network.slug]))
        for label, url_name, capability in entries
        if capability is None or can(viewer, capability, network)
    ]


def _people(viewer: Any, network: Any, counts: dict[str, int]) -> Panel:
    figures: list[PanelFigure] = []
    if "people" in counts:
        figures += [
            _figure(viewer, network, _("People"), counts["people"], "network:people", VIEW_PEOPLE),
            _figure(viewer, network, _("Households"), counts["households"], "network:households", VIEW_PEOPLE),
        ]
    links = _links(
        viewer,
        network,
        [
            (_("Add a person"), "network:person_create", CHANGE_PEOPLE),
            (_("Person registry"), "network:people", VIEW_PEOPLE),
            (_("Households"), "network:households", VIEW_PEOPLE),
            (_("Ties"), "network:ties", VIEW_TIES),
            (_("Import people from a file"), "network:people_import", IMPORT_PEOPLE),
            (_("Export the person registry"), "network:people_export", EXPORT_PEOPLE),
        ],
    )
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
            VIEW_ORGANIZATIONS,
        ),
        _figure(viewer, network, _("Members"), counts["members"], "network:members", VIEW_MEMBERS),
    ]
    if can(viewer, MANAGE_MEMBERS, network):
        url = reverse("network:members", args=[slug]) + "#invitations"
        figures.append(PanelFigure(_("Pending invitations"), pending_invitations_count(viewer, network), url))
    links = [
        PanelLink(
            _("Your organisation: %(name)s") % {"name": organization.name},
            reverse("network:organization_detail", args=[slug, organization.pk]),
        )
        for organization in organizations_staffed_by(viewer, network)
    ]
    links += _links(
        viewer,
        network,
        [
            (_("Partner organisations"), "network:organizations", None),
            (_("Add an organisation"), "network:organization_create", MANAGE_ORGANIZATIONS),
            (_("Members"), "network:members", VIEW_MEMBERS),
            (_("Invite a member"), "network:member_invite", MANAGE_MEMBERS),
            (_("Public page of the network"), "network:home", None),
        ],
    )
    return Panel(
        key="partnership",
        title=_("The partnership"),
        order=40,
        description=_("The organisations of the network and the people who work in it."),
        figures=tuple(figures),
        links=tuple(links),
    )


def _territory(viewer: Any, network: Any, counts: dict[str, int]) -> Panel:
    capability = VIEW_TERRITORY
    figures = (
        _figure(viewer, network, _("Comuni"), counts["municipalities"], "territory:overview", capability),
        _figure(viewer, network, _("Social districts"), counts["districts"], "territory:overview", capability),
        _figure(viewer, network, _("Neighbourhoods"), counts["neighbourhoods"], "territory:overview", capability),
        _figure(viewer, network, _("Places"), counts["places"], "territory:places", capability),
    )
    links = _links(
        viewer,
        network,
        [(_("Territory"), "territory:overview", capability), (_("Places"), "territory:places", capability)],
    )
    return Panel(
        key="territory",
        title=_("Territory"),
        order=50,
        description=_("The Comuni where the network works, its districts, neighbourhoods and places."),
        figures=figures,
        links=tuple(links),
    )


def _privacy(viewer: Any, network: Any) -> Panel:
    links = _links(
        viewer,
        network,
        [
            (_("Audit log"), "network:audit", VIEW_AUDIT),
            (_("Register of processings"), "network:processings", MANAGE_PROCESSINGS),
        ],
    )
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
