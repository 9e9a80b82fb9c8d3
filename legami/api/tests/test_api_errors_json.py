"""Every answer of the API is JSON with a `detail`, as the schema promises: an unknown address under /api/v1/
and a method an address does not take included (they answered Django's HTML pages)."""

import pytest
from django.test import Client

from legami.api.tests.helpers import make_token


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
