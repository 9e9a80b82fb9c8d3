"""What the network app lets a role do: the network, its organisations and members, the people registry, ties."""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import ALL_ROLES, OPERATORS, Capability, Role

VIEW_DASHBOARD = Capability("network.view_dashboard", _("See the network's dashboard"), roles=ALL_ROLES)
CHANGE_NETWORK = Capability("network.change_network", _("Change the network's details"), roles={Role.COORDINATOR})
VIEW_ORGANIZATIONS = Capability("network.view_organizations", _("See the partner organisations"), roles=ALL_ROLES)
MANAGE_ORGANIZATIONS = Capability(
    "network.manage_organizations", _("Manage the partner organisations"), roles={Role.COORDINATOR}
)
# Changing an organisation's details: coordinators any, a partner's staff only their own (the object's rule,
# can_update_organization); the API asks for it before it reads the input.
CHANGE_ORGANIZATIONS = Capability(
    "network.change_organizations",
    _("Change the details of partner organisations (a partner's staff: their own)"),
    roles={Role.COORDINATOR, Role.PARTNER_STAFF},
)
VIEW_MEMBERS = Capability(
    "network.view_members",
    _("See the members and their roles"),
    roles={Role.COORDINATOR, Role.CASE_MANAGER, Role.COMMUNITY_WORKER, Role.PRIVACY_OFFICER},
)
MANAGE_MEMBERS = Capability(
    "network.manage_members", _("Invite members and change their roles"), roles={Role.COORDINATOR}
)
# The people registry is personal data: operators work on it, the privacy officer reads it.
VIEW_PEOPLE = Capability(
    "network.view_people", _("See the people registry"), roles=OPERATORS | {Role.PRIVACY_OFFICER}, case_data=True
)
CHANGE_PEOPLE = Capability("network.change_people", _("Record and change people and households"), roles=OPERATORS)
IMPORT_PEOPLE = Capability("network.import_people", _("Import people from a file"), roles={Role.COORDINATOR})
EXPORT_PEOPLE = Capability(
    "network.export_people",
    _("Export the people registry"),
    roles={Role.COORDINATOR, Role.PRIVACY_OFFICER},
    case_data=True,
)
VIEW_TIES = Capability("network.view_ties", _("See the ties between people"), roles=OPERATORS, case_data=True)
CHANGE_TIES = Capability("network.change_ties", _("Record and change the ties between people"), roles=OPERATORS)
# A person's rights (GDPR Art. 15, 17, 20) are answered by the privacy officer: they alone read everything the
# network holds about one person, case data included, and remove what identifies them.
EXPORT_PERSON_DATA = Capability(
    "network.export_person_data",
    _("Export all the data held about one person"),
    roles={Role.PRIVACY_OFFICER},
    case_data=True,
)
ANONYMISE_PEOPLE = Capability(
    "network.anonymise_people",
    _("Anonymise a person (irreversible)"),
    roles={Role.PRIVACY_OFFICER},
    case_data=True,
)
