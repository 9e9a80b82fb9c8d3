"""Part B: the needs pages, the area taxonomy pages and the public report form, through the client."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.core.tests import stamps
from legami.needs.forms.needs import _STAMP_SALT
from legami.needs.models import Need, NeedArea, NeedEvent
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="casa", name="Casa")


def url(cast, name, *args):
    return reverse(f"needs:{name}", args=[cast.network.slug, *args])


def stamp_from(seconds_ago: float) -> str:
    return stamps.stamp_from(_STAMP_SALT, seconds_ago)


def old_stamp() -> str:
    """A form stamp from a minute ago (a human filled the form)."""
    return stamp_from(60)


def test_list_filters_and_hides_case_needs(cast, area, login):
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], description="pubblico")
    case = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], privacy_level="case_team")
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[1], status="closed")
    page = login(cast.community_worker).get(url(cast, "needs"))
    assert page.status_code == 200 and page.context["page_obj"].paginator.count == 2
    assert f"/{case.pk}/" not in page.content.decode()
    page = login(cast.coordinator).get(url(cast, "needs"), {"status": "closed"})
    assert page.context["page_obj"].paginator.count == 1
    page = login(cast.coordinator).get(url(cast, "needs"), {"urgency": "bad", "date_from": "nope"})
    assert page.status_code == 200 and page.context["page_obj"].paginator.count == 3


@pytest.mark.parametrize("size", [3, 12])
def test_list_runs_a_constant_number_of_queries(cast, area, login, django_assert_max_num_queries, size):
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
    quarter = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    NeedFactory.create_batch(
        size, network=cast.network, area=area, municipality=cast.municipalities[0], person=person, neighbourhood=quarter
    )
    client = login(cast.coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(url(cast, "needs")).status_code == 200


def test_detail_shows_windows_history_and_allowed_transitions(cast, area, login):
    need = NeedFactory(
        network=cast.network,
        area=area,
        municipality=cast.municipalities[0],
        time_windows=[{"day": 1, "start": "16:00", "end": "18:00"}],
    )
    NeedEvent.objects.create(need=need, from_status="", to_status="new")
    page = login(cast.coordinator).get(url(cast, "need_detail", need.pk))
    choices = [value for value, _label in page.context["status_form"].fields["to_status"].choices]
    assert choices == ["reading", "closed"]
    assert page.context["windows"] and len(page.context["history"]) == 1
    assert not AuditEvent.objects.filter(action="read").exists()


def test_detail_of_case_need_records_a_read(cast, area, login):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], privacy_level="case_team")
    assert login(cast.case_manager).get(url(cast, "need_detail", need.pk)).status_code == 200
    assert AuditEvent.objects.filter(action="read", object_id=str(need.pk), actor=cast.case_manager).exists()
    assert login(cast.community_worker).get(url(cast, "need_detail", need.pk)).status_code == 404


def test_status_change(cast, area, login):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    client = login(cast.community_worker)
    response = client.post(url(cast, "need_status", need.pk), {"to_status": "reading", "note": "presa in carico"})
    assert response.status_code == 302
    assert Need.objects.get(pk=need.pk).status == "reading"
    # Not offered from "reading": refused, nothing changes.
    response = client.post(url(cast, "need_status", need.pk), {"to_status": "new"})
    assert response.status_code == 400
    assert Need.objects.get(pk=need.pk).status == "reading"


def test_status_change_refused_outside_district(cast, area, login):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[1])
    response = login(cast.district_case_manager).post(url(cast, "need_status", need.pk), {"to_status": "reading"})
    assert response.status_code == 404


def _form(cast, area, **extra):
    return {
        "area": area.pk,
        "target_group": "families",
        "description": "Serve un doposcuola",
        "urgency": "2",
        "expressed": "no",
        "channel": "sentinel",
        "privacy_level": "network",
        "people_count": "3",
        "municipality": cast.municipalities[0].pk,
        "time_windows": "mar e gio 16-18",
        **extra,
    }


def test_create_need(cast, area, login):
    response = login(cast.case_manager).post(url(cast, "need_create"), _form(cast, area))
    need = Need.objects.get()
    assert response.status_code == 302 and response.url == url(cast, "need_detail", need.pk)
    assert need.expressed is False and need.people_count == 3 and len(need.time_windows) == 2


def test_create_need_bad_time_windows_writes_nothing(cast, area, login):
    response = login(cast.coordinator).post(url(cast, "need_create"), _form(cast, area, time_windows="quando capita"))
    assert response.status_code == 200
    assert "time_windows" in response.context["form"].errors
    assert not Need.objects.exists()


def test_create_need_person_search(cast, area, login):
    f.PersonFactory(network=cast.network, first_name="Ada", last_name="Lovelace", municipality=cast.municipalities[0])
    response = login(cast.coordinator).post(
        url(cast, "need_create"), {**_form(cast, area), "person_search": "Lovelace", "_search": "person"}
    )
    assert response.status_code == 200
    assert "Lovelace" in response.content.decode()
    assert not Need.objects.exists()


def test_district_case_manager_offered_only_district_comuni(cast, area, login):
    page = login(cast.district_case_manager).get(url(cast, "need_create"))
    assert list(page.context["form"].fields["municipality"].queryset) == [cast.municipalities[0]]


def test_update_and_delete(cast, area, login):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    client = login(cast.coordinator)
    assert client.get(url(cast, "need_update", need.pk)).status_code == 200
    response = client.post(url(cast, "need_update", need.pk), _form(cast, area, description="Testo corretto"))
    assert response.status_code == 302
    assert Need.objects.get(pk=need.pk).description == "Testo corretto"
    assert client.post(url(cast, "need_delete", need.pk)).status_code == 302
    assert not Need.objects.filter(pk=need.pk).exists()


# --- areas -------------------------------------------------------------------------------------


def test_area_pages(cast, area, login):
    client = login(cast.coordinator)
    assert client.post(url(cast, "area_create"), {"name": "Sport", "description": ""}).status_code == 302
    sport = NeedArea.objects.get(name="Sport")
    assert client.post(url(cast, "area_update", sport.pk), {"name": "Sport e movimento"}).status_code == 302
    assert client.post(url(cast, "area_move", sport.pk), {"direction": "up"}).status_code == 302
    assert list(NeedArea.objects.filter(network=cast.network).order_by("position")) == [sport, area]
    assert client.post(url(cast, "area_toggle", sport.pk)).status_code == 302
    assert not NeedArea.objects.get(pk=sport.pk).is_active
    assert client.post(url(cast, "area_delete", sport.pk)).status_code == 302
    assert client.post(url(cast, "area_load_defaults")).status_code == 302
    assert NeedArea.objects.filter(network=cast.network).count() > 10
    page = client.get(url(cast, "areas"))
    assert page.status_code == 200


def test_area_with_needs_not_deleted(cast, area, login):
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    response = login(cast.coordinator).post(url(cast, "area_delete", area.pk))
    assert response.status_code == 400
    assert NeedArea.objects.filter(pk=area.pk).exists()


def test_area_duplicate_name_shows_error(cast, area, login):
    response = login(cast.coordinator).post(url(cast, "area_create"), {"name": "casa"})
    assert response.status_code == 200 and response.context["form"].errors["name"]


def test_area_edits_refused_to_non_coordinators(cast, area, login):
    response = login(cast.community_worker).post(url(cast, "area_toggle", area.pk))
    assert response.status_code == 403
    assert NeedArea.objects.get(pk=area.pk).is_active


# --- public report -----------------------------------------------------------------------------


def _report(cast, need_area, **extra):
    return {
        "area": need_area.pk,
        "target_group": "minors",
        "municipality": cast.municipalities[0].pk,
        "description": "Mio figlio non ha un posto dove studiare il pomeriggio",
        "time_windows": "lun-ven 14-18",
        "contact_name": "Maria Rossi",
        "contact_email": "maria@example.org",
        "privacy": "on",
        "website": "",
        "stamp": old_stamp(),
        **extra,
    }


def test_anonymous_report(cast, area, client):
    page = client.get(url(cast, "report"))
    assert page.status_code == 200
    response = client.post(url(cast, "report"), _report(cast, area))
    assert response.status_code == 302 and response.url == url(cast, "report_thanks")
    need = Need.objects.get()
    assert (need.channel, need.expressed, need.status, need.reported_by) == ("online", True, "new", None)
    assert need.contact_email == "maria@example.org" and len(need.time_windows) == 5
    assert client.get(url(cast, "report_thanks")).status_code == 200


def test_logged_in_citizen_reports_without_contact(cast, area, login):
    client = login(cast.citizen)
    data = _report(cast, area)
    for name in ("contact_name", "contact_email", "privacy"):
        data.pop(name)
    assert client.post(url(cast, "report"), data).status_code == 302
    assert Need.objects.get().reported_by == cast.citizen


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"contact_name": ""}, "contact_name"),
        ({"contact_email": ""}, "contact_email"),
        ({"privacy": ""}, "privacy"),
        ({"time_windows": "a volte"}, "time_windows"),
        ({"description": ""}, "description"),
        ({"area": ""}, "area"),
        ({"website": "http://spam.example"}, "__all__"),
        ({"stamp": ""}, "__all__"),
    ],
)
def test_report_bad_input(cast, area, client, extra, field):
    response = client.post(url(cast, "report"), _report(cast, area, **extra))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Need.objects.exists()


def test_report_too_fast_is_refused(cast, area, client):
    response = client.post(url(cast, "report"), _report(cast, area, stamp=stamp_from(0)))
    assert response.status_code == 400 and not Need.objects.exists()


@pytest.mark.parametrize(
    ("stamp", "code"),
    [
        (lambda: stamp_from(25 * 3600), "stale"),  # a day and more: the page was shown too long ago
        (lambda: signing.dumps(time.time() - 60, salt=_STAMP_SALT), "stale"),  # the old format, no nonce
        (lambda: signing.dumps({"t": time.time() - 60, "n": "x"}, salt="another.form"), "stale"),
        (lambda: "garbage", "stale"),
    ],
)
def test_report_with_a_stamp_that_is_not_this_forms_is_refused(cast, area, client, stamp, code):
    response = client.post(url(cast, "report"), _report(cast, area, stamp=stamp()))
    assert response.status_code == 400 and not Need.objects.exists()
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [code]


def test_one_stamp_sends_one_report_only(cast, area, client):
    stamp = old_stamp()
    assert client.post(url(cast, "report"), _report(cast, area, stamp=stamp)).status_code == 302
    for _ in range(3):
        response = client.post(url(cast, "report"), _report(cast, area, stamp=stamp))
        assert response.status_code == 400
        assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["reused"]
    assert Need.objects.count() == 1
    # The page shown again carries a fresh stamp, which works once.
    fresh = response.context["form"].data["stamp"]
    assert fresh != stamp


def test_report_phone_instead_of_email(cast, area, client):
    response = client.post(url(cast, "report"), _report(cast, area, contact_email="", contact_phone="333 1234567"))
    assert response.status_code == 302
    assert Need.objects.get().contact_phone == "333 1234567"


def test_report_time_window_error_in_italian(cast, area, client):
    response = client.post(
        url(cast, "report"), _report(cast, area, time_windows="a volte"), headers={"Accept-Language": "it"}
    )
    assert response.status_code == 400
