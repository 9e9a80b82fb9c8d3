"""The pacts app's pages in the menu (see legami/core/navigation.py).

An entry takes one capability: the case team sees the desk and "My cases" (pacts.work_on_cases); the privacy
officer, who holds pacts.inspect_cases and no other, sees the same list as "Cases of the network".
"""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import COMMUNITY, PACTS, Entry, register
from legami.pacts.capabilities import CONFIRM_GIVE_BACK, INSPECT_CASES, WORK_ON_CASES

register(
    # The case manager's desk: the first entry of the group.
    Entry(PACTS, _("Desk"), "pacts:desk", "pacts_desk", WORK_ON_CASES, order=1),
    Entry(PACTS, _("My cases"), "pacts:cases", "cases", WORK_ON_CASES, order=20),
    Entry(PACTS, _("Cases of the network"), "pacts:cases", "cases_all", INSPECT_CASES, order=21),
    # The host's queue sits with the community's pages: a host confirms volunteer hours, and learns nothing of a pact.
    Entry(
        COMMUNITY,
        _("Volunteer hours to confirm"),
        "pacts:giveback_confirmations",
        "giveback_confirmations",
        CONFIRM_GIVE_BACK,
        order=45,
    ),
)
