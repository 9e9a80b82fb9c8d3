"""Give-back pages through the client: the filtered list, offering, changing and closing places."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from legami.needs.tests.factories import NeedAreaFactory
from legami.responses.models import GiveBackPlace, GiveBackPlaceStatus
from legami.responses.tests.factories_responses import GiveBackPlaceFactory, active_response

TODAY = timezone.localdate


def url(cast, name, *args):
    return reverse(f"responses:{name}", args=[cast.network.slug, *args])


def test_the_list_filters_by_area_status_and_day(cast, login):
    care = NeedAreaFactory(network=cast.network, code="cura", name="Cura")
    response = active_response(cast.network, cast.organization)
    GiveBackPlaceFactory(response=response, host=cast.organization, area=care, objective="Spesa con gli anziani")
    GiveBackPlaceFactory(
        response=response,
        host=cast.organization,
        objective="Orto condiviso",
        starts_on=TODAY() + timedelta(days=30),
        ends_on=TODAY() + timedelta(days=60),
    )
    GiveBackPlaceFactory(
        response=response, host=cast.organization, objective="Chiusa", status=GiveBackPlaceStatus.CLOSED
    )
    client = login(cast.evaluator)
    page = client.get(url(cast, "giveback_places")).content.decode()
    assert "Spesa con gli anziani" in page and "Orto condiviso" in page and "Chiusa" in page
    assert url(cast, "giveback_close", GiveBackPlace.objects.first().pk) not in page
    page = client.get(url(cast, "giveback_places"), {"area": care.pk}).content.decode()
    assert "Spesa con gli anziani" in page and "Orto condiviso" not in page
    page = client.get(url(cast, "giveback_places"), {"status": "open", "on": TODAY().isoformat()}).content.decode()
    assert "Spesa con gli anziani" in page and "Orto condiviso" not in page and "Chiusa" not in page


def test_the_list_runs_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    response = active_response(cast.network, cast.organization)
    client = login(cast.coordinator)
    GiveBackPlaceFactory(response=response, host=cast.organization)
    with django_assert_max_num_queries(20) as small:
        client.get(url(cast, "giveback_places"))
    for _i in range(15):
        GiveBackPlaceFactory(response=response, host=cast.organization, area=NeedAreaFactory(network=cast.network))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(cast, "giveback_places"))


def test_places_are_offered_changed_and_closed_through_their_pages(cast, login):
    response = active_response(cast.network, cast.organization)
    client = login(cast.coordinator)
    data = {
        "objective": "Accompagnare gli anziani",
        "places": "2",
        "host": cast.organization.pk,
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + timedelta(days=30)).isoformat(),
    }
    assert client.get(url(cast, "giveback_create", response.pk)).status_code == 200
    assert client.post(url(cast, "giveback_create", response.pk), data).status_code == 302
    place = GiveBackPlace.objects.get()
    bad = client.post(
        url(cast, "giveback_update", place.pk), data | {"ends_on": (TODAY() - timedelta(days=1)).isoformat()}
    )
    assert bad.status_code == 400 and "The period ends before it starts." in bad.content.decode()
    bad = client.post(url(cast, "giveback_create", response.pk), data | {"places": "0"})
    assert bad.status_code == 400 and "legami-error-summary" in bad.content.decode()
    assert client.post(url(cast, "giveback_update", place.pk), data | {"places": "4"}).status_code == 302
    place.refresh_from_db()
    assert place.places == 4
    assert client.get(url(cast, "giveback_close", place.pk)).status_code == 200
    assert client.post(url(cast, "giveback_close", place.pk)).status_code == 302
    place.refresh_from_db()
    assert place.status == GiveBackPlaceStatus.CLOSED
    again = client.post(url(cast, "giveback_close", place.pk))
    assert again.status_code == 400 and "already closed" in again.content.decode()


def test_another_networks_place_is_404(cast, login):
    from legami.core.tests import factories as f

    organization = f.OrganizationFactory(network=cast.other_network)
    place = GiveBackPlaceFactory(response=active_response(cast.other_network, organization), host=organization)
    assert login(cast.coordinator).get(url(cast, "giveback_update", place.pk)).status_code == 404
