"""The network's needs as a few numbers per need, cached per process and checked against the needs revision.

The needs map and the needs list count on these arrays instead of reading every need per request. Each request
reads the network's revision (legami.needs.models.NeedsRevision, moved by database triggers on every write to
the needs) and reloads the arrays when it differs, so every process sees every write at its next request.
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Case, ExpressionWrapper, F, FloatField, Func, IntegerField, Value, When
from django.db.models.functions import Cast, Coalesce

from legami.needs.models import Channel, Need, NeedsRevision, NeedStatus, PrivacyLevel, TargetGroup
from legami.network.models import Network


def _code(field: str, values: Sequence[str]) -> Case:
    """The position of a choice field's value in `values` (len(values) for an unknown one)."""
    return Case(*(When(**{field: v}, then=Value(i)) for i, v in enumerate(values)), default=Value(len(values)))


# The choices are packed into one integer per need: channel, status, target group, expressed, urgency.
TARGETS, STATUSES, CHANNELS = list(TargetGroup.values), list(NeedStatus.values), list(Channel.values)
WIDTH = 16  # more than any of the three choice lists (+1 for an unknown value)
CASE_TEAM = 1  # the flags column
# Columns of the cached snapshot (one row per need of the network).
AREA, MUNICIPALITY, NEIGHBOURHOOD, DIMS, DAY, PEOPLE, SUBJECT, FLAGS, LAT, LON = range(10)


class _DayKey(Func):
    """(year * 12 + month - 1) * 32 + day of a date: ordered like the dates, and the month is key // 32."""

    template = (
        "((CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER) * 12"
        " + CAST(EXTRACT(MONTH FROM %(expressions)s) AS INTEGER) - 1) * 32"
        " + CAST(EXTRACT(DAY FROM %(expressions)s) AS INTEGER))"
    )
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "((CAST(substr(%(expressions)s, 1, 4) AS INTEGER) * 12"
            " + CAST(substr(%(expressions)s, 6, 2) AS INTEGER) - 1) * 32"
            " + CAST(substr(%(expressions)s, 9, 2) AS INTEGER))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def day_key(day: datetime.date) -> int:
    """A date as NeedColumns.day holds it (ordered like the dates; the month is key // 32)."""
    return ((day.year * 12 + day.month - 1) * 32) + day.day


@dataclass(frozen=True)
class NeedColumns:
    """The network's needs as arrays, one entry per need in the same order: what the list's count filters on.

    Choices are codes: their index in TargetGroup/NeedStatus/Channel values (choice_code); days are day_key().
    """

    area: np.ndarray
    municipality: np.ndarray
    neighbourhood: np.ndarray  # 0: none
    day: np.ndarray
    target_group: np.ndarray
    status: np.ndarray
    channel: np.ndarray
    expressed: np.ndarray  # bool
    urgency: np.ndarray
    case_team: np.ndarray  # bool

    @classmethod
    def of(cls, rows: np.ndarray) -> NeedColumns:
        dims = rows[:, DIMS].astype(np.int64)
        return cls(
            area=rows[:, AREA].astype(np.int64),
            municipality=rows[:, MUNICIPALITY].astype(np.int64),
            neighbourhood=rows[:, NEIGHBOURHOOD].astype(np.int64),
            day=rows[:, DAY].astype(np.int64),
            target_group=dims // WIDTH**2 % WIDTH,
            status=dims // WIDTH % WIDTH,
            channel=dims % WIDTH,
            expressed=(dims // WIDTH**3 % 2).astype(bool),
            urgency=dims // (WIDTH**3 * 2),
            case_team=rows[:, FLAGS] == CASE_TEAM,
        )


def choice_code(field: str, value: str) -> int:
    """The code of a target group, status or channel value in NeedColumns (-1, matching nothing, if unknown)."""
    values = {"target_group": TARGETS, "status": STATUSES, "channel": CHANNELS}[field]
    return choice_index(values, value)


@dataclass(frozen=True)
class Snapshot:
    """Every need of one network as a few numbers (see the column names above), at one revision."""

    revision: int
    rows: np.ndarray  # float64, one row per need; ids and codes are exact below 2**53
    n_subjects: int
    # True where the need's subject has no other need in the network: it counts once wherever it falls.
    single: np.ndarray

    @functools.cached_property
    def columns(self) -> NeedColumns:
        return NeedColumns.of(self.rows)


def need_columns(network: Network) -> NeedColumns:
    """The network's needs as arrays, current as of this request (one query; see needs_snapshot)."""
    return needs_snapshot(network).columns


def current_need_columns(network: Network) -> NeedColumns | None:
    """The network's needs as arrays if this process holds them at the current revision (one query), else None:
    never reads the needs (the caller has a cheaper way than a reload, as a COUNT)."""
    snapshot = _SNAPSHOTS.get(network.pk)
    if snapshot is None or snapshot.revision != needs_revision(network):
        return None
    return snapshot.columns


# network id -> its latest snapshot in this process. A cache, never the truth: each request reads the network's
# revision first and reloads when it differs, so every process sees every write at its next request.
_SNAPSHOTS: OrderedDict[int, Snapshot] = OrderedDict()
_SNAPSHOTS_KEPT = 16
_SNAPSHOTS_LOCK = threading.Lock()


def needs_revision(network: Network) -> int:
    """The network's needs revision (legami.needs.models.NeedsRevision): one primary-key read."""
    return NeedsRevision.objects.filter(network_id=network.pk).values_list("revision", flat=True).first() or 0


def _load_snapshot(network: Network, revision: int) -> Snapshot:
    """One query: per need of the network, its area, places, packed choices, day, people, subject, flags, point."""
    expressed = Case(When(expressed=True, then=Value(1)), default=Value(0))
    dims = (
        ((F("urgency") * 2 + expressed) * WIDTH + _code("target_group", TARGETS)) * WIDTH + _code("status", STATUSES)
    ) * WIDTH + _code("channel", CHANNELS)
    # A subject is the person, else the household, else the need itself.
    subject = Coalesce(F("person_id") * 2, F("household_id") * 2 + 1, F("id") * -1)
    query = (
        Need.objects.filter(network=network)
        .order_by()
        .annotate(
            h_neighbourhood=Coalesce(F("neighbourhood_id"), Value(0)),
            h_dims=ExpressionWrapper(dims, output_field=IntegerField()),
            h_day=_DayKey("observed_on"),
            h_subject=ExpressionWrapper(subject, output_field=IntegerField()),
            h_flags=Case(When(privacy_level=PrivacyLevel.CASE_TEAM, then=Value(CASE_TEAM)), default=Value(0)),
            # floats, not Decimals: no Python object per coordinate
            h_lat=Cast("latitude", FloatField()),
            h_lon=Cast("longitude", FloatField()),
        )
        .values_list(
            "area_id",
            "municipality_id",
            "h_neighbourhood",
            "h_dims",
            "h_day",
            "people_count",
            "h_subject",
            "h_flags",
            "h_lat",
            "h_lon",
        )
    )
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 10)
    subject_keys, subjects, repeats = np.unique(rows[:, SUBJECT], return_inverse=True, return_counts=True)
    subjects = subjects.reshape(-1)
    rows[:, SUBJECT] = subjects
    return Snapshot(revision, rows, max(len(subject_keys), 1), repeats[subjects] == 1)


def needs_snapshot(network: Network) -> Snapshot:
    """The network's needs as arrays, current as of this request: one query, two after any write."""
    revision = needs_revision(network)
    snapshot = _SNAPSHOTS.get(network.pk)
    if snapshot is not None and snapshot.revision == revision:
        return snapshot
    with _SNAPSHOTS_LOCK:
        snapshot = _SNAPSHOTS.get(network.pk)
        if snapshot is None or snapshot.revision != revision:
            # Read after the revision: the rows are at least that new; were they newer, the next request reloads.
            snapshot = _load_snapshot(network, revision)
            _SNAPSHOTS[network.pk] = snapshot
        _SNAPSHOTS.move_to_end(network.pk)
        while len(_SNAPSHOTS) > _SNAPSHOTS_KEPT:
            _SNAPSHOTS.popitem(last=False)
    return snapshot


def choice_index(values: Sequence[str], value: str) -> int:
    """The code of a choice (-1, matching nothing, for a value that is not one)."""
    return values.index(value) if value in values else -1
