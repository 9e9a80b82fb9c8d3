"""The needs map figures as they were computed before the cached snapshot (commit db33e4a): the oracle of
test_map_snapshot.py. Reads every counted need with SQL on each call. Do not use outside tests."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from legami.core import smallnumbers
from legami.core.permissions import district_scope
from legami.needs.capabilities import VIEW_NEEDS
from legami.needs.models import Channel, Need, NeedArea, NeedStatus, TargetGroup

# What did not change with the snapshot is the selector's own: the figures' shapes, the filters, who sees exact
# figures, and suppression. The oracle keeps only the old way of counting: every need read with SQL per call.
from legami.needs.selectors.map import (
    POSITION_DECIMALS,
    CrossTable,
    Figure,
    Line,
    MapFilters,
    MapMarker,
    NeedsFigures,
    Table,
    _choice,
    _month_start,
    _period_label,
    _under_k,
    filter_needs,
    map_needs,
    sees_exact_figures,
    suppress_cross_table,
    suppress_table,
)
from legami.network.models import Network
from legami.territory.models import Municipality, Neighbourhood, Place


class _MonthIndex(Func):
    """year * 12 + month - 1 of a date, in the database's own functions (Django's SQLite ones are Python)."""

    template = (
        "(CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER) * 12"
        " + CAST(EXTRACT(MONTH FROM %(expressions)s) AS INTEGER) - 1)"
    )
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "(CAST(substr(%(expressions)s, 1, 4) AS INTEGER) * 12 + CAST(substr(%(expressions)s, 6, 2) AS INTEGER) - 1)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _code(field: str, values: Sequence[str]) -> Case:
    """The position of a choice field's value in `values` (len(values) for an unknown one)."""
    return Case(*(When(**{field: v}, then=Value(i)) for i, v in enumerate(values)), default=Value(len(values)))


# The choices are packed into one integer per need: channel, status, target group, expressed, month.
_TARGETS, _STATUSES, _CHANNELS = list(TargetGroup.values), list(NeedStatus.values), list(Channel.values)
_WIDTH = 16  # more than any of the three choice lists (+1 for an unknown value)
_AREA, _PLACE, _DIMS, _PEOPLE, _SUBJECT, _LAT, _LON = range(7)


def _need_rows(qs: QuerySet[Need], place_field: str) -> np.ndarray:
    """One query: per counted need, its area, place, packed choices and month, people, subject and point.

    Grouping in SQL needs one scan per table (distinct subjects do not add up across cells, so the tables
    cannot be rolled up from one fine-grained GROUP BY). Reading a few integers per need once and counting
    with numpy is one scan, keeps every figure exact, and costs no Python object per need but the row.
    """
    dims = (
        (
            (_MonthIndex("observed_on") * 2 + Case(When(expressed=True, then=Value(1)), default=Value(0))) * _WIDTH
            + _code("target_group", _TARGETS)
        )
        * _WIDTH
        + _code("status", _STATUSES)
    ) * _WIDTH + _code("channel", _CHANNELS)
    # A subject is the person, else the household, else the need itself.
    subject = Coalesce(F("person_id") * 2, F("household_id") * 2 + 1, F("id") * -1)
    query = (
        qs.order_by()
        .annotate(
            h_place=Coalesce(F(place_field), Value(0)),
            h_dims=ExpressionWrapper(dims, output_field=IntegerField()),
            h_subject=ExpressionWrapper(subject, output_field=IntegerField()),
            # floats, not Decimals: no Python object per coordinate
            h_lat=Cast("latitude", FloatField()),
            h_lon=Cast("longitude", FloatField()),
        )
        .values_list("area_id", "h_place", "h_dims", "people_count", "h_subject", "h_lat", "h_lon")
    )
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # None (no point) becomes NaN; ids and codes stay exact in float64 (below 2**53).
    return np.array(rows, dtype=np.float64).reshape(-1, 7)


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values (sorted) and each entry's index among them."""
    keys, codes = np.unique(values, return_inverse=True)
    return keys, codes.reshape(-1)


@dataclass
class _Counts:
    """The counted needs as arrays: one entry per need."""

    people: np.ndarray
    subjects: np.ndarray  # dense subject codes
    n_subjects: int

    def figures(self, codes: np.ndarray, size: int) -> list[Figure]:
        """The figure of each code 0..size-1 (needs, people, distinct subjects), all exact."""
        needs = np.bincount(codes, minlength=size)
        people = np.bincount(codes, weights=self.people, minlength=size)
        pairs = np.sort(codes * self.n_subjects + self.subjects)
        if len(pairs):
            pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        subjects = np.bincount(pairs // self.n_subjects, minlength=size)
        return [
            Figure(n, int(p), d) for n, p, d in zip(needs.tolist(), people.tolist(), subjects.tolist(), strict=True)
        ]

    def total(self) -> Figure:
        return Figure(len(self.people), int(self.people.sum()), self.n_subjects if len(self.people) else 0)


def _lines(
    counts: _Counts,
    values: np.ndarray,
    label: Callable[[Any], str],
    order: Callable[[Any], Any],
) -> list[Line]:
    """The lines of one dimension given as integer codes (one line per value present), in `order`."""
    keys, codes = _dense(values)
    figures = counts.figures(codes, len(keys))
    lines = sorted(zip(keys.tolist(), figures, strict=True), key=lambda pair: order(pair[0]))
    return [Line(value, label(value), figure) for value, figure in lines]


def needs_figures(viewer: Any, network: Network, filters: MapFilters, *, public: bool = False) -> NeedsFigures:
    """The dashboard's figures for `viewer`: exact for operators off the public page, else suppressed (k-anonymity)."""
    exact = sees_exact_figures(viewer, network, public=public)
    k = smallnumbers.k()
    qs = filter_needs(map_needs(viewer, network, exact=exact), filters)
    by_neighbourhood = filters.municipality is not None

    rows = _need_rows(qs, "neighbourhood_id" if by_neighbourhood else "municipality_id")
    subject_keys, subjects = _dense(rows[:, _SUBJECT].astype(np.int64))
    counts = _Counts(people=rows[:, _PEOPLE].astype(np.int64), subjects=subjects, n_subjects=max(len(subject_keys), 1))
    cross = _cross_table(rows, counts, by_neighbourhood=by_neighbourhood)
    breakdowns = _breakdowns(rows, counts, filters)
    if not exact:
        suppress_cross_table(cross, k)
        for table in breakdowns.values():
            suppress_table(table, k)

    if _positions_need_own_query(viewer, network, filters, exact=exact):
        positions = place_positions(network, by_neighbourhood=by_neighbourhood, municipality=filters.municipality)
    else:
        # The counted needs are exactly those place_positions reads: their points are already here.
        points = rows[~np.isnan(rows[:, _LAT]) & ~np.isnan(rows[:, _LON])]
        if by_neighbourhood:
            points = points[points[:, _PLACE] > 0]
        positions = _positions(
            network, _point_sums(points), by_neighbourhood=by_neighbourhood, municipality=filters.municipality
        )
    markers, unplaced = _markers(cross.columns, positions)
    return NeedsFigures(exact=exact, k=k, cross=cross, markers=markers, unplaced=unplaced, **breakdowns)


def _cross_table(rows: np.ndarray, counts: _Counts, *, by_neighbourhood: bool) -> CrossTable:
    """Areas by Comune (or by neighbourhood of one Comune), with the row, column and grand totals."""
    area_keys, area_ids = _dense(rows[:, _AREA].astype(np.int64))
    place_keys, place_ids = _dense(rows[:, _PLACE].astype(np.int64))
    area_list = area_keys.tolist()
    place_list = [p or None for p in place_keys.tolist()]
    areas = {
        pk: (name, position)
        for pk, name, position in NeedArea.objects.filter(pk__in=area_list).values_list("pk", "name", "position")
    }
    place_model = Neighbourhood if by_neighbourhood else Municipality
    place_names = dict(place_model.objects.filter(pk__in=[p for p in place_list if p]).values_list("pk", "name"))
    no_place = str(_("Neighbourhood not given")) if by_neighbourhood else ""
    area_figures = counts.figures(area_ids, len(area_list))
    lines = sorted(
        (Line(pk, areas[pk][0], figure) for pk, figure in zip(area_list, area_figures, strict=True)),
        key=lambda ln: (areas[ln.key][1], ln.label.lower()),
    )
    place_figures = counts.figures(place_ids, len(place_list))
    columns = sorted(
        (
            Line(pk, place_names.get(pk, no_place) if pk is not None else no_place, figure)
            for pk, figure in zip(place_list, place_figures, strict=True)
        ),
        key=lambda ln: (ln.key is None, ln.label.lower()),
    )
    n_places = max(len(place_list), 1)
    cell_figures = counts.figures(area_ids * n_places + place_ids, len(area_list) * n_places)
    cells = {
        (area_list[code // n_places], place_list[code % n_places]): figure
        for code, figure in enumerate(cell_figures)
        if figure.needs
    }
    return CrossTable(
        rows=lines,
        columns=columns,
        cells=cells,
        total=counts.total(),
        place_kind="neighbourhood" if by_neighbourhood else "municipality",
    )


def _breakdowns(rows: np.ndarray, counts: _Counts, filters: MapFilters) -> dict[str, Table]:
    """The one-way tables: by target group, status, channel, expressed or detected, and month or quarter."""
    total = counts.total()
    dims = rows[:, _DIMS].astype(np.int64)
    channel, status, target = dims % _WIDTH, dims // _WIDTH % _WIDTH, dims // _WIDTH**2 % _WIDTH
    expressed, months = dims // _WIDTH**3 % 2, dims // (_WIDTH**3 * 2)

    def choice_table(codes: np.ndarray, values: Sequence[str], labels: dict[str, Any]) -> Table:
        lines = _lines(counts, codes, lambda c: str(labels.get(_choice(values, c), "")), lambda c: c)
        return Table([Line(_choice(values, ln.key), ln.label, ln.figure) for ln in lines], Figure(**vars(total)))

    origin_lines = _lines(counts, expressed, lambda c: str(_("Expressed") if c else _("Detected")), lambda c: -c)
    periods = months // 3 * 3 if filters.period == "quarter" else months
    period_lines = _lines(counts, periods, lambda c: _period_label(_month_start(c), filters.period), lambda c: c)
    return {
        "by_target": choice_table(target, _TARGETS, dict(TargetGroup.choices)),
        "by_status": choice_table(status, _STATUSES, dict(NeedStatus.choices)),
        "by_origin": Table([Line(bool(ln.key), ln.label, ln.figure) for ln in origin_lines], Figure(**vars(total))),
        "by_channel": choice_table(channel, _CHANNELS, dict(Channel.choices)),
        "by_period": Table(
            [Line(_month_start(ln.key), ln.label, ln.figure) for ln in period_lines], Figure(**vars(total))
        ),
    }


def _markers(columns: list[Line], positions: dict[Any, tuple[float, float]]) -> tuple[list[MapMarker], list[str]]:
    """A circle for each place with a shown figure and a position; the names of places with needs but no position."""
    markers: list[MapMarker] = []
    unplaced: list[str] = []
    for column in columns:
        if column.figure.is_empty:
            continue
        point = positions.get(column.key) if column.key is not None else None
        if point is None:
            unplaced.append(column.label)
        elif not column.figure.suppressed:
            markers.append(MapMarker(column.key, column.label, point[0], point[1], column.figure))
    return markers, unplaced


def needs_total(viewer: Any, network: Network, filters: MapFilters) -> Figure:
    """The total of the map's figures for `filters` in one query: exact for operators, else hidden under k.

    The same needs, scope and rule as the map's own total (suppress_table), so a summary elsewhere (the
    dashboard) shows what the map shows when followed with the same filters.
    """
    exact = sees_exact_figures(viewer, network)
    qs = filter_needs(map_needs(viewer, network, exact=exact), filters)
    subject = Coalesce(F("person_id") * 2, F("household_id") * 2 + 1, F("id") * -1)
    row = qs.order_by().aggregate(
        needs=Count("pk"),
        people=Coalesce(Sum("people_count"), Value(0)),
        subjects=Count(ExpressionWrapper(subject, output_field=IntegerField()), distinct=True),
    )
    total = Figure(row["needs"], row["people"], row["subjects"])
    if not exact and _under_k(total, smallnumbers.k()):
        total.hide()
    return total


def place_positions(
    network: Network, *, by_neighbourhood: bool = False, municipality: int | None = None
) -> dict[Hashable, tuple[float, float]]:
    """A position per Comune (or per neighbourhood of one Comune): the mean of its needs' and places' points.

    Comuni have no coordinates of their own. Needs' points count only where a place has at least k of
    them, so a position never gives away one person's address; positions are rounded to about 100 m.
    Two queries.
    """
    key = "neighbourhood_id" if by_neighbourhood else "municipality_id"
    needs = Need.objects.filter(network=network, latitude__isnull=False, longitude__isnull=False)
    if municipality is not None:
        needs = needs.filter(municipality_id=municipality)
    if by_neighbourhood:
        needs = needs.filter(neighbourhood__isnull=False)
    aggregates = aggregates_of_points()
    need_sums = [
        (row[key], float(row["lat"]) * row["n"], float(row["lon"]) * row["n"], row["n"])
        for row in needs.order_by().values(key).annotate(**aggregates)
    ]
    return _positions(network, need_sums, by_neighbourhood=by_neighbourhood, municipality=municipality)


def _positions_need_own_query(viewer: Any, network: Network, filters: MapFilters, *, exact: bool) -> bool:
    """False when the counted needs are all the needs place_positions reads (no filter but the Comune, no district)."""
    if filters != MapFilters(municipality=filters.municipality, period=filters.period):
        return True
    return exact and district_scope(viewer, VIEW_NEEDS, network) is not None


def _point_sums(points: np.ndarray) -> list[tuple[Any, float, float, int]]:
    """(place, sum of latitudes, sum of longitudes, count) of needs' points, from _need_rows arrays."""
    keys, codes = _dense(points[:, _PLACE].astype(np.int64))
    lat = np.bincount(codes, weights=points[:, _LAT], minlength=len(keys))
    lon = np.bincount(codes, weights=points[:, _LON], minlength=len(keys))
    n = np.bincount(codes, minlength=len(keys))
    return list(zip(keys.tolist(), lat.tolist(), lon.tolist(), n.tolist(), strict=True))


def _positions(
    network: Network,
    need_sums: Iterable[tuple[Any, float, float, int]],
    *,
    by_neighbourhood: bool,
    municipality: int | None,
) -> dict[Hashable, tuple[float, float]]:
    """Positions from the needs' point sums (places with at least k points) and the network's places (one query)."""
    k = smallnumbers.k()
    key = "neighbourhood_id" if by_neighbourhood else "municipality_id"
    places = Place.objects.filter(network=network, latitude__isnull=False, longitude__isnull=False)
    if municipality is not None:
        places = places.filter(municipality_id=municipality)
    if by_neighbourhood:
        places = places.filter(neighbourhood__isnull=False)
    sums: dict[Hashable, list[float]] = {place: [lat, lon, n] for place, lat, lon, n in need_sums if n >= k}
    for row in places.order_by().values(key).annotate(**aggregates_of_points()):
        acc = sums.setdefault(row[key], [0.0, 0.0, 0])
        acc[0] += float(row["lat"]) * row["n"]
        acc[1] += float(row["lon"]) * row["n"]
        acc[2] += row["n"]
    return {
        place: (round(lat / n, POSITION_DECIMALS), round(lon / n, POSITION_DECIMALS))
        for place, (lat, lon, n) in sums.items()
        if n
    }


def aggregates_of_points() -> dict[str, Any]:
    """Mean latitude and longitude and the number of points, for values().annotate()."""
    return {"lat": Avg("latitude"), "lon": Avg("longitude"), "n": Count("id")}


def export_rows(figures: NeedsFigures, *, suppressed_label: str, total_label: str) -> list[list[Any]]:
    """The cross table in long form (area, place, needs, people, subjects), margins last, suppression applied."""

    def values(figure: Figure) -> list[Any]:
        if figure.suppressed:
            return [suppressed_label] * 3
        return [figure.needs or 0, figure.people or 0, figure.subjects or 0]

    cross = figures.cross
    out: list[list[Any]] = []
    for row, cells in cross.grid():
        for column, figure in zip(cross.columns, cells, strict=True):
            if figure.is_empty:
                continue
            out.append([row.label, column.label, *values(figure)])
    for row in cross.rows:
        out.append([row.label, total_label, *values(row.figure)])
    for column in cross.columns:
        out.append([total_label, column.label, *values(column.figure)])
    out.append([total_label, total_label, *values(cross.total)])
    return out
