"""Household pages: access by persona, list with member counts, forms, delete keeping members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.network.models import Household, Person

VIEWERS = ["coordinator", "case_manager", "community_worker", "privacy_officer", "district_case_manager"]
EDITORS = ["coordinator", "case_manager", "community_worker", "district_case_manager"]
ALL = VIEWERS + ["partner_staff", "evaluator", "funder", "citizen", "outsider", "platform_admin", "anonymous"]


def url(name, cast, *args):
    return reverse(f"network:{name}", args=[cast.network.slug, *args])


def expected(persona, allowed):
    if persona == "anonymous":
        return 302
    if persona in ("outsider", "platform_admin"):
        return 404
    return 200 if persona in allowed else 403


@pytest.fixture
def household(cast):
    return f.HouseholdFactory(network=cast.network, name="Famiglia Rossi", municipality=cast.municipalities[0])


@pytest.mark.parametrize("persona", ALL)
def test_access(cast, login, household, persona):
    client = login(getattr(cast, persona))
    assert client.get(url("households", cast)).status_code == expected(persona, VIEWERS)
    assert client.get(url("household_detail", cast, household.pk)).status_code == expected(persona, VIEWERS)
    for name, args in [
        ("household_create", ()),
        ("household_update", (household.pk,)),
        ("household_delete", (household.pk,)),
    ]:
        assert client.get(url(name, cast, *args)).status_code == expected(persona, EDITORS), name
    response = client.post(url("household_delete", cast, household.pk))
    assert response.status_code == (302 if persona in EDITORS else expected(persona, EDITORS))
    assert Household.objects.exists() == (persona not in EDITORS)


def test_district_case_manager_does_not_see_crema_households(cast, login, household):
    in_crema = f.HouseholdFactory(network=cast.network, name="Famiglia Cremasca", municipality=cast.municipalities[1])
    client = login(cast.district_case_manager)
    page = client.get(url("households", cast)).content.decode()
    assert "Famiglia Rossi" in page and "Famiglia Cremasca" not in page
    assert client.get(url("household_detail", cast, in_crema.pk)).status_code == 404
    assert client.post(url("household_update", cast, in_crema.pk), {"name": "X"}).status_code == 404


def test_list_shows_member_counts_with_constant_queries(cast, login):
    client = login(cast.coordinator)

    def make(n):
        for i in range(n):
            h = f.HouseholdFactory(network=cast.network, municipality=cast.municipalities[i % 2])
            f.PersonFactory.create_batch(2, network=cast.network, household=h)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("households", cast), {"q": "Famiglia"})
        return response, len(ctx.captured_queries)

    make(3)
    response, few = count()
    assert [h.member_count for h in response.context["page_obj"].object_list] == [2, 2, 2]
    make(30)
    response, many = count()
    assert many == few
    assert response.context["page_obj"].paginator.count == 33


def test_search_and_filter(cast, login, household):
    f.HouseholdFactory(network=cast.network, name="Famiglia Bianchi", municipality=cast.municipalities[1])
    client = login(cast.coordinator)
    listed = lambda **q: [h.name for h in client.get(url("households", cast), q).context["page_obj"].object_list]  # noqa: E731
    assert listed(q="rossi") == ["Famiglia Rossi"]
    assert listed(municipality=cast.municipalities[1].pk) == ["Famiglia Bianchi"]
    assert listed(municipality="bad") == ["Famiglia Bianchi", "Famiglia Rossi"]


def test_detail_lists_members(cast, login, household):
    f.PersonFactory(network=cast.network, first_name="Lucia", last_name="Rossi", household=household)
    page = login(cast.privacy_officer).get(url("household_detail", cast, household.pk)).content.decode()
    assert "Lucia Rossi" in page
    assert url("household_update", cast, household.pk) not in page
    page = login(cast.coordinator).get(url("household_detail", cast, household.pk)).content.decode()
    assert f"{url('person_create', cast)}?household={household.pk}" in page


def test_create_and_update(cast, login):
    client = login(cast.coordinator)
    cremona = cast.municipalities[0]
    response = client.post(url("household_create", cast), {"name": "Famiglia Verdi", "municipality": cremona.pk})
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("household_detail", cast, household.pk)
    response = client.post(
        url("household_update", cast, household.pk),
        {"name": "Famiglia Verdi", "address": "Via Po 1", "municipality": cremona.pk},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "Via Po 1"


def test_bad_input_rerenders_and_writes_nothing(cast, login):
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[1])
    response = login(cast.coordinator).post(
        url("household_create", cast),
        {"name": "F", "municipality": cast.municipalities[0].pk, "neighbourhood": quartiere.pk},
    )
    assert response.status_code == 200
    assert "neighbourhood" in response.context["form"].errors
    response = login(cast.coordinator).post(url("household_create", cast), {"name": ""})
    assert "name" in response.context["form"].errors
    assert Household.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_delete_keeps_members(cast, login, household):
    member = f.PersonFactory(network=cast.network, household=household)
    response = login(cast.case_manager).post(url("household_delete", cast, household.pk))
    assert response["Location"] == url("households", cast)
    member.refresh_from_db()
    assert member.household is None
    assert Person.objects.count() == 1
