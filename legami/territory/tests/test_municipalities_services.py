"""Territory services, adding Comuni to the territory and removing them: every success, every refusal, every
bad input (and nothing written)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.territory.models import NetworkMunicipality
from legami.territory.services.municipalities import add_municipalities, remove_municipality
from legami.territory.tests.services import REFUSED, codes_of, counts, link_of, messages_of

pytestmark = pytest.mark.django_db


# --- add_municipalities ---------------------------------------------------------------------------


def test_add_municipalities_adds_new_comuni_and_audits_each(cast, make_municipality):
    a, b = make_municipality("Soresina"), make_municipality("Casalmaggiore")
    added = add_municipalities(actor=cast.coordinator, network=cast.network, municipalities=[a, b.pk])
    assert {link.municipality for link in added} == {a, b}
    assert all(link.district is None for link in added)
    events = AuditEvent.objects.filter(object_type="territory.networkmunicipality", action="create")
    assert events.count() == 2
    assert {e.actor for e in events} == {cast.coordinator}
    assert {e.network_id for e in events} == {cast.network.pk}


def test_add_municipalities_accepts_istat_codes(cast, make_municipality):
    a = make_municipality("Soncino", istat_code="019097")
    added = add_municipalities(actor=cast.coordinator, network=cast.network, municipalities=["019097"])
    assert [link.municipality for link in added] == [a]


def test_add_municipalities_is_idempotent(cast, make_municipality):
    a = make_municipality()
    add_municipalities(actor=cast.coordinator, network=cast.network, municipalities=[a])
    before = counts()
    again = add_municipalities(actor=cast.coordinator, network=cast.network, municipalities=[a, *cast.municipalities])
    assert again == []
    assert counts() == before


def test_add_municipalities_into_a_district(cast, make_municipality):
    new = make_municipality()
    loose = make_municipality()
    f.NetworkMunicipalityFactory(network=cast.network, municipality=loose)
    added = add_municipalities(
        actor=cast.coordinator, network=cast.network, municipalities=[new, loose], district=cast.district
    )
    assert [link.municipality for link in added] == [new]
    assert link_of(cast.network, new).district == cast.district
    assert link_of(cast.network, loose).district == cast.district
    assert AuditEvent.objects.filter(object_type="territory.networkmunicipality", action="update").count() == 1


def test_add_municipalities_refuses_a_comune_of_another_district(cast, make_municipality):
    crema = cast.municipalities[1]
    new = make_municipality()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        add_municipalities(
            actor=cast.coordinator, network=cast.network, municipalities=[new, crema], district=cast.district
        )
    assert "Crema (Ambito Cremasco)" in messages_of(exc, "municipalities")
    assert counts() == before
    assert link_of(cast.network, crema).district == cast.other_district


def test_add_municipalities_refuses_comuni_not_in_the_istat_table(cast, make_municipality):
    real = make_municipality()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        add_municipalities(
            actor=cast.coordinator, network=cast.network, municipalities=[real, 999999, "999999", "Milano"]
        )
    message = messages_of(exc, "municipalities")
    assert "not in the ISTAT list" in message
    assert "999999" in message and "Milano" in message
    assert counts() == before


def test_add_municipalities_needs_at_least_one(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        add_municipalities(actor=cast.coordinator, network=cast.network, municipalities=[])
    assert "at least one" in messages_of(exc, "municipalities")
    assert counts() == before


def test_add_municipalities_refuses_a_district_of_another_network(cast, make_municipality):
    foreign = f.SocialDistrictFactory(network=cast.other_network)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        add_municipalities(
            actor=cast.coordinator, network=cast.network, municipalities=[make_municipality()], district=foreign
        )
    assert "district" in exc.value.message_dict
    assert counts() == before


@pytest.mark.parametrize(
    ("municipalities", "district", "expected"),
    [
        ([], None, {"municipalities": ["required"]}),
        (["999999", 999999, "Milano"], None, {"municipalities": ["unknown_municipality"]}),
        (["new"], "foreign", {"district": ["invalid_choice"]}),
        ([], "foreign", {"municipalities": ["required"], "district": ["invalid_choice"]}),
        (["new", "crema"], "mine", {"municipalities": ["other_district"]}),
    ],
)
def test_add_municipalities_refuses_with_a_field_and_a_code(
    cast, make_municipality, municipalities, district, expected
):
    values = {"new": make_municipality(), "crema": cast.municipalities[1]}
    districts = {"mine": cast.district, "foreign": f.SocialDistrictFactory(network=cast.other_network), None: None}
    before = counts()
    with pytest.raises(ValidationError) as exc:
        add_municipalities(
            actor=cast.coordinator,
            network=cast.network,
            municipalities=[values.get(m, m) for m in municipalities],
            district=districts[district],
        )
    assert codes_of(exc) == expected
    assert counts() == before


def test_add_municipalities_takes_instances_ids_and_istat_codes_once_each(cast, make_municipality):
    a, b, c = make_municipality("Soresina"), make_municipality("Soncino"), make_municipality("Casalbuttano")
    added = add_municipalities(
        actor=cast.coordinator, network=cast.network, municipalities=[a, b.pk, f" {c.istat_code} ", a.pk]
    )
    assert sorted(link.municipality.name for link in added) == ["Casalbuttano", "Soncino", "Soresina"]


@pytest.mark.parametrize("persona", REFUSED)
def test_add_municipalities_is_for_coordinators_only(cast, make_municipality, persona):
    m = make_municipality()
    before = counts()
    with pytest.raises(PermissionDenied):
        add_municipalities(actor=getattr(cast, persona), network=cast.network, municipalities=[m])
    assert counts() == before


# --- remove_municipality --------------------------------------------------------------------------


def test_remove_municipality(cast, make_municipality):
    m = make_municipality()
    link = f.NetworkMunicipalityFactory(network=cast.network, municipality=m)
    remove_municipality(actor=cast.coordinator, network=cast.network, municipality=m)
    assert not NetworkMunicipality.objects.filter(pk=link.pk).exists()
    event = AuditEvent.objects.get(action="delete")
    assert (event.object_type, event.object_id, event.network_id) == (
        "territory.networkmunicipality",
        str(link.pk),
        cast.network.pk,
    )
    assert event.before["municipality_id"] == m.pk


def test_remove_municipality_refused_while_the_network_uses_it(cast):
    cremona = cast.municipalities[0]
    f.NeighbourhoodFactory(network=cast.network, municipality=cremona)
    f.PlaceFactory(network=cast.network, municipality=cremona)
    f.PersonFactory(network=cast.network, municipality=cremona)
    f.PersonFactory(network=cast.network, municipality=cremona)
    # Rows of another network do not block this one.
    f.PlaceFactory(network=cast.other_network, municipality=cast.municipalities[1])
    before = counts()
    with pytest.raises(ValidationError) as exc:
        remove_municipality(actor=cast.coordinator, network=cast.network, municipality=cremona)
    message = messages_of(exc, "municipality")
    assert "Cremona is still used by 1 neighbourhood, 1 place, 2 people" in message
    assert counts() == before


def test_remove_municipality_not_in_the_territory(cast, make_municipality):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        remove_municipality(actor=cast.coordinator, network=cast.network, municipality=make_municipality())
    assert "not in this network's territory" in messages_of(exc, "municipality")
    assert counts() == before


def test_crema_can_leave_a_network_that_does_not_use_it(cast):
    crema = cast.municipalities[1]
    f.PlaceFactory(network=cast.other_network, municipality=crema)
    remove_municipality(actor=cast.coordinator, network=cast.network, municipality=crema)
    assert not NetworkMunicipality.objects.filter(network=cast.network, municipality=crema).exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_remove_municipality_is_for_coordinators_only(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        remove_municipality(actor=getattr(cast, persona), network=cast.network, municipality=cast.municipalities[1])
    assert counts() == before
