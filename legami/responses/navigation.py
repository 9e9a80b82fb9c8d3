"""The responses app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import RESPONSES, Entry, register
from legami.responses.capabilities import VIEW_RESPONSES

register(
    Entry(RESPONSES, _("Co-programming"), "responses:coprogramming", "coprogramming", VIEW_RESPONSES, order=20),
    Entry(RESPONSES, _("Co-design tables"), "responses:calls", "calls", VIEW_RESPONSES, order=25),
)
