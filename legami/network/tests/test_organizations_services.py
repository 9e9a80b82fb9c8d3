import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from legami.core.models import AuditEvent, DataClass
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Membership, Organization, Partnership
from legami.network.services.organizations import (
    add_partnership_role,
    can_update_organization,
    create_organization,
    delete_organization,
    partita_iva_is_valid,
    remove_partnership_role,
    update_organization,
    validate_organization_tax_code,
)

VALID_PIVA = "00743110157"
OTHER_VALID_PIVA = "06363391001"
VALID_PERSONAL_CF = "RSSMRA85T10A562S"

REFUSED_MANAGERS = [
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


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (the msgids), whatever the Italian catalogue says.
    with translation.override("en"):
        yield


def counts():
    return (Organization.objects.count(), Partnership.objects.count(), AuditEvent.objects.count())


def data(**overrides):
    values = {"name": "Associazione Auser", "kind": Organization.Kind.ASSOCIATION}
    values.update(overrides)
    return values


# --- codice fiscale / partita IVA of an organisation -------------------------------------------


@pytest.mark.parametrize("code", ["00743110157", "06363391001", "80415740580", "01234567897", "12345678903"])
def test_partita_iva_checksum_accepts_valid_codes(code):
    assert partita_iva_is_valid(code)


@pytest.mark.parametrize(
    "code",
    [
        "00743110158",  # last digit off by one
        "06363391002",
        "12345678901",
        "00000000000",  # passes the arithmetic but is not a code
        "0074311015",  # 10 digits
        "007431101577",  # 12 digits
        "0074311015A",
        "",
    ],
)
def test_partita_iva_checksum_refuses_invalid_codes(code):
    assert not partita_iva_is_valid(code)


def test_validate_tax_code_normalises_and_accepts():
    assert validate_organization_tax_code(" 0074 3110 157 ") == VALID_PIVA
    assert validate_organization_tax_code("") == ""
    assert validate_organization_tax_code(None) == ""
    assert (
        validate_organization_tax_code(VALID_PERSONAL_CF.lower(), Organization.Kind.INFORMAL_GROUP) == VALID_PERSONAL_CF
    )
    assert validate_organization_tax_code(VALID_PERSONAL_CF, Organization.Kind.BUSINESS) == VALID_PERSONAL_CF


@pytest.mark.parametrize(
    ("code", "kind", "error_code"),
    [
        ("00743110158", Organization.Kind.COOPERATIVE, "org_tax_code_checksum"),
        ("0074311015", Organization.Kind.COOPERATIVE, "org_tax_code_length"),
        (VALID_PERSONAL_CF, Organization.Kind.COOPERATIVE, "org_tax_code_personal"),
        ("RSSMRA85T10A562T", Organization.Kind.INFORMAL_GROUP, "tax_code_invalid"),
        ("ABC", Organization.Kind.COOPERATIVE, "org_tax_code_format"),
    ],
)
def test_validate_tax_code_says_why(code, kind, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_organization_tax_code(code, kind)
    assert exc.value.code == error_code


# --- create ---------------------------------------------------------------------------------------


def test_coordinator_creates_an_organisation_with_audit(cast):
    cremona = cast.municipalities[0]
    org = create_organization(
        actor=cast.coordinator,
        network=cast.network,
        data=data(
            tax_code=VALID_PIVA,
            municipality=cremona,
            address=" Via Roma 1 ",
            email="info@auser.example.org",
            phone="0372 123456",
            website="https://auser.example.org",
            description="Anziani attivi",
        ),
    )
    org.refresh_from_db()
    assert org.network == cast.network
    assert org.tax_code == VALID_PIVA
    assert org.address == "Via Roma 1"
    assert org.municipality == cremona
    assert not org.partnerships.exists()
    event = AuditEvent.objects.get(object_type="network.organization", object_id=str(org.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == cast.coordinator
    assert event.network_id == cast.network.pk
    assert event.before is None
    assert event.after["name"] == "Associazione Auser"
    assert event.after["municipality_id"] == cremona.pk
    assert event.data_class == DataClass.PUBLIC


def test_create_with_first_role(cast):
    since = datetime.date(2024, 1, 1)
    org = create_organization(
        actor=cast.coordinator,
        network=cast.network,
        data=data(),
        role=Partnership.Role.LEAD,
        since=since,
        until=datetime.date(2026, 12, 31),
        contribution=" Coordina il progetto ",
    )
    partnership = org.partnerships.get()
    assert partnership.role == Partnership.Role.LEAD
    assert partnership.since == since
    assert partnership.contribution == "Coordina il progetto"
    assert partnership.network == cast.network
    assert AuditEvent.objects.filter(object_type="network.partnership", action="create").count() == 1


def test_create_with_personal_tax_code_is_personal_data_in_the_audit(cast):
    org = create_organization(
        actor=cast.coordinator,
        network=cast.network,
        data=data(kind=Organization.Kind.INFORMAL_GROUP, tax_code=VALID_PERSONAL_CF),
    )
    assert AuditEvent.objects.get(object_id=str(org.pk), object_type="network.organization").data_class == (
        DataClass.PERSONAL
    )


@pytest.mark.parametrize("persona", REFUSED_MANAGERS)
def test_create_refused_for_non_coordinators(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        create_organization(actor=getattr(cast, persona), network=cast.network, data=data())
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"name": "   "}, "name", "name"),
        ({"name": "cooperativa il ponte"}, "name", "already has this name"),
        ({"kind": "castle"}, "kind", "kind"),
        ({"kind": ""}, "kind", "kind"),
        ({"tax_code": "00743110158"}, "tax_code", "check digit"),
        ({"tax_code": "123"}, "tax_code", "has 11 digits; this one has 3"),
        ({"tax_code": "ABC-123"}, "tax_code", "11-digit"),
        ({"tax_code": VALID_PERSONAL_CF}, "tax_code", "16 characters"),
        ({"email": "not-an-address"}, "email", "email address"),
        ({"website": "not a url"}, "website", "URL"),
        ({"phone": "0" * 40}, "phone", "30"),
        ({"surprise": "x"}, "__all__", "surprise"),
        ({"municipality": "not-an-id"}, "municipality", "does not exist"),
        ({"municipality": 987654}, "municipality", "does not exist"),
    ],
)
def test_create_bad_input_writes_nothing(cast, overrides, field, fragment):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(actor=cast.coordinator, network=cast.network, data=data(**overrides))
    assert field in exc.value.message_dict
    assert fragment.lower() in " ".join(exc.value.message_dict[field]).lower()
    assert counts() == before


def test_create_refuses_a_tax_code_already_used_in_the_network(cast):
    cast.organization.tax_code = VALID_PIVA
    cast.organization.save()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(actor=cast.coordinator, network=cast.network, data=data(tax_code=VALID_PIVA))
    assert "tax code" in exc.value.message_dict["tax_code"][0]
    assert counts() == before


def test_same_name_and_tax_code_are_fine_in_another_network(cast):
    f.OrganizationFactory(network=cast.other_network, name="Associazione Auser", tax_code=VALID_PIVA)
    org = create_organization(actor=cast.coordinator, network=cast.network, data=data(tax_code=VALID_PIVA))
    assert org.pk


def test_create_refuses_a_comune_outside_the_territory(cast):
    elsewhere = f.MunicipalityFactory(istat_code="018001", cadastral_code="Y001", name="Fuori")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(actor=cast.coordinator, network=cast.network, data=data(municipality=elsewhere))
    assert "territory" in exc.value.message_dict["municipality"][0]
    assert counts() == before


def test_create_reports_every_problem_at_once(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(
            actor=cast.coordinator,
            network=cast.network,
            data=data(name="", tax_code="1", email="x"),
            role="boss",
        )
    assert {"name", "tax_code", "email", "role"} <= set(exc.value.message_dict)
    assert counts() == before


def test_create_with_role_refuses_until_before_since(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(
            actor=cast.coordinator,
            network=cast.network,
            data=data(),
            role=Partnership.Role.PARTNER,
            since=datetime.date(2025, 6, 1),
            until=datetime.date(2025, 5, 31),
        )
    assert "before the start" in exc.value.message_dict["until"][0]
    assert counts() == before


def test_create_with_dates_but_no_role_is_refused(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(actor=cast.coordinator, network=cast.network, data=data(), since=datetime.date(2025, 1, 1))
    assert "role" in exc.value.message_dict
    assert counts() == before


def test_create_with_a_second_lead_is_refused_and_writes_nothing(cast):
    f.PartnershipFactory(organization=cast.organization, role=Partnership.Role.LEAD)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(actor=cast.coordinator, network=cast.network, data=data(), role=Partnership.Role.LEAD)
    assert "Cooperativa Il Ponte" in exc.value.message_dict["role"][0]
    assert counts() == before


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"role": "boss"}, {"role": ["invalid_choice"]}),
        ({"since": datetime.date(2025, 1, 1)}, {"role": ["invalid"]}),
        ({"contribution": "Spazi"}, {"role": ["invalid"]}),
        # Without a role, its dates are not looked at: only the role is asked for.
        ({"since": "ieri", "until": datetime.date(2020, 1, 1)}, {"role": ["invalid"]}),
        ({"role": Partnership.Role.PARTNER, "since": "ieri"}, {"since": ["invalid"]}),
        (
            {"role": Partnership.Role.PARTNER, "since": datetime.date(2025, 2, 1), "until": datetime.date(2025, 1, 1)},
            {"until": ["until_before_since"]},
        ),
        ({"role": "boss", "since": datetime.date(2025, 2, 1), "until": datetime.date(2025, 1, 1)}, None),
    ],
)
def test_create_first_role_rules_name_the_field_and_the_code(cast, kwargs, expected):
    expected = expected or {"role": ["invalid_choice"], "until": ["until_before_since"]}
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_organization(actor=cast.coordinator, network=cast.network, data=data(), **kwargs)
    assert {name: [e.code for e in errors] for name, errors in exc.value.error_dict.items()} == expected
    if kwargs.keys() <= {"since", "until", "contribution"}:
        assert exc.value.message_dict["role"] == ["Choose the role these dates and contribution belong to."]
    assert counts() == before


def test_create_first_role_with_its_details_and_without_any(cast):
    org = create_organization(
        actor=cast.coordinator,
        network=cast.network,
        data=data(),
        role=Partnership.Role.SUPPORTER,
        since="01/02/2024",
        contribution="  ",
    )
    assert list(org.partnerships.values_list("role", "since", "contribution")) == [
        ("supporter", datetime.date(2024, 2, 1), "")
    ]
    alone = create_organization(actor=cast.coordinator, network=cast.network, data=data(name="Senza ruolo"))
    assert not alone.partnerships.exists()


def test_create_refuses_first_role_fields_inside_data(cast):
    with pytest.raises(ValidationError) as exc:
        create_organization(actor=cast.coordinator, network=cast.network, data=data(role=Partnership.Role.PARTNER))
    assert [e.code for e in exc.value.error_dict["__all__"]] == ["unknown"]


# --- update ---------------------------------------------------------------------------------------


def test_coordinator_updates_with_before_and_after(cast):
    org = update_organization(
        actor=cast.coordinator,
        organization=cast.organization,
        data={"name": "Cooperativa Il Ponte Nuovo", "email": "ponte@example.org"},
    )
    org.refresh_from_db()
    assert org.name == "Cooperativa Il Ponte Nuovo"
    assert org.email == "ponte@example.org"
    event = AuditEvent.objects.get(action="update", object_id=str(org.pk))
    assert event.before["name"] == "Cooperativa Il Ponte"
    assert event.after["name"] == "Cooperativa Il Ponte Nuovo"
    assert event.before["email"] == ""
    assert "kind" not in event.after  # only what changed


def test_update_keeps_the_name_it_already_has(cast):
    org = update_organization(
        actor=cast.coordinator, organization=cast.organization, data={"name": "Cooperativa Il Ponte"}
    )
    assert org.name == "Cooperativa Il Ponte"


def test_partner_staff_updates_their_own_organisation(cast):
    assert can_update_organization(cast.partner_staff, cast.organization)
    update_organization(actor=cast.partner_staff, organization=cast.organization, data={"phone": "0372 1"})
    cast.organization.refresh_from_db()
    assert cast.organization.phone == "0372 1"
    assert AuditEvent.objects.get(action="update").actor == cast.partner_staff


def test_partner_staff_cannot_update_another_organisation(cast):
    other = f.OrganizationFactory(network=cast.network, name="Associazione Altra")
    assert not can_update_organization(cast.partner_staff, other)
    before = counts()
    with pytest.raises(PermissionDenied):
        update_organization(actor=cast.partner_staff, organization=other, data={"name": "Presa"})
    other.refresh_from_db()
    assert other.name == "Associazione Altra"
    assert counts() == before


def test_partner_staff_without_organisation_cannot_update(cast):
    user = f.UserFactory(email="free-staff@example.org")
    f.MembershipFactory(network=cast.network, user=user, role=Role.PARTNER_STAFF)
    with pytest.raises(PermissionDenied):
        update_organization(actor=user, organization=cast.organization, data={"name": "Presa"})


def test_deactivated_partner_staff_cannot_update(cast):
    Membership.objects.filter(user=cast.partner_staff).update(is_active=False)
    with pytest.raises(PermissionDenied):
        update_organization(actor=cast.partner_staff, organization=cast.organization, data={"name": "Presa"})


@pytest.mark.parametrize(
    "persona",
    ["case_manager", "community_worker", "evaluator", "funder", "citizen", "privacy_officer", "outsider", "anonymous"],
)
def test_update_refused_for_other_personas(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        update_organization(actor=getattr(cast, persona), organization=cast.organization, data={"name": "Presa"})
    cast.organization.refresh_from_db()
    assert cast.organization.name == "Cooperativa Il Ponte"
    assert counts() == before


def test_update_bad_input_writes_nothing_and_leaves_the_instance(cast):
    f.OrganizationFactory(network=cast.network, name="Associazione Altra")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        update_organization(
            actor=cast.coordinator,
            organization=cast.organization,
            data={"name": "associazione altra", "tax_code": "12345678901"},
        )
    assert set(exc.value.message_dict) == {"name", "tax_code"}
    assert cast.organization.name == "Cooperativa Il Ponte"
    cast.organization.refresh_from_db()
    assert cast.organization.name == "Cooperativa Il Ponte"
    assert cast.organization.tax_code == ""
    assert counts() == before


def test_update_refuses_a_kind_that_does_not_fit_the_personal_tax_code(cast):
    org = f.OrganizationFactory(
        network=cast.network, name="Gruppo", kind=Organization.Kind.INFORMAL_GROUP, tax_code=VALID_PERSONAL_CF
    )
    with pytest.raises(ValidationError) as exc:
        update_organization(actor=cast.coordinator, organization=org, data={"kind": Organization.Kind.FOUNDATION})
    assert "tax_code" in exc.value.message_dict


# --- delete ---------------------------------------------------------------------------------------


def test_delete_refused_while_staff_is_active(cast):
    f.MembershipFactory(network=cast.network, role=Role.PARTNER_STAFF, organization=cast.organization)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        delete_organization(actor=cast.coordinator, organization=cast.organization)
    assert "2 people" in exc.value.messages[0]
    assert counts() == before


def test_delete_refusal_says_one_person(cast):
    with pytest.raises(ValidationError) as exc:
        delete_organization(actor=cast.coordinator, organization=cast.organization)
    assert "1 person" in exc.value.messages[0]


def test_delete_removes_the_organisation_and_its_roles_with_audit(cast):
    Membership.objects.filter(organization=cast.organization).update(is_active=False)
    org_pk = cast.organization.pk
    delete_organization(actor=cast.coordinator, organization=cast.organization)
    assert not Organization.objects.filter(pk=org_pk).exists()
    assert not Partnership.objects.filter(organization_id=org_pk).exists()
    org_event = AuditEvent.objects.get(object_type="network.organization", action="delete")
    assert org_event.before["name"] == "Cooperativa Il Ponte"
    assert org_event.after is None
    assert AuditEvent.objects.filter(object_type="network.partnership", action="delete").count() == 1


@pytest.mark.parametrize("persona", REFUSED_MANAGERS)
def test_delete_refused_for_non_coordinators(cast, persona):
    org = f.OrganizationFactory(network=cast.network, name="Senza staff")
    before = counts()
    with pytest.raises(PermissionDenied):
        delete_organization(actor=getattr(cast, persona), organization=org)
    assert counts() == before


# --- partnership roles ---------------------------------------------------------------------------


def test_add_role_with_audit(cast):
    partnership = add_partnership_role(
        actor=cast.coordinator,
        organization=cast.organization,
        role=Partnership.Role.EVALUATOR,
        since="2024-02-01",
        until=datetime.date(2024, 2, 1),
        contribution="Valutazione d'impatto",
    )
    assert partnership.since == datetime.date(2024, 2, 1)
    assert partnership.until == datetime.date(2024, 2, 1)
    event = AuditEvent.objects.get(object_type="network.partnership", action="create")
    assert event.after["role"] == "evaluator"
    assert event.object_id == str(partnership.pk)


def test_only_one_lead_per_network(cast):
    add_partnership_role(actor=cast.coordinator, organization=cast.organization, role=Partnership.Role.LEAD)
    other = f.OrganizationFactory(network=cast.network, name="Comune di Cremona")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        add_partnership_role(actor=cast.coordinator, organization=other, role=Partnership.Role.LEAD)
    message = exc.value.message_dict["role"][0]
    assert "only one" in message
    assert "Cooperativa Il Ponte" in message
    assert counts() == before


def test_a_lead_in_another_network_does_not_count(cast):
    f.PartnershipFactory(organization=f.OrganizationFactory(network=cast.other_network), role=Partnership.Role.LEAD)
    partnership = add_partnership_role(
        actor=cast.coordinator, organization=cast.organization, role=Partnership.Role.LEAD
    )
    assert partnership.role == Partnership.Role.LEAD


def test_a_new_lead_after_removing_the_old_one(cast):
    old = add_partnership_role(actor=cast.coordinator, organization=cast.organization, role=Partnership.Role.LEAD)
    remove_partnership_role(actor=cast.coordinator, partnership=old)
    other = f.OrganizationFactory(network=cast.network, name="Comune di Cremona")
    assert add_partnership_role(actor=cast.coordinator, organization=other, role=Partnership.Role.LEAD).pk


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"role": Partnership.Role.PARTNER}, "role", "already has this role"),
        ({"role": "boss"}, "role", "choose"),
        ({"role": "", "since": "2024-01-01"}, "role", "choose"),
        (
            {"role": Partnership.Role.FUNDER, "since": datetime.date(2025, 1, 2), "until": datetime.date(2025, 1, 1)},
            "until",
            "before the start",
        ),
        ({"role": Partnership.Role.FUNDER, "since": "yesterday"}, "since", "valid date"),
        ({"role": Partnership.Role.FUNDER, "until": "2025-02-30"}, "until", "valid date"),
    ],
)
def test_add_role_bad_input_writes_nothing(cast, kwargs, field, fragment):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        add_partnership_role(actor=cast.coordinator, organization=cast.organization, **kwargs)
    assert fragment in " ".join(exc.value.message_dict[field]).lower()
    assert counts() == before


@pytest.mark.parametrize("persona", REFUSED_MANAGERS)
def test_add_role_refused_for_non_coordinators(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        add_partnership_role(
            actor=getattr(cast, persona), organization=cast.organization, role=Partnership.Role.SUPPORTER
        )
    assert counts() == before


def test_remove_role_with_audit(cast):
    partnership = cast.organization.partnerships.get()
    pk = partnership.pk
    remove_partnership_role(actor=cast.coordinator, partnership=partnership)
    assert not Partnership.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(object_type="network.partnership", action="delete")
    assert event.before["role"] == "partner"
    assert event.object_id == str(pk)


@pytest.mark.parametrize("persona", REFUSED_MANAGERS)
def test_remove_role_refused_for_non_coordinators(cast, persona):
    partnership = cast.organization.partnerships.get()
    before = counts()
    with pytest.raises(PermissionDenied):
        remove_partnership_role(actor=getattr(cast, persona), partnership=partnership)
    assert counts() == before
