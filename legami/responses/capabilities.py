"""What the responses app lets a role do.

A response's accountability page is public. Running co-programming rounds, co-design tables and responses is
the coordinator's and the community worker's; partners contribute to rounds and apply to calls for their own
organisation; evaluators score applications (never one their own organisation takes part in).
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import OPERATORS, Capability, Role

VIEW_RESPONSES = Capability(
    "responses.view_responses",
    _("See co-programming rounds, co-design tables and responses with their budgets"),
    roles=OPERATORS | {Role.PARTNER_STAFF, Role.EVALUATOR, Role.FUNDER},
)
MANAGE_RESPONSES = Capability(
    "responses.manage_responses",
    _("Run responses: partners, budget, milestones, progress, co-production and give-back places"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER},
)
MANAGE_COPROGRAMMING = Capability(
    "responses.manage_coprogramming",
    _("Open and close co-programming rounds and co-design tables"),
    roles={Role.COORDINATOR},
)
CONTRIBUTE = Capability(
    "responses.contribute",
    _("Contribute to co-programming and apply to co-design tables for one's organisation"),
    roles={Role.PARTNER_STAFF, Role.COORDINATOR, Role.COMMUNITY_WORKER},
)
SCORE_APPLICATIONS = Capability(
    "responses.score_applications",
    _("Score the applications to co-design tables"),
    roles={Role.EVALUATOR, Role.COORDINATOR},
)
RECORD_COPRODUCTION = Capability(
    "responses.record_coproduction",
    _("Record what a partner contributed to a response"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.PARTNER_STAFF},
)
