"""What the shared kernel's pages let a role do: the audit trail, the register of processings, background jobs."""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import OPERATORS, Capability, Role

VIEW_AUDIT = Capability(
    "core.view_audit", _("See the audit trail"), roles={Role.COORDINATOR, Role.PRIVACY_OFFICER}, case_data=True
)
MANAGE_PROCESSINGS = Capability(
    "core.manage_processings", _("Manage the register of processings"), roles={Role.COORDINATOR, Role.PRIVACY_OFFICER}
)
VIEW_JOBS = Capability("core.view_jobs", _("Follow background jobs"), roles={Role.COORDINATOR})
# Figures about fewer than LEGAMI_K_ANONYMITY people (legami.core.smallnumbers): for the roles that work with
# the people, whose lists show them anyway; hidden from partner staff, evaluators, funders.
SEE_SMALL_NUMBERS = Capability("core.see_small_numbers", _("See figures about fewer than k people"), roles=OPERATORS)
