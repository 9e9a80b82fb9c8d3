import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from legami.core.audit import record_event
from legami.core.models import AuditEvent
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Organization, Partnership
from legami.network.selectors.dashboard import dashboard_counts, territory_summary
from legami.network.selectors.organizations import public_partners

ALL_PERSONAS = [
    "coordinator",
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "district_case_manager",
    "outsider",
    "platform_admin",
    "anonymous",
]
MEMBERS = ALL_PERSONAS[:9]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def home(cast):
    return reverse("network:home", args=[cast.network.slug])


def dashboard(cast):
    return reverse("network:dashboard", args=[cast.network.slug])


def count_queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx)


_codes = iter(range(1, 1000))


def add_territory(cast, n_districts, per_district):
    """Districts with Comuni of their own (explicit ISTAT codes that no factory sequence uses)."""
    for _district in range(n_districts):
        district = f.SocialDistrictFactory(network=cast.network)
        for _ in range(per_district):
            code = next(_codes)
            municipality = f.MunicipalityFactory(istat_code=f"017{code:03d}", cadastral_code=f"W{code:03d}")
            f.NetworkMunicipalityFactory(network=cast.network, municipality=municipality, district=district)


def add_partners(cast, n):
    for i in range(n):
        org = f.OrganizationFactory(network=cast.network, email=f"ente{i}@example.org")
        f.PartnershipFactory(organization=org, role=[Partnership.Role.PARTNER, Partnership.Role.SUPPORTER][i % 2])


# --- public home ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_home_is_public(cast, login, persona):
    response = login(getattr(cast, persona)).get(home(cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rete di prova" in body
    assert body.count("<h1") == 1


def test_home_of_an_unknown_or_inactive_network_is_404(cast, client):
    assert client.get(reverse("network:home", args=["nessuna-rete"])).status_code == 404
    cast.network.is_active = False
    cast.network.save()
    assert client.get(home(cast)).status_code == 404


def test_home_shows_what_the_network_is(cast, client):
    cast.network.summary = "Welfare generativo in provincia"
    cast.network.description = "Legge i bisogni insieme."
    cast.network.contact_email = "rete@example.org"
    cast.network.save()
    body = client.get(home(cast)).content.decode()
    assert "Welfare generativo in provincia" in body
    assert "Legge i bisogni insieme." in body
    assert "mailto:rete@example.org" in body


def test_home_groups_partners_by_role_lead_first(cast, client):
    def partner(name, kind, role, **extra):
        org = f.OrganizationFactory(network=cast.network, name=name, kind=kind)
        f.PartnershipFactory(organization=org, role=role, **extra)
        return org

    partner("Fondazione Comunitaria", Organization.Kind.FOUNDATION, Partnership.Role.FUNDER)
    partner("Università", Organization.Kind.PUBLIC_BODY, Partnership.Role.EVALUATOR)
    partner("Banca Etica", Organization.Kind.BUSINESS, Partnership.Role.INVESTOR)
    partner("Oratorio", Organization.Kind.PARISH, Partnership.Role.SUPPORTER)
    partner("Comune di Cremona", Organization.Kind.MUNICIPALITY, Partnership.Role.LEAD)
    partner("Ex partner", Organization.Kind.ASSOCIATION, Partnership.Role.PARTNER, until=datetime.date(2000, 1, 1))
    f.PartnershipFactory(network=cast.other_network, organization=f.OrganizationFactory(network=cast.other_network))

    groups = public_partners(cast.network)
    assert [g.role for g in groups] == ["lead", "partner", "evaluator", "funder", "investor", "supporter"]
    assert [o.name for o in groups[0].organizations] == ["Comune di Cremona"]
    assert [o.name for o in groups[1].organizations] == ["Cooperativa Il Ponte"]

    body = client.get(home(cast)).content.decode()
    positions = [
        body.index(name)
        for name in ("Comune di Cremona", "Cooperativa Il Ponte", "Università", "Fondazione", "Banca Etica", "Oratorio")
    ]
    assert positions == sorted(positions)
    assert "Social cooperative" in body  # the kind
    assert "Ex partner" not in body  # a role that ended
    assert "Altra rete" not in body


def test_home_lists_the_territory(cast, client):
    loose = f.MunicipalityFactory(istat_code="019999", cadastral_code="X999", name="Soresina")
    f.NetworkMunicipalityFactory(network=cast.network, municipality=loose, district=None)
    summary = territory_summary(cast.network)
    assert summary.municipality_count == 3
    assert [(d.name, d.municipalities) for d in summary.districts] == [
        ("Ambito Cremasco", ["Crema"]),
        ("Ambito Cremonese", ["Cremona"]),
    ]
    assert summary.unassigned == ["Soresina"]
    body = client.get(home(cast)).content.decode()
    assert "The network works in 3 Comuni." in body
    assert "Ambito Cremasco" in body and "Ambito Cremonese" in body
    assert "Soresina" in body


def test_home_has_no_personal_data(cast, client):
    cast.organization.email = "ponte@example.org"
    cast.organization.phone = "0372 999888"
    cast.organization.tax_code = "00743110157"
    cast.organization.save()
    f.PersonFactory(network=cast.network, first_name="Gianfranco", last_name="Visibile", email="gv@example.org")
    body = client.get(home(cast)).content.decode()
    for secret in (
        "Gianfranco",
        "gv@example.org",
        "ponte@example.org",
        "0372 999888",
        "00743110157",
        "coordinator@example.org",
        "partner_staff@example.org",
        "Partner Staff",
    ):
        assert secret not in body


def test_home_calls_to_action(cast, login):
    anonymous = login(None).get(home(cast)).content.decode()
    assert reverse("accounts:login") in anonymous and "Log in" in anonymous
    assert "Go to dashboard" not in anonymous
    member = login(cast.citizen).get(home(cast)).content.decode()
    assert "Go to dashboard" in member and dashboard(cast) in member
    outsider = login(cast.outsider).get(home(cast)).content.decode()
    assert "Go to dashboard" not in outsider


def test_home_runs_a_constant_number_of_queries(cast, login):
    for user in (None, cast.coordinator):
        client = login(user)
        add_territory(cast, 1, 2)
        add_partners(cast, 2)
        client.get(home(cast))
        small = count_queries(client, home(cast))
        add_territory(cast, 5, 6)
        add_partners(cast, 30)
        assert count_queries(client, home(cast)) == small


# --- dashboard ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MEMBERS)
def test_members_open_the_dashboard(cast, login, persona):
    response = login(getattr(cast, persona)).get(dashboard(cast))
    assert response.status_code == 200
    assert response.context["nav"] == "dashboard"


def test_dashboard_refuses_outsiders_and_anonymous(cast, login):
    assert login(cast.outsider).get(dashboard(cast)).status_code == 404
    assert login(cast.platform_admin).get(dashboard(cast)).status_code == 404
    response = login(None).get(dashboard(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dashboard_shows_the_roles_of_the_viewer(cast, login):
    f.MembershipFactory(network=cast.network, user=cast.citizen, role=Role.FUNDER)
    body = login(cast.citizen).get(dashboard(cast)).content.decode()
    assert "Citizen / volunteer" in body and "Funder" in body


def test_counts_for_everyone_and_people_only_for_who_may_see_them(cast, login):
    cremona, crema = cast.municipalities
    f.PersonFactory(network=cast.network, municipality=cremona)
    f.PersonFactory(network=cast.network, municipality=crema)
    f.PersonFactory(network=cast.other_network)
    f.HouseholdFactory(network=cast.network, municipality=crema)
    f.NeighbourhoodFactory(network=cast.network, municipality=cremona)
    f.PlaceFactory(network=cast.network, municipality=cremona)
    f.OrganizationFactory(network=cast.other_network)

    coordinator = dashboard_counts(cast.coordinator, cast.network)
    assert coordinator == {
        "organizations": 1,
        "members": 10,
        "municipalities": 2,
        "districts": 2,
        "neighbourhoods": 1,
        "places": 1,
        "people": 2,
        "households": 1,
    }
    citizen = dashboard_counts(cast.citizen, cast.network)
    assert "people" not in citizen and "households" not in citizen
    assert citizen["organizations"] == 1
    # a district-limited case manager counts the people of their district only
    district = dashboard_counts(cast.district_case_manager, cast.network)
    assert district["people"] == 1
    assert district["households"] == 0
    assert dashboard_counts(cast.outsider, cast.network) == {}

    body = login(cast.citizen).get(dashboard(cast)).content.decode()
    assert "People" not in body
    assert reverse("network:people", args=[cast.network.slug]) not in body
    body = login(cast.coordinator).get(dashboard(cast)).content.decode()
    assert "People" in body


def test_members_are_counted_once_per_person(cast):
    f.MembershipFactory(network=cast.network, user=cast.citizen, role=Role.FUNDER)
    f.MembershipFactory(network=cast.network, role=Role.CITIZEN, is_active=False)
    assert dashboard_counts(cast.coordinator, cast.network)["members"] == 10


def test_shortcuts_follow_capabilities(cast, login):
    slug = cast.network.slug
    body = login(cast.coordinator).get(dashboard(cast)).content.decode()
    for name in ("organization_create", "member_invite", "audit", "people", "ties"):
        assert reverse(f"network:{name}", args=[slug]) in body
    body = login(cast.citizen).get(dashboard(cast)).content.decode()
    assert reverse("network:organizations", args=[slug]) in body
    for name in ("organization_create", "member_invite", "audit", "people", "ties", "members"):
        assert reverse(f"network:{name}", args=[slug]) not in body


def test_partner_staff_get_a_shortcut_to_their_organisation(cast, login):
    body = login(cast.partner_staff).get(dashboard(cast)).content.decode()
    assert reverse("network:organization_detail", args=[cast.network.slug, cast.organization.pk]) in body
    assert "Your organisation: Cooperativa Il Ponte" in body


def test_latest_audit_events_only_for_who_may_read_the_audit(cast, login):
    for i in range(12):
        record_event(actor=cast.coordinator, action=AuditEvent.Action.UPDATE, obj=cast.organization, note=f"n{i}")
    record_event(actor=cast.outsider, action="create", object_type="x", network=cast.other_network)
    response = login(cast.privacy_officer).get(dashboard(cast))
    events = response.context["events"]
    assert len(events) == 10
    assert all(e.network_id == cast.network.pk for e in events)
    assert events[0].note == "n11"
    assert "Recent activity" in response.content.decode()
    for persona in ("community_worker", "partner_staff", "citizen", "case_manager"):
        response = login(getattr(cast, persona)).get(dashboard(cast))
        assert response.context["events"] == []
        assert "Recent activity" not in response.content.decode()


def test_dashboard_runs_a_constant_number_of_queries(cast, login):
    client = login(cast.coordinator)
    add_partners(cast, 2)
    f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    record_event(actor=cast.coordinator, action="update", obj=cast.organization)
    client.get(dashboard(cast))
    small = count_queries(client, dashboard(cast))
    add_partners(cast, 20)
    add_territory(cast, 3, 3)
    for _ in range(20):
        f.PersonFactory(network=cast.network, municipality=cast.municipalities[1])
        record_event(actor=cast.coordinator, action="update", obj=cast.organization)
    assert count_queries(client, dashboard(cast)) == small
    # the district-limited viewer too
    client = login(cast.district_case_manager)
    client.get(dashboard(cast))
    small = count_queries(client, dashboard(cast))
    f.HouseholdFactory(network=cast.network, municipality=cast.municipalities[0])
    assert count_queries(client, dashboard(cast)) == small


def test_future_role_still_shows_on_home(cast, client):
    org = f.OrganizationFactory(network=cast.network, name="In arrivo")
    f.PartnershipFactory(organization=org, role="supporter", since=timezone.localdate() + datetime.timedelta(days=30))
    assert "In arrivo" in client.get(home(cast)).content.decode()
