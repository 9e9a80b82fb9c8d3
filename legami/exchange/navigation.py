"""The exchange app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import COMMUNITY, Entry, register
from legami.exchange.capabilities import MANAGE_MATCHES, OFFER_OWN

register(
    Entry(COMMUNITY, _("Offers"), "exchange:offers", "offers", OFFER_OWN, order=40),
    Entry(COMMUNITY, _("Matching"), "exchange:matching", "matching", MANAGE_MATCHES, order=45),
    Entry(COMMUNITY, _("Matches"), "exchange:matches", "matches", MANAGE_MATCHES, order=46),
    Entry(COMMUNITY, _("My matches"), "exchange:my_matches", "my_matches", OFFER_OWN, order=47),
)
