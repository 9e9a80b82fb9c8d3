"""A NUL character (which PostgreSQL cannot store and the web forms refuse) is refused by every write of the
API too, in every text field, with a 422 that names the field; nothing is written."""

import pytest

from legami.api.tests.helpers import network_url
from legami.needs.models import Need
from legami.needs.tests.factories import NeedAreaFactory
from legami.network.models import Organization, Person

NUL = "a\x00b"


def _need(area):
    return {
        "area": area.pk,
        "target_group": "elderly",
        "description": "Compagnia",
        "channel": "interview",
        "municipality": "019036",
    }


@pytest.mark.parametrize(
    "field", ["description", "contact_name", "contact_email", "contact_phone", "external_id", "time_windows"]
)
def test_a_need_with_a_nul_is_refused(cast, api_as, field):
    area = NeedAreaFactory(network=cast.network)
    response = api_as(cast.coordinator).post(network_url(cast.network, "needs"), {**_need(area), field: NUL})
    assert response.status_code == 422
    assert any(item["loc"][-1] == field for item in response.json()["detail"]), response.json()
    assert not Need.objects.exists()


@pytest.mark.parametrize("field", ["first_name", "last_name", "tax_code", "email", "phone", "address"])
def test_a_person_with_a_nul_is_refused(cast, api_as, field):
    before = Person.objects.count()
    payload = {"first_name": "Anna", "last_name": "Bianchi", field: NUL}
    response = api_as(cast.coordinator).post(network_url(cast.network, "people"), payload)
    assert response.status_code == 422
    assert any(item["loc"][-1] == field for item in response.json()["detail"]), response.json()
    assert Person.objects.count() == before


@pytest.mark.parametrize(
    "field", ["name", "tax_code", "address", "email", "phone", "website", "description", "contribution"]
)
def test_an_organisation_with_a_nul_is_refused(cast, api_as, field):
    before = Organization.objects.count()
    payload = {"name": "Cooperativa", "kind": "association", "role": "partner", field: NUL}
    response = api_as(cast.coordinator).post(network_url(cast.network, "organizations"), payload)
    assert response.status_code == 422
    assert any(item["loc"][-1] == field for item in response.json()["detail"]), response.json()
    assert Organization.objects.count() == before


@pytest.mark.parametrize(
    ("kind", "field"), [("people", "first_name"), ("people", "address"), ("organizations", "name")]
)
def test_a_change_with_a_nul_is_refused(cast, api_as, kind, field):
    client = api_as(cast.coordinator)
    created = {
        "people": {"first_name": "Anna", "last_name": "Bianchi"},
        "organizations": {"name": "Cooperativa", "kind": "association", "role": "partner"},
    }[kind]
    pk = client.post(network_url(cast.network, kind), created).json()["id"]
    response = client.patch(network_url(cast.network, kind, pk), {field: NUL})
    assert response.status_code == 422
    assert any(item["loc"][-1] == field for item in response.json()["detail"]), response.json()
    model = Person if kind == "people" else Organization
    assert "\x00" not in str(model.objects.filter(pk=pk).values_list(field, flat=True)[0])
