"""Give-back places: every rule of an offer, closing it, and the open places the pacts will read."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.needs.tests.factories import NeedAreaFactory
from legami.responses.models import GiveBackPlace, GiveBackPlaceStatus, ResponseStatus
from legami.responses.selectors.giveback import open_giveback_places
from legami.responses.services import giveback as svc
from legami.responses.tests.factories_responses import GiveBackPlaceFactory, active_response

TODAY = timezone.localdate


def _codes(exc, field=None):
    errors = exc.value.error_dict if hasattr(exc.value, "error_dict") else {None: exc.value.error_list}
    return [e.code for e in errors[field]]


def _data(cast, **overrides):
    return {
        "objective": "Accompagnare gli anziani",
        "places": "3",
        "host": cast.organization.pk,
        "starts_on": TODAY(),
        "ends_on": TODAY() + timedelta(days=60),
    } | overrides


def test_places_are_offered_changed_and_closed(cast):
    response = active_response(cast.network, cast.organization)
    area = NeedAreaFactory(network=cast.network, code="cura")
    place = svc.create_place(
        actor=cast.coordinator, response=response, data=_data(cast, area=area.pk, skills_sought="Pazienza")
    )
    assert place.status == GiveBackPlaceStatus.OPEN and place.places == 3 and place.area == area
    svc.update_place(actor=cast.community_worker, place=place, data={"places": "5"})
    place.refresh_from_db()
    assert place.places == 5 and place.objective == "Accompagnare gli anziani"
    svc.close_place(actor=cast.coordinator, place=place)
    place.refresh_from_db()
    assert place.status == GiveBackPlaceStatus.CLOSED
    with pytest.raises(ValidationError) as exc:
        svc.close_place(actor=cast.coordinator, place=place)
    assert exc.value.code == "already_closed"
    assert AuditEvent.objects.filter(object_type="responses.givebackplace").count() == 3


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"objective": ""}, "objective", "required"),
        ({"objective": "x" * 301}, "objective", "max_length"),
        ({"places": ""}, "places", "required"),
        ({"places": "0"}, "places", "min_value"),
        ({"places": "tre"}, "places", "invalid"),
        ({"host": ""}, "host", "required"),
        ({"host": "OTHER"}, "host", "invalid_choice"),
        ({"area": 987654}, "area", "invalid_choice"),
        ({"starts_on": ""}, "starts_on", "required"),
        ({"ends_on": ""}, "ends_on", "required"),
        ({"ends_on": "BEFORE"}, "ends_on", "dates_order"),
    ],
)
def test_bad_offers_are_refused(cast, overrides, field, code):
    other = f.OrganizationFactory(network=cast.other_network)
    swap = {"OTHER": other.pk, "BEFORE": TODAY() - timedelta(days=1)}
    overrides = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    response = active_response(cast.network, cast.organization)
    with pytest.raises(ValidationError) as exc:
        svc.create_place(actor=cast.coordinator, response=response, data=_data(cast, **overrides))
    assert code in _codes(exc, field)
    assert not GiveBackPlace.objects.exists()


@pytest.mark.parametrize("status", [ResponseStatus.COMPLETED, ResponseStatus.CANCELLED])
def test_a_response_that_is_over_offers_no_more_places(cast, status):
    response = active_response(cast.network, cast.organization, status=status)
    with pytest.raises(ValidationError) as exc:
        svc.create_place(actor=cast.coordinator, response=response, data=_data(cast))
    assert exc.value.code == "response_over"
    assert not GiveBackPlace.objects.exists()


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "outsider"])
def test_only_who_runs_responses_offers_places(cast, persona):
    response = active_response(cast.network, cast.organization)
    place = GiveBackPlaceFactory(response=response, host=cast.organization)
    user = getattr(cast, persona)
    with pytest.raises(PermissionDenied):
        svc.create_place(actor=user, response=response, data=_data(cast))
    with pytest.raises(PermissionDenied):
        svc.update_place(actor=user, place=place, data={"places": "2"})
    with pytest.raises(PermissionDenied):
        svc.close_place(actor=user, place=place)


def test_open_places_by_area_and_day(cast):
    care = NeedAreaFactory(network=cast.network, code="cura")
    home = NeedAreaFactory(network=cast.network, code="casa")
    response = active_response(cast.network, cast.organization)
    running = GiveBackPlaceFactory(response=response, host=cast.organization, area=care)
    later = GiveBackPlaceFactory(
        response=response,
        host=cast.organization,
        area=home,
        starts_on=TODAY() + timedelta(days=10),
        ends_on=TODAY() + timedelta(days=20),
    )
    GiveBackPlaceFactory(response=response, host=cast.organization, status=GiveBackPlaceStatus.CLOSED)
    over = active_response(cast.network, cast.organization, status=ResponseStatus.COMPLETED)
    GiveBackPlaceFactory(response=over, host=cast.organization)
    other = active_response(cast.other_network, f.OrganizationFactory(network=cast.other_network))
    GiveBackPlaceFactory(response=other, host=other.partners.get().organization)
    assert set(open_giveback_places(cast.network)) == {running, later}
    assert list(open_giveback_places(cast.network, area=care)) == [running]
    assert list(open_giveback_places(cast.network, on=TODAY())) == [running]
    assert list(open_giveback_places(cast.network, area=home.pk, on=TODAY() + timedelta(days=15))) == [later]
