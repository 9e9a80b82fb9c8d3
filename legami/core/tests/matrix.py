"""The permission matrix's vocabulary, shared by the per-app row modules (see test_permission_matrix.py)."""

from dataclasses import dataclass, field

from legami.core.roles import Role

PERSONAS = [
    "coordinator",
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "sentinel",
    "district_case_manager",
    "outsider",
    "platform_admin",
    "anonymous",
]
# The roles each persona holds in `cast.network` (as the root conftest builds them).
PERSONA_ROLES = {
    "coordinator": {Role.COORDINATOR},
    "case_manager": {Role.CASE_MANAGER},
    "community_worker": {Role.COMMUNITY_WORKER},
    "partner_staff": {Role.PARTNER_STAFF},
    "evaluator": {Role.EVALUATOR},
    "funder": {Role.FUNDER},
    "citizen": {Role.CITIZEN},
    "privacy_officer": {Role.PRIVACY_OFFICER},
    "sentinel": {Role.SENTINEL},
    "district_case_manager": {Role.CASE_MANAGER},
    "outsider": set(),
    "platform_admin": set(),
    "anonymous": set(),
}
AUTHENTICATED_PERSONAS = [p for p in PERSONAS if p != "anonymous"]

PUBLIC = "public"
AUTHENTICATED = "authenticated"
SUPERUSER = "superuser"
LOGIN = "login"  # 302 to the login page
REDIRECT = "redirect"  # 302 somewhere else than the login page

SKIPPED_PREFIXES = ("admin/", "i18n/", "api/", "static/", "media/")


@dataclass(frozen=True)
class Row:
    need: str  # a capability of roles.CAPABILITIES, or PUBLIC / AUTHENTICATED / SUPERUSER
    obj: str | None = None  # which object of `_objects()` fills <pk> / <token>
    overrides: dict = field(default_factory=dict)  # persona -> status, for object-level rules
    kwargs: dict = field(default_factory=dict)  # other URL arguments (e.g. a transition's name)
