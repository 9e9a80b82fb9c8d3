"""What the aggregation app lets a role do.

Aggregated demand holds no personal data, so partners, evaluators and funders see it; its member needs
are shown only to those who may see needs (needs.view_needs).
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import OPERATORS, Capability, Role

VIEW_DEMANDS = Capability(
    "aggregation.view_demands",
    _("See aggregated demand"),
    roles=OPERATORS | {Role.PARTNER_STAFF, Role.EVALUATOR, Role.FUNDER},
)
REVIEW_DEMANDS = Capability(
    "aggregation.review_demands", _("Review aggregated demand"), roles={Role.COORDINATOR, Role.COMMUNITY_WORKER}
)
# The network's vocabulary and what the engine learned from review change every later run: the coordinator's.
MANAGE_VOCABULARY = Capability(
    "aggregation.manage_vocabulary",
    _("Edit the aggregation vocabulary and undo what it learned from review"),
    roles={Role.COORDINATOR},
)
