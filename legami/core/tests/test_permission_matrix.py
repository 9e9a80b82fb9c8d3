"""Who may open which page: every route of the project, GET, for every persona of the cast.

The table below is a specification, written from the roles and the product rules, NOT read from
the views: each route says which capability the page needs ("public", "authenticated" and
"superuser" for pages outside a network) and, where a page has an object-level rule, what differs
for whom. The expected status per persona is derived from that and from `CAPABILITIES` in
legami/core/roles.py:

- network pages: anonymous -> 302 to the login page; no role in the network (outsider, platform
  admin) -> 404; a member whose roles lack the capability -> 403; otherwise 200;
- "public" -> 200 for everyone; "authenticated" -> login for anonymous, 200 for the rest;
- "superuser" (platform administration) -> login for anonymous, 200 for the platform admin, 404 for
  everyone else (the pages do not exist for them, as a network's pages do not for outsiders).

Every object the <pk> routes point at lies in Cremona, in `cast.district`, so the district-limited
case manager sees what any case manager sees. A route with no row here fails the suite.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from legami.accounts.models import Invitation, PersonalAccessToken
from legami.core.models import Job, LegalBasis, Processing
from legami.core.roles import CAPABILITIES, Role
from legami.core.tests import factories as f
from legami.core.tests.matrix import (  # noqa: E402
    AUTHENTICATED,
    AUTHENTICATED_PERSONAS,
    LOGIN,
    PERSONA_ROLES,
    PERSONAS,
    PUBLIC,
    REDIRECT,
    SKIPPED_PREFIXES,
    SUPERUSER,
    Row,
)
from legami.network.models import Partnership, Person

ROUTES: dict[str, Row] = {
    # platform-wide pages
    "home": Row(PUBLIC),
    "healthz": Row(PUBLIC),
    # Browsers post what the Content Security Policy blocked: POST only, open to all (reports carry no session).
    "csp_report": Row(PUBLIC, overrides=dict.fromkeys(PERSONAS, 405)),
    # accounts
    "accounts:home": Row(AUTHENTICATED),
    # A logged-in user has nothing to do on the log-in page: it sends them on.
    "accounts:login": Row(PUBLIC, overrides=dict.fromkeys(AUTHENTICATED_PERSONAS, REDIRECT)),
    # Log-out changes state: POST only, so GET is refused whoever asks.
    "accounts:logout": Row(PUBLIC, overrides=dict.fromkeys(PERSONAS, 405)),
    "accounts:password_change": Row(AUTHENTICATED),
    # Password reset by e-mail: open to everyone (a logged-in user may ask for a link too).
    "accounts:password_reset": Row(PUBLIC),
    "accounts:password_reset_done": Row(PUBLIC),
    "accounts:password_reset_complete": Row(PUBLIC),
    # A good link moves its token into the session and sends on to the form, whoever opens it.
    "accounts:password_reset_confirm": Row(
        PUBLIC, obj="password_reset_link", overrides=dict.fromkeys(PERSONAS, REDIRECT)
    ),
    # Two-factor verification (every session of the matrix has passed it: see the root conftest).
    "accounts:two_factor": Row(AUTHENTICATED),
    "accounts:two_factor_setup": Row(AUTHENTICATED),
    # The second step of the log-in: a session that has passed it is sent on.
    "accounts:two_factor_verify": Row(AUTHENTICATED, overrides=dict.fromkeys(AUTHENTICATED_PERSONAS, REDIRECT)),
    "accounts:two_factor_recovery": Row(AUTHENTICATED, overrides=dict.fromkeys(AUTHENTICATED_PERSONAS, REDIRECT)),
    # The invitation (for an e-mail with no account yet) is for its invitee only: whoever is logged in
    # as somebody else is refused; the anonymous invitee sees the sign-up form.
    "accounts:invitation_accept": Row(
        PUBLIC, obj="invitation_token", overrides=dict.fromkeys(AUTHENTICATED_PERSONAS, 403)
    ),
    "accounts:tokens": Row(AUTHENTICATED),
    # A personal access token is its owner's (the coordinator's) alone: for anyone else it does not exist.
    "accounts:token_revoke": Row(
        AUTHENTICATED, obj="token", overrides={**dict.fromkeys(AUTHENTICATED_PERSONAS, 404), "coordinator": 200}
    ),
    # platform administration
    "platform:networks": Row(SUPERUSER),
    "platform:network_create": Row(SUPERUSER),
    "platform:coordinator_invite": Row(SUPERUSER, obj="network"),
    # the network's public face and dashboard
    "network:home": Row(PUBLIC),
    "network:dashboard": Row("network.view_dashboard"),
    # partner organisations
    "network:organizations": Row("network.view_organizations"),
    "network:organization_create": Row("network.manage_organizations"),
    "network:organization_detail": Row("network.view_organizations", obj="organization"),
    # Partner staff keep their own organisation's details up to date.
    "network:organization_update": Row(
        "network.manage_organizations", obj="organization", overrides={"partner_staff": 200}
    ),
    "network:organization_delete": Row("network.manage_organizations", obj="organization"),
    "network:partnership_create": Row("network.manage_organizations", obj="organization"),
    "network:partnership_delete": Row("network.manage_organizations", obj="partnership"),
    # members and invitations
    "network:members": Row("network.view_members"),
    "network:member_invite": Row("network.manage_members"),
    "network:invitation_revoke": Row("network.manage_members", obj="invitation"),
    "network:membership_deactivate": Row("network.manage_members", obj="membership"),
    # person registry, import and export
    "network:people": Row("network.view_people"),
    "network:person_create": Row("network.change_people"),
    "network:people_export": Row("network.export_people"),
    "network:people_import": Row("network.import_people"),
    "network:people_import_template": Row("network.import_people"),
    # A job's page shows its rows' errors (personal data): who may run the import only.
    "network:people_import_job": Row("network.import_people", obj="job"),
    "network:person_detail": Row("network.view_people", obj="person"),
    "network:person_update": Row("network.change_people", obj="person"),
    "network:person_delete": Row("network.change_people", obj="person"),
    # Consents are read by whoever may read the person (the privacy officer above all).
    "network:person_consents": Row("network.view_people", obj="person"),
    # The people import's job page was once here: the same people are let through, on to the new address.
    "network:job_detail": Row("network.import_people", obj="job", overrides={"coordinator": REDIRECT}),
    # households are part of the person registry
    "network:households": Row("network.view_people"),
    "network:household_create": Row("network.change_people"),
    "network:household_detail": Row("network.view_people", obj="household"),
    "network:household_update": Row("network.change_people", obj="household"),
    "network:household_delete": Row("network.change_people", obj="household"),
    # ties
    "network:ties": Row("network.view_ties"),
    "network:tie_create": Row("network.change_ties"),
    "network:tie_update": Row("network.change_ties", obj="tie"),
    "network:tie_delete": Row("network.change_ties", obj="tie"),
    # privacy
    "network:audit": Row("core.view_audit"),
    # Verifying the audit chain is POST only: whoever may read the log and opens it with GET is told so.
    "network:audit_verify": Row("core.view_audit", overrides={"coordinator": 405, "privacy_officer": 405}),
    "network:processings": Row("core.manage_processings"),
    "network:processing_create": Row("core.manage_processings"),
    "network:processing_update": Row("core.manage_processings", obj="processing"),
    # territory
    "territory:overview": Row("territory.view_territory"),
    "territory:municipality_add": Row("territory.manage_territory"),
    "territory:municipality_remove": Row("territory.manage_territory", obj="territory_municipality"),
    "territory:district_create": Row("territory.manage_territory"),
    "territory:district_update": Row("territory.manage_territory", obj="district"),
    "territory:district_delete": Row("territory.manage_territory", obj="district"),
    "territory:neighbourhood_create": Row("territory.manage_territory"),
    "territory:neighbourhood_update": Row("territory.manage_territory", obj="neighbourhood"),
    "territory:neighbourhood_delete": Row("territory.manage_territory", obj="neighbourhood"),
    "territory:places": Row("territory.view_territory"),
    "territory:place_create": Row("territory.manage_territory"),
    "territory:place_detail": Row("territory.view_territory", obj="place"),
    "territory:place_update": Row("territory.manage_territory", obj="place"),
    "territory:place_delete": Row("territory.manage_territory", obj="place"),
}

# Each later app keeps its rows, and the objects its <pk> routes point at, in a module of its own tests:
# a module with ROUTES (name -> Row) and objects(cast) -> dict.
EXTRA_MODULES = (
    "legami.needs.tests.matrix_needs",
    "legami.needs.tests.matrix_imports",
    "legami.needs.tests.matrix_surveys",
    "legami.needs.tests.matrix_map",
    "legami.aggregation.tests.matrix",
    "legami.network.tests.matrix_personal_data",
    "legami.participation.tests.matrix_processes",
    "legami.participation.tests.matrix_meetings",
    "legami.participation.tests.matrix_proposals",
    "legami.responses.tests.matrix_responses",
    "legami.responses.tests.matrix_codesign",
    "legami.exchange.tests.matrix_offers",
    "legami.exchange.tests.matrix_timebank",
    "legami.exchange.tests.matrix_spaces",
    "legami.activities.tests.matrix_activities",
    "legami.referrals.tests.matrix_referrals",
    "legami.pacts.tests.matrix_pacts",
    "legami.pacts.tests.matrix_budget",
    "legami.pacts.tests.matrix_cases",
    "legami.pacts.tests.matrix_desk",
)


def _extra_modules():
    from importlib import import_module

    return [import_module(name) for name in EXTRA_MODULES]


for _module in _extra_modules():
    _clash = set(_module.ROUTES) & set(ROUTES)
    assert not _clash, f"{_module.__name__} repeats rows: {_clash}"
    ROUTES.update(_module.ROUTES)


def project_routes() -> dict[str, str]:
    """Route name -> its pattern, for every route outside the skipped prefixes (unnamed ones keyed by pattern)."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {route!r}>"
                found[name] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def expected_status(row: Row, persona: str) -> int | str:
    if persona in row.overrides:
        return row.overrides[persona]
    if row.need == PUBLIC:
        return 200
    if persona == "anonymous":
        return LOGIN
    if row.need == AUTHENTICATED:
        return 200
    if row.need == SUPERUSER:
        return 200 if persona == "platform_admin" else 404
    roles = PERSONA_ROLES[persona]
    if not roles:
        return 404
    return 200 if roles & CAPABILITIES[row.need] else 403


def _objects(cast) -> dict:
    """One object of each kind the <pk> routes need, all in the cast's network and in Cremona."""
    network = cast.network
    cremona, _crema = cast.municipalities
    household = f.HouseholdFactory(network=network, municipality=cremona)
    person = f.PersonFactory(
        network=network, municipality=cremona, household=household, household_role=Person.HouseholdRole.HEAD
    )
    friend = f.PersonFactory(network=network, municipality=cremona)
    volunteer = f.UserFactory(email="volunteer@example.org")
    raw_invitation, invitation_hash = Invitation.new_token()
    _raw_other, other_hash = Invitation.new_token()
    _raw_token, token_hash, hint = PersonalAccessToken.new_token()
    # The territory routes take the Comune's (Municipality's) id: a Comune outside the territory first
    # makes it differ from its NetworkMunicipality's id, so a view reading the wrong one shows up.
    f.MunicipalityFactory(istat_code="019096", cadastral_code="I827", name="Soncino")
    soresina = f.MunicipalityFactory(istat_code="019098", cadastral_code="I849", name="Soresina")
    f.NetworkMunicipalityFactory(network=network, municipality=soresina, district=cast.district)
    # The invitation whose link the routes open: for an e-mail that has no account yet.
    Invitation.objects.create(
        network=network,
        email="new-member@example.org",
        role=Role.COMMUNITY_WORKER,
        token_hash=invitation_hash,
        invited_by=cast.coordinator,
        expires_at=timezone.now() + timedelta(days=14),
    )
    extra = {}
    for module in _extra_modules():
        extra.update(module.objects(cast))
    return {
        **extra,
        "network": network,
        "organization": cast.organization,
        "partnership": Partnership.objects.get(organization=cast.organization),
        "membership": f.MembershipFactory(network=network, user=volunteer, role=Role.CITIZEN),
        "invitation": Invitation.objects.create(
            network=network,
            email="invited-by-coordinator@example.org",
            role=Role.CITIZEN,
            token_hash=other_hash,
            invited_by=cast.coordinator,
            expires_at=timezone.now() + timedelta(days=14),
        ),
        "invitation_token": raw_invitation,
        "password_reset_link": (
            urlsafe_base64_encode(force_bytes(volunteer.pk)),
            default_token_generator.make_token(volunteer),
        ),
        "token": PersonalAccessToken.objects.create(
            user=cast.coordinator, name="Script", token_hash=token_hash, hint=hint
        ),
        "person": person,
        "household": household,
        "tie": f.TieFactory(network=network, source_person=person, target_person=friend),
        "job": Job.objects.create(
            network=network, kind="people_import", actor=cast.coordinator, original_name="persone.csv"
        ),
        "processing": Processing.objects.create(
            network=network,
            code="registro-persone",
            name="Registro delle persone",
            purpose="Tenere il registro delle persone seguite dalla rete.",
            legal_basis=LegalBasis.PUBLIC_TASK,
        ),
        "territory_municipality": soresina,
        "district": cast.district,
        "neighbourhood": f.NeighbourhoodFactory(network=network, municipality=cremona),
        "place": f.PlaceFactory(network=network, municipality=cremona),
    }


def _url(name: str, row: Row, cast, objects: dict) -> str:
    kwargs = {}
    if "<slug:network_slug>" in project_routes()[name]:
        kwargs["network_slug"] = cast.network.slug
    if row.obj == "invitation_token":
        kwargs["token"] = objects["invitation_token"]
    elif row.obj == "password_reset_link":
        kwargs["uidb64"], kwargs["token"] = objects["password_reset_link"]
    elif row.obj and row.obj.endswith("_token"):
        kwargs["token"] = objects[row.obj]
    elif row.obj:
        kwargs["pk"] = objects[row.obj].pk
    kwargs.update(row.kwargs)
    return reverse(name, kwargs=kwargs)


def _describe(response) -> int | str:
    if response.status_code == 302:
        login = reverse("accounts:login")
        return LOGIN if response.url.split("?")[0] == login else REDIRECT
    return response.status_code


def test_every_route_has_a_row():
    routes = project_routes()
    missing = sorted(set(routes) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(routes))
    assert not missing, (
        "Routes with no row in the permission matrix: add each to ROUTES in "
        "legami/core/tests/test_permission_matrix.py with the capability its page needs "
        "(and any object-level override):\n" + "\n".join(f"  {name}  ({routes[name]})" for name in missing)
    )
    assert not stale, "Rows in ROUTES for routes that no longer exist: remove them:\n" + "\n".join(stale)


def test_the_table_names_real_capabilities_and_personas():
    specials = {PUBLIC, AUTHENTICATED, SUPERUSER}
    unknown = {name: row.need for name, row in ROUTES.items() if row.need not in specials | set(CAPABILITIES)}
    assert not unknown, f"Unknown capabilities in ROUTES: {unknown}"
    for name, row in ROUTES.items():
        assert set(row.overrides) <= set(PERSONAS), f"{name}: overrides name unknown personas"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_status_per_persona(name, cast):
    row = ROUTES[name]
    # A crash shows up as "got 500" in the table, beside the other personas, not as a traceback.
    client = Client(raise_request_exception=False)
    objects = _objects(cast)
    url = _url(name, row, cast, objects)
    mismatches = []
    for persona in PERSONAS:
        client.logout()
        user = getattr(cast, persona)
        if user is not None:
            client.force_login(user)
        expected = expected_status(row, persona)
        got = _describe(client.get(url))
        if got != expected:
            mismatches.append(f"  {persona:<22} expected {expected!s:<9} got {got}")
    if mismatches:
        pytest.fail(f"GET {url} ({name}, needs {row.need}):\n" + "\n".join(mismatches), pytrace=False)
