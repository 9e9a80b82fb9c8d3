"""The network's public home page and the members' dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from legami.core.capabilities import VIEW_AUDIT
from legami.core.decorators import network_view
from legami.core.panels import DASHBOARD, PUBLIC_HOME
from legami.core.permissions import can
from legami.network.capabilities import VIEW_DASHBOARD
from legami.network.models import Network
from legami.network.selectors.audit import latest_audit_events
from legami.network.selectors.dashboard import member_roles, territory_summary
from legami.network.selectors.organizations import public_partners


@require_GET
@network_view()
def network_home(request: HttpRequest, network: Network) -> HttpResponse:
    """What the network is, who takes part and where it works: public, no personal data."""
    context = {
        "panels": PUBLIC_HOME.panels(request.user, network),
        "partner_groups": public_partners(network),
        "territory": territory_summary(network),
    }
    return render(request, "network/public/home.html", context)


@require_GET
@network_view(VIEW_DASHBOARD)
def dashboard(request: HttpRequest, network: Network) -> HttpResponse:
    """The member's starting page: their roles, the figures they may see, shortcuts, recent activity."""
    user = request.user
    context = {
        "nav": "dashboard",
        "roles": member_roles(user, network),
        "panels": DASHBOARD.panels(user, network),
        "events": latest_audit_events(user, network) if can(user, VIEW_AUDIT, network) else [],
    }
    return render(request, "network/public/dashboard.html", context)
