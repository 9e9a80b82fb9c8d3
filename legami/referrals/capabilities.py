"""What the referrals app lets a role do.

Sentinels (and the operators and partner staff, who notice fragile situations too) file referrals and follow
their status. Triage is for the coordinators and case managers, within their districts when their role is
limited to some: they read what was signalled, which is case data.
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import OPERATORS, Capability, Role

FILE_REFERRALS = Capability(
    "referrals.file_referrals",
    _("Signal a fragile situation to the services and follow the status of one's own referrals"),
    roles=OPERATORS | {Role.PARTNER_STAFF, Role.SENTINEL},
)
TRIAGE_REFERRALS = Capability(
    "referrals.triage_referrals",
    _("Triage referrals: read, assign, ask the reporter, take in charge, redirect or close (in one's districts)"),
    roles={Role.COORDINATOR, Role.CASE_MANAGER},
    case_data=True,
)
