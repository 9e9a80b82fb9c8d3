"""Territory services, social districts: every success, every refusal, every bad input (and nothing written)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.network.models import Membership
from legami.territory.models import SocialDistrict
from legami.territory.services.districts import create_district, delete_district, update_district
from legami.territory.tests.services import REFUSED, codes_of, counts, link_of, messages_of

pytestmark = pytest.mark.django_db


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
