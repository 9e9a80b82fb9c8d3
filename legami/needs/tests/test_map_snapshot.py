"""The needs map counts on a cached snapshot of the network's needs (legami.needs.selectors.map.needs_snapshot).

Two things are checked here: the figures are exactly those of the implementation that read every counted need
with SQL on each request (kept as the oracle in map_oracle.py), for many viewers and filters on random data; and
every kind of write to the needs is seen at the very next request, because database triggers move the network's
needs revision in the same transaction.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection, transaction

from legami.core.tests import factories as f
from legami.needs.models import Channel, Need, NeedsRevision, NeedStatus, PrivacyLevel, TargetGroup
from legami.needs.selectors import snapshot as needs_snapshot_module
from legami.needs.selectors.map import MapFilters, needs_figures
from legami.needs.selectors.snapshot import needs_revision
from legami.needs.services.needs import change_need_status, delete_need, record_need, update_need
from legami.needs.tests import map_oracle
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.territory.centroids import municipality_centroid
from legami.territory.models import Municipality

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 11, 20)
TARGETS = [TargetGroup.FAMILIES, TargetGroup.ELDERLY, TargetGroup.MINORS]
CHANNELS = [Channel.INTERVIEW, Channel.SENTINEL, Channel.ONLINE]
STATUSES = [NeedStatus.NEW, NeedStatus.READING, NeedStatus.CLOSED]
VIEWERS = [
    ("coordinator", False),  # exact, case-team needs included
    ("community_worker", False),  # exact, without case-team needs
    ("district_case_manager", False),  # exact, one district's Comuni only
    ("evaluator", False),  # suppressed
    ("anonymous", True),  # the public page
    ("coordinator", True),  # the public page seen by an operator: suppressed too
]


def _figure(figure):
    return (figure.needs, figure.people, figure.subjects, figure.suppressed)


def _table(table):
    return [(ln.key, ln.label, _figure(ln.figure)) for ln in table.lines], _figure(table.total)


def _described(figures) -> dict:
    """Everything a page or an export can show of the figures, in comparable form."""
    cross = figures.cross
    return {
        "exact": figures.exact,
        "k": figures.k,
        "place_kind": cross.place_kind,
        "rows": [(ln.key, ln.label, _figure(ln.figure)) for ln in cross.rows],
        "columns": [(ln.key, ln.label, _figure(ln.figure)) for ln in cross.columns],
        "cells": {key: _figure(figure) for key, figure in cross.cells.items()},
        "total": _figure(cross.total),
        **{name: _table(getattr(figures, name)) for name in ("by_target", "by_status", "by_origin", "by_channel")},
        "by_period": _table(figures.by_period),
    }


def assert_same_as_oracle(viewer, network, filters: MapFilters, *, public: bool) -> None:
    new = needs_figures(viewer, network, filters, public=public)
    old = map_oracle.needs_figures(viewer, network, map_oracle.MapFilters(**vars(filters)), public=public)
    assert _described(new) == _described(old), (filters, public)
    # The same circles, and now also one for each Comune that had none for want of a point: at its centroid.
    mine, theirs = {m.key: m for m in new.markers}, {m.key: m for m in old.markers}
    assert set(theirs) <= set(mine)
    for key, marker in theirs.items():
        assert (mine[key].label, _figure(mine[key].figure)) == (marker.label, _figure(marker.figure))
        # Means of the same points, summed in another order: equal once rounded to about 100 m, but a sum that
        # lands on a rounding edge may round the other way.
        assert abs(mine[key].latitude - marker.latitude) <= 0.0011
        assert abs(mine[key].longitude - marker.longitude) <= 0.0011
    placed_now = {mine[key].label for key in set(mine) - set(theirs)}
    assert placed_now <= set(old.unplaced)
    for key in set(mine) - set(theirs):
        code = Municipality.objects.get(pk=key).istat_code
        assert (mine[key].latitude, mine[key].longitude) == municipality_centroid(code)
    assert new.unplaced == [name for name in old.unplaced if name not in placed_now]


@pytest.fixture
def world(cast):
    """Random needs of every kind in both Comuni: areas, neighbourhoods, people, households, case-team needs,
    points, days on both sides of month and quarter boundaries; some places with points; another network's."""
    rng = random.Random(20260101)
    network = cast.network
    cremona, crema = cast.municipalities
    areas = [NeedAreaFactory(network=network, code=f"area-{i}", name=f"Area {i}", position=i % 2) for i in range(3)]
    neighbourhoods = {
        m.pk: [f.NeighbourhoodFactory(network=network, municipality=m, name=f"{m.name} {i}") for i in range(2)]
        for m in (cremona, crema)
    }
    people = [f.PersonFactory(network=network, municipality=cremona) for _ in range(8)]
    households = [f.HouseholdFactory(network=network, municipality=crema) for _ in range(5)]
    f.PlaceFactory(network=network, municipality=crema, latitude=Decimal("45.360000"), longitude=Decimal("9.680000"))
    f.PlaceFactory(
        network=network,
        municipality=cremona,
        neighbourhood=neighbourhoods[cremona.pk][0],
        latitude=Decimal("45.133000"),
        longitude=Decimal("10.022000"),
    )
    for _ in range(160):
        municipality = rng.choice((cremona, cremona, crema))
        draw = rng.random()
        point = rng.random() < 0.6
        NeedFactory(
            network=network,
            area=rng.choice(areas),
            municipality=municipality,
            neighbourhood=rng.choice([None, *neighbourhoods[municipality.pk]]),
            target_group=rng.choice(TARGETS),
            channel=rng.choice(CHANNELS),
            status=rng.choice(STATUSES),
            expressed=rng.random() < 0.7,
            privacy_level=PrivacyLevel.CASE_TEAM if rng.random() < 0.15 else PrivacyLevel.NETWORK,
            person=rng.choice(people) if draw < 0.4 else None,
            household=rng.choice(households) if 0.4 <= draw < 0.6 else None,
            people_count=rng.randint(1, 4),
            latitude=Decimal(f"{45.1 + rng.random() / 10:.6f}") if point else None,
            longitude=Decimal(f"{9.9 + rng.random() / 10:.6f}") if point else None,
            observed_on=START + datetime.timedelta(days=rng.randint(0, 130)),
        )
    NeedFactory(network=cast.other_network, municipality=cremona, area=NeedAreaFactory(network=cast.other_network))
    return {"areas": areas, "neighbourhoods": neighbourhoods, "people": people, "households": households}


def _filter_sets(cast, world) -> list[MapFilters]:
    cremona, crema = cast.municipalities
    area = world["areas"][0].pk
    singles = [
        MapFilters(),
        MapFilters(period="quarter"),
        MapFilters(area=area),
        MapFilters(target_group=TargetGroup.ELDERLY),
        MapFilters(municipality=cremona.pk),
        MapFilters(municipality=crema.pk, period="quarter"),
        MapFilters(district=cast.district.pk),
        MapFilters(district=cast.other_district.pk),
        MapFilters(date_from=datetime.date(2025, 1, 1)),
        MapFilters(date_to=datetime.date(2024, 12, 31)),
        MapFilters(date_from=datetime.date(2025, 1, 31), date_to=datetime.date(2025, 2, 1)),
        MapFilters(expressed=True),
        MapFilters(expressed=False),
        MapFilters(status=NeedStatus.READING),
        MapFilters(channel=Channel.SENTINEL),
        MapFilters(target_group=TargetGroup.DISABILITY),  # nothing matches
    ]
    rng = random.Random(7)
    combos = []
    for _ in range(14):
        day = START + datetime.timedelta(days=rng.randint(0, 130))
        combos.append(
            MapFilters(
                area=rng.choice([None, *(a.pk for a in world["areas"])]),
                target_group=rng.choice(["", *TARGETS]),
                municipality=rng.choice([None, cremona.pk, crema.pk]),
                district=rng.choice([None, None, cast.district.pk]),
                date_from=rng.choice([None, day]),
                date_to=rng.choice([None, day + datetime.timedelta(days=rng.randint(0, 60))]),
                expressed=rng.choice([None, True, False]),
                status=rng.choice(["", *STATUSES]),
                channel=rng.choice(["", *CHANNELS]),
                period=rng.choice(["month", "quarter"]),
            )
        )
    return singles + combos


@pytest.mark.parametrize(("persona", "public"), VIEWERS)
def test_the_figures_are_those_of_the_sql_implementation(cast, world, persona, public):
    viewer = getattr(cast, persona)
    for filters in _filter_sets(cast, world):
        assert_same_as_oracle(viewer, cast.network, filters, public=public)


def test_small_k_and_large_k_too(cast, world, settings):
    """Suppression at other thresholds: nearly nothing hidden, or nearly everything."""
    for k in (2, 12):
        settings.LEGAMI_K_ANONYMITY = k
        for filters in _filter_sets(cast, world)[:8]:
            assert_same_as_oracle(cast.evaluator, cast.network, filters, public=False)
            assert_same_as_oracle(cast.coordinator, cast.network, filters, public=False)


def test_an_empty_network(cast):
    assert_same_as_oracle(cast.coordinator, cast.network, MapFilters(), public=False)
    assert_same_as_oracle(None, cast.network, MapFilters(), public=True)


# --- every kind of write is seen at the next request ------------------------------------------------------------


def _check_all(cast) -> None:
    for persona, public in (("coordinator", False), ("community_worker", False), ("anonymous", True)):
        assert_same_as_oracle(getattr(cast, persona), cast.network, MapFilters(), public=public)
        assert_same_as_oracle(
            getattr(cast, persona), cast.network, MapFilters(municipality=cast.municipalities[0].pk), public=public
        )


def _changed_by(cast, write) -> None:
    """Warm the cache, write, and check that the revision moved and the figures follow the write."""
    _check_all(cast)
    before = needs_revision(cast.network)
    cached = needs_snapshot_module._SNAPSHOTS[cast.network.pk]
    write()
    assert needs_revision(cast.network) != before
    _check_all(cast)
    assert needs_snapshot_module._SNAPSHOTS[cast.network.pk] is not cached


def _a_need(cast, world) -> Need:
    return Need.objects.filter(network=cast.network, privacy_level=PrivacyLevel.NETWORK).order_by("pk").first()


def test_the_snapshot_is_reused_while_nothing_changes(cast, world, django_assert_num_queries):
    needs_figures(cast.coordinator, cast.network, MapFilters())
    cached = needs_snapshot_module._SNAPSHOTS[cast.network.pk]
    needs_snapshot_module.needs_snapshot(cast.network)
    assert needs_snapshot_module._SNAPSHOTS[cast.network.pk] is cached
    with django_assert_num_queries(1):  # the revision, nothing else
        assert needs_snapshot_module.needs_snapshot(cast.network) is cached


def test_a_recorded_need(cast, world):
    data = {
        "area": world["areas"][1],
        "target_group": "families",
        "description": "Cerchiamo un doposcuola",
        "channel": "interview",
        "municipality": cast.municipalities[1],
    }
    _changed_by(cast, lambda: record_need(actor=cast.coordinator, network=cast.network, data=data))


def test_an_edited_need(cast, world):
    need = _a_need(cast, world)
    other_area = next(a for a in world["areas"] if a.pk != need.area_id)
    _changed_by(cast, lambda: update_need(actor=cast.coordinator, need=need, data={"area": other_area}))


def test_a_status_change(cast, world):
    need = Need.objects.filter(network=cast.network, status=NeedStatus.NEW).first()
    _changed_by(cast, lambda: change_need_status(actor=cast.coordinator, need=need, to_status=NeedStatus.READING))


def test_a_deleted_need(cast, world):
    need = _a_need(cast, world)
    _changed_by(cast, lambda: delete_need(actor=cast.coordinator, need=need))


def test_a_bulk_create(cast, world):
    """What an import writes: one INSERT for many needs."""
    area = world["areas"][2]

    def write():
        Need.objects.bulk_create(
            Need(
                network=cast.network,
                area=area,
                target_group=TargetGroup.MINORS,
                description="Importato",
                channel=Channel.SURVEY,
                municipality=cast.municipalities[1],
                observed_on=datetime.date(2025, 3, 3),
            )
            for _ in range(7)
        )

    _changed_by(cast, write)


def test_a_queryset_update(cast, world):
    _changed_by(cast, lambda: Need.objects.filter(network=cast.network).update(status=NeedStatus.ANSWERED))


def test_a_raw_sql_update(cast, world):
    def write():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE needs_need SET people_count = people_count + 1 WHERE network_id = %s", [cast.network.pk]
            )

    _changed_by(cast, write)


def test_an_anonymised_person(cast, world):
    from legami.network.services.personal_data import anonymise_person

    person = world["people"][0]
    _changed_by(cast, lambda: anonymise_person(actor=cast.privacy_officer, person=person))


def test_a_deleted_person_takes_their_needs(cast, world):
    person = world["people"][1]
    assert Need.objects.filter(person=person).exists()
    _changed_by(cast, person.delete)


def test_a_deleted_neighbourhood_leaves_its_needs_without_one(cast, world):
    neighbourhood = world["neighbourhoods"][cast.municipalities[0].pk][1]
    assert Need.objects.filter(neighbourhood=neighbourhood).exists()
    _changed_by(cast, neighbourhood.delete)


def test_a_write_in_another_network_keeps_the_cache(cast, world):
    _check_all(cast)
    cached = needs_snapshot_module._SNAPSHOTS[cast.network.pk]
    Need.objects.filter(network=cast.other_network).update(status=NeedStatus.CLOSED)
    needs_snapshot_module.needs_snapshot(cast.network)
    assert needs_snapshot_module._SNAPSHOTS[cast.network.pk] is cached


def test_a_rolled_back_write_is_not_taken_for_the_current_state(cast, world):
    """A reader inside a transaction that is rolled back caches its uncommitted needs under a revision that no
    later write can give again (a sequence on PostgreSQL, random values on SQLite)."""
    _check_all(cast)
    committed = needs_revision(cast.network)
    with pytest.raises(RuntimeError), transaction.atomic():
        Need.objects.filter(network=cast.network).update(people_count=99)
        assert needs_figures(cast.coordinator, cast.network, MapFilters()).total.people == 99 * 161 - 99
        raise RuntimeError
    assert needs_revision(cast.network) == committed
    _check_all(cast)
    # The next write must not land on the rolled-back value either.
    Need.objects.filter(network=cast.network).update(status=NeedStatus.CLOSED)
    _check_all(cast)


def test_every_network_gets_a_revision_row_and_none_is_shared(cast, world):
    rows = dict(NeedsRevision.objects.values_list("network_id", "revision"))
    assert set(rows) >= {cast.network.pk, cast.other_network.pk}
    assert rows[cast.network.pk] != rows[cast.other_network.pk]


# --- the needs list's count ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["coordinator", "case_manager", "community_worker", "district_case_manager", "partner_staff", "evaluator"],
)
def test_the_list_count_is_the_sql_count(cast, world, persona):
    from legami.needs.selectors.needs import count_needs_for_user, needs_for_user

    viewer = getattr(cast, persona)
    cremona, crema = cast.municipalities
    rng = random.Random(persona)
    filter_sets = [
        {},
        {"area": world["areas"][0]},
        {"municipality": crema.pk},
        {"neighbourhood": world["neighbourhoods"][cremona.pk][0].pk},
        {"target_group": TargetGroup.ELDERLY, "status": NeedStatus.NEW},
        {"expressed": False, "channel": Channel.ONLINE},
        {"urgency": 2},
        {"date_from": datetime.date(2025, 1, 1), "date_to": datetime.date(2025, 1, 31)},
        {"target_group": "not-a-group"},
    ]
    for _ in range(12):
        filter_sets.append(
            {
                "area": rng.choice([None, *world["areas"]]),
                "municipality": rng.choice([None, cremona, crema]),
                "status": rng.choice(["", *STATUSES]),
                "expressed": rng.choice([None, True, False]),
                "urgency": rng.choice([None, 1, 2, 3, 4]),
                "date_from": rng.choice([None, START + datetime.timedelta(days=rng.randint(0, 120))]),
            }
        )
    for filters in filter_sets:
        assert (
            count_needs_for_user(viewer, cast.network, **filters)
            == needs_for_user(viewer, cast.network, **filters).count()
        ), filters


def test_the_list_pages_count_after_a_write(cast, world, login):
    from django.urls import reverse

    client = login(cast.coordinator)
    url = reverse("needs:needs", args=[cast.network.slug])
    assert client.get(url).context["page_obj"].paginator.count == 160
    Need.objects.filter(network=cast.network).order_by("pk")[:1].get().delete()
    assert client.get(url).context["page_obj"].paginator.count == 159


# --- what else the figures read: names, places, districts ------------------------------------------------------


def test_a_renamed_area(cast, world):
    area = world["areas"][0]

    def write():
        area.name = "Casa e abitare"
        area.save()

    _changed_by(cast, write)


def test_a_renamed_neighbourhood(cast, world):
    neighbourhood = world["neighbourhoods"][cast.municipalities[0].pk][0]

    def write():
        neighbourhood.name = "Centro storico"
        neighbourhood.save()

    _changed_by(cast, write)


def test_a_new_place_with_a_point(cast, world):
    _changed_by(
        cast,
        lambda: f.PlaceFactory(
            network=cast.network,
            municipality=cast.municipalities[0],
            latitude=Decimal("45.150000"),
            longitude=Decimal("10.050000"),
        ),
    )


def test_a_comune_moved_to_another_district(cast, world):
    from legami.territory.models import NetworkMunicipality

    def write():
        NetworkMunicipality.objects.filter(network=cast.network, municipality=cast.municipalities[1]).update(
            district=cast.district
        )

    _check_all(cast)
    for persona in ("district_case_manager", "coordinator"):
        assert_same_as_oracle(getattr(cast, persona), cast.network, MapFilters(district=cast.district.pk), public=False)
    _changed_by(cast, write)
    for persona in ("district_case_manager", "coordinator"):
        assert_same_as_oracle(getattr(cast, persona), cast.network, MapFilters(district=cast.district.pk), public=False)


def test_a_renamed_comune_changes_every_network(cast, world):
    comune = cast.municipalities[1]

    def write():
        comune.name = "Crema (CR)"
        comune.save()

    _changed_by(cast, write)


def test_the_figures_are_kept_while_nothing_changes(cast, world):
    first = needs_figures(cast.coordinator, cast.network, MapFilters())
    assert needs_figures(cast.coordinator, cast.network, MapFilters()) is first
    # Another viewer with the same reach shares them; one with another reach does not.
    assert needs_figures(cast.case_manager, cast.network, MapFilters()) is first
    assert needs_figures(cast.community_worker, cast.network, MapFilters()) is not first
    # Another language gets its own labels.
    from django.utils import translation

    with translation.override("it"):
        italian = needs_figures(cast.coordinator, cast.network, MapFilters())
    with translation.override("en"):
        assert needs_figures(cast.coordinator, cast.network, MapFilters()) is not italian


# --- the pages ---------------------------------------------------------------------------------------------------


def test_the_pages_show_a_write_at_the_next_request(cast, world, login):
    from django.urls import reverse

    internal = reverse("needs:map", args=[cast.network.slug])
    public = reverse("needs:map_public", args=[cast.network.slug])
    client = login(cast.coordinator)
    before = client.get(internal).context["shown"]["totals"]
    assert client.get(internal).context["shown"]["totals"] == before  # kept
    public_before = client.get(public).context["shown"]["totals"]
    NeedFactory(network=cast.network, area=world["areas"][0], municipality=cast.municipalities[0], people_count=3)
    after = client.get(internal).context["shown"]["totals"]
    assert int(after[0]) == int(before[0]) + 1 and int(after[1]) == int(before[1]) + 3
    assert client.get(public).context["shown"]["totals"] != public_before
    # The same filters on the two pages never share a part: one is exact, the other suppressed.
    assert (
        client.get(internal + "?area=" + str(world["areas"][2].pk)).content
        != client.get(public + "?area=" + str(world["areas"][2].pk)).content
    )


def test_the_list_shows_a_write_at_the_next_request_and_each_reach_its_own_needs(cast, world, login):
    from django.urls import reverse

    url = reverse("needs:needs", args=[cast.network.slug])
    case_needs = Need.objects.filter(network=cast.network, privacy_level=PrivacyLevel.CASE_TEAM).count()
    assert case_needs
    coordinator = login(cast.coordinator).get(url)
    assert coordinator.context["page_obj"].paginator.count == 160
    worker = login(cast.community_worker).get(url)
    assert worker.context["page_obj"].paginator.count == 160 - case_needs
    need = NeedFactory(network=cast.network, area=world["areas"][0], municipality=cast.municipalities[0])
    html = login(cast.coordinator).get(url).content.decode()
    assert f"/needs/{need.pk}/" in html and "161" in html
    need.description = "Un nuovo testo"
    need.save()
    assert "Un nuovo testo" in login(cast.coordinator).get(url).content.decode()
