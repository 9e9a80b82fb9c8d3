"""The exchange app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import COMMUNITY, Entry, register
from legami.exchange.capabilities import (
    MANAGE_MATCHES,
    OFFER_OWN,
    USE_TIME_BANK,
    VIEW_TIME_BANK,
    VIEW_TIME_BANK_FIGURES,
)

register(
    Entry(COMMUNITY, _("Offers"), "exchange:offers", "offers", OFFER_OWN, order=35),
    Entry(COMMUNITY, _("Matching"), "exchange:matching", "matching", MANAGE_MATCHES, order=36),
    Entry(COMMUNITY, _("Matches"), "exchange:matches", "matches", MANAGE_MATCHES, order=37),
    Entry(COMMUNITY, _("My matches"), "exchange:my_matches", "my_matches", OFFER_OWN, order=38),
    # --- time bank ---
    Entry(COMMUNITY, _("My hours account"), "exchange:timebank", "timebank", USE_TIME_BANK, order=40),
    Entry(
        COMMUNITY, _("Time bank accounts"), "exchange:timebank_accounts", "timebank_accounts", VIEW_TIME_BANK, order=41
    ),
    Entry(
        COMMUNITY,
        _("Time bank figures"),
        "exchange:timebank_figures",
        "timebank_figures",
        VIEW_TIME_BANK_FIGURES,
        order=42,
    ),
)
