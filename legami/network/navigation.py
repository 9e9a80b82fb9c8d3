"""The network app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.capabilities import MANAGE_PROCESSINGS, VIEW_AUDIT
from legami.core.navigation import COMMUNITY, NETWORK, Entry, register
from legami.network.capabilities import VIEW_DASHBOARD, VIEW_MEMBERS, VIEW_ORGANIZATIONS, VIEW_PEOPLE, VIEW_TIES

register(
    # The dashboard stands outside the groups: it is where every member starts.
    Entry(None, _("Dashboard"), "network:dashboard", "dashboard", VIEW_DASHBOARD, order=0),
    Entry(COMMUNITY, _("People"), "network:people", "people", VIEW_PEOPLE, order=10),
    Entry(COMMUNITY, _("Households"), "network:households", "households", VIEW_PEOPLE, order=20),
    Entry(COMMUNITY, _("Ties"), "network:ties", "ties", VIEW_TIES, order=30),
    Entry(NETWORK, _("Partners"), "network:organizations", "organizations", VIEW_ORGANIZATIONS, order=10),
    Entry(NETWORK, _("Members"), "network:members", "members", VIEW_MEMBERS, order=20),
    Entry(NETWORK, _("Privacy"), "network:processings", "privacy", MANAGE_PROCESSINGS, order=40),
    Entry(NETWORK, _("Audit log"), "network:audit", "audit", VIEW_AUDIT, order=50),
)
