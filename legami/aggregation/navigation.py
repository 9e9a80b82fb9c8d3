"""The aggregation app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.aggregation.capabilities import REVIEW_DEMANDS, VIEW_DEMANDS
from legami.core.navigation import NEEDS, Entry, register

register(Entry(NEEDS, _("Aggregated demand"), "aggregation:demands", "demands", VIEW_DEMANDS, order=40))
register(
    Entry(NEEDS, _("Aggregation vocabulary"), "aggregation:vocabulary", "demand_vocabulary", REVIEW_DEMANDS, order=45)
)
