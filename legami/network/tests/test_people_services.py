"""Services of the person registry: create, update, delete, with every refusal and bad input."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f
from legami.network.models import Person, Tie
from legami.network.services.people import create_person, delete_person, update_person

# Mario Rossi, born in Cremona on 15 March 1980; Anna Bianchi, born in Crema on 1 January 1920.
MARIO_CF = "RSSMRA80C15D150B"
ANNA_CF = "BNCNNA20A41D142V"

ALLOWED = ["coordinator", "case_manager", "community_worker"]
REFUSED = ["partner_staff", "evaluator", "funder", "citizen", "privacy_officer", "outsider", "platform_admin"]


def errors_of(exc_info) -> dict[str, list[str]]:
    """Field -> error codes of a ValidationError."""
    return {field: [e.code for e in errors] for field, errors in exc_info.value.error_dict.items()}


def base_data(cast, **extra):
    return {"first_name": "Mario", "last_name": "Rossi", "municipality": cast.municipalities[0], **extra}


@pytest.mark.parametrize("persona", ALLOWED)
def test_operators_create_a_person_with_an_audit_event(cast, persona):
    actor = getattr(cast, persona)
    person = create_person(
        actor=actor,
        network=cast.network,
        data=base_data(
            cast, tax_code=" rssmra80c15d150b ", birth_date=datetime.date(1980, 3, 15), phone="+39 0372  123456"
        ),
    )
    person.refresh_from_db()
    assert person.network == cast.network
    assert person.tax_code == MARIO_CF
    assert person.phone == "+39 0372 123456"
    event = AuditEvent.objects.get(object_type="network.person", object_id=str(person.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == actor
    assert event.data_class == DataClass.PERSONAL
    assert event.network == cast.network
    assert event.after["tax_code"] == MARIO_CF


@pytest.mark.parametrize("persona", REFUSED + ["anonymous"])
def test_other_roles_cannot_create_people(cast, persona):
    with pytest.raises(PermissionDenied):
        create_person(actor=getattr(cast, persona), network=cast.network, data=base_data(cast))
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "data, field, code",
    [
        ({"first_name": "  "}, "first_name", "required"),
        ({"last_name": ""}, "last_name", "required"),
        ({"first_name": "x" * 101}, "first_name", "max_length"),
        ({"tax_code": "RSSMRA80C15D150"}, "tax_code", "tax_code_length"),
        ({"tax_code": "RSSMRA80C15D150A"}, "tax_code", "tax_code_invalid"),
        ({"birth_date": datetime.date(2999, 1, 1)}, "birth_date", "future"),
        ({"birth_date": "not a date"}, "birth_date", "invalid"),
        ({"tax_code": MARIO_CF, "birth_date": datetime.date(1980, 3, 16)}, "birth_date", "birth_date_mismatch"),
        ({"gender": "Q"}, "gender", "invalid_choice"),
        ({"tax_code": MARIO_CF, "gender": "F"}, "gender", "gender_mismatch"),
        ({"email": "not-an-address"}, "email", "invalid"),
        ({"phone": "0372-123456"}, "phone", "invalid_phone"),
        ({"phone": "+44 20 7946 0958"}, "phone", "invalid_phone"),
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"household_role": "boss", "household": "set"}, "household_role", "invalid_choice"),
        ({"favourite_colour": "blue"}, "favourite_colour", "unknown"),
    ],
)
def test_bad_input_is_refused_on_the_right_field_and_nothing_is_written(cast, data, field, code):
    if data.get("household") == "set":
        data["household"] = f.HouseholdFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc_info:
        create_person(actor=cast.coordinator, network=cast.network, data=base_data(cast, **data))
    assert code in errors_of(exc_info)[field]
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="network.person").count() == 0


def test_tax_code_error_messages_say_what_is_wrong(cast):
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        create_person(actor=cast.coordinator, network=cast.network, data=base_data(cast, tax_code="RSSMRA80"))
    assert "16 characters" in exc_info.value.message_dict["tax_code"][0]
    assert "8" in exc_info.value.message_dict["tax_code"][0]


def test_birth_date_agrees_with_the_tax_code_across_centuries(cast):
    # The code keeps two digits of the year: 1920 and 2020 read the same, so 1920 must be accepted.
    person = create_person(
        actor=cast.coordinator,
        network=cast.network,
        data=base_data(cast, first_name="Anna", last_name="Bianchi", tax_code=ANNA_CF, birth_date="1920-01-01"),
    )
    assert person.birth_date == datetime.date(1920, 1, 1)


def test_duplicate_tax_code_in_the_same_network_is_refused(cast):
    f.PersonFactory(network=cast.network, tax_code=MARIO_CF)
    with pytest.raises(ValidationError) as exc_info:
        create_person(actor=cast.coordinator, network=cast.network, data=base_data(cast, tax_code=MARIO_CF.lower()))
    assert errors_of(exc_info)["tax_code"] == ["tax_code_duplicate"]
    with translation.override("en"):
        assert "already has this codice fiscale" in exc_info.value.message_dict["tax_code"][0]
    assert Person.objects.count() == 1


def test_same_tax_code_in_another_network_is_fine(cast):
    f.PersonFactory(network=cast.other_network, tax_code=MARIO_CF)
    person = create_person(actor=cast.coordinator, network=cast.network, data=base_data(cast, tax_code=MARIO_CF))
    assert person.tax_code == MARIO_CF


def test_municipality_must_be_in_the_territory(cast):
    elsewhere = f.MunicipalityFactory(name="Milano")
    with pytest.raises(ValidationError) as exc_info:
        create_person(actor=cast.coordinator, network=cast.network, data=base_data(cast, municipality=elsewhere))
    assert errors_of(exc_info)["municipality"] == ["not_in_territory"]
    assert Person.objects.count() == 0


def test_neighbourhood_must_be_in_the_chosen_comune(cast):
    cremona, crema = cast.municipalities
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=crema, name="San Bernardino")
    with pytest.raises(ValidationError) as exc_info:
        create_person(
            actor=cast.coordinator,
            network=cast.network,
            data=base_data(cast, municipality=cremona, neighbourhood=quartiere),
        )
    assert errors_of(exc_info)["neighbourhood"] == ["neighbourhood_not_in_municipality"]
    with pytest.raises(ValidationError) as exc_info:
        create_person(
            actor=cast.coordinator,
            network=cast.network,
            data=base_data(cast, municipality=None, neighbourhood=quartiere),
        )
    assert errors_of(exc_info)["neighbourhood"] == ["neighbourhood_not_in_municipality"]
    assert Person.objects.count() == 0
    person = create_person(
        actor=cast.coordinator, network=cast.network, data=base_data(cast, municipality=crema, neighbourhood=quartiere)
    )
    assert person.neighbourhood == quartiere


def test_neighbourhood_and_household_of_another_network_are_refused(cast):
    other_quartiere = f.NeighbourhoodFactory(network=cast.other_network, municipality=cast.municipalities[0])
    other_household = f.HouseholdFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as exc_info:
        create_person(
            actor=cast.coordinator,
            network=cast.network,
            data=base_data(cast, neighbourhood=other_quartiere, household=other_household),
        )
    assert errors_of(exc_info) == {"neighbourhood": ["invalid_choice"], "household": ["invalid_choice"]}
    assert Person.objects.count() == 0


def test_district_case_manager_registers_only_in_their_district(cast):
    cremona, crema = cast.municipalities
    with pytest.raises(ValidationError) as exc_info:
        create_person(actor=cast.district_case_manager, network=cast.network, data=base_data(cast, municipality=crema))
    assert errors_of(exc_info)["municipality"] == ["out_of_district"]
    with pytest.raises(ValidationError) as exc_info:
        create_person(actor=cast.district_case_manager, network=cast.network, data=base_data(cast, municipality=None))
    assert errors_of(exc_info)["municipality"] == ["out_of_district"]
    assert Person.objects.count() == 0
    person = create_person(
        actor=cast.district_case_manager, network=cast.network, data=base_data(cast, municipality=cremona)
    )
    assert person.municipality == cremona


def test_update_changes_only_the_given_fields_and_records_the_difference(cast):
    person = f.PersonFactory(network=cast.network, first_name="Mario", last_name="Rossi", email="m@example.org")
    update_person(actor=cast.case_manager, person=person, data={"email": "mario@example.org"})
    person.refresh_from_db()
    assert (person.first_name, person.email) == ("Mario", "mario@example.org")
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(person.pk))
    assert event.before == {"email": "m@example.org"}
    assert event.after == {"email": "mario@example.org"}
    assert event.data_class == DataClass.PERSONAL


def test_update_without_changes_writes_no_event(cast):
    person = f.PersonFactory(network=cast.network, first_name="Mario")
    update_person(actor=cast.case_manager, person=person, data={"first_name": "Mario"})
    assert AuditEvent.objects.count() == 0


def test_update_keeps_own_tax_code_but_refuses_another_persons(cast):
    person = f.PersonFactory(network=cast.network, tax_code=MARIO_CF)
    other = f.PersonFactory(network=cast.network)
    update_person(actor=cast.coordinator, person=person, data={"tax_code": MARIO_CF, "first_name": "Mario"})
    with pytest.raises(ValidationError) as exc_info:
        update_person(actor=cast.coordinator, person=other, data={"tax_code": MARIO_CF})
    assert errors_of(exc_info)["tax_code"] == ["tax_code_duplicate"]
    other.refresh_from_db()
    assert other.tax_code == ""


def test_bad_update_writes_nothing(cast):
    person = f.PersonFactory(network=cast.network, first_name="Mario", birth_date=datetime.date(1980, 3, 15))
    with pytest.raises(ValidationError):
        update_person(
            actor=cast.coordinator,
            person=person,
            data={"first_name": "Maria", "birth_date": timezone.localdate() + datetime.timedelta(days=1)},
        )
    person.refresh_from_db()
    assert person.first_name == "Mario"
    assert person.birth_date == datetime.date(1980, 3, 15)
    assert AuditEvent.objects.count() == 0


def test_joining_and_leaving_a_household(cast):
    household = f.HouseholdFactory(network=cast.network)
    person = f.PersonFactory(network=cast.network)
    update_person(actor=cast.coordinator, person=person, data={"household": household, "household_role": "child"})
    person.refresh_from_db()
    assert (person.household, person.household_role) == (household, "child")
    update_person(actor=cast.coordinator, person=person, data={"household": None})
    person.refresh_from_db()
    assert (person.household, person.household_role) == (None, "")


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_cannot_update_or_delete(cast, persona):
    person = f.PersonFactory(network=cast.network, first_name="Mario")
    with pytest.raises(PermissionDenied):
        update_person(actor=getattr(cast, persona), person=person, data={"first_name": "Maria"})
    with pytest.raises(PermissionDenied):
        delete_person(actor=getattr(cast, persona), person=person)
    person.refresh_from_db()
    assert person.first_name == "Mario"
    assert AuditEvent.objects.count() == 0


def test_district_case_manager_cannot_touch_people_outside_their_district(cast):
    cremona, crema = cast.municipalities
    in_crema = f.PersonFactory(network=cast.network, municipality=crema, first_name="Mario")
    in_cremona = f.PersonFactory(network=cast.network, municipality=cremona)
    with pytest.raises(PermissionDenied):
        update_person(actor=cast.district_case_manager, person=in_crema, data={"first_name": "Maria"})
    with pytest.raises(PermissionDenied):
        delete_person(actor=cast.district_case_manager, person=in_crema)
    # Nor move someone of theirs out of their reach.
    with pytest.raises(ValidationError) as exc_info:
        update_person(actor=cast.district_case_manager, person=in_cremona, data={"municipality": crema})
    assert errors_of(exc_info)["municipality"] == ["out_of_district"]
    assert Person.objects.filter(municipality=crema).count() == 1
    assert AuditEvent.objects.count() == 0


def test_delete_removes_ties_and_consents_and_is_audited(cast):
    person = f.PersonFactory(network=cast.network, first_name="Mario", last_name="Rossi")
    f.TieFactory(network=cast.network, source_person=person)
    f.ConsentFactory(person=person)
    pk = person.pk
    delete_person(actor=cast.community_worker, person=person)
    assert not Person.objects.filter(pk=pk).exists()
    assert not Tie.objects.filter(source_person_id=pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_type="network.person")
    assert event.object_id == str(pk)
    assert event.object_repr == "Mario Rossi"
    assert event.before["first_name"] == "Mario"
    assert event.network == cast.network
    assert event.data_class == DataClass.PERSONAL


@pytest.mark.parametrize(
    ("last", "first", "gender", "birth"),
    [("Rossi", "Maria", "F", "1980-01-01"), ("Neri", "Paolo", "M", "1920-12-31"), ("Bo", "Ada", "F", "2011-07-09")],
)
def test_the_birth_read_from_a_codice_fiscale_is_the_librarys_omocodes_included(last, first, gender, birth):
    from codicefiscale import codicefiscale

    from legami.network.services.people import _tax_code_birth

    code = codicefiscale.encode(lastname=last, firstname=first, gender=gender, birthdate=birth, birthplace="Cremona")
    for variant in codicefiscale.decode(code)["omocodes"]:
        decoded = codicefiscale.decode(variant)
        day, month, year = decoded["birthdate"].day, decoded["birthdate"].month, decoded["birthdate"].year % 100
        assert _tax_code_birth(variant) == (day, month, year, decoded["gender"])
