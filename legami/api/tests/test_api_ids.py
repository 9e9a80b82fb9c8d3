"""Ids the database cannot hold (above 2**63 - 1, or below 1) are refused as bad input (422), in filters, paths
and bodies alike: before, `needs/?area=9223372036854775808` reached the paginator's count and answered 500."""

import pytest

from legami.api.tests.helpers import network_url

BIG = 2**63


@pytest.mark.parametrize(
    ("method", "parts", "data"),
    [
        ("get", ["needs"], {"area": BIG}),
        ("get", ["needs"], {"neighbourhood": BIG}),
        ("get", ["needs"], {"area": 0}),
        ("get", ["people"], {"household": BIG}),
        ("get", ["people"], {"neighbourhood": BIG}),
        ("get", ["needs", BIG], None),
        ("get", ["people", BIG], None),
        ("get", ["organizations", BIG], None),
        ("patch", ["organizations", BIG], {"name": "Altro nome"}),
        ("delete", ["people", BIG], None),
        ("post", ["needs", BIG, "status"], {"to_status": "reading"}),
    ],
)
def test_an_id_beyond_the_database_is_bad_input(cast, api_as, method, parts, data):
    client = api_as(cast.coordinator)
    url = network_url(cast.network, *parts)
    response = client.get(url, data) if method == "get" else client.request(method, url, data)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_an_id_beyond_the_database_in_a_body_names_its_field(cast, api_as):
    response = api_as(cast.coordinator).post(
        network_url(cast.network, "needs"),
        {"area": BIG, "description": "Serve un doposcuola", "target_group": "families", "municipality": "019036"},
    )
    assert response.status_code == 422
    assert any(item["loc"][-1] == "area" for item in response.json()["detail"])
