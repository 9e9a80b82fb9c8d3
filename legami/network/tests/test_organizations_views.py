import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Membership, Organization, Partnership

VALID_PIVA = "00743110157"
MEMBERS = [
    "coordinator",
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "district_case_manager",
]
NOT_COORDINATORS = ["case_manager", "community_worker", "partner_staff", "evaluator", "funder", "citizen"]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(name, cast, *args):
    return reverse(f"network:{name}", args=[cast.network.slug, *args])


def counts():
    return (Organization.objects.count(), Partnership.objects.count(), AuditEvent.objects.count())


def count_queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx)


def add_organizations(cast, n, start=0):
    for i in range(start, start + n):
        org = f.OrganizationFactory(network=cast.network, name=f"Ente {i:03d}", municipality=cast.municipalities[i % 2])
        f.PartnershipFactory(organization=org, role=Partnership.Role.PARTNER)
        f.PartnershipFactory(organization=org, role=Partnership.Role.SUPPORTER)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MEMBERS)
@pytest.mark.parametrize("name", ["organizations", "organization_detail"])
def test_members_see_organisations(cast, login, persona, name):
    args = [cast.organization.pk] if name == "organization_detail" else []
    response = login(getattr(cast, persona)).get(url(name, cast, *args))
    assert response.status_code == 200
    assert "Cooperativa Il Ponte" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "organizations",
        "organization_create",
        "organization_detail",
        "organization_update",
        "organization_delete",
        "partnership_create",
        "partnership_delete",
    ],
)
def test_outsiders_get_404_and_anonymous_log_in(cast, login, name):
    if name in ("organizations", "organization_create"):
        args = []
    elif name == "partnership_delete":
        args = [cast.organization.partnerships.get().pk]
    else:
        args = [cast.organization.pk]
    address = url(name, cast, *args)
    assert login(cast.outsider).get(address).status_code == 404
    if name not in ("organizations", "organization_detail"):
        assert login(cast.outsider).post(address).status_code == 404
    response = login(None).get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_organisation_of_another_network_is_404(cast, login):
    elsewhere = f.OrganizationFactory(network=cast.other_network)
    client = login(cast.coordinator)
    assert client.get(url("organization_detail", cast, elsewhere.pk)).status_code == 404
    assert client.get(url("organization_update", cast, elsewhere.pk)).status_code == 404
    assert client.post(url("organization_delete", cast, elsewhere.pk)).status_code == 404
    assert Organization.objects.filter(pk=elsewhere.pk).exists()
    assert client.get(url("organization_detail", cast, 999999)).status_code == 404


# --- list -----------------------------------------------------------------------------------------


def test_list_filters_by_kind_role_and_name(cast, login):
    f.PartnershipFactory(
        organization=f.OrganizationFactory(
            network=cast.network, name="Comune di Cremona", kind=Organization.Kind.MUNICIPALITY
        ),
        role=Partnership.Role.LEAD,
    )
    f.OrganizationFactory(network=cast.network, name="Fondazione Comunitaria", kind=Organization.Kind.FOUNDATION)
    f.OrganizationFactory(network=cast.other_network, name="Comune di Lodi", kind=Organization.Kind.MUNICIPALITY)
    client = login(cast.citizen)

    def names(**params):
        response = client.get(url("organizations", cast), params)
        assert response.status_code == 200
        return [o.name for o in response.context["page_obj"].object_list]

    assert names() == ["Comune di Cremona", "Cooperativa Il Ponte", "Fondazione Comunitaria"]
    assert names(kind="municipality") == ["Comune di Cremona"]
    assert names(role="lead") == ["Comune di Cremona"]
    assert names(role="partner") == ["Cooperativa Il Ponte"]
    assert names(q="fondaz") == ["Fondazione Comunitaria"]
    assert names(q="comune", kind="foundation") == []
    # an unknown value is ignored, the other filters still apply
    assert names(kind="castle", q="ponte") == ["Cooperativa Il Ponte"]


def test_list_is_paginated(cast, login, settings):
    settings.LEGAMI_PAGE_SIZE = 5
    add_organizations(cast, 7)
    client = login(cast.coordinator)
    first = client.get(url("organizations", cast))
    assert len(first.context["page_obj"].object_list) == 5
    second = client.get(url("organizations", cast), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 3
    assert "Page 2 of 2" in second.content.decode()


def test_list_shows_the_add_button_only_to_coordinators(cast, login):
    create = url("organization_create", cast)
    assert create in login(cast.coordinator).get(url("organizations", cast)).content.decode()
    assert create not in login(cast.partner_staff).get(url("organizations", cast)).content.decode()


def test_list_runs_a_constant_number_of_queries(cast, login):
    client = login(cast.coordinator)
    add_organizations(cast, 3)
    client.get(url("organizations", cast))
    small = count_queries(client, url("organizations", cast))
    add_organizations(cast, 30, start=3)
    assert count_queries(client, url("organizations", cast)) == small
    assert count_queries(client, url("organizations", cast) + "?role=partner&kind=cooperative&q=Ente") == small


# --- detail ---------------------------------------------------------------------------------------


def test_detail_shows_roles_contacts_and_active_staff(cast, login):
    org = cast.organization
    org.email = "ponte@example.org"
    org.phone = "0372 111"
    org.save()
    Partnership.objects.filter(organization=org).update(contribution="Educativa di strada")
    former = f.UserFactory(email="former@example.org", full_name="Ex Operatore")
    f.MembershipFactory(network=cast.network, user=former, role=Role.PARTNER_STAFF, organization=org, is_active=False)
    body = login(cast.coordinator).get(url("organization_detail", cast, org.pk)).content.decode()
    assert "Educativa di strada" in body
    assert "ponte@example.org" in body
    assert "0372 111" in body
    assert "Partner Staff" in body  # the staff member's name
    assert "partner_staff@example.org" in body  # coordinators may see members' contacts
    assert "Ex Operatore" not in body
    assert url("organization_update", cast, org.pk) in body
    assert url("organization_delete", cast, org.pk) in body


def test_detail_for_citizens_hides_staff_and_management_links(cast, login):
    body = login(cast.citizen).get(url("organization_detail", cast, cast.organization.pk)).content.decode()
    assert "Partner Staff" not in body  # a member's name is for those who see the members
    assert "partner_staff@example.org" not in body
    assert url("organization_update", cast, cast.organization.pk) not in body
    assert url("organization_delete", cast, cast.organization.pk) not in body


def test_detail_offers_edit_to_own_partner_staff_only(cast, login):
    other = f.OrganizationFactory(network=cast.network, name="Altro ente")
    client = login(cast.partner_staff)
    own = client.get(url("organization_detail", cast, cast.organization.pk)).content.decode()
    assert url("organization_update", cast, cast.organization.pk) in own
    assert url("organization_delete", cast, cast.organization.pk) not in own
    theirs = client.get(url("organization_detail", cast, other.pk)).content.decode()
    assert url("organization_update", cast, other.pk) not in theirs


def test_detail_runs_a_constant_number_of_queries(cast, login):
    client = login(cast.coordinator)
    address = url("organization_detail", cast, cast.organization.pk)
    client.get(address)
    small = count_queries(client, address)
    for role in (Partnership.Role.LEAD, Partnership.Role.FUNDER, Partnership.Role.SUPPORTER):
        f.PartnershipFactory(organization=cast.organization, role=role)
    for _ in range(10):
        f.MembershipFactory(network=cast.network, role=Role.PARTNER_STAFF, organization=cast.organization)
    assert count_queries(client, address) == small


# --- create ---------------------------------------------------------------------------------------


def test_coordinator_creates_an_organisation_with_a_role(cast, login):
    client = login(cast.coordinator)
    assert client.get(url("organization_create", cast)).status_code == 200
    response = client.post(
        url("organization_create", cast),
        {
            "name": "Comune di Cremona",
            "kind": "municipality",
            "tax_code": VALID_PIVA,
            "municipality": cast.municipalities[0].pk,
            "role": "lead",
            "since": "2024-01-01",
            "contribution": "Ente capofila",
        },
    )
    org = Organization.objects.get(name="Comune di Cremona")
    assert response.status_code == 302
    assert response["Location"] == url("organization_detail", cast, org.pk)
    assert org.partnerships.get().role == Partnership.Role.LEAD
    assert AuditEvent.objects.filter(object_type="network.organization", action="create").count() == 1
    followed = client.get(response["Location"])
    assert "was added" in followed.content.decode()


def test_create_form_offers_only_the_territory_comuni(cast, login):
    f.MunicipalityFactory(istat_code="018002", cadastral_code="Y002", name="Brescia")
    form = login(cast.coordinator).get(url("organization_create", cast)).context["form"]
    assert list(form.fields["municipality"].queryset) == [cast.municipalities[1], cast.municipalities[0]]


def test_create_with_a_comune_outside_the_territory_is_refused(cast, login):
    elsewhere = f.MunicipalityFactory(istat_code="018003", cadastral_code="Y003", name="Brescia")
    before = counts()
    response = login(cast.coordinator).post(
        url("organization_create", cast), {"name": "Ente", "kind": "association", "municipality": elsewhere.pk}
    )
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert counts() == before


def test_create_with_a_bad_partita_iva_shows_the_error_and_writes_nothing(cast, login):
    before = counts()
    response = login(cast.coordinator).post(
        url("organization_create", cast), {"name": "Ente", "kind": "association", "tax_code": "00743110158"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "check digit" in body
    assert "check digit" in response.context["form"].errors["tax_code"][0]
    assert counts() == before


def test_create_a_second_lead_is_refused_with_a_clear_error(cast, login):
    f.PartnershipFactory(organization=cast.organization, role=Partnership.Role.LEAD)
    before = counts()
    response = login(cast.coordinator).post(
        url("organization_create", cast), {"name": "Comune", "kind": "municipality", "role": "lead"}
    )
    assert response.status_code == 200
    assert "already has a lead partner (Cooperativa Il Ponte)" in response.context["form"].errors["role"][0]
    assert counts() == before


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_create_refused_for_non_coordinators(cast, login, persona):
    client = login(getattr(cast, persona))
    before = counts()
    assert client.get(url("organization_create", cast)).status_code == 403
    assert client.post(url("organization_create", cast), {"name": "Ente", "kind": "association"}).status_code == 403
    assert counts() == before


# --- update ---------------------------------------------------------------------------------------


def test_coordinator_updates_an_organisation(cast, login):
    client = login(cast.coordinator)
    form = client.get(url("organization_update", cast, cast.organization.pk)).context["form"]
    assert form.initial["name"] == "Cooperativa Il Ponte"
    response = client.post(
        url("organization_update", cast, cast.organization.pk),
        {"name": "Il Ponte", "kind": "cooperative", "website": "https://ponte.example.org"},
    )
    assert response.status_code == 302
    cast.organization.refresh_from_db()
    assert cast.organization.name == "Il Ponte"
    assert cast.organization.website == "https://ponte.example.org"
    assert AuditEvent.objects.filter(action="update", actor=cast.coordinator).count() == 1


def test_partner_staff_updates_their_own_organisation(cast, login):
    client = login(cast.partner_staff)
    assert client.get(url("organization_update", cast, cast.organization.pk)).status_code == 200
    response = client.post(
        url("organization_update", cast, cast.organization.pk),
        {"name": "Cooperativa Il Ponte", "kind": "cooperative", "phone": "0372 222"},
    )
    assert response.status_code == 302
    cast.organization.refresh_from_db()
    assert cast.organization.phone == "0372 222"


def test_partner_staff_cannot_update_another_organisation(cast, login):
    other = f.OrganizationFactory(network=cast.network, name="Altro ente")
    client = login(cast.partner_staff)
    before = counts()
    assert client.get(url("organization_update", cast, other.pk)).status_code == 403
    response = client.post(url("organization_update", cast, other.pk), {"name": "Preso", "kind": "association"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.name == "Altro ente"
    assert counts() == before


@pytest.mark.parametrize("persona", ["case_manager", "community_worker", "evaluator", "funder", "citizen"])
def test_update_refused_for_other_members(cast, login, persona):
    client = login(getattr(cast, persona))
    assert client.get(url("organization_update", cast, cast.organization.pk)).status_code == 403
    response = client.post(url("organization_update", cast, cast.organization.pk), {"name": "X", "kind": "school"})
    assert response.status_code == 403
    cast.organization.refresh_from_db()
    assert cast.organization.name == "Cooperativa Il Ponte"


def test_update_with_bad_input_rerenders_and_writes_nothing(cast, login):
    before = counts()
    response = login(cast.coordinator).post(
        url("organization_update", cast, cast.organization.pk),
        {"name": "Cooperativa Il Ponte", "kind": "cooperative", "tax_code": "RSSMRA85T10A562S"},
    )
    assert response.status_code == 200
    assert "informal group" in response.context["form"].errors["tax_code"][0]
    cast.organization.refresh_from_db()
    assert cast.organization.tax_code == ""
    assert counts() == before


# --- delete ---------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_deletes(cast, login):
    org = f.OrganizationFactory(network=cast.network, name="Da cancellare")
    client = login(cast.coordinator)
    confirm = client.get(url("organization_delete", cast, org.pk))
    assert confirm.status_code == 200
    assert "Yes, delete it" in confirm.content.decode()
    assert Organization.objects.filter(pk=org.pk).exists()
    response = client.post(url("organization_delete", cast, org.pk))
    assert response.status_code == 302
    assert response["Location"] == url("organizations", cast)
    assert not Organization.objects.filter(pk=org.pk).exists()
    assert AuditEvent.objects.filter(object_type="network.organization", action="delete").count() == 1


def test_delete_with_active_staff_is_refused_with_the_count(cast, login):
    client = login(cast.coordinator)
    before = counts()
    response = client.post(url("organization_delete", cast, cast.organization.pk))
    assert response.status_code == 200
    assert "1 person still works for it" in response.content.decode()
    assert counts() == before
    assert Membership.objects.filter(organization=cast.organization, is_active=True).count() == 1


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_delete_refused_for_non_coordinators(cast, login, persona):
    org = f.OrganizationFactory(network=cast.network, name="Da cancellare")
    client = login(getattr(cast, persona))
    assert client.get(url("organization_delete", cast, org.pk)).status_code == 403
    assert client.post(url("organization_delete", cast, org.pk)).status_code == 403
    assert Organization.objects.filter(pk=org.pk).exists()


# --- partnership roles ---------------------------------------------------------------------------


def test_coordinator_adds_a_role(cast, login):
    client = login(cast.coordinator)
    assert client.get(url("partnership_create", cast, cast.organization.pk)).status_code == 200
    response = client.post(
        url("partnership_create", cast, cast.organization.pk),
        {"role": "funder", "since": "2024-01-01", "until": "2025-12-31", "contribution": "50.000 euro"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("organization_detail", cast, cast.organization.pk)
    partnership = cast.organization.partnerships.get(role="funder")
    assert partnership.contribution == "50.000 euro"


def test_add_role_form_preselects_no_role(cast, login):
    client = login(cast.coordinator)
    form = client.get(url("partnership_create", cast, cast.organization.pk)).context["form"]
    value, label = form.fields["role"].choices[0]
    assert (value, str(label)) == ("", "— choose a role —")
    assert form["role"].value() in (None, "")
    before = counts()
    response = client.post(url("partnership_create", cast, cast.organization.pk), {"role": ""})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert counts() == before


def _breadcrumb(page):
    start = page.index('class="breadcrumb"')
    return page[start : page.index("</ol>", start)]


def test_form_pages_have_breadcrumbs(cast, login):
    client = login(cast.coordinator)
    crumbs = _breadcrumb(client.get(url("organization_create", cast)).content.decode())
    assert url("organizations", cast) in crumbs and 'aria-current="page">Add an organisation<' in crumbs
    for name in ("organization_update", "partnership_create"):
        crumbs = _breadcrumb(client.get(url(name, cast, cast.organization.pk)).content.decode())
        assert url("organizations", cast) in crumbs
        assert url("organization_detail", cast, cast.organization.pk) in crumbs
        assert 'aria-current="page"' in crumbs


def test_add_role_until_before_since_is_refused(cast, login):
    before = counts()
    response = login(cast.coordinator).post(
        url("partnership_create", cast, cast.organization.pk),
        {"role": "funder", "since": "2025-01-01", "until": "2024-12-31"},
    )
    assert response.status_code == 200
    assert "before the start" in response.context["form"].errors["until"][0]
    assert counts() == before


def test_add_a_second_lead_is_refused(cast, login):
    f.PartnershipFactory(organization=f.OrganizationFactory(network=cast.network, name="Comune"), role="lead")
    before = counts()
    response = login(cast.coordinator).post(url("partnership_create", cast, cast.organization.pk), {"role": "lead"})
    assert response.status_code == 200
    assert "already has a lead partner (Comune)" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_add_role_refused_for_non_coordinators(cast, login, persona):
    client = login(getattr(cast, persona))
    before = counts()
    assert client.get(url("partnership_create", cast, cast.organization.pk)).status_code == 403
    assert client.post(url("partnership_create", cast, cast.organization.pk), {"role": "funder"}).status_code == 403
    assert counts() == before


def test_remove_a_role_with_confirmation(cast, login):
    partnership = cast.organization.partnerships.get()
    client = login(cast.coordinator)
    confirm = client.get(url("partnership_delete", cast, partnership.pk))
    assert confirm.status_code == 200
    assert Partnership.objects.filter(pk=partnership.pk).exists()
    response = client.post(url("partnership_delete", cast, partnership.pk))
    assert response.status_code == 302
    assert response["Location"] == url("organization_detail", cast, cast.organization.pk)
    assert not Partnership.objects.filter(pk=partnership.pk).exists()
    assert Organization.objects.filter(pk=cast.organization.pk).exists()


def test_remove_a_role_of_another_network_is_404(cast, login):
    elsewhere = f.PartnershipFactory(organization=f.OrganizationFactory(network=cast.other_network))
    assert login(cast.coordinator).post(url("partnership_delete", cast, elsewhere.pk)).status_code == 404
    assert Partnership.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_remove_role_refused_for_non_coordinators(cast, login, persona):
    partnership = cast.organization.partnerships.get()
    client = login(getattr(cast, persona))
    assert client.get(url("partnership_delete", cast, partnership.pk)).status_code == 403
    assert client.post(url("partnership_delete", cast, partnership.pk)).status_code == 403
    assert Partnership.objects.filter(pk=partnership.pk).exists()


def test_create_without_a_kind_is_refused(cast, login):
    before = counts()
    response = login(cast.coordinator).post(url("organization_create", cast), {"name": "Ente senza tipo"})
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "community_worker", "privacy_officer"])
def test_those_who_see_the_members_read_an_organisation_s_staff(cast, client, persona):
    staff = f.UserFactory(full_name="Ornella Staffieri", email="ornella@ponte.example.org")
    f.MembershipFactory(network=cast.network, user=staff, role=Role.PARTNER_STAFF, organization=cast.organization)
    client.force_login(getattr(cast, persona))
    page = client.get(url("organization_detail", cast, cast.organization.pk)).content.decode()
    assert "Ornella Staffieri" in page and "ornella@ponte.example.org" in page


@pytest.mark.parametrize("persona", ["partner_staff", "evaluator", "funder", "citizen"])
def test_an_organisation_s_staff_are_not_named_to_the_other_members(cast, client, persona):
    # Neither the name nor, for a member with no name, the e-mail that would stand for it.
    named = f.UserFactory(full_name="Ornella Staffieri", email="ornella@ponte.example.org")
    unnamed = f.UserFactory(full_name="", email="senza.nome@ponte.example.org")
    for user in (named, unnamed):
        f.MembershipFactory(network=cast.network, user=user, role=Role.PARTNER_STAFF, organization=cast.organization)
    client.force_login(getattr(cast, persona))
    response = client.get(url("organization_detail", cast, cast.organization.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ornella Staffieri" not in page and "ornella@" not in page and "senza.nome@" not in page
    assert "is shown to those who see the network's members" in page
