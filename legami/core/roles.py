"""Roles within a network, and the role table: which roles hold each declared capability (deny by default).

Each app declares its capabilities once, as constants of its own `capabilities` module, each with the
roles that hold it, and registers that module from its AppConfig.ready():

    VIEW_NEEDS = Capability("needs.view_needs", _("See individual needs"), roles=OPERATORS)

core imports no app: it only collects what the apps register. Views, the API, templates and services
all ask `legami.core.permissions.can()`, which reads the table and refuses, loudly, a capability nobody
declared; the system check `legami.core.checks.check_capabilities` finds, at start-up, the ones templates
name without a declaration and the declared ones no role holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Any

from django.core.exceptions import ImproperlyConfigured
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
    # A shopkeeper, pharmacist, parish volunteer or neighbour who signals fragile situations to the services.
    SENTINEL = "sentinel", _("Sentinel")


ALL_ROLES = frozenset(Role)
OPERATORS = frozenset({Role.COORDINATOR, Role.CASE_MANAGER, Role.COMMUNITY_WORKER})

CAPABILITY_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class Capability(str):
    """What a role may do in a network, named "<app>.<verb>_<thing>", with the roles that hold it.

    It is a str (its name), so it goes wherever a capability's name does: `can()`, `network_view()`,
    PermissionDenied, the permission matrix, templates (`caps|has:"needs.view_needs"`).
    """

    label: Any
    roles: frozenset[Role]
    # It shows case data or people's personal data: whoever holds it must log in with two factors.
    case_data: bool

    def __new__(cls, name: str, label: Any, *, roles: Iterable[Role | str], case_data: bool = False) -> Capability:
        if not CAPABILITY_NAME.match(name):
            raise ImproperlyConfigured(f"A capability is named '<app>.<verb>_<thing>' in lower case, not {name!r}.")
        capability = super().__new__(cls, name)
        capability.label = label
        capability.roles = frozenset(Role(role) for role in roles)
        capability.case_data = bool(case_data)
        return capability

    def __getnewargs_ex__(self) -> tuple[tuple[str, Any], dict[str, Any]]:
        # copy and pickle rebuild it through __new__, which needs the label, the roles and the flag too.
        return (str(self), self.label), {"roles": self.roles, "case_data": self.case_data}


class CapabilityRegistry:
    """The declared capabilities and the role table `can()` reads (capability name -> roles)."""

    def __init__(self) -> None:
        self.declared: dict[str, Capability] = {}
        self.table: dict[str, frozenset[Role]] = {}

    def register(self, *capabilities: Capability) -> None:
        """Declare capabilities; declaring one again is harmless only when it is the same declaration."""
        for capability in capabilities:
            if not isinstance(capability, Capability):
                raise ImproperlyConfigured(f"{capability!r} is not a Capability: declare it with Capability(...).")
            name = str(capability)
            known = self.declared.get(name)
            if known is not None and (known.roles, str(known.label), known.case_data) != (
                capability.roles,
                str(capability.label),
                capability.case_data,
            ):
                raise ImproperlyConfigured(f"The capability {name!r} is declared twice, differently.")
            self.declared[name] = capability
            self.table[name] = capability.roles

    def register_module(self, module: ModuleType) -> list[Capability]:
        """Declare every Capability constant of an app's `capabilities` module; returns them."""
        found = [value for value in vars(module).values() if isinstance(value, Capability)]
        self.register(*found)
        return found

    def roles_for(self, capability: str) -> frozenset[Role]:
        """The roles holding `capability`; ImproperlyConfigured when no app declared it (a typo, a missing
        registration), so that a wrong name fails at once instead of silently denying everyone."""
        try:
            return self.table[capability]
        except KeyError:
            raise ImproperlyConfigured(
                f"The capability {capability!r} is not declared: add it to its app's capabilities module, and "
                "register that module from the app's AppConfig.ready()."
            ) from None

    def case_data_roles(self) -> frozenset[Role]:
        """The roles holding at least one capability that shows case or personal data (they log in with two
        factors, see legami.accounts.two_factor)."""
        return frozenset(
            role for capability in self.declared.values() if capability.case_data for role in capability.roles
        )

    def __contains__(self, capability: object) -> bool:
        return capability in self.declared

    def __iter__(self) -> Iterator[Capability]:
        return iter(list(self.declared.values()))


registry = CapabilityRegistry()

# capability -> roles that hold it in a network (filled from the apps' capabilities modules at start-up)
CAPABILITIES = registry.table


def register_capabilities(module: ModuleType) -> list[Capability]:
    """Declare the capabilities of an app's `capabilities` module (call it from AppConfig.ready())."""
    return registry.register_module(module)
