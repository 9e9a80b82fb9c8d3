"""What the shared kernel's pages let a role do: the audit trail, the register of processings, background jobs."""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import Capability, Role

VIEW_AUDIT = Capability(
    "core.view_audit", _("See the audit trail"), roles={Role.COORDINATOR, Role.PRIVACY_OFFICER}, case_data=True
)
MANAGE_PROCESSINGS = Capability(
    "core.manage_processings", _("Manage the register of processings"), roles={Role.COORDINATOR, Role.PRIVACY_OFFICER}
)
VIEW_JOBS = Capability("core.view_jobs", _("Follow background jobs"), roles={Role.COORDINATOR})
