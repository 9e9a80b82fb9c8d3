"""The pacts app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import PACTS, Entry, register
from legami.pacts.capabilities import WORK_ON_CASES

register(
    # The case manager's desk: the first entry of the group.
    Entry(PACTS, _("Desk"), "pacts:desk", "pacts_desk", WORK_ON_CASES, order=1),
)
