"""Household services: create, update, delete (members stay), join and leave."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f
from legami.network.models import Household, Person
from legami.network.selectors.households import households_for
from legami.network.services.households import (
    add_person_to_household,
    create_household,
    delete_household,
    remove_person_from_household,
    update_household,
)

REFUSED = [
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "outsider",
    "platform_admin",
    "anonymous",
]


def codes(exc_info):
    return {field: [e.code for e in errors] for field, errors in exc_info.value.error_dict.items()}


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "community_worker", "district_case_manager"])
def test_create_household(cast, persona):
    cremona = cast.municipalities[0]
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=cremona)
    household = create_household(
        actor=getattr(cast, persona),
        network=cast.network,
        data={"name": " Famiglia Rossi ", "address": "Via Roma 1", "municipality": cremona, "neighbourhood": quartiere},
    )
    assert (household.name, household.network, household.neighbourhood) == ("Famiglia Rossi", cast.network, quartiere)
    event = AuditEvent.objects.get(object_type="network.household")
    assert (event.action, event.data_class) == ("create", DataClass.PERSONAL)


@pytest.mark.parametrize("persona", REFUSED)
def test_create_household_refused(cast, persona):
    with pytest.raises(PermissionDenied):
        create_household(actor=getattr(cast, persona), network=cast.network, data={"name": "Famiglia"})
    assert Household.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "data, field, code",
    [
        ({"name": ""}, "name", "required"),
        ({"name": "x" * 201}, "name", "max_length"),
        ({"name": "F", "municipality": "elsewhere"}, "municipality", "not_in_territory"),
        ({"name": "F", "neighbourhood": "crema"}, "neighbourhood", "neighbourhood_not_in_municipality"),
        ({"name": "F", "colour": "red"}, "colour", "unknown"),
    ],
)
def test_create_household_bad_input(cast, data, field, code):
    cremona, crema = cast.municipalities
    if data.get("municipality") == "elsewhere":
        data["municipality"] = f.MunicipalityFactory(name="Lodi")
    if data.get("neighbourhood") == "crema":
        data["municipality"] = cremona
        data["neighbourhood"] = f.NeighbourhoodFactory(network=cast.network, municipality=crema)
    with pytest.raises(ValidationError) as exc_info:
        create_household(actor=cast.coordinator, network=cast.network, data=data)
    assert codes(exc_info)[field] == [code]
    assert Household.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_district_case_manager_households_stay_in_their_district(cast):
    cremona, crema = cast.municipalities
    with pytest.raises(ValidationError) as exc_info:
        create_household(
            actor=cast.district_case_manager, network=cast.network, data={"name": "F", "municipality": crema}
        )
    assert codes(exc_info)["municipality"] == ["out_of_district"]
    in_crema = f.HouseholdFactory(network=cast.network, municipality=crema)
    with pytest.raises(PermissionDenied):
        update_household(actor=cast.district_case_manager, household=in_crema, data={"name": "X"})
    with pytest.raises(PermissionDenied):
        delete_household(actor=cast.district_case_manager, household=in_crema)
    assert list(households_for(cast.district_case_manager, cast.network)) == []
    assert Household.objects.count() == 1


def test_update_household(cast):
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi")
    update_household(actor=cast.case_manager, household=household, data={"address": "Via Po 3"})
    household.refresh_from_db()
    assert household.address == "Via Po 3"
    event = AuditEvent.objects.get(action="update")
    assert (event.before, event.after) == ({"address": ""}, {"address": "Via Po 3"})
    with pytest.raises(ValidationError):
        update_household(actor=cast.case_manager, household=household, data={"name": ""})
    with pytest.raises(PermissionDenied):
        update_household(actor=cast.privacy_officer, household=household, data={"name": "X"})
    household.refresh_from_db()
    assert household.name == "Famiglia Rossi"
    assert AuditEvent.objects.count() == 1


def test_delete_household_keeps_its_members_detached(cast):
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi")
    members = [f.PersonFactory(network=cast.network, household=household, household_role="child") for _ in range(2)]
    outsider = f.PersonFactory(network=cast.network)
    assert delete_household(actor=cast.coordinator, household=household) == 2
    assert not Household.objects.exists()
    assert Person.objects.count() == 3
    for member in members:
        member.refresh_from_db()
        assert (member.household, member.household_role) == (None, "")
    outsider.refresh_from_db()
    event = AuditEvent.objects.get(action="delete")
    assert event.object_type == "network.household"
    assert sorted(event.before["members"]) == sorted(m.pk for m in members)


def test_delete_household_refused(cast):
    household = f.HouseholdFactory(network=cast.network)
    f.PersonFactory(network=cast.network, household=household)
    with pytest.raises(PermissionDenied):
        delete_household(actor=cast.evaluator, household=household)
    assert Household.objects.count() == 1
    assert Person.objects.filter(household=household).count() == 1


def test_add_and_remove_a_person(cast):
    household = f.HouseholdFactory(network=cast.network)
    person = f.PersonFactory(network=cast.network)
    add_person_to_household(actor=cast.coordinator, person=person, household=household, role="partner")
    person.refresh_from_db()
    assert (person.household, person.household_role) == (household, "partner")
    remove_person_from_household(actor=cast.coordinator, person=person)
    person.refresh_from_db()
    assert (person.household, person.household_role) == (None, "")
    with pytest.raises(ValidationError):
        add_person_to_household(
            actor=cast.coordinator, person=person, household=f.HouseholdFactory(network=cast.other_network)
        )
    with pytest.raises(PermissionDenied):
        add_person_to_household(actor=cast.funder, person=person, household=household)
    person.refresh_from_db()
    assert person.household is None


def test_households_for_counts_members_and_filters(cast):
    cremona, crema = cast.municipalities
    rossi = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi", municipality=cremona, address="Via Roma")
    bianchi = f.HouseholdFactory(network=cast.network, name="Famiglia Bianchi", municipality=crema)
    f.HouseholdFactory(network=cast.other_network, name="Famiglia Altrove")
    for _ in range(3):
        f.PersonFactory(network=cast.network, household=rossi)
    rows = list(households_for(cast.coordinator, cast.network))
    assert [(h.name, h.member_count) for h in rows] == [("Famiglia Bianchi", 0), ("Famiglia Rossi", 3)]
    assert list(households_for(cast.coordinator, cast.network, search="ROMA")) == [rossi]
    assert list(households_for(cast.coordinator, cast.network, municipality=crema)) == [bianchi]
    assert list(households_for(cast.district_case_manager, cast.network)) == [rossi]
    assert list(households_for(cast.citizen, cast.network)) == []
