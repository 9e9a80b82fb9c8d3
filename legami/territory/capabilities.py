"""What the territory app lets a role do."""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import ALL_ROLES, Capability, Role

VIEW_TERRITORY = Capability("territory.view_territory", _("See the territory"), roles=ALL_ROLES)
MANAGE_TERRITORY = Capability(
    "territory.manage_territory",
    _("Manage the territory: Comuni, districts, neighbourhoods and places"),
    roles={Role.COORDINATOR},
)
