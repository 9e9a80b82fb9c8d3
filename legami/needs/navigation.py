"""The needs app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import NEEDS, Entry, register
from legami.needs.capabilities import VIEW_NEEDS, VIEW_NEEDS_MAP, VIEW_SURVEY_RESULTS

register(
    Entry(NEEDS, _("List of needs"), "needs:needs", "needs", VIEW_NEEDS, order=10),
    Entry(NEEDS, _("Needs map"), "needs:map", "needs_map", VIEW_NEEDS_MAP, order=20),
    Entry(NEEDS, _("Surveys"), "needs:surveys", "surveys", VIEW_SURVEY_RESULTS, order=30),
)
