"""/api/v1/networks/{slug}/organizations/: the same capabilities as the partner pages, writes through services."""

import pytest

from legami.api.tests.helpers import network_url
from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.network.models import Organization, Partnership

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
NON_MANAGERS = [p for p in MEMBERS if p != "coordinator"]
STRANGERS = ["outsider", "platform_admin"]
VALID_PIVA = "00743110157"


def orgs_url(cast, *parts):
    return network_url(cast.network, "organizations", *parts)


def errors_at(response) -> dict[str, str]:
    """The 422's messages by their last location segment (the field)."""
    assert response.status_code == 422, response.content
    return {str(e["loc"][-1]): e["msg"] for e in response.json()["detail"]}


@pytest.fixture
def other_org(cast):
    return f.OrganizationFactory(network=cast.other_network, name="Associazione Altrove")


@pytest.fixture
def free_org(cast):
    """An organisation nobody works for (deletable)."""
    org = f.OrganizationFactory(network=cast.network, name="Associazione Aurora", kind=Organization.Kind.ASSOCIATION)
    f.PartnershipFactory(organization=org, role=Partnership.Role.SUPPORTER)
    return org


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MEMBERS)
def test_every_member_lists_and_reads_organizations(api_as, cast, persona):
    api = api_as(getattr(cast, persona))
    listing = api.get(orgs_url(cast))
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    [item] = listing.json()["items"]
    assert item["name"] == "Cooperativa Il Ponte"
    assert item["partnerships"][0]["role"] == "partner"
    detail = api.get(orgs_url(cast, cast.organization.pk))
    assert detail.status_code == 200
    assert detail.json() == item


@pytest.mark.parametrize("persona", STRANGERS)
def test_non_members_get_404_everywhere(api_as, cast, persona, free_org):
    api = api_as(getattr(cast, persona))
    assert api.get(orgs_url(cast)).status_code == 404
    assert api.get(orgs_url(cast, free_org.pk)).status_code == 404
    assert api.post(orgs_url(cast), {"name": "Nuova", "kind": "association"}).status_code == 404
    assert api.patch(orgs_url(cast, free_org.pk), {"name": "Cambiata"}).status_code == 404
    assert api.delete(orgs_url(cast, free_org.pk)).status_code == 404
    assert Organization.objects.filter(network=cast.network).count() == 2
    assert not AuditEvent.objects.exists()


def test_another_networks_organization_is_404(api_as, cast, other_org):
    api = api_as(cast.coordinator)
    assert api.get(orgs_url(cast, other_org.pk)).json() == {"detail": "Not found."}
    assert api.patch(orgs_url(cast, other_org.pk), {"name": "Presa"}).status_code == 404
    assert api.delete(orgs_url(cast, other_org.pk)).status_code == 404
    other_org.refresh_from_db()
    assert other_org.name == "Associazione Altrove"


def test_unknown_and_malformed_ids(api_as, cast):
    api = api_as(cast.coordinator)
    assert api.get(orgs_url(cast, 999999)).status_code == 404
    response = api.get(orgs_url(cast, "abc"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "id"]


def test_filters(api_as, cast, free_org):
    f.OrganizationFactory(network=cast.network, name="Comune di Cremona", kind="municipality", tax_code=VALID_PIVA)
    api = api_as(cast.evaluator)

    def names(**params):
        return [o["name"] for o in api.get(orgs_url(cast), params).json()["items"]]

    assert names() == ["Associazione Aurora", "Comune di Cremona", "Cooperativa Il Ponte"]
    assert names(kind="association") == ["Associazione Aurora"]
    assert names(role="supporter") == ["Associazione Aurora"]
    assert names(role="lead") == []
    assert names(search="ponte") == ["Cooperativa Il Ponte"]
    assert names(search=VALID_PIVA) == ["Comune di Cremona"]
    assert names(kind="cooperative", role="partner") == ["Cooperativa Il Ponte"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"role": "boss"}, "role"),
        ({"search": "x" * 101}, "search"),
        ({"page_size": 201}, "page_size"),
        ({"page": -1}, "page"),
    ],
)
def test_bad_list_parameters_are_422(api_as, cast, params, field):
    response = api_as(cast.coordinator).get(orgs_url(cast), params)
    assert errors_at(response).keys() == {field}
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_pagination(api_as, cast):
    for n in range(4):
        f.OrganizationFactory(network=cast.network, name=f"Ente {n}")
    page = api_as(cast.coordinator).get(orgs_url(cast), {"page": 2, "page_size": 2}).json()
    assert page["count"] == 5
    # by name: Cooperativa Il Ponte, Ente 0, | Ente 1, Ente 2, | Ente 3
    assert [o["name"] for o in page["items"]] == ["Ente 1", "Ente 2"]


@pytest.mark.parametrize("size", [2, 12])
def test_list_runs_a_constant_number_of_queries(api_as, cast, django_assert_max_num_queries, size):
    cremona = cast.municipalities[0]
    for n in range(size):
        org = f.OrganizationFactory(network=cast.network, name=f"Ente {n:02d}", municipality=cremona)
        f.PartnershipFactory(organization=org, role=Partnership.Role.PARTNER)
        f.PartnershipFactory(organization=org, role=Partnership.Role.FUNDER)
    api = api_as(cast.case_manager)
    api.get(orgs_url(cast))  # records the token's first use
    # token, network, grants, count, page, prefetched partnerships
    with django_assert_max_num_queries(6):
        response = api.get(orgs_url(cast), {"page_size": 200})
    assert response.json()["count"] == size + 1
    last = response.json()["items"][-1]
    assert last["municipality"] == {"istat_code": "019036", "name": "Cremona"}
    assert sorted(p["role"] for p in last["partnerships"]) == ["funder", "partner"]


# --- creating -----------------------------------------------------------------------------------


def test_coordinator_creates_an_organization(api_as, cast):
    payload = {
        "name": "  Comune di Crema ",
        "kind": "municipality",
        "tax_code": VALID_PIVA,
        "municipality": "019035",
        "email": "protocollo@comune.crema.cr.it",
        "website": "https://www.comune.crema.cr.it",
        "role": "lead",
        "since": "2024-01-01",
        "contribution": "Sedi e personale",
    }
    response = api_as(cast.coordinator).post(orgs_url(cast), payload)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Comune di Crema"
    assert body["municipality"] == {"istat_code": "019035", "name": "Crema"}
    assert body["partnerships"] == [
        {
            "id": body["partnerships"][0]["id"],
            "role": "lead",
            "since": "2024-01-01",
            "until": None,
            "contribution": "Sedi e personale",
        }
    ]
    org = Organization.objects.get(pk=body["id"])
    assert org.network == cast.network and org.tax_code == VALID_PIVA
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="network.organization")
    assert event.object_id == str(org.pk)
    assert event.actor == cast.coordinator
    assert event.network == cast.network
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="network.partnership").exists()


def test_minimal_create(api_as, cast):
    response = api_as(cast.coordinator).post(orgs_url(cast), {"name": "Gruppo del martedì", "kind": "informal_group"})
    assert response.status_code == 201
    assert response.json()["partnerships"] == []
    assert response.json()["municipality"] is None


@pytest.mark.parametrize("persona", NON_MANAGERS)
def test_only_coordinators_create(api_as, cast, persona):
    response = api_as(getattr(cast, persona)).post(orgs_url(cast), {"name": "Abusiva", "kind": "association"})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Organization.objects.filter(name="Abusiva").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"kind": "association"}, "name", "Field required"),
        ({"name": "Senza tipo"}, "kind", "Field required"),
        ({"name": "Tipo strano", "kind": "spaceship"}, "kind", "Input should be"),
        ({"name": 12, "kind": "association"}, "name", "valid string"),
        ({"name": "x" * 201, "kind": "association"}, "name", "at most 200"),
        ({"name": "Data", "kind": "association", "role": "partner", "since": "ieri"}, "since", "valid date"),
        ({"name": "Comune", "kind": "association", "municipality": "Cremona"}, "municipality", "pattern"),
        ({"name": "Campo in più", "kind": "association", "colour": "red"}, "colour", "Extra inputs"),
        # what the service refuses
        ({"name": "Cooperativa il ponte", "kind": "association"}, "name", "already has this name"),
        ({"name": "   ", "kind": "association"}, "name", "name"),
        ({"name": "CF", "kind": "association", "tax_code": "00743110158"}, "tax_code", "check digit"),
        ({"name": "CF", "kind": "association", "tax_code": "RSSMRA85T10A562S"}, "tax_code", "personal"),
        ({"name": "CF", "kind": "informal_group", "tax_code": "RSSMRA85T10A562X"}, "tax_code", "not valid"),
        ({"name": "Mail", "kind": "association", "email": "non-una-mail"}, "email", ""),
        ({"name": "Sito", "kind": "association", "website": "not a url"}, "website", ""),
        ({"name": "Ruolo", "kind": "association", "since": "2024-01-01"}, "role", "role"),
        (
            {"name": "Date", "kind": "association", "role": "partner", "since": "2024-05-01", "until": "2024-01-01"},
            "until",
            "before the start",
        ),
        ({"name": "Lontano", "kind": "association", "municipality": "999999"}, "municipality", "999999"),
        ({"name": "Fuori", "kind": "association", "municipality": "019001"}, "municipality", "territory"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(api_as, cast, payload, field, fragment):
    f.MunicipalityFactory(istat_code="019001", name="Acquanegra Cremonese")
    response = api_as(cast.coordinator).post(orgs_url(cast), payload)
    errors = errors_at(response)
    assert field in errors, errors
    assert fragment in errors[field]
    locations = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "payload", field] in locations
    assert Organization.objects.filter(network=cast.network).count() == 1
    assert Partnership.objects.filter(network=cast.network).count() == 1
    assert not AuditEvent.objects.exists()


def test_a_second_lead_is_refused(api_as, cast):
    f.PartnershipFactory(organization=cast.organization, role=Partnership.Role.LEAD)
    response = api_as(cast.coordinator).post(
        orgs_url(cast), {"name": "Capofila 2", "kind": "municipality", "role": "lead"}
    )
    assert "lead partner" in errors_at(response)["role"]
    assert not Organization.objects.filter(name="Capofila 2").exists()


@pytest.mark.parametrize("body", ["{not json", "[1, 2", "\u00ff"])
def test_malformed_json_is_400(api_as, cast, body):
    response = api_as(cast.coordinator).post(orgs_url(cast), raw_body=body)
    assert response.status_code == 400
    assert Organization.objects.filter(network=cast.network).count() == 1


def test_a_body_that_is_not_an_object_is_422(api_as, cast):
    response = api_as(cast.coordinator).post(orgs_url(cast), raw_body='["name", "kind"]')
    assert response.status_code == 422


# --- changing -----------------------------------------------------------------------------------


def test_coordinator_changes_an_organization(api_as, cast):
    url = orgs_url(cast, cast.organization.pk)
    response = api_as(cast.coordinator).patch(url, {"description": "Servizi educativi", "municipality": "019036"})
    assert response.status_code == 200
    assert response.json()["description"] == "Servizi educativi"
    assert response.json()["municipality"]["name"] == "Cremona"
    assert response.json()["name"] == "Cooperativa Il Ponte"  # untouched fields stay
    cast.organization.refresh_from_db()
    assert cast.organization.description == "Servizi educativi"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.object_id == str(cast.organization.pk)
    assert event.after["description"] == "Servizi educativi"


def test_municipality_can_be_cleared(api_as, cast):
    cast.organization.municipality = cast.municipalities[0]
    cast.organization.save()
    response = api_as(cast.coordinator).patch(orgs_url(cast, cast.organization.pk), {"municipality": None})
    assert response.json()["municipality"] is None


def test_partner_staff_changes_their_own_organization_only(api_as, cast, free_org):
    api = api_as(cast.partner_staff)
    own = api.patch(orgs_url(cast, cast.organization.pk), {"phone": "0372 123456"})
    assert own.status_code == 200
    assert own.json()["phone"] == "0372 123456"
    other = api.patch(orgs_url(cast, free_org.pk), {"phone": "0372 654321"})
    assert other.status_code == 403
    free_org.refresh_from_db()
    assert free_org.phone == ""
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count() == 1


@pytest.mark.parametrize("persona", [p for p in NON_MANAGERS if p != "partner_staff"])
def test_other_roles_cannot_change(api_as, cast, persona):
    response = api_as(getattr(cast, persona)).patch(orgs_url(cast, cast.organization.pk), {"name": "Rinominata"})
    assert response.status_code == 403
    cast.organization.refresh_from_db()
    assert cast.organization.name == "Cooperativa Il Ponte"
    assert not AuditEvent.objects.exists()


def test_refused_caller_learns_nothing_from_validation(api_as, cast, free_org):
    # a partner staff member of another organisation gets 403 even when the input is wrong
    response = api_as(cast.partner_staff).patch(orgs_url(cast, free_org.pk), {"municipality": "999999"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"kind": "spaceship"}, "kind"),
        ({"tax_code": "123"}, "tax_code"),
        ({"municipality": "999999"}, "municipality"),
        ({"website": "ftp:/nowhere"}, "website"),
        ({"network": 2}, "network"),
    ],
)
def test_bad_patch_is_refused_and_changes_nothing(api_as, cast, payload, field):
    response = api_as(cast.coordinator).patch(orgs_url(cast, cast.organization.pk), payload)
    assert field in errors_at(response)
    cast.organization.refresh_from_db()
    assert cast.organization.name == "Cooperativa Il Ponte"
    assert cast.organization.network == cast.network
    assert not AuditEvent.objects.exists()


# --- deleting -----------------------------------------------------------------------------------


def test_coordinator_deletes_an_organization(api_as, cast, free_org):
    response = api_as(cast.coordinator).delete(orgs_url(cast, free_org.pk))
    assert response.status_code == 204
    assert response.content == b""
    assert not Organization.objects.filter(pk=free_org.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, object_type="network.organization", object_id=str(free_org.pk)
    ).exists()


def test_an_organization_with_staff_cannot_be_deleted(api_as, cast):
    response = api_as(cast.coordinator).delete(orgs_url(cast, cast.organization.pk))
    assert response.status_code == 409
    assert "cannot be deleted" in response.json()["detail"]
    assert Organization.objects.filter(pk=cast.organization.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", NON_MANAGERS)
def test_only_coordinators_delete(api_as, cast, persona, free_org):
    response = api_as(getattr(cast, persona)).delete(orgs_url(cast, free_org.pk))
    assert response.status_code == 403
    assert Organization.objects.filter(pk=free_org.pk).exists()
    assert not AuditEvent.objects.exists()


def test_deleting_twice_is_404(api_as, cast, free_org):
    api = api_as(cast.coordinator)
    assert api.delete(orgs_url(cast, free_org.pk)).status_code == 204
    assert api.delete(orgs_url(cast, free_org.pk)).status_code == 404
