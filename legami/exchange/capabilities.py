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

# --- time bank ---------------------------------------------------------------------------------------------
# Who holds an account acts on it (their own person, or their organisation for partner staff): the object
# rule is in services/timebank.py. Operators see every account; evaluators and funders see totals only.
USE_TIME_BANK = Capability(
    "exchange.use_time_bank",
    _("Use one's own hours account: see it, propose, confirm and refuse transfers"),
    roles={Role.CITIZEN, Role.PARTNER_STAFF, Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.CASE_MANAGER},
)
VIEW_TIME_BANK = Capability(
    "exchange.view_time_bank",
    _("See every hours account of the network, its statement and its transfers"),
    roles=OPERATORS,
    case_data=True,
)
MANAGE_TIME_BANK = Capability(
    "exchange.manage_time_bank",
    _("Confirm transfers on someone's behalf, reverse mistakes and credit hours from the network fund"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER},
    case_data=True,
)
SET_TIME_BANK_POLICY = Capability(
    "exchange.set_time_bank_policy",
    _("Set the time bank's overdraft limits"),
    roles={Role.COORDINATOR},
)
VIEW_TIME_BANK_FIGURES = Capability(
    "exchange.view_time_bank_figures",
    _("See the time bank's monthly totals, without any person's account"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.CASE_MANAGER, Role.EVALUATOR, Role.FUNDER},
)

# --- shared spaces ---
# Every member sees the spaces and when they are taken; who booked and why is for the space's managers and the
# operators. Partner staff manage only the spaces their organisation manages (checked on the space).
VIEW_SPACES = Capability(
    "exchange.view_spaces",
    _("See the shared spaces, their rules and when they are taken"),
    roles=set(Role) - {Role.PRIVACY_OFFICER},
)
BOOK_SPACES = Capability(
    "exchange.book_spaces",
    _("Book a shared space and follow one's own bookings"),
    roles={Role.CITIZEN, Role.PARTNER_STAFF, Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.CASE_MANAGER},
)
MANAGE_SPACES = Capability(
    "exchange.manage_spaces",
    _("Add and edit shared spaces, confirm or refuse their bookings (partner staff: their organisation's spaces)"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.PARTNER_STAFF},
)
VIEW_BOOKINGS = Capability(
    "exchange.view_bookings",
    _("See every booking of the shared spaces, with who booked, their contact and the purpose"),
    roles=OPERATORS,
    case_data=True,
)
SPACE_USAGE = Capability(
    "exchange.space_usage",
    _("See how much the shared spaces are used (hours booked per month), without who booked"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.EVALUATOR, Role.FUNDER},
)
