"""Reads for the needs map and dashboard: counts on the needs snapshot (snapshot.py), with k-anonymity for whoever
is not an operator.

Operators (who see small numbers, legami.core.smallnumbers, and hold `needs.view_needs`) see exact figures
on the internal page, limited to their districts'
Comuni when their membership is. Everyone else (the public page, evaluators, funders, partner staff,
citizens, the privacy officer) sees network-wide figures where every cell of fewer than k people (or k
distinct subjects) is suppressed, together with enough other cells that no suppressed figure can be
worked out from the row and column totals. A suppressed figure never leaves this module: its numbers
are None.

Case-team needs are counted: figures are aggregated, and suppression keeps the small ones out of sight.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from legami.core import smallnumbers
from legami.core.permissions import can, district_scope
from legami.needs.capabilities import VIEW_CASE_NEEDS, VIEW_NEEDS
from legami.needs.models import Channel, Need, NeedArea, NeedStatus, PrivacyLevel, TargetGroup
from legami.needs.selectors.snapshot import (
    AREA,
    CASE_TEAM,
    CHANNELS,
    DAY,
    DIMS,
    FLAGS,
    LAT,
    LON,
    MUNICIPALITY,
    NEIGHBOURHOOD,
    PEOPLE,
    STATUSES,
    SUBJECT,
    TARGETS,
    WIDTH,
    Snapshot,
    choice_index,
    day_key,
    needs_snapshot,
)
from legami.network.models import Network
from legami.territory.centroids import centroids_of
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality, Place

PERIODS = ("month", "quarter")
MEASURES = ("needs", "people", "subjects")
# Map positions are rounded to about 100 m: enough to place a circle, not to find a door.
POSITION_DECIMALS = 3


@dataclass(frozen=True)
class MapFilters:
    """What the dashboard is filtered on; None / "" means any."""

    area: int | None = None
    target_group: str = ""
    municipality: int | None = None
    district: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    expressed: bool | None = None
    status: str = ""
    channel: str = ""
    period: str = "month"


@dataclass
class Figure:
    """One cell: needs, people concerned, distinct subjects; all None when suppressed."""

    needs: int | None = 0
    people: int | None = 0
    subjects: int | None = 0
    suppressed: bool = False

    def value(self, measure: str) -> int | None:
        """The figure of `measure` (needs, people or subjects)."""
        return getattr(self, measure)

    def hide(self) -> None:
        self.needs = self.people = self.subjects = None
        self.suppressed = True

    @property
    def is_empty(self) -> bool:
        return not self.suppressed and not self.needs


@dataclass
class Line:
    """One category of a one-dimensional table (an area, a Comune, a month…)."""

    key: Any
    label: str
    figure: Figure


@dataclass
class Table:
    """A one-dimensional breakdown with its total."""

    lines: list[Line]
    total: Figure

    def chart_items(self, measure: str) -> list[tuple[str, float]]:
        """(label, value) of the lines whose figure is shown, for a bar chart."""
        return [(ln.label, float(ln.figure.value(measure) or 0)) for ln in self.lines if not ln.figure.suppressed]


@dataclass
class CrossTable:
    """Areas (rows) × places (columns: Comuni, or a Comune's neighbourhoods), with margins."""

    rows: list[Line]  # each line's figure is the row total
    columns: list[Line]  # each line's figure is the column total
    cells: dict[tuple[Any, Any], Figure]
    total: Figure
    place_kind: str  # "municipality" or "neighbourhood"

    def cell(self, row_key: Any, column_key: Any) -> Figure:
        return self.cells.get((row_key, column_key)) or Figure()

    def grid(self) -> list[tuple[Line, list[Figure]]]:
        """Each row with its cells in column order (for templates and exports)."""
        return [(row, [self.cell(row.key, col.key) for col in self.columns]) for row in self.rows]


@dataclass
class MapMarker:
    key: Any
    label: str
    latitude: float
    longitude: float
    figure: Figure


@dataclass
class NeedsFigures:
    """Everything the dashboard shows, already suppressed when `exact` is False."""

    exact: bool
    k: int
    cross: CrossTable
    by_target: Table
    by_status: Table
    by_origin: Table
    by_channel: Table
    by_period: Table
    markers: list[MapMarker] = field(default_factory=list)
    # Places (Comuni or neighbourhoods) with figures but no known position: in the table only.
    unplaced: list[str] = field(default_factory=list)

    @property
    def total(self) -> Figure:
        return self.cross.total

    @property
    def by_area(self) -> Table:
        return Table(self.cross.rows, self.cross.total)

    @property
    def by_place(self) -> Table:
        return Table(self.cross.columns, self.cross.total)


def sees_exact_figures(viewer: Any, network: Network, *, public: bool = False) -> bool:
    """True when the viewer gets exact figures: off the public page, one who sees small numbers (the one rule of
    legami.core.smallnumbers) and lists the needs they count (needs.view_needs)."""
    return not public and smallnumbers.sees_small_numbers(viewer, network) and can(viewer, VIEW_NEEDS, network)


def map_needs(viewer: Any, network: Network, *, exact: bool) -> QuerySet[Need]:
    """The needs the figures count: all of the network's (case-team ones too) for suppressed figures; for exact
    figures, only those the viewer could list (their districts; case-team needs only with the case capability),
    so that comparing the figures with the list reveals nothing."""
    qs = Need.objects.filter(network=network)
    if exact and not can(viewer, VIEW_CASE_NEEDS, network):
        qs = qs.exclude(privacy_level=PrivacyLevel.CASE_TEAM)
    if exact:
        districts = district_scope(viewer, VIEW_NEEDS, network)
        if districts is not None:
            qs = qs.filter(
                municipality_id__in=NetworkMunicipality.objects.filter(
                    network=network, district_id__in=districts
                ).values("municipality_id")
            )
    return qs


def filter_needs(qs: QuerySet[Need], filters: MapFilters) -> QuerySet[Need]:
    """Apply the dashboard filters to a queryset of needs."""
    if filters.area is not None:
        qs = qs.filter(area_id=filters.area)
    if filters.target_group:
        qs = qs.filter(target_group=filters.target_group)
    if filters.municipality is not None:
        qs = qs.filter(municipality_id=filters.municipality)
    if filters.district is not None:
        qs = qs.filter(
            municipality_id__in=NetworkMunicipality.objects.filter(district_id=filters.district).values(
                "municipality_id"
            )
        )
    if filters.date_from is not None:
        qs = qs.filter(observed_on__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(observed_on__lte=filters.date_to)
    if filters.expressed is not None:
        qs = qs.filter(expressed=filters.expressed)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def _municipalities_of(districts: Iterable[int], *, network: Network | None = None) -> list[int]:
    qs = NetworkMunicipality.objects.filter(district_id__in=list(districts))
    if network is not None:
        qs = qs.filter(network=network)
    return list(qs.values_list("municipality_id", flat=True))


@dataclass(frozen=True)
class _Scope:
    """What of the network's needs a viewer's figures count, before the filters (see map_needs)."""

    exact: bool
    hide_case_team: bool = False
    districts: frozenset[int] | None = None  # None: the whole network

    @classmethod
    def of(cls, viewer: Any, network: Network, *, exact: bool) -> _Scope:
        if not exact:
            return cls(exact=False)
        districts = district_scope(viewer, VIEW_NEEDS, network)
        return cls(
            exact=True,
            hide_case_team=not can(viewer, VIEW_CASE_NEEDS, network),
            districts=frozenset(districts) if districts is not None else None,
        )


def _counted(network: Network, snapshot: Snapshot, scope: _Scope, filters: MapFilters) -> np.ndarray:
    """The mask of the snapshot's needs that the figures count: map_needs() and filter_needs(), on arrays."""
    rows = snapshot.rows
    mask = np.ones(len(rows), dtype=bool)
    if scope.hide_case_team:
        mask &= rows[:, FLAGS] != CASE_TEAM
    if scope.districts is not None:
        mask &= np.isin(rows[:, MUNICIPALITY], _municipalities_of(scope.districts, network=network))
    if filters.area is not None:
        mask &= rows[:, AREA] == filters.area
    dims = rows[:, DIMS].astype(np.int64)
    if filters.target_group:
        mask &= dims // WIDTH**2 % WIDTH == choice_index(TARGETS, filters.target_group)
    if filters.municipality is not None:
        mask &= rows[:, MUNICIPALITY] == filters.municipality
    if filters.district is not None:
        mask &= np.isin(rows[:, MUNICIPALITY], _municipalities_of([filters.district]))
    if filters.date_from is not None:
        mask &= rows[:, DAY] >= day_key(filters.date_from)
    if filters.date_to is not None:
        mask &= rows[:, DAY] <= day_key(filters.date_to)
    if filters.expressed is not None:
        mask &= dims // WIDTH**3 % 2 == int(filters.expressed)
    if filters.status:
        mask &= dims // WIDTH % WIDTH == choice_index(STATUSES, filters.status)
    if filters.channel:
        mask &= dims % WIDTH == choice_index(CHANNELS, filters.channel)
    return mask


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values (sorted) and each entry's index among them."""
    if len(values) and values.min() >= 0 and values.max() < _DENSE_BY_COUNTING:
        # Ids, codes and months are small non-negative integers: counting beats sorting or hashing.
        present = np.bincount(values) > 0
        return np.flatnonzero(present), (np.cumsum(present) - 1)[values]
    keys, codes = np.unique(values, return_inverse=True)
    return keys, codes.reshape(-1)


_DENSE_BY_COUNTING = 1 << 22


@dataclass
class _Counts:
    """The counted needs as arrays: one entry per need."""

    people: np.ndarray
    subjects: np.ndarray  # dense subject codes
    single: np.ndarray  # True where the subject has no other need in the network
    n_subjects: int

    def __post_init__(self) -> None:
        self._shared = ~self.single
        self._shared_subjects = self.subjects[self._shared]

    def figures(self, codes: np.ndarray, size: int) -> list[Figure]:
        """The figure of each code 0..size-1 (needs, people, distinct subjects), all exact."""
        needs = np.bincount(codes, minlength=size)
        people = np.bincount(codes, weights=self.people, minlength=size)
        # A subject with one need counts once where its need falls; only the others need telling apart.
        subjects = np.bincount(codes[self.single], minlength=size)
        pairs = np.sort(codes[self._shared] * self.n_subjects + self._shared_subjects)
        if len(pairs):
            pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        subjects += np.bincount(pairs // self.n_subjects, minlength=size)
        return [
            Figure(n, int(p), d) for n, p, d in zip(needs.tolist(), people.tolist(), subjects.tolist(), strict=True)
        ]

    def total(self) -> Figure:
        if not len(self.people):
            return Figure(0, 0, 0)
        shared = np.sort(self._shared_subjects)
        subjects = int(self.single.sum()) + int(np.count_nonzero(shared[1:] != shared[:-1])) + bool(len(shared))
        return Figure(len(self.people), int(self.people.sum()), subjects)


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


def _choice(values: Sequence[str], code: int) -> str:
    return values[code] if code < len(values) else ""


def _under_k(figure: Figure, k: int) -> bool:
    return bool(figure.needs) and ((figure.people or 0) < k or (figure.subjects or 0) < k)


def _people(figure: Figure) -> int:
    return figure.people or 0


def _protect_line(entries: Sequence[Figure], *, spare: Figure | None = None) -> bool:
    """Hide one more entry of a line that has exactly one hidden: the smallest shown one (else `spare`).

    Returns True when it hid something. A line with one hidden entry and a shown total would give the
    hidden one away by subtraction.
    """
    hidden = [e for e in entries if e.suppressed]
    if len(hidden) != 1:
        return False
    candidates = [e for e in entries if not e.suppressed and e.needs]
    if candidates:
        min(candidates, key=_people).hide()
        return True
    if spare is not None and not spare.suppressed:
        spare.hide()
        return True
    return False


def suppress_table(table: Table, k: int) -> None:
    """Primary suppression of cells under k, then secondary suppression so the total gives nothing away."""
    if _under_k(table.total, k):
        table.total.hide()
    for line in table.lines:
        if _under_k(line.figure, k):
            line.figure.hide()
    # The total stays shown when it is at least k, so a line needs none or two or more hidden entries.
    _protect_line([ln.figure for ln in table.lines])


def suppress_cross_table(cross: CrossTable, k: int) -> None:
    """Suppress cells and margins under k, then enough others that no row or column can be solved."""
    figures = [*cross.cells.values(), *(r.figure for r in cross.rows), *(c.figure for c in cross.columns)]
    for figure in figures:
        if _under_k(figure, k):
            figure.hide()
    if _under_k(cross.total, k):
        cross.total.hide()
    # Each row (its cells and its total), each column (its cells and its total), the column of row totals and
    # the row of column totals must have none or at least two hidden entries. Hiding only grows: this ends.
    changed = True
    while changed:
        changed = False
        for row in cross.rows:
            cells = [cross.cells[(row.key, c.key)] for c in cross.columns if (row.key, c.key) in cross.cells]
            changed |= _protect_line([*cells, row.figure])
        for col in cross.columns:
            cells = [cross.cells[(r.key, col.key)] for r in cross.rows if (r.key, col.key) in cross.cells]
            changed |= _protect_line([*cells, col.figure])
        changed |= _protect_line([r.figure for r in cross.rows])
        changed |= _protect_line([c.figure for c in cross.columns])


def _period_label(value: Any, period: str) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if period == "quarter":
        return f"{day.year} T{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _month_start(code: Any) -> datetime.date:
    """The first day of the month of a code year * 12 + month - 1."""
    return datetime.date(code // 12, code % 12 + 1, 1)


def needs_figures(viewer: Any, network: Network, filters: MapFilters, *, public: bool = False) -> NeedsFigures:
    """The dashboard's figures for `viewer`: exact for operators off the public page, else suppressed (k-anonymity).

    Counted on the network's cached snapshot (needs_snapshot: one query, two after a write), filtered with numpy
    exactly as map_needs() and filter_needs() filter in SQL. The result is kept per process under everything it
    depends on: the network's revision (which triggers move on any write to the needs, areas, neighbourhoods,
    places, Comuni and the network's Comuni), the viewer's scope, the filters, k and the language. The caller
    must not change it.
    """
    exact = sees_exact_figures(viewer, network, public=public)
    scope = _Scope.of(viewer, network, exact=exact)
    k = smallnumbers.k()
    snapshot = needs_snapshot(network)
    key = (network.pk, snapshot.revision, scope, filters, k, get_language())
    figures = _FIGURES.get(key)
    if figures is None:
        figures = _needs_figures(network, snapshot, scope, filters, k)
        with _FIGURES_LOCK:
            _FIGURES[key] = figures
            while len(_FIGURES) > _FIGURES_KEPT:
                _FIGURES.popitem(last=False)
    return figures


# (network, revision, scope, filters, k, language) -> figures: the dashboard's usual views, computed once per process
# and revision. A few hundred kB each.
_FIGURES: OrderedDict[tuple, NeedsFigures] = OrderedDict()
_FIGURES_LOCK = threading.Lock()
_FIGURES_KEPT = 48


def _needs_figures(network: Network, snapshot: Snapshot, scope: _Scope, filters: MapFilters, k: int) -> NeedsFigures:
    exact = scope.exact
    mask = _counted(network, snapshot, scope, filters)
    by_neighbourhood = filters.municipality is not None
    rows = snapshot.rows[mask]
    places = rows[:, NEIGHBOURHOOD if by_neighbourhood else MUNICIPALITY].astype(np.int64)
    counts = _Counts(
        people=rows[:, PEOPLE].astype(np.int64),
        subjects=rows[:, SUBJECT].astype(np.int64),
        single=snapshot.single[mask],
        n_subjects=snapshot.n_subjects,
    )
    cross, istat_codes = _cross_table(rows[:, AREA].astype(np.int64), places, counts, by_neighbourhood=by_neighbourhood)
    breakdowns = _breakdowns(rows[:, DIMS].astype(np.int64), rows[:, DAY].astype(np.int64), counts, filters)
    if not exact:
        suppress_cross_table(cross, k)
        for table in breakdowns.values():
            suppress_table(table, k)

    if _positions_need_own_query(filters, scope):
        # All of the network's points (what place_positions reads), whatever the filters.
        everything = snapshot.rows
        keep = ~np.isnan(everything[:, LAT])
        if filters.municipality is not None:
            keep &= everything[:, MUNICIPALITY] == filters.municipality
        points, point_places = everything[keep], _places_of(everything[keep], by_neighbourhood)
    else:
        # The counted needs are the ones place_positions reads: their points.
        keep = ~np.isnan(rows[:, LAT])
        points, point_places = rows[keep], places[keep]
    if by_neighbourhood:
        points, point_places = points[point_places > 0], point_places[point_places > 0]
    positions = _positions(
        network,
        _point_sums(point_places, points),
        by_neighbourhood=by_neighbourhood,
        municipality=filters.municipality,
    )
    # A Comune with no point of its own stands at its centroid (shipped with legami: no download).
    centroids = centroids_of(code for pk, code in istat_codes.items() if pk not in positions)
    for pk, code in istat_codes.items():
        if pk not in positions and code in centroids:
            positions[pk] = centroids[code]
    markers, unplaced = _markers(cross.columns, positions)
    return NeedsFigures(exact=exact, k=k, cross=cross, markers=markers, unplaced=unplaced, **breakdowns)


def _places_of(rows: np.ndarray, by_neighbourhood: bool) -> np.ndarray:
    return rows[:, NEIGHBOURHOOD if by_neighbourhood else MUNICIPALITY].astype(np.int64)


def _cross_table(
    areas: np.ndarray, places: np.ndarray, counts: _Counts, *, by_neighbourhood: bool
) -> tuple[CrossTable, dict[Any, str]]:
    """Areas by Comune (or by neighbourhood of one Comune), with the row, column and grand totals; and the ISTAT
    codes of the Comuni (none for neighbourhoods)."""
    area_keys, area_ids = _dense(areas)
    place_keys, place_ids = _dense(places)
    area_list = area_keys.tolist()
    place_list = [p or None for p in place_keys.tolist()]
    areas_by_pk = {
        pk: (name, position)
        for pk, name, position in NeedArea.objects.filter(pk__in=area_list).values_list("pk", "name", "position")
    }
    if by_neighbourhood:
        place_names = dict(Neighbourhood.objects.filter(pk__in=[p for p in place_list if p]).values_list("pk", "name"))
        istat_codes: dict[Any, str] = {}
    else:
        comuni = list(
            Municipality.objects.filter(pk__in=[p for p in place_list if p]).values_list("pk", "name", "istat_code")
        )
        place_names = {pk: name for pk, name, _code in comuni}
        istat_codes = {pk: code for pk, _name, code in comuni}
    no_place = str(_("Neighbourhood not given")) if by_neighbourhood else ""
    area_figures = counts.figures(area_ids, len(area_list))
    lines = sorted(
        (Line(pk, areas_by_pk[pk][0], figure) for pk, figure in zip(area_list, area_figures, strict=True)),
        key=lambda ln: (areas_by_pk[ln.key][1], ln.label.lower()),
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
    cross = CrossTable(
        rows=lines,
        columns=columns,
        cells=cells,
        total=counts.total(),
        place_kind="neighbourhood" if by_neighbourhood else "municipality",
    )
    return cross, istat_codes


def _breakdowns(dims: np.ndarray, days: np.ndarray, counts: _Counts, filters: MapFilters) -> dict[str, Table]:
    """The one-way tables: by target group, status, channel, expressed or detected, and month or quarter."""
    total = counts.total()
    channel, status, target = dims % WIDTH, dims // WIDTH % WIDTH, dims // WIDTH**2 % WIDTH
    expressed, months = dims // WIDTH**3 % 2, days // 32

    def choice_table(codes: np.ndarray, values: Sequence[str], labels: dict[str, Any]) -> Table:
        lines = _lines(counts, codes, lambda c: str(labels.get(_choice(values, c), "")), lambda c: c)
        return Table([Line(_choice(values, ln.key), ln.label, ln.figure) for ln in lines], Figure(**vars(total)))

    origin_lines = _lines(counts, expressed, lambda c: str(_("Expressed") if c else _("Detected")), lambda c: -c)
    periods = months // 3 * 3 if filters.period == "quarter" else months
    period_lines = _lines(counts, periods, lambda c: _period_label(_month_start(c), filters.period), lambda c: c)
    return {
        "by_target": choice_table(target, TARGETS, dict(TargetGroup.choices)),
        "by_status": choice_table(status, STATUSES, dict(NeedStatus.choices)),
        "by_origin": Table([Line(bool(ln.key), ln.label, ln.figure) for ln in origin_lines], Figure(**vars(total))),
        "by_channel": choice_table(channel, CHANNELS, dict(Channel.choices)),
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


def _positions_need_own_query(filters: MapFilters, scope: _Scope) -> bool:
    """False when the counted needs are all the needs place_positions reads (no filter but the Comune, no district)."""
    if filters != MapFilters(municipality=filters.municipality, period=filters.period):
        return True
    return scope.exact and scope.districts is not None


def _point_sums(places: np.ndarray, points: np.ndarray) -> list[tuple[Any, float, float, int]]:
    """(place, sum of latitudes, sum of longitudes, count) of needs' points, from snapshot rows and their places."""
    keys, codes = _dense(places)
    lat = np.bincount(codes, weights=points[:, LAT], minlength=len(keys))
    lon = np.bincount(codes, weights=points[:, LON], minlength=len(keys))
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
