"""The aggregation app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.aggregation.capabilities import VIEW_DEMANDS
from legami.core.navigation import NEEDS, Entry, register

register(Entry(NEEDS, _("Aggregated demand"), "aggregation:demands", "demands", VIEW_DEMANDS, order=40))
