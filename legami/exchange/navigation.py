"""The exchange app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import COMMUNITY, Entry, register
from legami.exchange.capabilities import (
    BOOK_SPACES,
    MANAGE_MATCHES,
    MANAGE_SPACES,
    OFFER_OWN,
    SPACE_USAGE,
    USE_TIME_BANK,
    VIEW_SPACES,
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
    Entry(COMMUNITY, _("Shared spaces"), "exchange:spaces", "spaces", VIEW_SPACES, order=60),
    Entry(COMMUNITY, _("My bookings"), "exchange:my_bookings", "my_bookings", BOOK_SPACES, order=61),
    Entry(COMMUNITY, _("Bookings to approve"), "exchange:booking_queue", "booking_queue", MANAGE_SPACES, order=62),
    Entry(COMMUNITY, _("Use of the spaces"), "exchange:space_usage", "space_usage", SPACE_USAGE, order=63),
)
