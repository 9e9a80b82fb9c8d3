"""Territory selectors: scoping by network and viewer, filters, and queries done up front."""

import pytest
from django.http import Http404

from legami.core.tests import factories as f
from legami.network.models import Person
from legami.territory.models import Place
from legami.territory.selectors.districts import district_municipality_ids, districts_of, get_district_for_user
from legami.territory.selectors.municipalities import (
    get_territory_link_for_user,
    municipalities_of,
    municipality_usage,
    search_municipalities,
    unassigned_links_of,
)
from legami.territory.selectors.neighbourhoods import get_neighbourhood_for_user, neighbourhood_usage, neighbourhoods_of
from legami.territory.selectors.places import get_place_for_user, places_of

pytestmark = pytest.mark.django_db


def test_municipalities_of_is_the_network_territory_by_name(cast, make_municipality):
    f.NetworkMunicipalityFactory(network=cast.other_network, municipality=make_municipality("Zelo"))
    assert [m.name for m in municipalities_of(cast.network)] == ["Crema", "Cremona"]
    assert [m.name for m in municipalities_of(cast.other_network)] == ["Zelo"]


def test_districts_of_prefetches_members(cast, django_assert_num_queries):
    with django_assert_num_queries(2):
        districts = list(districts_of(cast.network))
        names = {d.name: [link.municipality.name for link in d.members.all()] for d in districts}
        provinces = {link.municipality.province.abbreviation for d in districts for link in d.members.all()}
    assert names == {"Ambito Cremasco": ["Crema"], "Ambito Cremonese": ["Cremona"]}
    assert provinces == {"CR"}


def test_unassigned_links_of(cast, make_municipality):
    loose = make_municipality("Soresina")
    f.NetworkMunicipalityFactory(network=cast.network, municipality=loose)
    assert [link.municipality for link in unassigned_links_of(cast.network)] == [loose]


def test_neighbourhoods_of_only_the_network(cast):
    mine = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    f.NeighbourhoodFactory(network=cast.other_network, municipality=cast.municipalities[0])
    assert list(neighbourhoods_of(cast.network)) == [mine]


def test_places_of_filters(cast):
    cremona, crema = cast.municipalities
    school = f.PlaceFactory(
        network=cast.network, municipality=cremona, name="Scuola Realdo", kind=Place.Kind.SCHOOL, address="Via Po 1"
    )
    house = f.PlaceFactory(network=cast.network, municipality=crema, name="Casa Ombriano", address="Via Roma 2")
    f.PlaceFactory(network=cast.other_network, municipality=cremona, name="Scuola altrui", kind=Place.Kind.SCHOOL)
    assert list(places_of(cast.network)) == [house, school]
    assert list(places_of(cast.network, kind=Place.Kind.SCHOOL)) == [school]
    assert list(places_of(cast.network, municipality=crema)) == [house]
    assert list(places_of(cast.network, municipality=crema.pk)) == [house]
    assert list(places_of(cast.network, search="roma")) == [house]
    assert list(places_of(cast.network, search=" realdo ")) == [school]


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "citizen", "funder", "district_case_manager"])
def test_members_get_the_objects_of_their_network(cast, persona):
    viewer = getattr(cast, persona)
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])
    assert get_place_for_user(viewer, cast.network, place.pk) == place
    assert get_neighbourhood_for_user(viewer, cast.network, n.pk) == n
    assert get_district_for_user(viewer, cast.network, cast.district.pk) == cast.district
    link = get_territory_link_for_user(viewer, cast.network, cast.municipalities[0].pk)
    assert link.district == cast.district


@pytest.mark.parametrize("persona", ["outsider", "anonymous", "platform_admin"])
def test_non_members_get_404(cast, persona):
    viewer = getattr(cast, persona)
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    with pytest.raises(Http404):
        get_place_for_user(viewer, cast.network, place.pk)
    with pytest.raises(Http404):
        get_district_for_user(viewer, cast.network, cast.district.pk)


def test_objects_of_another_network_are_404(cast):
    place = f.PlaceFactory(network=cast.other_network, municipality=cast.municipalities[0])
    n = f.NeighbourhoodFactory(network=cast.other_network, municipality=cast.municipalities[0])
    district = f.SocialDistrictFactory(network=cast.other_network)
    for getter, pk in (
        (get_place_for_user, place.pk),
        (get_neighbourhood_for_user, n.pk),
        (get_district_for_user, district.pk),
        (get_place_for_user, "not-a-number"),
    ):
        with pytest.raises(Http404):
            getter(cast.coordinator, cast.network, pk)
    with pytest.raises(Http404):
        get_territory_link_for_user(cast.outsider, cast.other_network, cast.municipalities[0].pk)


def test_search_municipalities(cast, make_municipality):
    brescia = f.ProvinceFactory(istat_code="017", name="Brescia", abbreviation="BS")
    orzinuovi = make_municipality("Orzinuovi", province=brescia, istat_code="017127", cadastral_code="G149")
    assert [m.name for m in search_municipalities("crem")] == ["Crema", "Cremona"]
    assert [m.name for m in search_municipalities("  CREMONA ")] == ["Cremona"]
    assert list(search_municipalities("0171")) == [orzinuovi]
    assert list(search_municipalities("g149")) == [orzinuovi]
    assert list(search_municipalities("", province=brescia)) == [orzinuovi]
    assert list(search_municipalities("crem", province=brescia.pk)) == []
    flags = {m.name: m.in_territory for m in search_municipalities("", network=cast.network)}
    assert flags == {"Crema": True, "Cremona": True, "Orzinuovi": False}


def test_district_municipality_ids(cast):
    cremona, crema = cast.municipalities
    assert set(district_municipality_ids(cast.network, {cast.district.pk})) == {cremona.pk}
    assert set(district_municipality_ids(cast.network, [cast.district, cast.other_district])) == {
        cremona.pk,
        crema.pk,
    }
    assert set(district_municipality_ids(cast.network, [])) == set()
    # Usable as a subquery for people scoping.
    person = f.PersonFactory(network=cast.network, municipality=cremona)
    f.PersonFactory(network=cast.network, municipality=crema)
    scoped = Person.objects.filter(
        network=cast.network, municipality_id__in=district_municipality_ids(cast.network, {cast.district.pk})
    )
    assert list(scoped) == [person]


def test_usage_counts(cast):
    cremona = cast.municipalities[0]
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cremona)
    f.PlaceFactory(network=cast.network, municipality=cremona, neighbourhood=n)
    f.HouseholdFactory(network=cast.network, municipality=cremona, neighbourhood=n)
    f.OrganizationFactory(network=cast.network, municipality=cremona)
    assert municipality_usage(cast.network, cremona) == {
        "neighbourhoods": 1,
        "places": 1,
        "people": 0,
        "households": 1,
        "organizations": 1,
    }
    assert neighbourhood_usage(n) == {"places": 1, "people": 0, "households": 1}
