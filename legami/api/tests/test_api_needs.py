"""Part B: the needs API (list, read, record, change status, areas), checked against the OpenAPI schema."""

import typing

import pytest

from legami.api.tests.helpers import BASE
from legami.api.v1 import needs as needs_api
from legami.core.models import AuditEvent
from legami.needs import models
from legami.needs.models import Need
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="casa", name="Casa")


def path(cast, suffix=""):
    return f"{BASE}{cast.network.slug}/{suffix}"


def test_literals_match_the_models():
    assert set(typing.get_args(needs_api.TargetGroup)) == set(models.TargetGroup.values)
    assert set(typing.get_args(needs_api.Channel)) == set(models.Channel.values)
    assert set(typing.get_args(needs_api.PrivacyLevel)) == set(models.PrivacyLevel.values)
    assert set(typing.get_args(needs_api.NeedStatus)) == set(models.NeedStatus.values)


def test_list_is_scoped_and_hides_case_text(cast, area, api_as):
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], description="visibile")
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[1])
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], privacy_level="case_team")
    body = api_as(cast.coordinator).get(path(cast, "needs/")).json()
    assert body["count"] == 3
    assert {item["description"] for item in body["items"] if item["privacy_level"] == "case_team"} == {None}
    assert api_as(cast.community_worker).get(path(cast, "needs/")).json()["count"] == 2
    assert api_as(cast.district_case_manager).get(path(cast, "needs/")).json()["count"] == 2
    filtered = api_as(cast.coordinator).get(path(cast, "needs/"), {"municipality": "019035"}).json()
    assert filtered["count"] == 1


@pytest.mark.parametrize(("persona", "status"), [("evaluator", 403), ("outsider", 404), ("citizen", 403)])
def test_list_refused(cast, api_as, persona, status):
    assert api_as(cast.users[persona]).get(path(cast, "needs/")).status_code == status


def test_get_case_need_is_audited(cast, area, api_as):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], privacy_level="case_team")
    response = api_as(cast.case_manager).get(path(cast, f"needs/{need.pk}/"))
    assert response.status_code == 200 and response.json()["description"] == need.description
    assert AuditEvent.objects.filter(action="read", object_id=str(need.pk)).exists()
    assert api_as(cast.community_worker).get(path(cast, f"needs/{need.pk}/")).status_code == 404


def test_create(cast, area, api_as):
    payload = {
        "area": area.pk,
        "target_group": "elderly",
        "description": "Compagnia per la spesa",
        "channel": "interview",
        "municipality": "019036",
        "time_windows": "mar e gio 16-18",
        "latitude": 45.13,
        "longitude": 10.02,
    }
    response = api_as(cast.community_worker).post(path(cast, "needs/"), payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "new" and body["time_windows"][0] == {"day": 1, "start": "16:00", "end": "18:00"}
    assert Need.objects.get().reported_by == cast.community_worker


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"municipality": "999999"}, "municipality"),
        ({"time_windows": "ogni tanto"}, "time_windows"),
        ({"area": 999999}, "area"),
        ({"latitude": 45.1}, "longitude"),
    ],
)
def test_create_bad_input(cast, area, api_as, change, field):
    payload = {
        "area": area.pk,
        "target_group": "elderly",
        "description": "Compagnia",
        "channel": "interview",
        "municipality": "019036",
        **change,
    }
    response = api_as(cast.coordinator).post(path(cast, "needs/"), payload)
    assert response.status_code == 422
    assert field in {item["loc"][-1] for item in response.json()["detail"]}
    assert not Need.objects.exists()


def test_create_refused_without_capability(cast, area, api_as):
    payload = {
        "area": area.pk,
        "target_group": "elderly",
        "description": "x",
        "channel": "interview",
        "municipality": "019036",
    }
    assert api_as(cast.evaluator).post(path(cast, "needs/"), payload).status_code == 403


def test_change_status(cast, area, api_as):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    client = api_as(cast.coordinator)
    response = client.post(path(cast, f"needs/{need.pk}/status/"), {"to_status": "reading", "note": "ok"})
    assert response.status_code == 200 and response.json()["status"] == "reading"
    refused = client.post(path(cast, f"needs/{need.pk}/status/"), {"to_status": "new"})
    assert refused.status_code == 409
    assert Need.objects.get(pk=need.pk).status == "reading"
    assert (
        api_as(cast.evaluator).post(path(cast, f"needs/{need.pk}/status/"), {"to_status": "closed"}).status_code == 403
    )


def test_areas(cast, area, api_as):
    NeedAreaFactory(network=cast.network, code="old", name="Vecchia", is_active=False)
    body = api_as(cast.case_manager).get(path(cast, "need-areas/")).json()
    assert [item["code"] for item in body] == ["casa", "old"]
    assert api_as(cast.funder).get(path(cast, "need-areas/")).status_code == 403
