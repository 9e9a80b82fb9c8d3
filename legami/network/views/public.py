"""The network's public home page and the members' dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from legami.core.capabilities import VIEW_AUDIT
from legami.core.decorators import network_view
from legami.core.permissions import can
from legami.network.capabilities import VIEW_DASHBOARD, VIEW_MEMBERS, VIEW_ORGANIZATIONS, VIEW_PEOPLE
from legami.network.models import Network
from legami.network.selectors.audit import latest_audit_events
from legami.network.selectors.dashboard import dashboard_counts, member_roles, territory_summary
from legami.network.selectors.organizations import organizations_staffed_by, public_partners
from legami.territory.capabilities import VIEW_TERRITORY


@require_GET
@network_view()
def network_home(request: HttpRequest, network: Network) -> HttpResponse:
    """What the network is, who takes part and where it works: public, no personal data."""
    context = {
        "partner_groups": public_partners(network),
        "territory": territory_summary(network),
    }
    return render(request, "network/public/home.html", context)


# (key in dashboard_counts, label, URL name or None): the order in which figures are shown.
FIGURES = (
    ("people", _("People"), "network:people"),
    ("households", _("Households"), "network:households"),
    ("organizations", _("Organisations"), "network:organizations"),
    ("members", _("Members"), "network:members"),
    ("municipalities", _("Comuni"), "territory:overview"),
    ("districts", _("Social districts"), "territory:overview"),
    ("neighbourhoods", _("Neighbourhoods"), "territory:overview"),
    ("places", _("Places"), "territory:places"),
)
# Where a figure links only when the viewer may open that page.
FIGURE_LINK_CAPABILITY = {
    "network:people": VIEW_PEOPLE,
    "network:households": VIEW_PEOPLE,
    "network:organizations": VIEW_ORGANIZATIONS,
    "network:members": VIEW_MEMBERS,
    "territory:overview": VIEW_TERRITORY,
    "territory:places": VIEW_TERRITORY,
}


@require_GET
@network_view(VIEW_DASHBOARD)
def dashboard(request: HttpRequest, network: Network) -> HttpResponse:
    """The member's starting page: their roles, the figures they may see, shortcuts, recent activity."""
    user = request.user
    counts = dashboard_counts(user, network)
    figures = [
        {
            "label": label,
            "value": counts[key],
            "url": reverse(url_name, args=[network.slug])
            if can(user, FIGURE_LINK_CAPABILITY[url_name], network)
            else "",
        }
        for key, label, url_name in FIGURES
        if key in counts
    ]
    context = {
        "nav": "dashboard",
        "roles": member_roles(user, network),
        "figures": figures,
        "own_organizations": list(organizations_staffed_by(user, network)),
        "events": latest_audit_events(user, network) if can(user, VIEW_AUDIT, network) else [],
    }
    return render(request, "network/public/dashboard.html", context)
