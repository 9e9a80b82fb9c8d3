"""Territory services: every success, every refusal, every bad input (and nothing written)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.network.models import Membership
from legami.territory.models import Neighbourhood, NetworkMunicipality, Place, SocialDistrict
from legami.territory.services.districts import create_district, delete_district, update_district
from legami.territory.services.municipalities import add_municipalities, remove_municipality
from legami.territory.services.neighbourhoods import create_neighbourhood, delete_neighbourhood, update_neighbourhood
from legami.territory.services.places import create_place, delete_place, update_place

pytestmark = pytest.mark.django_db

# Everyone but the coordinator: only coordinators manage the territory.
REFUSED = [
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "district_case_manager",
    "outsider",
    "platform_admin",
    "anonymous",
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def counts():
    """Rows of every table the territory services write, to prove a refusal wrote nothing."""
    return (
        NetworkMunicipality.objects.count(),
        SocialDistrict.objects.count(),
        Neighbourhood.objects.count(),
        Place.objects.count(),
        AuditEvent.objects.count(),
    )


def messages_of(exc, field):
    return " ".join(exc.value.message_dict[field])


def codes_of(exc):
    """Each field's error codes: what a form, the API and an import read."""
    return {field: [error.code for error in errors] for field, errors in exc.value.error_dict.items()}


def link_of(network, municipality):
    return NetworkMunicipality.objects.get(network=network, municipality=municipality)


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


# --- districts ------------------------------------------------------------------------------------


def test_create_district_adds_comuni_to_the_territory_when_needed(cast, make_municipality):
    loose = make_municipality("Soresina")
    f.NetworkMunicipalityFactory(network=cast.network, municipality=loose)
    outside = make_municipality("Casalbuttano")
    district = create_district(
        actor=cast.coordinator,
        network=cast.network,
        name="  Ambito Casalasco ",
        code="CR-3",
        municipalities=[loose, outside],
    )
    assert (district.name, district.code, district.network) == ("Ambito Casalasco", "CR-3", cast.network)
    assert link_of(cast.network, loose).district == district
    assert link_of(cast.network, outside).district == district
    event = AuditEvent.objects.get(object_type="territory.socialdistrict", action="create")
    assert sorted(event.after["municipalities"]) == sorted([loose.istat_code, outside.istat_code])
    assert AuditEvent.objects.filter(object_type="territory.networkmunicipality", action="create").count() == 1


def test_create_district_without_comuni(cast):
    district = create_district(actor=cast.coordinator, network=cast.network, name="Ambito vuoto")
    assert district.members.count() == 0


@pytest.mark.parametrize(
    ("name", "code", "field", "expected"),
    [
        ("", "", "name", "Enter the name"),
        ("   ", "", "name", "Enter the name"),
        ("x" * 151, "", "name", "at most 150"),
        ("ambito cremonese", "", "name", "already has a district"),
        ("Nuovo", "x" * 31, "code", "at most 30"),
    ],
)
def test_create_district_bad_input(cast, name, code, field, expected):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_district(actor=cast.coordinator, network=cast.network, name=name, code=code)
    assert expected in messages_of(exc, field)
    assert counts() == before


def test_create_district_refuses_a_comune_of_another_district(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_district(
            actor=cast.coordinator, network=cast.network, name="Nuovo", municipalities=[cast.municipalities[1]]
        )
    assert "Crema (Ambito Cremasco)" in messages_of(exc, "municipalities")
    assert counts() == before


def test_create_district_refuses_unknown_comuni(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_district(actor=cast.coordinator, network=cast.network, name="Nuovo", municipalities=[0])
    assert "not in the ISTAT list" in messages_of(exc, "municipalities")
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"name": ""}, {"name": ["required"]}),
        ({"name": "   "}, {"name": ["required"]}),
        ({"name": "x" * 151}, {"name": ["max_length"]}),
        ({"name": "AMBITO cremonese"}, {"name": ["unique"]}),
        ({"code": "x" * 31}, {"code": ["max_length"]}),
        ({"municipalities": [0, "Atlantide"]}, {"municipalities": ["unknown_municipality"]}),
        ({"municipalities": ["crema"]}, {"municipalities": ["other_district"]}),
        ({"name": "", "code": "x" * 31}, {"name": ["required"], "code": ["max_length"]}),
    ],
)
def test_create_district_refuses_with_a_field_and_a_code(cast, data, expected):
    data = {"name": "Nuovo"} | data
    data["municipalities"] = [cast.municipalities[1] if m == "crema" else m for m in data.get("municipalities", [])]
    before = counts()
    with pytest.raises(ValidationError) as exc:
        create_district(actor=cast.coordinator, network=cast.network, **data)
    assert codes_of(exc) == expected
    assert counts() == before


def test_create_district_takes_comuni_by_istat_code(cast, make_municipality):
    soresina = make_municipality("Soresina")
    district = create_district(
        actor=cast.coordinator, network=cast.network, name="Nuovo", code="", municipalities=[soresina.istat_code]
    )
    assert link_of(cast.network, soresina).district == district
    assert district.code == ""


def test_same_district_name_in_another_network_is_fine(cast):
    other_coordinator = cast.outsider
    district = create_district(actor=other_coordinator, network=cast.other_network, name="Ambito Cremonese")
    assert district.network == cast.other_network


@pytest.mark.parametrize("persona", REFUSED)
def test_create_district_is_for_coordinators_only(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        create_district(actor=getattr(cast, persona), network=cast.network, name="Nuovo")
    assert counts() == before


def test_update_district_renames_and_sets_exactly_the_given_comuni(cast, make_municipality):
    cremona = cast.municipalities[0]
    extra = make_municipality("Pizzighettone")
    district = update_district(
        actor=cast.coordinator, district=cast.district, name="Ambito di Cremona", code="AC", municipalities=[extra]
    )
    assert (district.name, district.code) == ("Ambito di Cremona", "AC")
    assert link_of(cast.network, cremona).district is None  # left the district, stays in the territory
    assert link_of(cast.network, extra).district == cast.district
    event = AuditEvent.objects.get(object_type="territory.socialdistrict", action="update")
    assert event.before["municipalities"] == ["019036"]
    assert event.after["municipalities"] == [extra.istat_code]
    assert event.after["name"] == "Ambito di Cremona"


def test_update_district_keeps_its_comuni_when_none_are_given(cast):
    update_district(actor=cast.coordinator, district=cast.district, name="Rinominato")
    assert link_of(cast.network, cast.municipalities[0]).district == cast.district


def test_update_district_may_keep_its_own_name(cast):
    district = update_district(
        actor=cast.coordinator, district=cast.district, name="Ambito Cremonese", municipalities=[cast.municipalities[0]]
    )
    assert district.name == "Ambito Cremonese"


def test_update_district_refuses_a_comune_of_another_district(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        update_district(
            actor=cast.coordinator,
            district=cast.district,
            name="Rinominato",
            municipalities=[cast.municipalities[0], cast.municipalities[1]],
        )
    assert "Crema (Ambito Cremasco)" in messages_of(exc, "municipalities")
    assert counts() == before
    cast.district.refresh_from_db()
    assert cast.district.name == "Ambito Cremonese"
    assert link_of(cast.network, cast.municipalities[1]).district == cast.other_district


def test_update_district_refuses_the_name_of_another_district(cast):
    with pytest.raises(ValidationError) as exc:
        update_district(actor=cast.coordinator, district=cast.district, name="AMBITO CREMASCO")
    assert "already has a district" in messages_of(exc, "name")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"name": ""}, {"name": ["required"]}),
        ({"name": "Ambito Cremasco"}, {"name": ["unique"]}),
        ({"name": "Rinominato", "code": "x" * 31}, {"code": ["max_length"]}),
        ({"name": "Rinominato", "municipalities": ["crema"]}, {"municipalities": ["other_district"]}),
        ({"name": "Rinominato", "municipalities": [987654321]}, {"municipalities": ["unknown_municipality"]}),
    ],
)
def test_update_district_refuses_with_a_field_and_a_code(cast, data, expected):
    if "municipalities" in data:
        data["municipalities"] = [cast.municipalities[1] if m == "crema" else m for m in data["municipalities"]]
    before = counts()
    with pytest.raises(ValidationError) as exc:
        update_district(actor=cast.coordinator, district=cast.district, **data)
    assert codes_of(exc) == expected
    assert counts() == before
    cast.district.refresh_from_db()
    assert cast.district.name == "Ambito Cremonese"


def test_update_district_may_take_its_comuni_out(cast):
    update_district(actor=cast.coordinator, district=cast.district, name="Ambito Cremonese", municipalities=[])
    assert link_of(cast.network, cast.municipalities[0]).district is None


@pytest.mark.parametrize("persona", REFUSED)
def test_update_district_is_for_coordinators_only(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        update_district(actor=getattr(cast, persona), district=cast.district, name="X")
    assert counts() == before


def test_delete_district_keeps_its_comuni_in_the_territory(cast):
    crema = cast.municipalities[1]
    pk = cast.other_district.pk
    delete_district(actor=cast.coordinator, district=cast.other_district)
    assert not SocialDistrict.objects.filter(pk=pk).exists()
    assert link_of(cast.network, crema).district is None
    event = AuditEvent.objects.get(action="delete")
    assert (event.object_type, event.object_id) == ("territory.socialdistrict", str(pk))
    assert event.before["municipalities"] == ["019035"]


def test_delete_district_refused_while_members_are_limited_to_it(cast):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        delete_district(actor=cast.coordinator, district=cast.district)
    assert "1 member is limited to it" in " ".join(exc.value.messages)
    assert counts() == before
    assert Membership.objects.filter(district=cast.district).exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_delete_district_is_for_coordinators_only(cast, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        delete_district(actor=getattr(cast, persona), district=cast.other_district)
    assert counts() == before


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
