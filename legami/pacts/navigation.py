"""The pacts app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import COMMUNITY, Entry, register
from legami.pacts.capabilities import CONFIRM_GIVE_BACK

register(
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
