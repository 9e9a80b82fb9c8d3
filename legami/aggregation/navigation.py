"""The aggregation app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import NEEDS, Entry, register

register(Entry(NEEDS, _("Aggregated demand"), "aggregation:demands", "demands", "aggregation.view_demands", order=40))
