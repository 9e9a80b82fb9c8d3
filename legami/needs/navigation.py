"""The needs app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import NEEDS, Entry, register

register(
    Entry(NEEDS, _("List of needs"), "needs:needs", "needs", "needs.view_needs", order=10),
    Entry(NEEDS, _("Needs map"), "needs:map", "needs_map", "needs.view_needs_map", order=20),
    Entry(NEEDS, _("Surveys"), "needs:surveys", "surveys", "needs.view_survey_results", order=30),
)
