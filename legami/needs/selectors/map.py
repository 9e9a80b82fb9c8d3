"""Reads for the needs map and dashboard: counts grouped in SQL, with k-anonymity for whoever is not an operator.

Operators holding `needs.view_needs` see exact figures on the internal page, limited to their districts'
Comuni when their membership is. Everyone else (the public page, evaluators, funders, partner staff,
citizens, the privacy officer) sees network-wide figures where every cell of fewer than k people (or k
distinct subjects) is suppressed, together with enough other cells that no suppressed figure can be
worked out from the row and column totals. A suppressed figure never leaves this module: its numbers
are None.

Case-team needs are counted: figures are aggregated, and suppression keeps the small ones out of sight.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext as _

from legami.core.permissions import can, district_scope
from legami.needs.models import Channel, Need, NeedStatus, TargetGroup
from legami.network.models import Network
from legami.territory.models import NetworkMunicipality, Place

VIEW_NEEDS = "needs.view_needs"
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
    """True when the viewer gets exact figures: an operator (needs.view_needs) off the public page."""
    return not public and can(viewer, VIEW_NEEDS, network)


def map_needs(viewer: Any, network: Network, *, exact: bool) -> QuerySet[Need]:
    """The needs the figures count: all of the network's (case-team ones too), district-scoped for exact viewers."""
    qs = Need.objects.filter(network=network)
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


def _figure_aggregates() -> dict[str, Any]:
    # A subject is the person, else the household, else the need itself (observed in a place).
    return {
        "n_needs": Count("id"),
        "n_people": Sum("people_count"),
        "n_persons": Count("person_id", distinct=True),
        "n_households": Count("household_id", distinct=True, filter=Q(person_id__isnull=True)),
        "n_alone": Count("id", filter=Q(person_id__isnull=True, household_id__isnull=True)),
    }


def _figure(row: Mapping[str, Any]) -> Figure:
    return Figure(
        needs=row["n_needs"] or 0,
        people=row["n_people"] or 0,
        subjects=(row["n_persons"] or 0) + (row["n_households"] or 0) + (row["n_alone"] or 0),
    )


def _grouped(qs: QuerySet[Need], *fields: str) -> list[dict[str, Any]]:
    """One GROUP BY query over `fields` with the figure aggregates."""
    return list(qs.order_by().values(*fields).annotate(**_figure_aggregates()))


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


def _table(
    rows: Iterable[dict[str, Any]], key: str, label: Callable[[Any, dict[str, Any]], str], total: Figure
) -> Table:
    lines = [Line(row[key], label(row[key], row), _figure(row)) for row in rows]
    return Table(lines, total)


def _period_label(value: Any, period: str) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if period == "quarter":
        return f"{day.year} T{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _period_key(value: Any) -> Any:
    return value.date() if isinstance(value, datetime.datetime) else value


def needs_figures(viewer: Any, network: Network, filters: MapFilters, *, public: bool = False) -> NeedsFigures:
    """The dashboard's figures for `viewer`: exact for operators off the public page, else suppressed (k-anonymity)."""
    exact = sees_exact_figures(viewer, network, public=public)
    k = settings.LEGAMI_K_ANONYMITY
    qs = filter_needs(map_needs(viewer, network, exact=exact), filters)
    by_neighbourhood = filters.municipality is not None
    place_field = "neighbourhood_id" if by_neighbourhood else "municipality_id"
    place_name = "neighbourhood__name" if by_neighbourhood else "municipality__name"

    total = _figure(qs.order_by().aggregate(**_figure_aggregates()))

    row_data = sorted(
        _grouped(qs, "area_id", "area__name", "area__position"),
        key=lambda r: (r["area__position"], r["area__name"].lower()),
    )
    rows = [Line(r["area_id"], r["area__name"], _figure(r)) for r in row_data]
    no_place = str(_("Neighbourhood not given")) if by_neighbourhood else ""
    col_data = sorted(
        _grouped(qs, place_field, place_name),
        key=lambda r: (r[place_name] is None, (r[place_name] or "").lower()),
    )
    columns = [Line(c[place_field], c[place_name] or no_place, _figure(c)) for c in col_data]
    cells = {(c["area_id"], c[place_field]): _figure(c) for c in _grouped(qs, "area_id", place_field)}
    cross = CrossTable(
        rows=rows,
        columns=columns,
        cells=cells,
        total=total,
        place_kind="neighbourhood" if by_neighbourhood else "municipality",
    )

    target_labels = dict(TargetGroup.choices)
    status_labels = dict(NeedStatus.choices)
    channel_labels = dict(Channel.choices)
    target_order = {value: i for i, value in enumerate(target_labels)}
    status_order = {value: i for i, value in enumerate(status_labels)}
    channel_order = {value: i for i, value in enumerate(channel_labels)}
    by_target = _table(
        sorted(_grouped(qs, "target_group"), key=lambda r: target_order.get(r["target_group"], 99)),
        "target_group",
        lambda v, _r: str(target_labels.get(v, v)),
        Figure(**vars(total)),
    )
    by_status = _table(
        sorted(_grouped(qs, "status"), key=lambda r: status_order.get(r["status"], 99)),
        "status",
        lambda v, _r: str(status_labels.get(v, v)),
        Figure(**vars(total)),
    )
    by_channel = _table(
        sorted(_grouped(qs, "channel"), key=lambda r: channel_order.get(r["channel"], 99)),
        "channel",
        lambda v, _r: str(channel_labels.get(v, v)),
        Figure(**vars(total)),
    )
    by_origin = _table(
        sorted(_grouped(qs, "expressed"), key=lambda r: not r["expressed"]),
        "expressed",
        lambda v, _r: str(_("Expressed") if v else _("Detected")),
        Figure(**vars(total)),
    )
    trunc = TruncQuarter("observed_on") if filters.period == "quarter" else TruncMonth("observed_on")
    period_rows = list(qs.order_by().annotate(period=trunc).values("period").annotate(**_figure_aggregates()))
    period_rows.sort(key=lambda r: _period_key(r["period"]) or datetime.date.min)
    by_period = Table(
        [Line(_period_key(r["period"]), _period_label(r["period"], filters.period), _figure(r)) for r in period_rows],
        Figure(**vars(total)),
    )

    if not exact:
        suppress_cross_table(cross, k)
        for table in (by_target, by_status, by_channel, by_origin, by_period):
            suppress_table(table, k)

    positions = place_positions(network, by_neighbourhood=by_neighbourhood, municipality=filters.municipality)
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
    return NeedsFigures(
        exact=exact,
        k=k,
        cross=cross,
        by_target=by_target,
        by_status=by_status,
        by_origin=by_origin,
        by_channel=by_channel,
        by_period=by_period,
        markers=markers,
        unplaced=unplaced,
    )


def place_positions(
    network: Network, *, by_neighbourhood: bool = False, municipality: int | None = None
) -> dict[Hashable, tuple[float, float]]:
    """A position per Comune (or per neighbourhood of one Comune): the mean of its needs' and places' points.

    Comuni have no coordinates of their own. Needs' points count only where a place has at least k of
    them, so a position never gives away one person's address; positions are rounded to about 100 m.
    Two queries.
    """
    k = settings.LEGAMI_K_ANONYMITY
    key = "neighbourhood_id" if by_neighbourhood else "municipality_id"
    needs = Need.objects.filter(network=network, latitude__isnull=False, longitude__isnull=False)
    places = Place.objects.filter(network=network, latitude__isnull=False, longitude__isnull=False)
    if municipality is not None:
        needs = needs.filter(municipality_id=municipality)
        places = places.filter(municipality_id=municipality)
    if by_neighbourhood:
        needs = needs.filter(neighbourhood__isnull=False)
        places = places.filter(neighbourhood__isnull=False)
    sums: dict[Hashable, list[float]] = {}
    aggregates = {"lat": Avg("latitude"), "lon": Avg("longitude"), "n": Count("id")}
    for row in needs.order_by().values(key).annotate(**aggregates):
        if row["n"] >= k:
            sums[row[key]] = [float(row["lat"]) * row["n"], float(row["lon"]) * row["n"], row["n"]]
    for row in places.order_by().values(key).annotate(**aggregates):
        acc = sums.setdefault(row[key], [0.0, 0.0, 0])
        acc[0] += float(row["lat"]) * row["n"]
        acc[1] += float(row["lon"]) * row["n"]
        acc[2] += row["n"]
    return {
        place: (round(lat / n, POSITION_DECIMALS), round(lon / n, POSITION_DECIMALS))
        for place, (lat, lon, n) in sums.items()
        if n
    }


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
