"""Part E: the needs map and dashboard (counts, filters, k-anonymity, positions, pages, exports, permissions)."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f
from legami.needs.models import Channel, NeedStatus, PrivacyLevel, TargetGroup
from legami.needs.selectors.map import (
    CrossTable,
    Figure,
    Line,
    MapFilters,
    Table,
    needs_figures,
    place_positions,
    suppress_cross_table,
    suppress_table,
)
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

JAN = datetime.date(2025, 1, 15)
APR = datetime.date(2025, 4, 10)


def _needs(cast, area, municipality, count, **kwargs):
    kwargs.setdefault("observed_on", JAN)
    return [NeedFactory(network=cast.network, area=area, municipality=municipality, **kwargs) for _ in range(count)]


@pytest.fixture
def data(cast):
    """Casa: 6 needs in Cremona (1 person each), 2 in Crema; Lavoro: 5 in Cremona with 3 people each (a household)."""
    cremona, crema = cast.municipalities
    casa = NeedAreaFactory(network=cast.network, code="casa", name="Casa", position=1)
    lavoro = NeedAreaFactory(network=cast.network, code="lavoro", name="Lavoro", position=2)
    person = f.PersonFactory(network=cast.network, municipality=cremona)
    household = f.HouseholdFactory(network=cast.network, municipality=cremona)
    _needs(cast, casa, cremona, 4, target_group=TargetGroup.ELDERLY)
    # The same person twice: two needs, one subject.
    _needs(cast, casa, cremona, 2, person=person, expressed=False, observed_on=APR, channel=Channel.SENTINEL)
    _needs(cast, casa, crema, 2, status=NeedStatus.READING, privacy_level=PrivacyLevel.CASE_TEAM)
    _needs(cast, lavoro, cremona, 5, household=household, people_count=3)
    # another network's needs never count
    NeedFactory(network=cast.other_network, municipality=cremona)
    return {"casa": casa, "lavoro": lavoro, "cremona": cremona, "crema": crema}


def _fig(figure):
    return (figure.needs, figure.people, figure.subjects, figure.suppressed)


# --- counts ---------------------------------------------------------------------------------------


def test_exact_counts_for_an_operator(cast, data):
    figures = needs_figures(cast.coordinator, cast.network, MapFilters())
    assert figures.exact
    assert _fig(figures.total) == (13, 23, 8, False)  # 4 + 1 person + 2 + 1 household = 8 subjects
    cross = figures.cross
    assert [r.label for r in cross.rows] == ["Casa", "Lavoro"]
    assert [c.label for c in cross.columns] == ["Crema", "Cremona"]
    casa, lavoro = data["casa"].pk, data["lavoro"].pk
    cremona, crema = data["cremona"].pk, data["crema"].pk
    assert _fig(cross.cell(casa, cremona)) == (6, 6, 5, False)
    assert _fig(cross.cell(casa, crema)) == (2, 2, 2, False)
    assert _fig(cross.cell(lavoro, cremona)) == (5, 15, 1, False)
    assert _fig(cross.cell(lavoro, crema)) == (0, 0, 0, False)
    assert {r.label: r.figure.needs for r in cross.rows} == {"Casa": 8, "Lavoro": 5}
    assert {c.label: c.figure.people for c in cross.columns} == {"Crema": 2, "Cremona": 21}
    assert {ln.key: ln.figure.needs for ln in figures.by_origin.lines} == {True: 11, False: 2}
    assert {ln.key: ln.figure.needs for ln in figures.by_target.lines} == {"elderly": 4, "families": 9}
    assert {ln.key: ln.figure.needs for ln in figures.by_status.lines} == {"new": 11, "reading": 2}
    assert {ln.key: ln.figure.needs for ln in figures.by_channel.lines} == {"interview": 11, "sentinel": 2}
    assert [(ln.label, ln.figure.needs) for ln in figures.by_period.lines] == [("2025-01", 11), ("2025-04", 2)]


def test_an_operator_without_the_case_capability_counts_only_what_their_list_shows(cast, data, login):
    """The community worker's list hides the 2 case-team needs of Crema: so do their exact figures and export,
    or the difference would reveal them."""
    figures = needs_figures(cast.community_worker, cast.network, MapFilters())
    assert figures.exact
    assert _fig(figures.total) == (11, 21, 6, False)
    assert [c.label for c in figures.cross.columns] == ["Cremona"]
    export = login(cast.community_worker).get(reverse("needs:map_export", args=[cast.network.slug]))
    content = b"".join(export.streaming_content).decode()
    assert "Crema," not in content and "Total,Total,11,21,6" in content
    # The coordinator, who may read them, counts them.
    assert _fig(needs_figures(cast.coordinator, cast.network, MapFilters()).total)[0] == 13


def test_trend_by_quarter(cast, data):
    figures = needs_figures(cast.coordinator, cast.network, MapFilters(period="quarter"))
    assert [(ln.label, ln.figure.needs) for ln in figures.by_period.lines] == [("2025 T1", 11), ("2025 T2", 2)]


@pytest.mark.parametrize(
    ("filters", "needs"),
    [
        ({"target_group": TargetGroup.ELDERLY}, 4),
        ({"expressed": False}, 2),
        ({"expressed": True}, 11),
        ({"status": NeedStatus.READING}, 2),
        ({"channel": Channel.SENTINEL}, 2),
        ({"date_from": datetime.date(2025, 2, 1)}, 2),
        ({"date_to": datetime.date(2025, 2, 1)}, 11),
        ({"date_from": JAN, "date_to": JAN}, 11),
    ],
)
def test_filters(cast, data, filters, needs):
    assert needs_figures(cast.coordinator, cast.network, MapFilters(**filters)).total.needs == needs


def test_area_and_district_filters(cast, data):
    assert needs_figures(cast.coordinator, cast.network, MapFilters(area=data["lavoro"].pk)).total.needs == 5
    by_district = needs_figures(cast.coordinator, cast.network, MapFilters(district=cast.other_district.pk))
    assert by_district.total.needs == 2
    assert [c.label for c in by_district.cross.columns] == ["Crema"]


def test_one_comune_is_broken_down_by_neighbourhood(cast, data):
    cremona = data["cremona"]
    po = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Po")
    _needs(cast, data["casa"], cremona, 3, neighbourhood=po)
    figures = needs_figures(cast.coordinator, cast.network, MapFilters(municipality=cremona.pk))
    assert figures.cross.place_kind == "neighbourhood"
    assert {c.label: c.figure.needs for c in figures.cross.columns} == {"Po": 3, "Neighbourhood not given": 11}
    assert figures.total.needs == 14


# --- district scoping -----------------------------------------------------------------------------


def test_a_district_limited_operator_counts_only_their_comuni(cast, data):
    figures = needs_figures(cast.district_case_manager, cast.network, MapFilters())
    assert figures.exact
    assert figures.total.needs == 11
    assert [c.label for c in figures.cross.columns] == ["Cremona"]


def test_non_operators_see_the_whole_network_suppressed(cast, data):
    figures = needs_figures(cast.evaluator, cast.network, MapFilters())
    assert not figures.exact
    assert figures.total.needs == 13  # the total is >= k: shown


# --- suppression ----------------------------------------------------------------------------------


def _hidden_per_line(cross):
    lines = []
    for row in cross.rows:
        lines.append(
            [cross.cells[(row.key, c.key)] for c in cross.columns if (row.key, c.key) in cross.cells] + [row.figure]
        )
    for col in cross.columns:
        lines.append(
            [cross.cells[(r.key, col.key)] for r in cross.rows if (r.key, col.key) in cross.cells] + [col.figure]
        )
    lines.append([r.figure for r in cross.rows])
    lines.append([c.figure for c in cross.columns])
    return [sum(1 for e in line if e.suppressed) for line in lines]


def test_suppression_for_a_non_operator(cast, data):
    figures = needs_figures(cast.evaluator, cast.network, MapFilters())
    cross = figures.cross
    casa, lavoro = data["casa"].pk, data["lavoro"].pk
    cremona, crema = data["cremona"].pk, data["crema"].pk
    # Casa/Crema has 2 people: hidden. Lavoro/Cremona has 15 people but one household: hidden too.
    assert cross.cell(casa, crema).suppressed and cross.cell(casa, crema).needs is None
    assert cross.cell(lavoro, cremona).suppressed and cross.cell(lavoro, cremona).people is None
    # Casa's row then has two hidden cells, Cremona's column one: it hides Casa/Cremona too.
    assert cross.cell(casa, cremona).suppressed
    assert all(n != 1 for n in _hidden_per_line(cross))
    assert _fig(figures.total) == (13, 23, 8, False)
    # by origin: detected has 2 needs -> hidden, and expressed with it (else total - expressed = detected)
    assert all(ln.figure.suppressed for ln in figures.by_origin.lines)
    assert not figures.by_origin.total.suppressed


def test_suppression_of_the_public_page_even_for_an_operator(cast, data):
    figures = needs_figures(cast.coordinator, cast.network, MapFilters(), public=True)
    assert not figures.exact
    assert figures.cross.cell(data["casa"].pk, data["crema"].pk).suppressed


def test_a_total_under_k_is_hidden(cast, data):
    figures = needs_figures(cast.evaluator, cast.network, MapFilters(status=NeedStatus.READING))
    assert figures.total.suppressed and figures.total.needs is None
    assert all(ln.figure.suppressed for ln in figures.by_area.lines)


def test_secondary_suppression_of_a_one_dimensional_table():
    table = Table(
        [Line("a", "A", Figure(2, 2, 2)), Line("b", "B", Figure(9, 9, 9)), Line("c", "C", Figure(30, 30, 30))],
        Figure(41, 41, 41),
    )
    suppress_table(table, 5)
    assert [ln.figure.suppressed for ln in table.lines] == [True, True, False]
    assert table.lines[1].figure.people is None
    assert not table.total.suppressed


def test_secondary_suppression_of_a_cross_table_reaches_the_totals():
    # One row, two cells: 3 people in Crema and 1000 in Cremona; the row total 1003 would give 3 away.
    cells = {("casa", "cremona"): Figure(5, 1000, 5), ("casa", "crema"): Figure(1, 3, 1)}
    cross = CrossTable(
        rows=[Line("casa", "Casa", Figure(6, 1003, 6))],
        columns=[Line("crema", "Crema", Figure(1, 3, 1)), Line("cremona", "Cremona", Figure(5, 1000, 5))],
        cells=cells,
        total=Figure(6, 1003, 6),
        place_kind="municipality",
    )
    suppress_cross_table(cross, 5)
    assert cells[("casa", "crema")].suppressed and cells[("casa", "cremona")].suppressed
    assert [c.figure.suppressed for c in cross.columns] == [True, True]
    assert not cross.rows[0].figure.suppressed and not cross.total.suppressed
    assert all(n != 1 for n in _hidden_per_line(cross))


def test_no_suppression_when_every_cell_reaches_k():
    cells = {("a", "x"): Figure(5, 5, 5), ("a", "y"): Figure(6, 6, 6)}
    cross = CrossTable(
        rows=[Line("a", "A", Figure(11, 11, 11))],
        columns=[Line("x", "X", Figure(5, 5, 5)), Line("y", "Y", Figure(6, 6, 6))],
        cells=cells,
        total=Figure(11, 11, 11),
        place_kind="municipality",
    )
    suppress_cross_table(cross, 5)
    assert not any(c.suppressed for c in cells.values())


# --- positions ------------------------------------------------------------------------------------


def test_comune_positions_from_places_and_enough_needs(cast, data):
    cremona, crema = data["cremona"], data["crema"]
    f.PlaceFactory(
        network=cast.network, municipality=cremona, latitude=Decimal("45.1000"), longitude=Decimal("10.0000")
    )
    # five needs with points in Cremona: they count (k = 5)
    _needs(cast, data["casa"], cremona, 5, latitude=Decimal("45.2000"), longitude=Decimal("10.1000"))
    # two needs with points in Crema: too few to count, and Crema has no place: no position
    _needs(cast, data["casa"], crema, 2, latitude=Decimal("45.3600"), longitude=Decimal("9.6800"))
    positions = place_positions(cast.network)
    assert positions == {cremona.pk: (45.183, 10.083)}  # (45.1 + 5 * 45.2) / 6, rounded to 3 decimals
    figures = needs_figures(cast.coordinator, cast.network, MapFilters())
    # Crema has too few points of its own: it stands at its centroid (legami/territory/data), not off the map.
    assert [(m.label, m.latitude, m.longitude, m.figure.needs) for m in figures.markers] == [
        ("Crema", 45.3659, 9.683, 4),
        ("Cremona", 45.183, 10.083, 16),
    ]
    assert figures.unplaced == []


def test_a_comune_missing_from_the_centroids_file_is_listed_beside_the_map(cast, data):
    data["crema"].istat_code = "999999"
    data["crema"].save()
    figures = needs_figures(cast.coordinator, cast.network, MapFilters())
    assert [m.label for m in figures.markers] == ["Cremona"]
    assert figures.unplaced == ["Crema"]


def test_places_of_another_network_do_not_move_a_comune(cast, data):
    f.PlaceFactory(network=cast.other_network, municipality=data["cremona"], latitude=1, longitude=1)
    assert place_positions(cast.network) == {}


# --- pages ----------------------------------------------------------------------------------------


def _map_url(cast, name="needs:map"):
    return reverse(name, args=[cast.network.slug])


def _json_data(response):
    match = re.search(r'<script id="needs-map-data" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1))


def test_the_page_works_without_javascript(cast, data, login):
    response = login(cast.coordinator).get(_map_url(cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert '<div id="needs-map" class="legami-map" hidden' in html
    assert '<th scope="row">Cremona</th>' in html and '<th scope="col">Casa</th>' in html
    assert "<caption>" in html
    assert "leaflet/leaflet.js" in html and "legami/needs-map.js" in html
    # no inline script but the JSON data
    assert re.findall(r"<script>(?!window.__PUBLIC_PATH__)", html) == []


def test_operators_see_exact_figures_in_the_page(cast, data, login):
    html = login(cast.coordinator).get(_map_url(cast) + "?measure=people").content.decode()
    table = re.search(r'<table class="table legami-table legami-cross-table">(.*?)</table>', html, re.S).group(1)
    header = re.findall(r'<th scope="col">([^<]*)</th>', re.search(r"<thead>(.*?)</thead>", table, re.S).group(1))
    lavoro = header.index("Lavoro") - 1  # the first column holds the Comuni's names

    def column(label):
        row = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', table, re.S).group(1)
        return re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', row)[lavoro]

    assert [column("Crema"), column("Cremona"), column("Total")] == ["0", "15", "15"]
    assert "hidden</td>" not in html


def _distinct_dataset(cast):
    """Casa: Cremona 5 needs of 200 people each, Crema 1 need of 3 people: 1000 must be hidden with the 3."""
    cremona, crema = cast.municipalities
    casa = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    f.PlaceFactory(network=cast.network, municipality=cremona, latitude=45.13, longitude=10.02)
    f.PlaceFactory(network=cast.network, municipality=crema, latitude=45.36, longitude=9.68)
    _needs(cast, casa, cremona, 5, people_count=200)
    _needs(cast, casa, crema, 1, people_count=3)


@pytest.mark.parametrize("persona", ["anonymous", "evaluator", "funder", "partner_staff", "citizen", "privacy_officer"])
def test_small_cells_never_reach_a_non_operator(cast, login, persona):
    _distinct_dataset(cast)
    client = login(getattr(cast, persona))
    url = _map_url(cast, "needs:map_public" if persona == "anonymous" else "needs:map") + "?measure=people"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1,003" in html or "1.003" in html  # the grand total is shown
    # 1000 as a figure, not as digits inside a random element id or token ("chart-8fa2100058")
    assert re.findall(r"(?<![\w.,])1[.,]?000(?![\w])", html) == []
    for figure in (">3<", ">200<"):
        assert figure not in html
    assert _json_data(response)["markers"] == []  # both Comuni hidden: no circle at all
    export_name = "needs:map_public_export" if persona == "anonymous" else "needs:map_export"
    content = b"".join(client.get(reverse(export_name, args=[cast.network.slug])).streaming_content).decode()
    assert "1000" not in content and ",3," not in content
    assert "Casa,Crema,hidden,hidden,hidden" in content
    assert "Total,Total,6,1003,6" in content


def test_the_json_carries_shown_figures_for_operators(cast, login):
    _distinct_dataset(cast)
    data = _json_data(login(cast.coordinator).get(_map_url(cast) + "?measure=people"))
    assert sorted((m["name"], m["value"]) for m in data["markers"]) == [("Crema", 3), ("Cremona", 1000)]
    assert data["tiles"] == {"url": "", "attribution": ""}


def test_tiles_are_configurable(cast, login, settings):
    _distinct_dataset(cast)
    settings.LEGAMI_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.LEGAMI_MAP_TILES_ATTRIBUTION = "© Example"
    data = _json_data(login(cast.coordinator).get(_map_url(cast)))
    assert data["tiles"] == {"url": "https://tiles.example.org/{z}/{x}/{y}.png", "attribution": "© Example"}


def test_an_empty_network_says_so(cast, login):
    html = login(cast.evaluator).get(_map_url(cast)).content.decode()
    assert "No need has been recorded yet." in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("area=999999", "area"),
        ("area=abc", "area"),
        ("date_from=2025-13-45", "date_from"),
        ("date_to=yesterday", "date_to"),
        ("date_from=2025-03-01&date_to=2025-01-01", "date_to"),
        ("date_from=2999-01-01", "date_from"),
        ("target_group=aliens", "target_group"),
        ("status=lost", "status"),
        ("channel=pigeon", "channel"),
        ("municipality=424242", "municipality"),
        ("district=424242", "district"),
        ("period=century", "period"),
        ("measure=weight", "measure"),
    ],
)
def test_bad_filters_are_form_errors(cast, data, login, query, field):
    response = login(cast.coordinator).get(_map_url(cast) + "?" + query)
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert field in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    export = login(cast.coordinator).get(reverse("needs:map_export", args=[cast.network.slug]) + "?" + query)
    assert export.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_comune_outside_the_chosen_district_is_an_error(cast, data, login):
    query = f"?municipality={data['crema'].pk}&district={cast.district.pk}"
    response = login(cast.coordinator).get(_map_url(cast) + query)
    assert "municipality" in response.context["form"].errors


def test_a_district_limited_operator_cannot_filter_on_another_district(cast, data, login):
    response = login(cast.district_case_manager).get(_map_url(cast) + f"?municipality={data['crema'].pk}")
    assert "municipality" in response.context["form"].errors


def test_the_filters_reach_the_page(cast, data, login):
    response = login(cast.coordinator).get(
        _map_url(cast) + f"?area={data['lavoro'].pk}&municipality={data['cremona'].pk}"
    )
    assert response.context["figures"].total.needs == 5
    assert "By area and neighbourhood" in response.content.decode()


# --- exports --------------------------------------------------------------------------------------


def test_the_internal_export_is_exact_and_audited(cast, data, login):
    client = login(cast.coordinator)
    response = client.get(reverse("needs:map_export", args=[cast.network.slug]) + "?format=csv&status=new")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0] == "Area,Comune,Needs,People concerned,Distinct subjects"
    assert "Casa,Cremona,6,6,5" in lines
    assert "Lavoro,Cremona,5,15,1" in lines
    assert "Total,Total,11,21,6" in lines
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == cast.coordinator and event.data_class == DataClass.PERSONAL
    assert event.after["status"] == "new" and event.after["format"] == "csv"


def test_the_internal_export_of_a_non_operator_is_suppressed_and_audited(cast, data, login):
    client = login(cast.funder)
    response = client.get(reverse("needs:map_export", args=[cast.network.slug]) + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.data_class == DataClass.PUBLIC


def test_an_unknown_export_format_is_refused(cast, data, login):
    response = login(cast.coordinator).get(reverse("needs:map_export", args=[cast.network.slug]) + "?format=pdf")
    assert response.status_code == 400
    assert not AuditEvent.objects.exists()


def test_the_public_export_is_csv_and_not_audited(cast, data, client):
    response = client.get(reverse("needs:map_public_export", args=[cast.network.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("case_manager", 200),
        ("community_worker", 200),
        ("partner_staff", 200),
        ("evaluator", 200),
        ("funder", 200),
        ("citizen", 200),
        ("privacy_officer", 200),
        ("district_case_manager", 200),
        ("outsider", 404),
        ("platform_admin", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("name", ["needs:map", "needs:map_export"])
def test_internal_pages_per_persona(cast, login, persona, status, name):
    assert login(getattr(cast, persona)).get(_map_url(cast, name)).status_code == status


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "platform_admin", "citizen", "coordinator"])
@pytest.mark.parametrize("name", ["needs:map_public", "needs:map_public_export"])
def test_public_pages_for_everyone(cast, login, persona, name):
    assert login(getattr(cast, persona)).get(_map_url(cast, name)).status_code == 200


def test_the_pages_refuse_writes(cast, login):
    client = login(cast.coordinator)
    assert client.post(_map_url(cast)).status_code == 405
    assert client.post(_map_url(cast, "needs:map_public")).status_code == 405


def test_an_outsider_sees_only_public_figures_of_another_network(cast, data, login):
    response = login(cast.outsider).get(_map_url(cast, "needs:map_public"))
    assert not response.context["figures"].exact


# --- queries --------------------------------------------------------------------------------------


def _grow(cast, areas, per_cell):
    for i in range(areas):
        area = NeedAreaFactory(network=cast.network, code=f"area-grow-{i}", name=f"Grow {i}")
        for municipality in cast.municipalities:
            f.NeighbourhoodFactory(network=cast.network, municipality=municipality)
            _needs(cast, area, municipality, per_cell, latitude=45.1, longitude=10.0)


@pytest.mark.parametrize("persona", ["coordinator", "evaluator", "anonymous"])
def test_constant_queries(cast, login, persona):
    client = login(getattr(cast, persona))
    url = _map_url(cast, "needs:map_public" if persona == "anonymous" else "needs:map")
    counts = []
    for areas, per_cell in ((1, 2), (4, 6)):
        _grow(cast, areas, per_cell)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 25
