"""Territory services, neighbourhoods: every success, every refusal, every bad input (and nothing written)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.territory.models import Neighbourhood
from legami.territory.services.neighbourhoods import create_neighbourhood, delete_neighbourhood, update_neighbourhood
from legami.territory.tests.services import REFUSED, codes_of, counts, messages_of

pytestmark = pytest.mark.django_db


# --- neighbourhoods -------------------------------------------------------------------------------


def test_create_neighbourhood(cast):
    n = create_neighbourhood(
        actor=cast.coordinator,
        network=cast.network,
        municipality=cast.municipalities[0],
        name=" Cascinetto ",
        description="Quartiere a nord",
    )
    assert (n.name, n.municipality, n.network, n.description) == (
        "Cascinetto",
        cast.municipalities[0],
        cast.network,
        "Quartiere a nord",
    )
    event = AuditEvent.objects.get(action="create")
    assert (event.object_type, event.actor, event.network_id) == (
        "territory.neighbourhood",
        cast.coordinator,
        cast.network.pk,
    )


def test_create_neighbourhood_accepts_a_municipality_id(cast):
    n = create_neighbourhood(
        actor=cast.coordinator, network=cast.network, municipality=cast.municipalities[1].pk, name="Ombriano"
    )
    assert n.municipality == cast.municipalities[1]


@pytest.mark.parametrize(
    ("municipality", "name", "field", "expected"),
    [
        ("outside", "Borgo", "municipality", "not in the network's territory"),
        (None, "Borgo", "municipality", "Choose the Comune"),
        (987654321, "Borgo", "municipality", "Choose the Comune"),
        ("cremona", "", "name", "Enter the name"),
        ("cremona", "y" * 151, "name", "at most 150"),
        ("cremona", "CASCINETTO", "name", "already has a neighbourhood"),
    ],
)
def test_create_neighbourhood_bad_input(cast, make_municipality, municipality, name, field, expected):
    f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Cascinetto")
    values = {"outside": make_municipality(), "cremona": cast.municipalities[0]}
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_neighbourhood(
            actor=cast.coordinator, network=cast.network, municipality=values.get(municipality, municipality), name=name
        )
    assert expected in messages_of(exc, field)
    assert counts() == before


@pytest.mark.parametrize(
    ("municipality", "name", "expected"),
    [
        ("outside", "Borgo", {"municipality": ["not_in_territory"]}),
        (None, "Borgo", {"municipality": ["required"]}),
        ("", "Borgo", {"municipality": ["required"]}),
        (987654321, "Borgo", {"municipality": ["invalid_choice"]}),
        ("not-a-number", "Borgo", {"municipality": ["invalid_choice"]}),
        ("cremona", "", {"name": ["required"]}),
        ("cremona", "   ", {"name": ["required"]}),
        ("cremona", "y" * 151, {"name": ["max_length"]}),
        ("cremona", " cascinetto ", {"name": ["unique"]}),
        (None, "", {"municipality": ["required"], "name": ["required"]}),
    ],
)
def test_create_neighbourhood_refuses_with_a_field_and_a_code(cast, make_municipality, municipality, name, expected):
    f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Cascinetto")
    values = {"outside": make_municipality(), "cremona": cast.municipalities[0]}
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_neighbourhood(
            actor=cast.coordinator, network=cast.network, municipality=values.get(municipality, municipality), name=name
        )
    assert codes_of(exc) == expected
    assert counts() == before


def test_same_neighbourhood_name_in_another_comune_is_fine(cast):
    f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Centro")
    n = create_neighbourhood(
        actor=cast.coordinator, network=cast.network, municipality=cast.municipalities[1], name="Centro"
    )
    assert n.municipality == cast.municipalities[1]


@pytest.mark.parametrize("persona", REFUSED)
def test_create_neighbourhood_is_for_coordinators_only(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        create_neighbourhood(
            actor=getattr(cast, persona), network=cast.network, municipality=cast.municipalities[0], name="Borgo"
        )
    assert counts() == before


def test_update_neighbourhood(cast):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Borgo")
    updated = update_neighbourhood(
        actor=cast.coordinator, neighbourhood=n, municipality=cast.municipalities[1], name="Borgo Nuovo"
    )
    assert (updated.name, updated.municipality) == ("Borgo Nuovo", cast.municipalities[1])
    event = AuditEvent.objects.get(action="update")
    assert event.before["name"] == "Borgo" and event.after["name"] == "Borgo Nuovo"


def test_update_neighbourhood_cannot_change_comune_while_in_use(cast):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Borgo")
    f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], neighbourhood=n)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        update_neighbourhood(actor=cast.coordinator, neighbourhood=n, municipality=cast.municipalities[1], name="Borgo")
    assert "1 place" in messages_of(exc, "municipality")
    assert counts() == before
    n.refresh_from_db()
    assert n.municipality == cast.municipalities[0]


def test_update_neighbourhood_refuses_a_move_while_in_use_with_a_field_and_a_code(cast):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Borgo")
    f.PersonFactory(network=cast.network, municipality=cast.municipalities[0], neighbourhood=n)
    with pytest.raises(ValidationError) as exc:
        update_neighbourhood(actor=cast.coordinator, neighbourhood=n, municipality=cast.municipalities[1], name="Borgo")
    assert codes_of(exc) == {"municipality": ["in_use"]}
    assert "1 person" in messages_of(exc, "municipality")


def test_update_neighbourhood_in_use_keeps_its_comune_and_name_and_changes_the_rest(cast):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Borgo")
    f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], neighbourhood=n)
    updated = update_neighbourhood(
        actor=cast.coordinator,
        neighbourhood=n,
        municipality=cast.municipalities[0].pk,
        name=" Borgo ",
        description=" Vicino al fiume ",
    )
    assert (updated.municipality, updated.name, updated.description) == (
        cast.municipalities[0],
        "Borgo",
        "Vicino al fiume",
    )


def test_update_neighbourhood_refuses_the_name_of_another_in_its_comune(cast):
    f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Centro")
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Borgo")
    with pytest.raises(ValidationError) as exc:
        update_neighbourhood(
            actor=cast.coordinator, neighbourhood=n, municipality=cast.municipalities[0], name="CENTRO"
        )
    assert codes_of(exc) == {"name": ["unique"]}
    n.refresh_from_db()
    assert n.name == "Borgo"


@pytest.mark.parametrize("persona", REFUSED)
def test_update_neighbourhood_is_for_coordinators_only(cast, persona):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Borgo")
    with pytest.raises(PermissionDenied):
        update_neighbourhood(
            actor=getattr(cast, persona), neighbourhood=n, municipality=cast.municipalities[0], name="Altro"
        )
    n.refresh_from_db()
    assert n.name == "Borgo"


def test_delete_neighbourhood_keeps_what_is_in_it(cast):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], neighbourhood=n)
    person = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0], neighbourhood=n)
    delete_neighbourhood(actor=cast.coordinator, neighbourhood=n)
    assert not Neighbourhood.objects.exists()
    place.refresh_from_db()
    person.refresh_from_db()
    assert place.neighbourhood is None and person.neighbourhood is None
    assert AuditEvent.objects.get(action="delete").object_type == "territory.neighbourhood"


@pytest.mark.parametrize("persona", REFUSED)
def test_delete_neighbourhood_is_for_coordinators_only(cast, persona):
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    with pytest.raises(PermissionDenied):
        delete_neighbourhood(actor=getattr(cast, persona), neighbourhood=n)
    assert Neighbourhood.objects.filter(pk=n.pk).exists()
