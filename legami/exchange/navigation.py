"""The exchange app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import COMMUNITY, Entry, register
from legami.exchange.capabilities import BOOK_SPACES, MANAGE_SPACES, SPACE_USAGE, VIEW_SPACES

register(
    Entry(COMMUNITY, _("Shared spaces"), "exchange:spaces", "spaces", VIEW_SPACES, order=60),
    Entry(COMMUNITY, _("My bookings"), "exchange:my_bookings", "my_bookings", BOOK_SPACES, order=61),
    Entry(COMMUNITY, _("Bookings to approve"), "exchange:booking_queue", "booking_queue", MANAGE_SPACES, order=62),
    Entry(COMMUNITY, _("Use of the spaces"), "exchange:space_usage", "space_usage", SPACE_USAGE, order=63),
)
