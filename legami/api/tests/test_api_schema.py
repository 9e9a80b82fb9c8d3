"""The committed OpenAPI document is current and valid, and the response checker really checks."""

import json
from pathlib import Path
from typing import get_args

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from openapi_spec_validator import validate

from legami.api.openapi import SCHEMA_PATH, render_openapi
from legami.api.schemas import Gender, HouseholdRole, OrganizationKind, PartnershipRole
from legami.api.tests.openapi_check import assert_matches_schema, document, find_operation, schema_errors
from legami.network.models import Organization, Partnership, Person

COMMITTED = Path(settings.BASE_DIR) / SCHEMA_PATH


def test_committed_schema_is_current():
    assert COMMITTED.exists(), f"{SCHEMA_PATH} is missing: run `make schema` and commit it"
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi(), (
        f"{SCHEMA_PATH} differs from the API's schema: run `make schema` and commit the result"
    )


def test_schema_is_a_valid_openapi_3_document():
    data = document()
    assert data["openapi"].startswith("3.")
    validate(data)  # raises with the reason when the document is not valid


def test_export_command_writes_the_rendered_schema(tmp_path):
    target = tmp_path / "nested" / "openapi.json"
    call_command("export_openapi", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert text == render_openapi()
    # Sorted keys and a final newline keep the committed diff readable.
    assert text.endswith("}\n")
    assert list(json.loads(text)) == sorted(json.loads(text))


OPERATIONS = [
    ("get", "/api/v1/networks/"),
    ("get", "/api/v1/networks/{slug}/"),
    ("get", "/api/v1/networks/{slug}/organizations/"),
    ("post", "/api/v1/networks/{slug}/organizations/"),
    ("get", "/api/v1/networks/{slug}/organizations/{id}/"),
    ("patch", "/api/v1/networks/{slug}/organizations/{id}/"),
    ("delete", "/api/v1/networks/{slug}/organizations/{id}/"),
    ("get", "/api/v1/networks/{slug}/people/"),
    ("post", "/api/v1/networks/{slug}/people/"),
    ("get", "/api/v1/networks/{slug}/people/{id}/"),
    ("patch", "/api/v1/networks/{slug}/people/{id}/"),
    ("delete", "/api/v1/networks/{slug}/people/{id}/"),
    ("get", "/api/v1/networks/{slug}/need-areas/"),
    ("get", "/api/v1/networks/{slug}/needs/"),
    ("post", "/api/v1/networks/{slug}/needs/"),
    ("get", "/api/v1/networks/{slug}/needs/{id}/"),
    ("post", "/api/v1/networks/{slug}/needs/{id}/status/"),
    ("get", "/api/v1/networks/{slug}/processes/"),
    ("post", "/api/v1/networks/{slug}/processes/"),
    ("get", "/api/v1/networks/{slug}/processes/{id}/"),
    ("patch", "/api/v1/networks/{slug}/processes/{id}/"),
    ("post", "/api/v1/networks/{slug}/processes/{id}/publish/"),
    ("post", "/api/v1/networks/{slug}/processes/{id}/close/"),
    ("post", "/api/v1/networks/{slug}/processes/{id}/reopen/"),
    ("post", "/api/v1/networks/{slug}/processes/{id}/current-phase/"),
    ("post", "/api/v1/networks/{slug}/processes/{id}/phases/"),
    ("patch", "/api/v1/networks/{slug}/phases/{id}/"),
    ("delete", "/api/v1/networks/{slug}/phases/{id}/"),
    ("get", "/api/v1/networks/{slug}/processes/{id}/meetings/"),
    ("post", "/api/v1/networks/{slug}/processes/{id}/meetings/"),
    ("get", "/api/v1/networks/{slug}/meetings/{id}/"),
    ("post", "/api/v1/networks/{slug}/meetings/{id}/cancel/"),
    ("put", "/api/v1/networks/{slug}/meetings/{id}/registration/"),
    ("delete", "/api/v1/networks/{slug}/meetings/{id}/registration/"),
    ("get", "/api/v1/networks/{slug}/meetings/{id}/registrations/"),
    ("patch", "/api/v1/networks/{slug}/meetings/{id}/"),
    ("put", "/api/v1/networks/{slug}/meetings/{id}/attendance/"),
    ("put", "/api/v1/networks/{slug}/meetings/{id}/minutes/"),
    ("post", "/api/v1/networks/{slug}/processes/from-demand/{demand_id}/"),
    ("post", "/api/v1/networks/{slug}/processes/from-map/"),
    ("get", "/api/v1/networks/{slug}/processes/{id}/proposals/"),
    ("post", "/api/v1/networks/{slug}/processes/{id}/proposals/"),
    ("get", "/api/v1/networks/{slug}/proposals/{id}/"),
    ("put", "/api/v1/networks/{slug}/proposals/{id}/support/"),
    ("delete", "/api/v1/networks/{slug}/proposals/{id}/support/"),
    ("post", "/api/v1/networks/{slug}/proposals/{id}/answer/"),
    ("post", "/api/v1/networks/{slug}/proposals/{id}/withdraw/"),
    ("get", "/api/v1/networks/{slug}/proposals/{id}/comments/"),
    ("post", "/api/v1/networks/{slug}/proposals/{id}/comments/"),
    ("post", "/api/v1/networks/{slug}/proposals/{id}/report/"),
    ("post", "/api/v1/networks/{slug}/comments/{id}/report/"),
    ("get", "/api/v1/networks/{slug}/reports/"),
    ("post", "/api/v1/networks/{slug}/proposals/{id}/hide/"),
    ("post", "/api/v1/networks/{slug}/proposals/{id}/show/"),
    ("post", "/api/v1/networks/{slug}/comments/{id}/hide/"),
    ("post", "/api/v1/networks/{slug}/comments/{id}/show/"),
    ("get", "/api/v1/networks/{slug}/calls/"),
    ("post", "/api/v1/networks/{slug}/calls/"),
    ("get", "/api/v1/networks/{slug}/calls/{id}/"),
    ("patch", "/api/v1/networks/{slug}/calls/{id}/"),
    ("post", "/api/v1/networks/{slug}/calls/{id}/open/"),
    ("post", "/api/v1/networks/{slug}/calls/{id}/evaluate/"),
    ("post", "/api/v1/networks/{slug}/calls/{id}/rank/"),
    ("post", "/api/v1/networks/{slug}/calls/{id}/cancel/"),
    ("post", "/api/v1/networks/{slug}/calls/{id}/award/"),
    ("post", "/api/v1/networks/{slug}/calls/{id}/criteria/"),
    ("patch", "/api/v1/networks/{slug}/criteria/{id}/"),
    ("delete", "/api/v1/networks/{slug}/criteria/{id}/"),
    ("get", "/api/v1/networks/{slug}/calls/{id}/applications/"),
    ("post", "/api/v1/networks/{slug}/calls/{id}/applications/"),
    ("get", "/api/v1/networks/{slug}/applications/{id}/"),
    ("post", "/api/v1/networks/{slug}/applications/{id}/withdraw/"),
    ("post", "/api/v1/networks/{slug}/applications/{id}/exclude/"),
    ("post", "/api/v1/networks/{slug}/applications/{id}/scores/"),
    ("get", "/api/v1/networks/{slug}/responses/"),
    ("post", "/api/v1/networks/{slug}/responses/"),
    ("get", "/api/v1/networks/{slug}/responses/{id}/"),
    ("patch", "/api/v1/networks/{slug}/responses/{id}/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/start/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/suspend/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/resume/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/complete/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/cancel/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/milestones/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/milestones/{milestone}/reached/"),
    ("get", "/api/v1/networks/{slug}/responses/{id}/partners/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/partners/"),
    ("patch", "/api/v1/networks/{slug}/responses/{id}/partners/{partner_id}/"),
    ("delete", "/api/v1/networks/{slug}/responses/{id}/partners/{partner_id}/"),
    ("get", "/api/v1/networks/{slug}/responses/{id}/budget/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/budget/"),
    ("patch", "/api/v1/networks/{slug}/responses/{id}/budget/{line_id}/"),
    ("delete", "/api/v1/networks/{slug}/responses/{id}/budget/{line_id}/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/answers/"),
    ("get", "/api/v1/networks/{slug}/responses/{id}/coproduction/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/coproduction/"),
    ("get", "/api/v1/networks/{slug}/responses/{id}/coproduction/totals/"),
    ("get", "/api/v1/networks/{slug}/coproduction/partners/"),
    ("get", "/api/v1/networks/{slug}/responses/{id}/giveback-places/"),
    ("post", "/api/v1/networks/{slug}/responses/{id}/giveback-places/"),
    ("get", "/api/v1/networks/{slug}/giveback-places/"),
    ("patch", "/api/v1/networks/{slug}/giveback-places/{id}/"),
    ("get", "/api/v1/networks/{slug}/offers/"),
    ("post", "/api/v1/networks/{slug}/offers/"),
    ("get", "/api/v1/networks/{slug}/offers/{id}/"),
    ("patch", "/api/v1/networks/{slug}/offers/{id}/"),
    ("post", "/api/v1/networks/{slug}/offers/{id}/status/"),
    ("get", "/api/v1/networks/{slug}/matches/"),
    ("post", "/api/v1/networks/{slug}/matches/"),
    ("get", "/api/v1/networks/{slug}/matches/mine/"),
    ("get", "/api/v1/networks/{slug}/matches/{id}/"),
    ("post", "/api/v1/networks/{slug}/matching/runs/"),
    ("get", "/api/v1/networks/{slug}/matching/jobs/{id}/"),
    ("post", "/api/v1/networks/{slug}/matches/{id}/accept/"),
    ("post", "/api/v1/networks/{slug}/matches/{id}/decline/"),
    ("post", "/api/v1/networks/{slug}/matches/{id}/start/"),
    ("post", "/api/v1/networks/{slug}/matches/{id}/complete/"),
    ("post", "/api/v1/networks/{slug}/matches/{id}/cancel/"),
    ("get", "/api/v1/networks/{slug}/timebank/accounts/"),
    ("get", "/api/v1/networks/{slug}/timebank/my-accounts/"),
    ("get", "/api/v1/networks/{slug}/timebank/accounts/{id}/"),
    ("get", "/api/v1/networks/{slug}/timebank/accounts/{id}/statement/"),
    ("get", "/api/v1/networks/{slug}/timebank/transfers/"),
    ("post", "/api/v1/networks/{slug}/timebank/transfers/"),
    ("get", "/api/v1/networks/{slug}/timebank/transfers/{id}/"),
    ("post", "/api/v1/networks/{slug}/timebank/group-transfers/"),
    ("post", "/api/v1/networks/{slug}/timebank/transfers/{id}/confirm/"),
    ("post", "/api/v1/networks/{slug}/timebank/transfers/{id}/refuse/"),
    ("post", "/api/v1/networks/{slug}/timebank/transfers/{id}/cancel/"),
    ("post", "/api/v1/networks/{slug}/timebank/transfers/{id}/reverse/"),
    ("get", "/api/v1/networks/{slug}/timebank/figures/"),
    ("get", "/api/v1/networks/{slug}/spaces/"),
    ("get", "/api/v1/networks/{slug}/spaces/{id}/"),
    ("get", "/api/v1/networks/{slug}/spaces/{id}/slots/"),
    ("post", "/api/v1/networks/{slug}/spaces/{id}/bookings/"),
    ("post", "/api/v1/networks/{slug}/spaces/{id}/weekly-bookings/"),
    ("get", "/api/v1/networks/{slug}/bookings/"),
    ("get", "/api/v1/networks/{slug}/bookings/{id}/"),
    ("post", "/api/v1/networks/{slug}/bookings/{id}/confirm/"),
    ("post", "/api/v1/networks/{slug}/bookings/{id}/refuse/"),
    ("post", "/api/v1/networks/{slug}/bookings/{id}/cancel/"),
    ("get", "/api/v1/networks/{slug}/activities/"),
    ("post", "/api/v1/networks/{slug}/activities/"),
    ("get", "/api/v1/networks/{slug}/activities/{id}/"),
    ("patch", "/api/v1/networks/{slug}/activities/{id}/"),
    ("post", "/api/v1/networks/{slug}/activities/{id}/publish/"),
    ("post", "/api/v1/networks/{slug}/activities/{id}/close/"),
    ("post", "/api/v1/networks/{slug}/activities/{id}/reopen/"),
    ("post", "/api/v1/networks/{slug}/activities/{id}/cancel/"),
    ("get", "/api/v1/networks/{slug}/activities/{id}/sessions/"),
    ("get", "/api/v1/networks/{slug}/activities/{id}/enrollments/"),
    ("post", "/api/v1/networks/{slug}/activities/{id}/enrollments/"),
    ("post", "/api/v1/networks/{slug}/enrollments/{id}/withdraw/"),
    ("put", "/api/v1/networks/{slug}/sessions/{id}/attendance/"),
    # referrals
    ("post", "/api/v1/networks/{slug}/referrals/"),
    ("get", "/api/v1/networks/{slug}/referrals/"),
    ("get", "/api/v1/networks/{slug}/referrals/mine/"),
    ("get", "/api/v1/networks/{slug}/referrals/mine/{id}/"),
    ("post", "/api/v1/networks/{slug}/referrals/mine/{id}/answer/"),
    ("get", "/api/v1/networks/{slug}/referrals/{id}/"),
    ("post", "/api/v1/networks/{slug}/referrals/{id}/assign/"),
    ("post", "/api/v1/networks/{slug}/referrals/{id}/ask/"),
    ("post", "/api/v1/networks/{slug}/referrals/{id}/redirect/"),
    ("post", "/api/v1/networks/{slug}/referrals/{id}/close/"),
    # cases and pacts
    ("get", "/api/v1/networks/{slug}/cases/"),
    ("get", "/api/v1/networks/{slug}/cases/{id}/"),
    ("get", "/api/v1/networks/{slug}/pacts/{id}/"),
    ("get", "/api/v1/networks/{slug}/pacts/{id}/versions/"),
    ("get", "/api/v1/networks/{slug}/pacts/{id}/versions/{number}/"),
    ("get", "/api/v1/networks/{slug}/pacts/{id}/diff/"),
    ("post", "/api/v1/networks/{slug}/cases/{id}/assessments/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/propose/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/redraft/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/start/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/review/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/complete/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/interrupt/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/signature/"),
    ("get", "/api/v1/networks/{slug}/pacts/{id}/budget/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/expenses/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/expenses/{expense_id}/approve/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/expenses/{expense_id}/refuse/"),
    ("get", "/api/v1/networks/{slug}/pacts/{id}/give-back/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/give-back/"),
    ("get", "/api/v1/networks/{slug}/volunteer-hours/"),
    ("post", "/api/v1/networks/{slug}/volunteer-hours/{id}/confirm/"),
    ("post", "/api/v1/networks/{slug}/volunteer-hours/{id}/reject/"),
    ("post", "/api/v1/networks/{slug}/cases/"),
    ("post", "/api/v1/networks/{slug}/cases/{id}/close/"),
    ("post", "/api/v1/networks/{slug}/cases/{id}/reopen/"),
    ("post", "/api/v1/networks/{slug}/cases/{id}/team/"),
    ("post", "/api/v1/networks/{slug}/cases/{id}/team/{user_id}/remove/"),
    ("post", "/api/v1/networks/{slug}/cases/{id}/pacts/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/versions/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/rows/party/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/rows/objective/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/rows/result/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/rows/support/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/rows/budget/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/rows/commitment/"),
    ("delete", "/api/v1/networks/{slug}/pacts/{id}/rows/{kind}/{key}/"),
    ("put", "/api/v1/networks/{slug}/pacts/{id}/rows/party/{key}/"),
    ("put", "/api/v1/networks/{slug}/pacts/{id}/rows/objective/{key}/"),
    ("put", "/api/v1/networks/{slug}/pacts/{id}/rows/result/{key}/"),
    ("put", "/api/v1/networks/{slug}/pacts/{id}/rows/support/{key}/"),
    ("put", "/api/v1/networks/{slug}/pacts/{id}/rows/budget/{key}/"),
    ("put", "/api/v1/networks/{slug}/pacts/{id}/rows/commitment/{key}/"),
    ("put", "/api/v1/networks/{slug}/pacts/{id}/version/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/signature/scan/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/expenses/receipt/"),
    ("post", "/api/v1/networks/{slug}/cases/{id}/hand-over/"),
    ("post", "/api/v1/networks/{slug}/referrals/{id}/take-in-charge/"),
]
# The operations that take a file: multipart/form-data, the other fields beside it.
MULTIPART = {
    ("post", "/api/v1/networks/{slug}/pacts/{id}/signature/scan/"),
    ("post", "/api/v1/networks/{slug}/pacts/{id}/expenses/receipt/"),
}


def test_schema_documents_exactly_the_expected_operations():
    documented = {(method, path) for path, item in document()["paths"].items() for method in item}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_requires_auth_and_documents_its_errors(method, path):
    operation = document()["paths"][path][method]
    assert {"TokenAuth": []} in operation["security"]
    assert {"SessionAuth": []} in operation["security"]
    assert "401" in operation["responses"]
    parameters = operation.get("parameters", [])
    # Wherever the input can be refused (query parameters, a numeric id, a body), the 422 is documented.
    if any(p["in"] == "query" for p in parameters) or "{id}" in path or "requestBody" in operation:
        assert "422" in operation["responses"]
    if "{slug}" in path:
        assert {"403", "404"} <= set(operation["responses"])
    if method in ("post", "patch", "put") and "requestBody" in operation:
        assert "400" in operation["responses"]
    if (method, path) in MULTIPART:
        form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert any(p.get("format") == "binary" for p in form["properties"].values())
        assert "413" in operation["responses"]
    elif method in ("post", "patch"):
        assert "400" in operation["responses"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def test_bearer_scheme_is_documented():
    schemes = document()["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_list_page_size_is_capped_at_200_in_the_schema():
    for path in ("/api/v1/networks/", "/api/v1/networks/{slug}/organizations/", "/api/v1/networks/{slug}/people/"):
        parameters = {p["name"]: p for p in document()["paths"][path]["get"]["parameters"]}
        assert parameters["page_size"]["schema"]["maximum"] == 200


def _response(status, body, path="/api/v1/networks/rete/people/1/", method="GET"):
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response.request = {"PATH_INFO": path, "REQUEST_METHOD": method}
    return response


def test_checker_accepts_a_matching_body():
    assert_matches_schema(_response(404, {"detail": "Not found."}))


def test_checker_rejects_a_body_that_does_not_match():
    with pytest.raises(AssertionError, match="does not match its schema"):
        assert_matches_schema(_response(404, {"detail": 404}))


def test_checker_rejects_a_nested_mismatch_through_refs():
    person = {"id": 1, "first_name": "Anna"}  # every other required field missing
    with pytest.raises(AssertionError, match="does not match its schema"):
        assert_matches_schema(_response(200, person))


def test_checker_rejects_an_undocumented_status():
    with pytest.raises(AssertionError, match="does not document"):
        assert_matches_schema(_response(418, {"detail": "teapot"}))


def test_checker_rejects_an_undocumented_path():
    with pytest.raises(AssertionError, match="not a documented path"):
        assert_matches_schema(_response(200, {}, path="/api/v1/nothing/"))


def test_find_operation_resolves_templates():
    template, operation = find_operation("/api/v1/networks/rete-prova/organizations/12/", "PATCH")
    assert template == "/api/v1/networks/{slug}/organizations/{id}/"
    assert operation["operationId"] == "organizations_update"


def test_schema_errors_resolve_component_refs():
    ref = {"$ref": "#/components/schemas/MunicipalityRef"}
    assert schema_errors({"istat_code": "019036", "name": "Cremona"}, ref) == []
    assert schema_errors({"istat_code": 19036, "name": "Cremona"}, ref)


def test_the_api_serves_the_same_schema(client):
    # The schema itself is public: it is committed in the repository anyway.
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == document()


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (OrganizationKind, Organization.Kind.values),
        (PartnershipRole, Partnership.Role.values),
        (Gender, ["", *Person.Gender.values]),
        (HouseholdRole, ["", *Person.HouseholdRole.values]),
    ],
)
def test_schema_choices_match_the_models(literal, choices):
    assert list(get_args(literal)) == list(choices)


def test_no_two_schemas_share_a_name():
    # django-ninja names a component after its class: a second class of the same name silently replaces the first
    # in the document, so the schema would describe another operation's body.
    import importlib
    import pkgutil

    from ninja import Schema

    import legami.api.v1

    found: dict[str, set[str]] = {}
    modules = [importlib.import_module("legami.api.schemas")] + [
        importlib.import_module(f"legami.api.v1.{info.name}") for info in pkgutil.iter_modules(legami.api.v1.__path__)
    ]
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                found.setdefault(value.__name__, set()).add(module.__name__)
    assert not {name: where for name, where in found.items() if len(where) > 1}
