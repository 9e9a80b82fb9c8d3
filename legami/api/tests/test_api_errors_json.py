"""Every answer of the API is JSON with a `detail`, as the schema promises: an unknown address under /api/v1/
and a method an address does not take included (they answered Django's HTML pages); a 409 adds the service's `code`."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from legami.api.errors import conflict
from legami.api.tests.helpers import make_token, network_url
from legami.pacts.tests.factories import draft_pact, open_case, signed_pact


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/nope/", 404),
        ("get", "/api/v1/networks/{slug}/needs/1/nope/", 404),
        ("get", "/api/v1/networks/{slug}/needs/abc/", 422),
        ("put", "/api/v1/networks/", 405),
        ("delete", "/api/v1/networks/{slug}/needs/", 405),
    ],
)
def test_unknown_addresses_and_methods_answer_json(cast, method, url, status):
    client = Client(headers={"Authorization": f"Bearer {make_token(cast.coordinator)}", "Accept-Language": "en"})
    response = getattr(client, method)(url.format(slug=cast.network.slug))
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    if status == 405:
        assert "GET" in response["Allow"] and "GET" in response.json()["detail"]


def test_a_page_outside_the_api_keeps_the_html_404(cast, login):
    response = login(cast.coordinator).get("/nope-not-a-network/needs/nope/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_body_over_the_limit_answers_413_in_json(cast, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"description": "' + "x" * 2000 + '"}'
    response = api_as(cast.coordinator).post(f"/api/v1/networks/{cast.network.slug}/needs/", raw_body=body)
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]


# --- a 409 names the refusal -------------------------------------------------------------------------------------


def test_a_409_carries_the_services_code_and_other_errors_do_not(cast, api_as):
    pact = draft_pact(open_case(cast))
    client = api_as(cast.case_manager)
    assert client.post(network_url(cast.network, "pacts", pact.pk, "propose"), {}).status_code == 200
    again = client.post(network_url(cast.network, "pacts", pact.pk, "propose"), {})
    assert again.status_code == 409
    assert again.json() == {"detail": again.json()["detail"], "code": "transition"}
    assert "cannot go from" in again.json()["detail"]
    missing = client.get(network_url(cast.network, "pacts", 999_999))
    assert missing.status_code == 404 and set(missing.json()) == {"detail"}
    forbidden = api_as(cast.privacy_officer).post(network_url(cast.network, "pacts", pact.pk, "redraft"), {})
    assert forbidden.status_code == 403 and set(forbidden.json()) == {"detail"}


def test_the_code_is_the_same_in_every_language(cast, api_as):
    pact = signed_pact(open_case(cast))
    path = network_url(cast.network, "pacts", pact.pk, "rows", "objective")
    english = api_as(cast.case_manager).post(path, {"text": "Altro"})
    italian = api_as(cast.case_manager).post(path, {"text": "Altro"}, headers={"Accept-Language": "it"})
    assert english.status_code == italian.status_code == 409
    assert english.json()["code"] == italian.json()["code"] == "signed"
    assert english.json()["detail"] != italian.json()["detail"]


@pytest.mark.parametrize(
    ("error", "detail", "code"),
    [
        (ValidationError("Closed.", code="case_closed"), "Closed.", "case_closed"),
        (ValidationError("No code."), "No code.", None),
        (ValidationError([ValidationError("One."), ValidationError("Two.", code="two")]), "One. Two.", "two"),
        (ValidationError({"user": [ValidationError("Taken.", code="taken")]}), "Taken.", "taken"),
    ],
)
def test_a_conflict_keeps_every_message_and_the_first_code(error, detail, code):
    found = conflict(error)
    assert (found.status_code, found.message, found.code) == (409, detail, code)
