"""What the exchange app lets a role do.

Offers of time, skills, goods, spaces and transport are posted by citizens and partners and read by the
operators who match them with needs. A match names a need, so only those who see needs run matching.
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import OPERATORS, Capability, Role

VIEW_OFFERS = Capability(
    "exchange.view_offers",
    _("See the community's offers of time, skills, goods, spaces and transport, with who offers them"),
    roles=OPERATORS,
    case_data=True,
)
MANAGE_OFFERS = Capability(
    "exchange.manage_offers",
    _("Record, edit, verify and close offers"),
    roles=OPERATORS,
)
OFFER_OWN = Capability(
    "exchange.offer_own",
    _("Post one's own offers and answer the matches proposed on them"),
    roles={Role.CITIZEN, Role.PARTNER_STAFF, Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.CASE_MANAGER},
)
MANAGE_MATCHES = Capability(
    "exchange.manage_matches",
    _("Run the matching of needs with offers, match by hand and follow matches"),
    roles=OPERATORS,
    case_data=True,
)
