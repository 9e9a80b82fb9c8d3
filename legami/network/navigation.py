"""The network app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import COMMUNITY, NETWORK, Entry, register

register(
    # The dashboard stands outside the groups: it is where every member starts.
    Entry(None, _("Dashboard"), "network:dashboard", "dashboard", "network.view_dashboard", order=0),
    Entry(COMMUNITY, _("People"), "network:people", "people", "network.view_people", order=10),
    Entry(COMMUNITY, _("Households"), "network:households", "households", "network.view_people", order=20),
    Entry(COMMUNITY, _("Ties"), "network:ties", "ties", "network.view_ties", order=30),
    Entry(NETWORK, _("Partners"), "network:organizations", "organizations", "network.view_organizations", order=10),
    Entry(NETWORK, _("Members"), "network:members", "members", "network.view_members", order=20),
    Entry(NETWORK, _("Privacy"), "network:processings", "privacy", "core.manage_processings", order=40),
    Entry(NETWORK, _("Audit log"), "network:audit", "audit", "core.view_audit", order=50),
)
