"""Roles within a network and the capabilities each role grants (deny by default).

This table is the one source of truth: views, the API, templates and services all ask
`legami.core.permissions.can()`, which reads it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASE_MANAGER = "case_manager", _("Case manager")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    EVALUATOR = "evaluator", _("Evaluator")
    FUNDER = "funder", _("Funder")
    CITIZEN = "citizen", _("Citizen / volunteer")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


ALL_ROLES = frozenset(Role)
OPERATORS = frozenset({Role.COORDINATOR, Role.CASE_MANAGER, Role.COMMUNITY_WORKER})

# capability -> roles that hold it in a network
CAPABILITIES: dict[str, frozenset[Role]] = {
    "network.view_dashboard": ALL_ROLES,
    "network.change_network": frozenset({Role.COORDINATOR}),
    "network.view_organizations": ALL_ROLES,
    "network.manage_organizations": frozenset({Role.COORDINATOR}),
    "network.view_members": frozenset(
        {Role.COORDINATOR, Role.CASE_MANAGER, Role.COMMUNITY_WORKER, Role.PRIVACY_OFFICER}
    ),
    "network.manage_members": frozenset({Role.COORDINATOR}),
    "network.view_people": OPERATORS | {Role.PRIVACY_OFFICER},
    "network.change_people": OPERATORS,
    "network.import_people": frozenset({Role.COORDINATOR}),
    "network.export_people": frozenset({Role.COORDINATOR, Role.PRIVACY_OFFICER}),
    "network.view_ties": OPERATORS,
    "network.change_ties": OPERATORS,
    "territory.view_territory": ALL_ROLES,
    "territory.manage_territory": frozenset({Role.COORDINATOR}),
    "core.view_audit": frozenset({Role.COORDINATOR, Role.PRIVACY_OFFICER}),
    "core.manage_processings": frozenset({Role.COORDINATOR, Role.PRIVACY_OFFICER}),
    "core.view_jobs": frozenset({Role.COORDINATOR}),
    # needs: the individual needs are personal data (operators); the figures are for everyone in the network
    "needs.view_needs": OPERATORS,
    "needs.change_needs": OPERATORS,
    "needs.view_case_needs": frozenset({Role.COORDINATOR, Role.CASE_MANAGER}),
    "needs.import_needs": frozenset({Role.COORDINATOR}),
    "needs.export_needs": frozenset({Role.COORDINATOR}),
    "needs.manage_areas": frozenset({Role.COORDINATOR}),
    "needs.view_needs_map": ALL_ROLES,
    "needs.manage_surveys": frozenset({Role.COORDINATOR, Role.COMMUNITY_WORKER}),
    "needs.view_survey_results": OPERATORS | {Role.EVALUATOR},
    # aggregated demand holds no personal data; its member needs are shown to those who may see needs
    "aggregation.view_demands": OPERATORS | {Role.PARTNER_STAFF, Role.EVALUATOR, Role.FUNDER},
    "aggregation.review_demands": frozenset({Role.COORDINATOR, Role.COMMUNITY_WORKER}),
}

# Capabilities whose reach a district-limited membership narrows to the people of that district.
DISTRICT_SCOPED = frozenset(
    {
        "network.view_people",
        "network.change_people",
        "network.view_ties",
        "network.change_ties",
        "needs.view_needs",
        "needs.change_needs",
        "needs.view_case_needs",
    }
)
