"""The referrals app's pages in the menu (see legami/core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from legami.core.navigation import PACTS, Entry, register
from legami.referrals.capabilities import FILE_REFERRALS, TRIAGE_REFERRALS

register(
    Entry(PACTS, _("Signal a situation"), "referrals:file", "referral_file", FILE_REFERRALS, order=10),
    Entry(PACTS, _("My referrals"), "referrals:mine", "referrals_mine", FILE_REFERRALS, order=11),
    Entry(PACTS, _("Referrals to examine"), "referrals:queue", "referrals_queue", TRIAGE_REFERRALS, order=12),
)
