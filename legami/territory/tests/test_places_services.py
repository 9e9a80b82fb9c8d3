"""Territory services, places: every success, every refusal, every bad input (and nothing written)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.territory.models import Place
from legami.territory.services.places import create_place, delete_place, update_place
from legami.territory.tests.services import REFUSED, counts, messages_of

pytestmark = pytest.mark.django_db


# --- places ---------------------------------------------------------------------------------------


def place_data(cast, **overrides):
    data = {
        "name": "Casa di quartiere Zaist",
        "kind": Place.Kind.COMMUNITY_HOUSE,
        "municipality": cast.municipalities[0],
        "neighbourhood": None,
        "address": "Via Massarotti 48",
        "latitude": None,
        "longitude": None,
        "description": "",
    }
    data.update(overrides)
    return data


def test_create_place_with_coordinates(cast):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    place = create_place(
        actor=cast.coordinator,
        network=cast.network,
        data=place_data(cast, neighbourhood=n, latitude="45,1333", longitude=Decimal("10.0227")),
    )
    place.refresh_from_db()
    assert (place.latitude, place.longitude) == (Decimal("45.133300"), Decimal("10.022700"))
    assert place.neighbourhood == n and place.network == cast.network
    event = AuditEvent.objects.get(action="create")
    assert event.object_type == "territory.place" and event.after["latitude"] == "45.133300"


def test_create_place_without_coordinates(cast):
    place = create_place(actor=cast.coordinator, network=cast.network, data=place_data(cast))
    assert place.latitude is None and place.longitude is None


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"latitude": "45.13"}, "longitude", "both latitude and longitude"),
        ({"longitude": "10.02"}, "latitude", "both latitude and longitude"),
        ({"latitude": "52.52", "longitude": "13.40"}, "latitude", "between 35.4 and 47.1"),
        ({"latitude": "45.13", "longitude": "2.35"}, "longitude", "between 6.6 and 18.6"),
        ({"latitude": "nord", "longitude": "10"}, "latitude", "Enter a number"),
        ({"latitude": float("nan"), "longitude": "10"}, "latitude", "Enter a number"),
        ({"name": ""}, "name", "Enter the name"),
        ({"name": "z" * 201}, "name", "at most 200"),
        ({"kind": "castle"}, "kind", "Choose the kind"),
        ({"address": " "}, "address", "Enter the address"),
        ({"municipality": None}, "municipality", "Choose the Comune"),
        ({"neighbourhood": 987654321}, "neighbourhood", "does not exist in this network"),
        ({"unexpected": 1}, "__all__", "Unknown field: unexpected"),
    ],
)
def test_create_place_bad_input(cast, overrides, field, expected):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_place(actor=cast.coordinator, network=cast.network, data=place_data(cast, **overrides))
    assert expected in messages_of(exc, field)
    assert counts() == before


def test_create_place_refuses_a_comune_outside_the_territory(cast, make_municipality):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_place(
            actor=cast.coordinator, network=cast.network, data=place_data(cast, municipality=make_municipality())
        )
    assert "not in the network's territory" in messages_of(exc, "municipality")
    assert counts() == before


def test_create_place_refuses_a_neighbourhood_of_another_comune(cast):
    ombriano = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[1], name="Ombriano")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_place(actor=cast.coordinator, network=cast.network, data=place_data(cast, neighbourhood=ombriano))
    assert "Ombriano is not in Cremona" in messages_of(exc, "neighbourhood")
    assert counts() == before


def test_create_place_refuses_a_neighbourhood_of_another_network(cast):
    foreign = f.NeighbourhoodFactory(network=cast.other_network, municipality=cast.municipalities[0])
    with pytest.raises(ValidationError) as exc:
        create_place(actor=cast.coordinator, network=cast.network, data=place_data(cast, neighbourhood=foreign))
    assert "does not exist in this network" in messages_of(exc, "neighbourhood")


def test_create_place_refuses_a_duplicate_name_in_the_same_comune(cast):
    create_place(actor=cast.coordinator, network=cast.network, data=place_data(cast))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_place(
            actor=cast.coordinator, network=cast.network, data=place_data(cast, name="CASA DI QUARTIERE ZAIST")
        )
    assert "already has a place with this name" in messages_of(exc, "name")
    assert counts() == before


@pytest.mark.parametrize("persona", REFUSED)
def test_create_place_is_for_coordinators_only(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        create_place(actor=getattr(cast, persona), network=cast.network, data=place_data(cast))
    assert counts() == before


def test_update_place_changes_only_the_given_fields(cast):
    place = create_place(
        actor=cast.coordinator, network=cast.network, data=place_data(cast, latitude="45.1", longitude="10.0")
    )
    updated = update_place(actor=cast.coordinator, place=place, data={"name": "Spazio Zaist"})
    updated.refresh_from_db()
    assert updated.name == "Spazio Zaist"
    assert (updated.address, updated.latitude) == ("Via Massarotti 48", Decimal("45.100000"))
    event = AuditEvent.objects.get(action="update")
    assert event.before == {"name": "Casa di quartiere Zaist", "updated_at": event.before["updated_at"]}
    assert event.after["name"] == "Spazio Zaist"


def test_update_place_clears_coordinates(cast):
    place = create_place(
        actor=cast.coordinator, network=cast.network, data=place_data(cast, latitude="45.1", longitude="10.0")
    )
    update_place(actor=cast.coordinator, place=place, data={"latitude": None, "longitude": ""})
    place.refresh_from_db()
    assert place.latitude is None and place.longitude is None


def test_update_place_bad_input_changes_nothing(cast):
    place = create_place(actor=cast.coordinator, network=cast.network, data=place_data(cast))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        update_place(
            actor=cast.coordinator, place=place, data={"name": "Nuovo nome", "latitude": "45.1", "longitude": "99"}
        )
    assert "longitude" in exc.value.message_dict
    assert counts() == before
    place.refresh_from_db()
    assert place.name == "Casa di quartiere Zaist"


@pytest.mark.parametrize("persona", REFUSED)
def test_update_place_is_for_coordinators_only(cast, persona):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Oratorio")
    with pytest.raises(PermissionDenied):
        update_place(actor=getattr(cast, persona), place=place, data={"name": "Altro"})
    place.refresh_from_db()
    assert place.name == "Oratorio"


def test_delete_place(cast):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    delete_place(actor=cast.coordinator, place=place)
    assert not Place.objects.exists()
    event = AuditEvent.objects.get(action="delete")
    assert (event.object_type, event.network_id) == ("territory.place", cast.network.pk)


@pytest.mark.parametrize("persona", REFUSED)
def test_delete_place_is_for_coordinators_only(cast, persona):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    with pytest.raises(PermissionDenied):
        delete_place(actor=getattr(cast, persona), place=place)
    assert Place.objects.filter(pk=place.pk).exists()
