"""The territory app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import NETWORK, Entry, register

register(Entry(NETWORK, _("Territory"), "territory:overview", "territory", "territory.view_territory", order=30))
