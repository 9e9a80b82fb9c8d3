"""The demo generator: it runs, is deterministic and idempotent, and every account can log in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from legami.accounts.models import Invitation, User
from legami.aggregation.models import AggregatedDemand
from legami.core.models import AuditEvent, Consent, Processing
from legami.core.roles import Role
from legami.core.tests.audit_tools import wipe_audit_log
from legami.demo import data
from legami.demo.generator import SMALL_PEOPLE, build_plan, demo_digest, load_demo, organization_tax_code
from legami.needs.models import Need, SurveyNeedRule
from legami.network.models import Household, Membership, Network, Organization, Partnership, Person, Tie
from legami.network.services.organizations import partita_iva_is_valid
from legami.network.validators import validate_tax_code
from legami.pacts.models import Case, Expense, GiveBackHours, Pact, PactVersion, Review
from legami.referrals.models import Referral
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality, Place, SocialDistrict
from legami.territory.services.istat_import import import_istat

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Network,
    Membership,
    Invitation,
    Organization,
    Partnership,
    SocialDistrict,
    NetworkMunicipality,
    Neighbourhood,
    Place,
    Processing,
    Household,
    Person,
    Tie,
    Consent,
    AuditEvent,
    Referral,
    Case,
    Pact,
    Expense,
    GiveBackHours,
)


@pytest.fixture
def province():
    """The ISTAT Comuni of the province of Cremona, as `make demo` imports them before load_demo."""
    import_istat(province="CR")
    return {m.name: m for m in Municipality.objects.filter(province__abbreviation="CR")}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def wipe_demo() -> None:
    networks = Network.objects.filter(slug=data.NETWORK["slug"])
    # Pacts protect their versions, cases their people: the pacts' rows go first, newest versions before the
    # versions they were based on.
    pacts = Pact.objects.filter(network__in=networks)
    GiveBackHours.objects.filter(pact__in=pacts).delete()
    Expense.objects.filter(pact__in=pacts).delete()
    Review.objects.filter(pact__in=pacts).delete()
    pacts.update(current_version=None)
    for version in PactVersion.objects.filter(pact__in=pacts).order_by("-number"):
        version.delete()
    pacts.delete()
    Case.objects.filter(network__in=networks).delete()
    Referral.objects.filter(network__in=networks).delete()
    # Need areas are protected by the needs, demands and rules that use them: those go first.
    AggregatedDemand.objects.filter(network__in=networks).delete()
    SurveyNeedRule.objects.filter(survey__network__in=networks).delete()
    Need.objects.filter(network__in=networks).delete()
    networks.delete()
    User.objects.filter(email__endswith="@legami.demo").delete()
    wipe_audit_log()


def test_small_demo_is_created_through_the_services(province):
    out = StringIO()
    call_command("load_demo", "--small", stdout=out)

    network = Network.objects.get(slug="welfare-cremona")
    assert network.name == "Wel(l)FARE legami — Provincia di Cremona"
    people = Person.objects.filter(network=network)
    # The planned people plus the volunteer's own record.
    assert people.count() == SMALL_PEOPLE + 1
    assert Household.objects.filter(network=network).exists()
    assert not people.filter(municipality__isnull=True).exists()
    assert Organization.objects.filter(network=network).count() == len(data.ORGANIZATIONS)
    lead = Partnership.objects.get(network=network, role=Partnership.Role.LEAD)
    assert lead.organization.name == "Comune di Cremona"
    assert Place.objects.filter(network=network).count() == len(data.PLACES)
    assert Neighbourhood.objects.filter(network=network).count() == len(data.NEIGHBOURHOODS)
    assert set(Processing.objects.filter(network=network).values_list("legal_basis", flat=True)) >= {
        "public_task",
        "consent",
    }
    assert Processing.objects.get(network=network, code="dati-patti").special_category_condition == "health_social_care"
    assert Tie.objects.filter(network=network, kind=Tie.Kind.FAMILY).exists()
    assert Tie.objects.filter(network=network, kind=Tie.Kind.COLLABORATION).count() == len(data.ORGANIZATION_TIES)
    # Written by the services: every person and tie has its audit event, by the demo coordinator.
    created_people = AuditEvent.objects.filter(action="create", object_type="network.person")
    assert created_people.count() == people.count()
    assert set(created_people.values_list("actor__email", flat=True)) == {data.COORDINATOR_EMAIL}
    assert AuditEvent.objects.filter(action="create", object_type="network.tie").count() == Tie.objects.count()

    # Shared spaces in Cremona and Crema, booked through the services (a family's request, a weekly course).
    from legami.exchange.models import Booking, Space

    spaces = Space.objects.filter(network=network)
    assert set(spaces.values_list("place__municipality__name", flat=True)) == {"Cremona", "Crema"}
    # Each space has its manager: the cooperative's staff in Cremona, the community worker in Crema.
    assert set(spaces.values_list("place__municipality__name", "manager__email")) == {
        ("Cremona", "cooperativa@legami.demo"),
        ("Crema", "operatore.comunita@legami.demo"),
    }
    assert Booking.objects.filter(network=network, status="requested").exists()
    assert Booking.objects.filter(network=network, series__isnull=False).count() >= 8

    volunteer = people.get(email=data.CITIZEN_EMAIL)
    assert (volunteer.first_name, volunteer.last_name) == ("Anna Maria", "Zanoni")
    assert volunteer.neighbourhood.name == "Cambonino"

    output = out.getvalue()
    assert data.PASSWORD in output
    for email, *_rest in data.ACCOUNTS:
        assert email in output


def test_tax_codes_are_valid_and_unique(province):
    load_demo(small=True)

    codes = list(Person.objects.exclude(tax_code="").values_list("tax_code", flat=True))
    adults = Person.objects.filter(birth_date__year__lte=2000)
    assert adults.exclude(tax_code="").count() > adults.count() / 2
    assert len(codes) == len(set(codes))
    for code in codes:
        assert validate_tax_code(code) == code
    for key, *_rest in data.ORGANIZATIONS:
        assert partita_iva_is_valid(organization_tax_code(key))


def test_every_comune_of_the_network_is_in_exactly_one_district(province):
    load_demo(small=True)

    network = Network.objects.get(slug="welfare-cremona")
    links = NetworkMunicipality.objects.filter(network=network).select_related("municipality", "district")
    assert {link.municipality.name for link in links} == set(province)
    assert not links.filter(district__isnull=True).exists()
    # One row per Comune per network (the unique constraint), each with one district.
    assert links.count() == len(province)
    district_of = {link.municipality.name: link.district.name for link in links}
    assert district_of["Cremona"] == data.CREMONESE
    assert district_of["Crema"] == data.CREMASCO
    assert district_of["Casalmaggiore"] == data.CASALASCO
    assert district_of["Soresina"] == data.CREMONESE
    assert district_of["Rivolta d'Adda"] == data.CREMASCO
    assert district_of["Piadena Drizzona"] == data.CASALASCO
    assert {d.name for d in SocialDistrict.objects.filter(network=network)} == {
        data.CREMONESE,
        data.CREMASCO,
        data.CASALASCO,
    }


def test_district_lists_name_real_comuni(province):
    listed = data.CREMASCO_COMUNI | data.CASALASCO_COMUNI | set(data.POPULATION)
    assert listed <= set(province)
    assert not data.CREMASCO_COMUNI & data.CASALASCO_COMUNI


def test_a_second_run_writes_nothing(province):
    load_demo(small=True)
    before = counts()

    result = load_demo(small=True)

    assert not result.created
    assert counts() == before


def test_an_interrupted_demo_is_completed(province):
    load_demo(small=True)
    complete = counts()
    network = Network.objects.get(slug="welfare-cremona")
    Tie.objects.filter(network=network, kind=Tie.Kind.FRIENDSHIP).delete()
    Person.objects.filter(network=network, household_role=Person.HouseholdRole.CHILD).delete()

    result = load_demo(small=True)

    assert result.created["people"] > 0
    after = counts()
    for model in ("Person", "Tie", "Household", "Organization", "Membership", "User", "Consent"):
        assert after[model] == complete[model], model


def test_same_seed_same_demo_on_a_fresh_database(province):
    load_demo(small=True)
    first = demo_digest(Network.objects.get(slug="welfare-cremona"))
    wipe_demo()
    assert not Person.objects.exists()

    load_demo(small=True)

    assert demo_digest(Network.objects.get(slug="welfare-cremona")) == first


def test_another_seed_gives_other_people(province):
    comuni = sorted(province)
    same_a = build_plan(municipalities=comuni, people=40, seed=1)
    same_b = build_plan(municipalities=comuni, people=40, seed=1)
    other = build_plan(municipalities=comuni, people=40, seed=2)

    assert [p.key for p in same_a.people] == [p.key for p in same_b.people]
    assert [p.tax_code for p in same_a.people] == [p.tax_code for p in same_b.people]
    assert [p.key for p in same_a.people] != [p.key for p in other.people]
    assert len(same_a.people) == 40


def _logs_in(client, email):
    """Log in through the log-in form, as a person would (and as log-in throttling requires)."""
    response = client.post(reverse("accounts:login"), {"username": email, "password": data.PASSWORD})
    return response.status_code == 302


def test_every_role_has_an_account_that_can_log_in(province, client):
    load_demo(small=True)
    network = Network.objects.get(slug="welfare-cremona")

    roles = {}
    for email, *_rest in data.ACCOUNTS:
        assert _logs_in(client, email), email
        client.logout()
        membership = Membership.objects.get(network=network, user__email=email, is_active=True)
        roles[membership.role] = membership
    assert set(roles) == set(Role)
    assert roles[Role.PARTNER_STAFF].organization.name == "Cooperativa sociale Trama Solidale"
    assert roles[Role.COORDINATOR].organization is None

    admin = User.objects.get(email=data.ADMIN_EMAIL)
    assert admin.is_superuser
    assert _logs_in(client, data.ADMIN_EMAIL)


def test_the_coordinator_sees_the_demo_people(province, client, settings):
    settings.LEGAMI_TWO_FACTOR = "optional"  # as `make demo` runs: the password alone
    load_demo(small=True)
    assert _logs_in(client, data.COORDINATOR_EMAIL)

    response = client.get("/welfare-cremona/people/")

    assert response.status_code == 200
