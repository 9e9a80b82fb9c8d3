"""The responses app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.navigation import RESPONSES, Entry, register
from legami.responses.capabilities import VIEW_RESPONSES

register(
    Entry(RESPONSES, pgettext_lazy("menu", "Responses"), "responses:responses", "responses", None, order=30),
    Entry(RESPONSES, _("Give-back places"), "responses:giveback_places", "giveback", VIEW_RESPONSES, order=35),
    Entry(RESPONSES, _("Co-programming"), "responses:coprogramming", "coprogramming", VIEW_RESPONSES, order=20),
    Entry(RESPONSES, _("Co-design tables"), "responses:calls", "calls", VIEW_RESPONSES, order=25),
)
