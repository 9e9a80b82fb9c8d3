"""The activities app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.activities.capabilities import VIEW_ACTIVITIES
from legami.core.navigation import COMMUNITY, Entry, register

register(
    Entry(COMMUNITY, _("Activity calendar"), "activities:calendar", "activity_calendar", None, order=40),
    Entry(COMMUNITY, _("Civic Center activities"), "activities:activities", "activities", VIEW_ACTIVITIES, order=41),
)
