"""The participation app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import RESPONSES, Entry, register
from legami.participation.capabilities import MODERATE

register(
    Entry(RESPONSES, _("Participatory processes"), "participation:processes", "processes", None, order=10),
    Entry(RESPONSES, _("Moderation"), "participation:moderation", "moderation", MODERATE, order=15),
)
