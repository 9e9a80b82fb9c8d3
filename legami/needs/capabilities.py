"""What the needs app lets a role do.

The individual needs are personal data (operators); the figures and the map are for everyone in the network.
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import ALL_ROLES, OPERATORS, Capability, Role

VIEW_NEEDS = Capability("needs.view_needs", _("See individual needs"), roles=OPERATORS, case_data=True)
CHANGE_NEEDS = Capability("needs.change_needs", _("Record and change needs"), roles=OPERATORS)
VIEW_CASE_NEEDS = Capability(
    "needs.view_case_needs",
    _("See the needs that hold case data"),
    roles={Role.COORDINATOR, Role.CASE_MANAGER},
    case_data=True,
)
IMPORT_NEEDS = Capability("needs.import_needs", _("Import needs from a file"), roles={Role.COORDINATOR})
EXPORT_NEEDS = Capability("needs.export_needs", _("Export needs"), roles={Role.COORDINATOR}, case_data=True)
MANAGE_AREAS = Capability("needs.manage_areas", _("Manage the need areas"), roles={Role.COORDINATOR})
VIEW_NEEDS_MAP = Capability("needs.view_needs_map", _("See the map and the figures of needs"), roles=ALL_ROLES)
MANAGE_SURVEYS = Capability(
    "needs.manage_surveys", _("Manage surveys"), roles={Role.COORDINATOR, Role.COMMUNITY_WORKER}
)
VIEW_SURVEY_RESULTS = Capability(
    "needs.view_survey_results", _("See the results of surveys"), roles=OPERATORS | {Role.EVALUATOR}
)
