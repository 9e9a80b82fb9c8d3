"""What the pacts app lets a role do.

A case is seen only by its case team and the privacy officer: holding `pacts.work_on_cases` lets a user be put on
a team and see the cases they are on, nothing more; for everyone else a case does not exist (404). The privacy
officer reads every case (to answer a person's requests and check the processing), never writes. Host
organisations confirm the give-back hours done with them without seeing the pact.
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import Capability, Role

WORK_ON_CASES = Capability(
    "pacts.work_on_cases",
    _("Work on the cases one is on the team of: assessments, pacts, expenses, give-back hours, reviews"),
    roles={Role.COORDINATOR, Role.CASE_MANAGER, Role.COMMUNITY_WORKER, Role.PARTNER_STAFF},
    case_data=True,
)
OPEN_CASES = Capability(
    "pacts.open_cases",
    _("Take a person in charge: open a case, manage its team, close it"),
    roles={Role.COORDINATOR, Role.CASE_MANAGER},
    case_data=True,
)
INSPECT_CASES = Capability(
    "pacts.inspect_cases",
    _("Read every case and pact, without changing them (the privacy officer)"),
    roles={Role.PRIVACY_OFFICER},
    case_data=True,
)
APPROVE_OVERSPENDING = Capability(
    "pacts.approve_overspending",
    _("Approve or refuse an expense over a pact's budget recorded by someone else on the team"),
    roles={Role.COORDINATOR, Role.CASE_MANAGER},
    case_data=True,
)
CONFIRM_GIVE_BACK = Capability(
    "pacts.confirm_give_back",
    _("Confirm the community hours done with one's organisation (the host sees the hours, never the pact)"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.PARTNER_STAFF},
)

# The pages of a case or a pact open to both (then the access selectors answer 404 outside the team):
# `network_view(*CASE_READERS)`.
CASE_READERS = (WORK_ON_CASES, INSPECT_CASES)
