"""A process started from the needs map's filters: the public figures become its evidence, never a small number."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from legami.needs.models import TargetGroup
from legami.needs.selectors.map import MapFilters
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.participation.models import Process, ProcessEvent, ProcessKind, ProcessStatus
from legami.participation.services.from_map import create_process_from_map, map_query
from legami.participation.services.processes import create_phase, publish_process

JAN = datetime.date(2025, 1, 15)


@pytest.fixture
def data(cast):
    """Casa: 6 needs in Cremona (elderly people), 2 in Crema; Lavoro: 5 in Cremona with 3 people each."""
    cremona, crema = cast.municipalities
    casa = NeedAreaFactory(network=cast.network, code="casa", name="Casa", position=1)
    lavoro = NeedAreaFactory(network=cast.network, code="lavoro", name="Lavoro", position=2)
    for _ in range(6):
        NeedFactory(
            network=cast.network, area=casa, municipality=cremona, observed_on=JAN, target_group=TargetGroup.ELDERLY
        )
    for _ in range(2):
        NeedFactory(network=cast.network, area=casa, municipality=crema, observed_on=JAN)
    for _ in range(5):
        NeedFactory(network=cast.network, area=lavoro, municipality=cremona, observed_on=JAN, people_count=3)
    # Another network's needs never count.
    NeedFactory(network=cast.other_network, municipality=cremona, observed_on=JAN)
    return {"casa": casa, "lavoro": lavoro, "cremona": cremona, "crema": crema}


def url(cast, name="process_from_map", query=""):
    return reverse(f"participation:{name}", args=[cast.network.slug]) + (f"?{query}" if query else "")


# --- the service -----------------------------------------------------------------------------------------------


def test_the_public_figures_for_the_filters_become_the_evidence(cast, data):
    filters = MapFilters(area=data["casa"].pk, municipality=data["cremona"].pk, target_group=TargetGroup.ELDERLY)
    process = create_process_from_map(
        actor=cast.community_worker,
        network=cast.network,
        filters=filters,
        title="Anziani soli a Cremona",
        kind=ProcessKind.CO_DESIGN,
    )
    assert (process.status, process.kind, process.title) == (
        ProcessStatus.DRAFT,
        ProcessKind.CO_DESIGN,
        "Anziani soli a Cremona",
    )
    assert list(process.municipalities.all()) == [data["cremona"]]
    evidence = process.evidence
    assert evidence["source"] == "needs_map"
    assert (evidence["needs"], evidence["people"], evidence["suppressed"]) == (6, 6, False)
    assert evidence["areas"] == [{"name": "Casa", "needs": 6}]
    assert evidence["filters"] == [
        {"field": "area", "value": "Casa"},
        {"field": "target_group", "value": "elderly"},
        {"field": "municipality", "value": "Cremona"},
    ]
    assert evidence["query"] == map_query(filters)
    assert f"area={data['casa'].pk}" in evidence["query"] and "target_group=elderly" in evidence["query"]
    notes = list(ProcessEvent.objects.filter(process=process).values_list("note", flat=True))
    assert "Started from a reading of the needs map." in notes


def test_a_small_total_is_kept_hidden_in_the_evidence(cast, data):
    # Crema has 2 needs of one person each: under k, so the public map hides them and so does the evidence.
    filters = MapFilters(municipality=data["crema"].pk)
    process = create_process_from_map(actor=cast.coordinator, network=cast.network, filters=filters, title="Crema")
    evidence = process.evidence
    assert evidence["suppressed"] is True
    assert evidence["needs"] is None and evidence["people"] is None
    assert evidence["areas"] == [] and evidence["places"] == []
    assert "2" not in str({key: value for key, value in evidence.items() if key not in ("query", "recorded_on")})


def test_a_cell_hidden_on_the_public_map_is_left_out_of_the_lists(cast, data):
    # Network-wide: Cremona (6 + 5 needs) is shown; Crema (2 needs, 2 people) is hidden on the public map.
    process = create_process_from_map(
        actor=cast.coordinator, network=cast.network, filters=MapFilters(), title="Tutta la rete"
    )
    evidence = process.evidence
    places = {place["name"] for place in evidence["places"]}
    assert "Crema" not in places
    assert evidence["filters"] == [] and process.municipalities.count() == 0


def test_a_district_filter_gives_the_process_the_district_s_comuni(cast, data):
    filters = MapFilters(district=cast.district.pk)
    process = create_process_from_map(actor=cast.coordinator, network=cast.network, filters=filters, title="Ambito")
    assert list(process.municipalities.all()) == [data["cremona"]]
    assert {"field": "district", "value": "Ambito Cremonese"} in process.evidence["filters"]


def test_filters_no_need_matches_start_nothing(cast, data):
    filters = MapFilters(area=data["lavoro"].pk, municipality=data["crema"].pk)
    with pytest.raises(ValidationError) as caught:
        create_process_from_map(actor=cast.coordinator, network=cast.network, filters=filters, title="Vuoto")
    assert caught.value.code == "no_needs"
    assert not Process.objects.exists()


def test_a_process_needs_a_title(cast, data):
    with pytest.raises(ValidationError) as caught:
        create_process_from_map(actor=cast.coordinator, network=cast.network, filters=MapFilters(), title="  ")
    assert "title" in caught.value.message_dict
    assert not Process.objects.exists()


@pytest.mark.parametrize("persona", ["citizen", "partner_staff", "case_manager", "funder", "evaluator"])
def test_only_those_who_run_processes_start_one_from_the_map(cast, data, persona):
    with pytest.raises(PermissionDenied):
        create_process_from_map(
            actor=getattr(cast, persona), network=cast.network, filters=MapFilters(), title="Non consentito"
        )
    assert not Process.objects.exists()


# --- the pages -------------------------------------------------------------------------------------------------


def test_the_map_offers_the_start_to_those_who_run_processes(cast, data, login):
    map_url = reverse("needs:map", args=[cast.network.slug]) + f"?area={data['casa'].pk}"
    start = url(cast, query=f"area={data['casa'].pk}")
    page = login(cast.community_worker).get(map_url).content.decode()
    assert start.replace("&", "&amp;") in page
    for persona in ("citizen", "case_manager", "partner_staff"):
        page = login(getattr(cast, persona)).get(map_url).content.decode()
        assert url(cast) not in page
    # The public map never offers it, even to those who could.
    public = reverse("needs:map_public", args=[cast.network.slug])
    assert url(cast) not in login(cast.community_worker).get(public).content.decode()


def test_a_community_worker_drafts_a_process_from_the_map_and_everyone_reads_its_evidence(cast, data, login):
    query = f"area={data['casa'].pk}&municipality={data['cremona'].pk}"
    client = login(cast.community_worker)
    page = client.get(url(cast, query=query)).content.decode()
    assert "Community lab: Casa · Cremona" in page  # the suggested title
    assert "Area: Casa" in page and "Comune: Cremona" in page
    response = client.post(url(cast, query=query), {"title": "Casa a Cremona", "kind": "community_lab"})
    process = Process.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "participation:process_detail", args=[cast.network.slug, process.pk]
    )
    assert process.evidence["needs"] == 6
    today = datetime.date.today()
    create_phase(
        actor=cast.community_worker, process=process, data={"name": "Ascolto", "starts_on": today, "ends_on": today}
    )
    publish_process(actor=cast.community_worker, process=process)
    detail = reverse("participation:process_detail", args=[cast.network.slug, process.pk])
    for user in (None, cast.citizen):
        page = login(user).get(detail).content.decode()
        assert "What the process starts from" in page and "Area: Casa" in page
        assert "Open the needs map with these filters" in page
        public_map = reverse("needs:map_public", args=[cast.network.slug])
        assert f"{public_map}?area={data['casa'].pk}&amp;municipality={data['cremona'].pk}" in page


def test_a_small_reading_says_its_figures_are_hidden(cast, data, login):
    client = login(cast.coordinator)
    page = client.get(url(cast, query=f"municipality={data['crema'].pk}")).content.decode()
    assert "their figures are hidden, as on the public needs map" in page
    client.post(url(cast, query=f"municipality={data['crema'].pk}"), {"title": "Crema", "kind": "community_lab"})
    process = Process.objects.get()
    page = client.get(reverse("participation:process_detail", args=[cast.network.slug, process.pk])).content.decode()
    assert "their figures are hidden, as on the public needs map" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("area=abc", "Area:"),
        ("area=999999", "Area:"),
        ("date_from=2025-03-01&date_to=2025-01-01", "The end date comes before the start date."),
        ("municipality=abc", "Comune:"),
        ("origin=maybe", "Expressed or detected:"),
    ],
)
def test_bad_filters_in_the_address_are_told_and_nothing_is_drafted(cast, data, login, query, message):
    client = login(cast.coordinator)
    response = client.get(url(cast, query=query))
    assert response.status_code == 400 and message in response.content.decode()
    response = client.post(url(cast, query=query), {"title": "Titolo", "kind": "community_lab"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Process.objects.exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"title": "", "kind": "community_lab"}, "This field is required."),
        ({"title": "x" * 201, "kind": "community_lab"}, "Ensure this value has at most 200 characters"),
        ({"title": "Titolo", "kind": "assembly"}, "Select a valid choice."),
    ],
)
def test_bad_input_on_the_form_is_told_and_nothing_is_drafted(cast, data, login, post, message):
    response = login(cast.coordinator).post(url(cast, query=f"area={data['casa'].pk}"), post)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Process.objects.exists()


def test_filters_with_no_need_are_refused_on_the_page(cast, data, login):
    query = f"area={data['lavoro'].pk}&municipality={data['crema'].pk}"
    client = login(cast.coordinator)
    assert "No need matches these filters" in client.get(url(cast, query=query)).content.decode()
    response = client.post(url(cast, query=query), {"title": "Vuoto", "kind": "community_lab"})
    assert response.status_code == 400 and "No need matches these filters" in response.content.decode()
    assert not Process.objects.exists()


@pytest.mark.parametrize("persona", ["citizen", "partner_staff", "case_manager", "funder", "outsider"])
def test_the_page_is_refused_to_those_who_do_not_run_processes(cast, data, login, persona):
    client = login(getattr(cast, persona))
    assert client.get(url(cast)).status_code in (403, 404)
    assert client.post(url(cast), {"title": "No", "kind": "community_lab"}).status_code in (403, 404)
    assert not Process.objects.exists()
