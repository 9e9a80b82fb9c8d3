"""/api/v1/networks/{slug}/people/: personal data, for the roles that see the registry in the web UI."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from legami.api.tests.helpers import network_url
from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f
from legami.network.models import Person

VIEWERS = ["coordinator", "case_manager", "community_worker", "privacy_officer"]
EDITORS = ["coordinator", "case_manager", "community_worker"]
NOT_VIEWERS = ["partner_staff", "evaluator", "funder", "citizen"]
STRANGERS = ["outsider", "platform_admin"]
# Anna Bianchi, born in Cremona on 3 April 1990
ANNA_CF = "BNCNNA90D43D150V"


def people_url(cast, *parts):
    return network_url(cast.network, "people", *parts)


def errors_at(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {str(e["loc"][-1]): e["msg"] for e in response.json()["detail"]}


class Registry:
    """A few people: two in Cremona (the district), one in Crema (the other district), one with no Comune."""

    def __init__(self, cast):
        self.cremona, self.crema = cast.municipalities
        self.quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=self.cremona, name="Cambonino")
        self.famiglia = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi", municipality=self.cremona)
        self.mario = f.PersonFactory(
            network=cast.network,
            first_name="Mario",
            last_name="Rossi",
            email="m.rossi@example.org",  # fixed: a random address could hold another's name and match a search
            tax_code="RSSMRA85T10A562S",
            birth_date=datetime.date(1985, 12, 10),
            gender="M",
            phone="0372 111111",
            address="Via Dante 1",
            municipality=self.cremona,
            neighbourhood=self.quartiere,
            household=self.famiglia,
            household_role="head",
        )
        self.lucia = f.PersonFactory(
            network=cast.network,
            first_name="Lucia",
            last_name="Rossi",
            email="l.rossi@example.org",
            municipality=self.cremona,
        )
        self.paolo = f.PersonFactory(
            network=cast.network,
            first_name="Paolo",
            last_name="Verdi",
            email="p.verdi@example.org",
            municipality=self.crema,
        )
        self.nessuno = f.PersonFactory(
            network=cast.network, first_name="Nadia", last_name="Zanni", email="n.zanni@example.org"
        )
        self.altrove = f.PersonFactory(network=cast.other_network, first_name="Otto", last_name="Altrove")
        self.other_neighbourhood = f.NeighbourhoodFactory(
            network=cast.other_network, municipality=self.cremona, name="Altro quartiere"
        )
        self.other_household = f.HouseholdFactory(network=cast.other_network, name="Famiglia altrove")
        self.crema_quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=self.crema, name="Ombriano")


@pytest.fixture
def reg(cast):
    return Registry(cast)


def person_count(cast):
    return Person.objects.filter(network=cast.network).count()


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", VIEWERS)
def test_viewers_list_everyone_in_the_network(api_as, cast, reg, persona):
    response = api_as(getattr(cast, persona)).get(people_url(cast))
    assert response.status_code == 200
    names = [(p["last_name"], p["first_name"]) for p in response.json()["items"]]
    assert names == [("Rossi", "Lucia"), ("Rossi", "Mario"), ("Verdi", "Paolo"), ("Zanni", "Nadia")]
    assert response.json()["count"] == 4


def test_district_case_manager_sees_only_their_district(api_as, cast, reg):
    api = api_as(cast.district_case_manager)
    listing = api.get(people_url(cast)).json()
    assert [p["first_name"] for p in listing["items"]] == ["Lucia", "Mario"]
    assert api.get(people_url(cast, reg.mario.pk)).status_code == 200
    assert api.get(people_url(cast, reg.paolo.pk)).status_code == 404
    assert api.get(people_url(cast, reg.nessuno.pk)).status_code == 404


def test_person_detail_has_every_field(api_as, cast, reg):
    body = api_as(cast.case_manager).get(people_url(cast, reg.mario.pk)).json()
    assert body == {
        "id": reg.mario.pk,
        "first_name": "Mario",
        "last_name": "Rossi",
        "tax_code": "RSSMRA85T10A562S",
        "birth_date": "1985-12-10",
        "gender": "M",
        "email": reg.mario.email,
        "phone": "0372 111111",
        "address": "Via Dante 1",
        "municipality": {"istat_code": "019036", "name": "Cremona"},
        "neighbourhood": {"id": reg.quartiere.pk, "name": "Cambonino"},
        "household": {"id": reg.famiglia.pk, "name": "Famiglia Rossi"},
        "household_role": "head",
    }


def test_empty_references_are_null(api_as, cast, reg):
    body = api_as(cast.coordinator).get(people_url(cast, reg.nessuno.pk)).json()
    assert body["municipality"] is None and body["neighbourhood"] is None and body["household"] is None
    assert body["birth_date"] is None and body["gender"] == ""


@pytest.mark.parametrize("persona", NOT_VIEWERS)
def test_roles_without_the_registry_get_403_everywhere(api_as, cast, reg, persona):
    api = api_as(getattr(cast, persona))
    for response in (
        api.get(people_url(cast)),
        api.get(people_url(cast, reg.mario.pk)),
        api.post(people_url(cast), {"first_name": "A", "last_name": "B"}),
        api.patch(people_url(cast, reg.mario.pk), {"first_name": "Mariano"}),
        api.delete(people_url(cast, reg.mario.pk)),
    ):
        assert response.status_code == 403
        assert response.json()["detail"]
        # personal data never leaks into a refusal
        assert "Rossi" not in response.content.decode()
    assert person_count(cast) == 4
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", STRANGERS)
def test_non_members_get_404_everywhere(api_as, cast, reg, persona):
    api = api_as(getattr(cast, persona))
    assert api.get(people_url(cast)).status_code == 404
    assert api.get(people_url(cast, reg.mario.pk)).status_code == 404
    assert api.post(people_url(cast), {"first_name": "A", "last_name": "B"}).status_code == 404
    assert api.patch(people_url(cast, reg.mario.pk), {"first_name": "Mariano"}).status_code == 404
    assert api.delete(people_url(cast, reg.mario.pk)).status_code == 404
    assert person_count(cast) == 4


def test_another_networks_person_is_404(api_as, cast, reg):
    api = api_as(cast.coordinator)
    assert api.get(people_url(cast, reg.altrove.pk)).status_code == 404
    assert api.patch(people_url(cast, reg.altrove.pk), {"first_name": "Preso"}).status_code == 404
    assert api.delete(people_url(cast, reg.altrove.pk)).status_code == 404
    reg.altrove.refresh_from_db()
    assert reg.altrove.first_name == "Otto"


def test_filters(api_as, cast, reg):
    api = api_as(cast.coordinator)

    def first_names(**params):
        return [p["first_name"] for p in api.get(people_url(cast), params).json()["items"]]

    assert first_names(search="rossi") == ["Lucia", "Mario"]
    assert first_names(search="rossi mario") == ["Mario"]
    assert first_names(search="rssmra85t10a562s") == ["Mario"]
    assert first_names(municipality="019035") == ["Paolo"]
    assert first_names(municipality="019036", search="lucia") == ["Lucia"]
    assert first_names(neighbourhood=reg.quartiere.pk) == ["Mario"]
    assert first_names(household=reg.famiglia.pk) == ["Mario"]
    assert first_names(search="nessuno così") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "999999"}, "municipality"),
        ({"municipality": "Cremona"}, "municipality"),
        ({"neighbourhood": "uno"}, "neighbourhood"),
        ({"page_size": 500}, "page_size"),
        ({"page": "x"}, "page"),
        ({"search": "x" * 201}, "search"),
    ],
)
def test_bad_list_parameters_are_422(api_as, cast, reg, params, field):
    response = api_as(cast.coordinator).get(people_url(cast), params)
    assert errors_at(response).keys() == {field}
    assert response.json()["detail"][0]["loc"] == ["query", field]


@pytest.mark.parametrize("size", [3, 30])
def test_list_runs_a_constant_number_of_queries(api_as, cast, django_assert_max_num_queries, size):
    cremona = cast.municipalities[0]
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=cremona)
    famiglia = f.HouseholdFactory(network=cast.network)
    for _ in range(size):
        f.PersonFactory(network=cast.network, municipality=cremona, neighbourhood=quartiere, household=famiglia)
    api = api_as(cast.district_case_manager)
    api.get(people_url(cast))  # records the token's first use
    # token, network, grants, count, page (Comune, neighbourhood and household joined)
    with django_assert_max_num_queries(5):
        response = api.get(people_url(cast), {"page_size": 200})
    assert response.json()["count"] == size
    assert all(p["household"]["id"] == famiglia.pk for p in response.json()["items"])


# --- creating -----------------------------------------------------------------------------------


def anna(reg, **changes):
    payload = {
        "first_name": "Anna",
        "last_name": "Bianchi",
        "tax_code": ANNA_CF.lower(),
        "birth_date": "1990-04-03",
        "gender": "F",
        "email": "anna.bianchi@example.org",
        "phone": "+39 0372 222222",
        "address": "Via Manzoni 3",
        "municipality": "019036",
        "neighbourhood": reg.quartiere.pk,
        "household": reg.famiglia.pk,
        "household_role": "partner",
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize("persona", [*EDITORS, "district_case_manager"])
def test_editors_add_a_person(api_as, cast, reg, persona):
    response = api_as(getattr(cast, persona)).post(people_url(cast), anna(reg))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tax_code"] == ANNA_CF  # normalised
    assert body["municipality"] == {"istat_code": "019036", "name": "Cremona"}
    assert body["household"] == {"id": reg.famiglia.pk, "name": "Famiglia Rossi"}
    person = Person.objects.get(pk=body["id"])
    assert person.network == cast.network
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="network.person")
    assert event.object_id == str(person.pk)
    assert event.data_class == DataClass.PERSONAL
    assert event.actor == getattr(cast, persona)


def test_only_names_are_required(api_as, cast, reg):
    response = api_as(cast.community_worker).post(people_url(cast), {"first_name": "Solo", "last_name": "Nome"})
    assert response.status_code == 201
    assert response.json()["municipality"] is None


def test_privacy_officer_reads_but_does_not_write(api_as, cast, reg):
    api = api_as(cast.privacy_officer)
    assert api.get(people_url(cast, reg.mario.pk)).status_code == 200
    assert api.post(people_url(cast), anna(reg)).status_code == 403
    assert api.patch(people_url(cast, reg.mario.pk), {"phone": ""}).status_code == 403
    assert api.delete(people_url(cast, reg.mario.pk)).status_code == 403
    assert person_count(cast) == 4
    assert not AuditEvent.objects.exists()


def test_district_case_manager_cannot_register_outside_their_district(api_as, cast, reg):
    response = api_as(cast.district_case_manager).post(
        people_url(cast), anna(reg, municipality="019035", neighbourhood=None, household=None)
    )
    assert "district" in errors_at(response)["municipality"]
    assert person_count(cast) == 4


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        # refused by the schema
        ({"first_name": None}, "first_name", "valid string"),
        ({"last_name": 42}, "last_name", "valid string"),
        ({"birth_date": "3 aprile 1990"}, "birth_date", "valid date"),
        ({"gender": "Q"}, "gender", "Input should be"),
        ({"household": "famiglia"}, "household", "valid integer"),
        ({"municipality": "19036"}, "municipality", "pattern"),
        ({"notes": "non previsto"}, "notes", "Extra inputs"),
        ({"tax_code": "X" * 17}, "tax_code", "at most 16"),
        # refused by the API's references
        ({"municipality": "999999"}, "municipality", "999999"),
        ({"neighbourhood": 999999}, "neighbourhood", "no neighbourhood"),
        ({"household": 999999}, "household", "no household"),
        # refused by the service
        ({"first_name": "  "}, "first_name", "required"),
        ({"tax_code": "BNCNNA90D43D150X"}, "tax_code", "not valid"),
        ({"tax_code": "BNCNNA90D43"}, "tax_code", "16 characters"),
        ({"tax_code": "RSSMRA85T10A562S", "birth_date": "1985-12-10"}, "tax_code", "already has"),
        ({"birth_date": "1991-04-03"}, "birth_date", "does not match"),
        ({"tax_code": "", "birth_date": "2999-01-01"}, "birth_date", "future"),
        ({"email": "anna@"}, "email", "e-mail"),
        ({"phone": "chiamami"}, "phone", "phone"),
        ({"municipality": "019001", "neighbourhood": None}, "municipality", "territory"),
        ({"neighbourhood": "__crema__"}, "neighbourhood", "not in the chosen Comune"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(api_as, cast, reg, changes, field, fragment):
    f.MunicipalityFactory(istat_code="019001", name="Acquanegra Cremonese")
    if changes.get("neighbourhood") == "__crema__":
        changes = {"neighbourhood": reg.crema_quartiere.pk}
    response = api_as(cast.coordinator).post(people_url(cast), anna(reg, **changes))
    errors = errors_at(response)
    assert field in errors, errors
    assert fragment in errors[field]
    assert ["body", "payload", field] in [e["loc"] for e in response.json()["detail"]]
    assert person_count(cast) == 4
    assert not AuditEvent.objects.exists()


def test_references_of_another_network_are_refused(api_as, cast, reg):
    api = api_as(cast.coordinator)
    response = api.post(people_url(cast), anna(reg, neighbourhood=reg.other_neighbourhood.pk))
    assert "neighbourhood" in errors_at(response)
    response = api.post(people_url(cast), anna(reg, household=reg.other_household.pk))
    assert "household" in errors_at(response)
    assert person_count(cast) == 4


def test_a_district_case_manager_cannot_use_a_household_outside_their_reach(api_as, cast, reg):
    crema_household = f.HouseholdFactory(network=cast.network, name="Famiglia Cremasca", municipality=reg.crema)
    response = api_as(cast.district_case_manager).post(people_url(cast), anna(reg, household=crema_household.pk))
    assert "household" in errors_at(response)


def test_messages_follow_the_callers_language(api_as, cast, reg):
    api = api_as(cast.coordinator)
    italian = api.post(people_url(cast), anna(reg, first_name=" "), headers={"Accept-Language": "it"})
    assert errors_at(italian)["first_name"] == "Questo campo è obbligatorio."
    english = api.post(people_url(cast), anna(reg, first_name=" "))
    assert errors_at(english)["first_name"] == "This field is required."


def test_several_errors_are_reported_together(api_as, cast, reg):
    response = api_as(cast.coordinator).post(people_url(cast), anna(reg, first_name=" ", email="x", phone="y"))
    assert {"first_name", "email", "phone"} <= errors_at(response).keys()


# --- changing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_change_a_person(api_as, cast, reg, persona):
    response = api_as(getattr(cast, persona)).patch(people_url(cast, reg.lucia.pk), {"email": "lucia@example.org"})
    assert response.status_code == 200
    assert response.json()["email"] == "lucia@example.org"
    assert response.json()["last_name"] == "Rossi"
    reg.lucia.refresh_from_db()
    assert reg.lucia.email == "lucia@example.org"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.object_id == str(reg.lucia.pk)
    assert event.after["email"] == "lucia@example.org"
    assert "first_name" not in event.after  # only what changed


def test_leaving_a_household_clears_the_role(api_as, cast, reg):
    body = api_as(cast.coordinator).patch(people_url(cast, reg.mario.pk), {"household": None}).json()
    assert body["household"] is None and body["household_role"] == ""
    assert body["neighbourhood"] == {"id": reg.quartiere.pk, "name": "Cambonino"}


def test_district_case_manager_edits_only_in_their_district(api_as, cast, reg):
    api = api_as(cast.district_case_manager)
    assert api.patch(people_url(cast, reg.lucia.pk), {"phone": "0372 333333"}).status_code == 200
    assert api.patch(people_url(cast, reg.paolo.pk), {"phone": "0373 333333"}).status_code == 404
    moved = api.patch(people_url(cast, reg.lucia.pk), {"municipality": "019035"})
    assert "district" in errors_at(moved)["municipality"]
    reg.lucia.refresh_from_db()
    assert reg.lucia.municipality == reg.cremona


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"first_name": None}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"tax_code": "RSSMRA85T10A562X"}, "tax_code"),
        ({"birth_date": "1985-13-40"}, "birth_date"),
        ({"municipality": "999999"}, "municipality"),
        ({"id": 5}, "id"),
    ],
)
def test_bad_patch_is_refused_and_changes_nothing(api_as, cast, reg, payload, field):
    response = api_as(cast.coordinator).patch(people_url(cast, reg.mario.pk), payload)
    assert field in errors_at(response)
    reg.mario.refresh_from_db()
    assert (reg.mario.first_name, reg.mario.tax_code) == ("Mario", "RSSMRA85T10A562S")
    assert not AuditEvent.objects.exists()


def test_an_empty_patch_changes_nothing(api_as, cast, reg):
    response = api_as(cast.coordinator).patch(people_url(cast, reg.mario.pk), {})
    assert response.status_code == 200
    assert response.json()["first_name"] == "Mario"
    assert not AuditEvent.objects.exists()


# --- deleting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_delete_a_person(api_as, cast, reg, persona):
    response = api_as(getattr(cast, persona)).delete(people_url(cast, reg.paolo.pk))
    assert response.status_code == 204
    assert not Person.objects.filter(pk=reg.paolo.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert event.object_type == "network.person" and event.object_id == str(reg.paolo.pk)
    assert event.data_class == DataClass.PERSONAL


def test_district_case_manager_deletes_only_in_their_district(api_as, cast, reg):
    api = api_as(cast.district_case_manager)
    assert api.delete(people_url(cast, reg.paolo.pk)).status_code == 404
    assert api.delete(people_url(cast, reg.lucia.pk)).status_code == 204
    assert set(Person.objects.filter(network=cast.network).values_list("first_name", flat=True)) == {
        "Mario",
        "Paolo",
        "Nadia",
    }


def test_a_refused_delete_is_409(api_as, cast, reg, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("This person is referred to by other records.", code="protected")

    monkeypatch.setattr("legami.api.v1.people.delete_person", refuse)
    response = api_as(cast.coordinator).delete(people_url(cast, reg.mario.pk))
    assert response.status_code == 409
    assert response.json() == {"detail": "This person is referred to by other records.", "code": "protected"}
    assert Person.objects.filter(pk=reg.mario.pk).exists()
