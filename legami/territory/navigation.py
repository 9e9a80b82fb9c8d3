"""The territory app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import NETWORK, Entry, register
from legami.territory.capabilities import VIEW_TERRITORY

register(Entry(NETWORK, _("Territory"), "territory:overview", "territory", VIEW_TERRITORY, order=30))
