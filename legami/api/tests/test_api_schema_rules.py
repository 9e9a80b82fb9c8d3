"""The schema states the server's rules: the constraints come from the writes' core.inputs declarations, and
the rules JSON Schema cannot express are listed in `x-server-rules` with the code a 422 carries for each."""

import pytest

from legami.api.schemas import PERSON, declared
from legami.api.tests.helpers import network_url
from legami.api.tests.openapi_check import document
from legami.core import inputs
from legami.core.parsing import MAX_ID
from legami.core.validation import max_length_of
from legami.needs.models import Need
from legami.needs.services.needs import NEED_RULES
from legami.needs.tests.factories import NeedAreaFactory
from legami.network.models import Organization, Person


def component(name: str) -> dict:
    return document()["components"]["schemas"][name]


def prop(name: str, field: str) -> dict:
    found = component(name)["properties"][field]
    return found.get("anyOf", [found])[0]


def test_declared_reads_a_declaration():
    rules = inputs.Rules(
        {
            "title": inputs.Text(required=True, max_length=80),
            "note": inputs.model_text(Organization, "website"),
            "seats": inputs.Integer(min_value=1, max_value=99),
            "lat": inputs.Coordinate(inputs.ITALY_LATITUDE),
            "area": inputs.Lookup(Need),
            "kind": inputs.Choice(Organization.Kind),
            "when": inputs.Date(past=True),
        },
        checks=(inputs.unique(Need, "title", message="Taken."),),
    )
    seen = declared(rules)
    assert seen.constraints("title") == {"min_length": 1, "max_length": 80}
    assert seen.constraints("note") == {"max_length": max_length_of(Organization, "website")}
    assert seen.constraints("seats") == {"ge": 1, "le": 99}
    assert seen.constraints("lat") == {"ge": 35.0, "le": 47.2}
    assert seen.constraints("area") == {"ge": 1, "le": MAX_ID}
    assert seen.default("title") is ...
    assert seen.default("kind") == ""
    assert seen.choice("kind").__args__ == ("", *Organization.Kind.values)
    rules_of = {(r.get("field"), r.get("code")) for r in seen.server_rules(rules.fields)}
    assert {("title", "required"), ("when", "future"), ("area", "invalid_choice"), ("title", "unique")} <= (rules_of)
    assert ("note", "invalid") in rules_of  # the URL validator of the model field


@pytest.mark.parametrize(
    ("schema", "field", "expected"),
    [
        ("PersonIn", "first_name", {"minLength": 1, "maxLength": max_length_of(Person, "first_name")}),
        ("PersonIn", "address", {"maxLength": max_length_of(Person, "address")}),
        ("PersonPatch", "last_name", {"minLength": 1, "maxLength": max_length_of(Person, "last_name")}),
        ("PersonIn", "neighbourhood", {"minimum": 1, "maximum": MAX_ID}),
        ("OrganizationIn", "name", {"minLength": 1, "maxLength": max_length_of(Organization, "name")}),
        ("OrganizationIn", "website", {"maxLength": max_length_of(Organization, "website")}),
        ("NeedIn", "description", {"minLength": 1, "maxLength": NEED_RULES["description"].max_length}),
        ("NeedIn", "people_count", {"minimum": 1, "maximum": NEED_RULES["people_count"].max_value}),
        ("NeedIn", "latitude", {"minimum": 35.0, "maximum": 47.2}),
        ("NeedIn", "area", {"minimum": 1, "maximum": MAX_ID}),
    ],
)
def test_body_constraints_come_from_the_declaration(schema, field, expected):
    found = prop(schema, field)
    assert {key: found.get(key) for key in expected} == expected


def test_choices_match_the_declaration():
    assert set(prop("PersonIn", "gender")["enum"]) == set(PERSON.choice("gender").__args__)


@pytest.mark.parametrize("name", ["NeedIn", "NeedStatusIn", "OrganizationIn", "OrganizationPatch", "PersonIn"])
def test_every_rule_says_what_it_is(name):
    rules = component(name).get("x-server-rules", [])
    if name == "NeedStatusIn":
        assert rules == []  # JSON Schema says it all; the transition's refusal is the 409
        return
    assert rules
    for rule in rules:
        assert rule["rule"].strip(), rule
        if "field" in rule:
            assert rule["code"], rule
            assert set(rule["field"].split(", ")) <= set(component(name)["properties"]), rule


def _listed(schema: str, field: str, code: str) -> bool:
    return any(r.get("field") == field and r.get("code") == code for r in component(schema)["x-server-rules"])


def _anna(**changes):
    return {"first_name": "Anna", "last_name": "Bianchi", **changes}


@pytest.mark.parametrize(
    ("kind", "schema", "payload", "field", "code"),
    [
        ("people", "PersonIn", _anna(municipality="999999"), "municipality", "unknown_municipality"),
        ("people", "PersonIn", _anna(first_name="   "), "first_name", "required"),
        ("people", "PersonIn", _anna(phone="chiamami"), "phone", "invalid_phone"),
        ("people", "PersonIn", _anna(birth_date="2999-01-01"), "birth_date", "future"),
        ("people", "PersonIn", _anna(tax_code="BNCNNA90D43D150X"), "tax_code", "tax_code_invalid"),
        ("people", "PersonIn", _anna(neighbourhood=999999), "neighbourhood", "unknown_neighbourhood"),
        ("organizations", "OrganizationIn", {"name": "Cooperativa Il Ponte", "kind": "school"}, "name", "unique"),
        ("organizations", "OrganizationIn", {"name": "X", "kind": "school", "tax_code": "123"}, "tax_code", None),
        ("organizations", "OrganizationIn", {"name": "Y", "kind": "school", "website": "no"}, "website", "invalid"),
        ("needs", "NeedIn", {"area": 999999}, "area", "invalid_choice"),
        ("needs", "NeedIn", {"latitude": 45.1}, "longitude", "point_incomplete"),
        ("needs", "NeedIn", {"contact_email": "a@"}, "contact_email", "invalid"),
    ],
)
def test_schema_valid_input_refused_by_a_listed_rule(api_as, cast, kind, schema, payload, field, code):
    if kind == "needs":
        area = NeedAreaFactory(network=cast.network)
        need = {"target_group": "elderly", "description": "Compagnia", "channel": "interview"}
        payload = {"area": area.pk, "municipality": "019036", **need, **payload}
    response = api_as(cast.coordinator).post(network_url(cast.network, kind), payload)
    assert response.status_code == 422, response.content
    items = [item for item in response.json()["detail"] if item["loc"][-1] == field]
    assert items, response.json()
    code = code or items[0]["type"]
    assert items[0]["type"] == code
    assert _listed(schema, field, code) or _listed(schema, "latitude, longitude", code), (field, code)


@pytest.mark.parametrize("value", [0, "0", 1700000000, "1700000000", "3/4/1990", "1990-4-3"])
def test_a_date_is_only_its_iso_text(api_as, cast, value):
    # pydantic alone reads a number as a Unix time (schemathesis' coverage phase found `?date_to=0` accepted).
    client = api_as(cast.coordinator)
    listed = client.get(network_url(cast.network, "needs"), {"date_to": value})
    assert listed.status_code == 422, listed.content
    assert listed.json()["detail"][0]["loc"] == ["query", "date_to"]
    created = client.post(network_url(cast.network, "people"), _anna(birth_date=value))
    assert created.status_code == 422, created.content
    assert created.json()["detail"][0]["loc"][-1] == "birth_date"
    assert not Person.objects.filter(first_name="Anna").exists()


def test_an_iso_date_is_taken(api_as, cast):
    client = api_as(cast.coordinator)
    assert client.get(network_url(cast.network, "needs"), {"date_to": "2025-12-31"}).status_code == 200
    created = client.post(network_url(cast.network, "people"), _anna(birth_date="1990-04-03"))
    assert created.status_code == 201 and created.json()["birth_date"] == "1990-04-03"
