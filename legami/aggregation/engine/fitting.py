"""Batch fitting: for many records at once, the group each fits best, under the rules of `cluster.fits`.

`fits(group, record)` builds a text model per call: asking it for every (new need, accepted demand) pair is
millions of models at province scale. Here ONE text model reads every description; a group's similarity to a
record is the cosine with the group's centroid (the mean of its members' vectors: the average of the pairwise
cosines, as in `fits`), all of them from one sparse product per area; the rules (compatible targets, near,
no "apart" evidence, hours that meet the group's common slot or, when its days chain, one of its slots) are
checked only for the groups similar enough, best first, until one passes. The IDF of the shared model differs
from that of a model of one group and one record, so figures close to the threshold may differ from `fits`;
the rules are the same.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from legami.needs.timewindows import TimeWindow, intersect, normalize, overlaps

from .records import EngineSettings, NeedRecord, compatible_targets, haversine_radians_km
from .text import TextModel, latent_options

DEFAULT_SETTINGS = EngineSettings()

__all__ = ["fit_many", "reachable_groups"]


@dataclass
class _GroupRules:
    """What the pairwise rules need to know of a group, computed once."""

    area: str | None  # None when its members are of different areas (nothing fits it)
    targets: frozenset[str]
    # members with a point: their coordinates in radians
    lat: np.ndarray
    lon: np.ndarray
    places: frozenset[tuple[str, str]]  # (Comune, neighbourhood) of every member
    unpointed_places: frozenset[tuple[str, str]]  # … of the members without a point
    timed: bool
    # the slot every member with hours shares; when their days chain (none), any of their slots
    shared: tuple[TimeWindow, ...]

    @classmethod
    def of(cls, members: Sequence[NeedRecord]) -> _GroupRules:
        areas = {m.area for m in members}
        pointed = [m for m in members if m.has_point]
        common: list[TimeWindow] = []
        timed = False
        for member in members:
            if member.windows:
                common = intersect(common, list(member.windows)) if timed else list(member.windows)
                timed = True
        shared = common or normalize(w for member in members for w in member.windows)
        return cls(
            area=next(iter(areas)) if len(areas) == 1 else None,
            targets=frozenset(m.target_group for m in members),
            lat=np.radians(np.array([m.lat for m in pointed], dtype=np.float64)),
            lon=np.radians(np.array([m.lon for m in pointed], dtype=np.float64)),
            places=frozenset((m.municipality, m.neighbourhood) for m in members),
            unpointed_places=frozenset((m.municipality, m.neighbourhood) for m in members if not m.has_point),
            timed=timed,
            shared=tuple(shared),
        )

    def allows(self, record: NeedRecord, settings: EngineSettings) -> bool:
        """Every rule of `fits` but the area, "apart" evidence and the similarity: compatible targets and near
        each member, and hours that meet the group's common slot (or, when its days chain, one of its slots)."""
        if not all(compatible_targets(target, record.target_group) for target in self.targets):
            return False
        if record.has_point:
            if not all(_same_place(place, record) for place in self.unpointed_places):
                return False
            if len(self.lat):
                lat, lon = np.radians(record.lat), np.radians(record.lon)  # type: ignore[arg-type]
                km = haversine_radians_km(self.lat, self.lon, lat, lon)
                if (km > settings.distance_km).any():
                    return False
        elif not all(_same_place(place, record) for place in self.places):
            return False
        if record.windows and self.timed and not overlaps(list(self.shared), list(record.windows)):
            return False
        return True


class _Places:
    """A necessary condition of `near` for many groups at once, on arrays, so that the exact rules run on few:
    a record without a point needs every member in its Comune; a record with one needs the members without a
    point in its Comune and the box of the members' points within reach."""

    def __init__(self, groups: Sequence[Sequence[NeedRecord]], records: Sequence[NeedRecord], settings: EngineSettings):
        codes: dict[str, int] = {}
        mixed, none = -1, -2
        count = len(groups)
        self.every = np.full(count, none, dtype=np.int64)  # the Comune of every member, else mixed
        self.unpointed = np.full(count, none, dtype=np.int64)  # … of the members without a point
        self.box = np.full((count, 4), np.nan)  # lat min, lat max, lon min, lon max of the points
        for index, group in enumerate(groups):
            every = unpointed = none
            lats: list[float] = []
            lons: list[float] = []
            for member in group:
                code = codes.setdefault(member.municipality, len(codes))
                every = code if every in (none, code) else mixed
                if member.has_point:
                    lats.append(member.lat)  # type: ignore[arg-type]
                    lons.append(member.lon)  # type: ignore[arg-type]
                else:
                    unpointed = code if unpointed in (none, code) else mixed
            self.every[index], self.unpointed[index] = every, unpointed
            if lats:
                self.box[index] = (min(lats), max(lats), min(lons), max(lons))
        self.records = records
        self.codes = codes
        self.none = none
        # degrees of latitude (111.2 km each), with a margin: this is a necessary condition, never the rule
        self.reach = settings.distance_km / 111.0 * 1.05

    def may_be_near(self, position: int, columns: np.ndarray) -> np.ndarray:
        record = self.records[position]
        code = self.codes.get(record.municipality, -3)
        if not record.has_point:
            return self.every[columns] == code
        ok = (self.unpointed[columns] == self.none) | (self.unpointed[columns] == code)
        box = self.box[columns]
        lat_reach = self.reach
        lon_reach = self.reach / max(0.1, float(np.cos(np.radians(record.lat))))  # type: ignore[arg-type]
        pointed = ~np.isnan(box[:, 0])
        within = (
            (np.abs(box[:, 0] - record.lat) <= lat_reach)
            & (np.abs(box[:, 1] - record.lat) <= lat_reach)
            & (np.abs(box[:, 2] - record.lon) <= lon_reach)
            & (np.abs(box[:, 3] - record.lon) <= lon_reach)
        )
        return ok & (~pointed | within)


def _kept_apart(apart: tuple[np.ndarray, np.ndarray], members: Sequence[int], row: int) -> bool:
    """True when evidence sets the description of `row` apart from one of the members' (the engine's masks)."""
    first, second = apart
    rows = np.asarray(members, dtype=np.int64)
    return bool(((first[rows] & second[row]) | (second[rows] & first[row])).any())


def _same_place(place: tuple[str, str], record: NeedRecord) -> bool:
    """`near` for a pair where one side has no point: same Comune and, when both have one, neighbourhood."""
    municipality, neighbourhood = place
    if municipality != record.municipality:
        return False
    return not (neighbourhood and record.neighbourhood and neighbourhood != record.neighbourhood)


def _text_model(texts: list[str], settings: EngineSettings, vocabulary: Any, evidence: Iterable[Any]) -> TextModel:
    kwargs: dict[str, Any] = {
        "char_weight": settings.char_weight,
        "concept_weight": settings.concept_weight,
        **latent_options(settings),
    }
    evidence = tuple(evidence or ())
    if vocabulary is not None or evidence:
        # only a model that reads a vocabulary and review evidence is given them
        accepted = inspect.signature(TextModel).parameters
        if "vocabulary" in accepted:
            kwargs["vocabulary"] = vocabulary
        if "evidence" in accepted:
            kwargs["evidence"] = evidence
    return TextModel(texts, **kwargs)


def _centroids(vectors: sparse.csr_matrix, groups: Sequence[Sequence[int]]) -> sparse.csr_matrix:
    """One row per group: the mean of its rows of `vectors` (an empty group gives an empty row)."""
    sizes = np.array([len(rows) for rows in groups], dtype=np.int64)
    columns = np.fromiter((row for rows in groups for row in rows), dtype=np.int64, count=int(sizes.sum()))
    owners = np.repeat(np.arange(len(groups)), sizes)
    weights = np.repeat(1.0 / np.maximum(sizes, 1), sizes).astype(np.float32)
    indicator = sparse.csr_matrix((weights, (owners, columns)), shape=(len(groups), vectors.shape[0]))
    return (indicator @ vectors).tocsr()


def _areas(
    groups: Sequence[Sequence[NeedRecord]], records: Sequence[NeedRecord]
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The groups of each area (a group of mixed areas is in none) and the records of each area."""
    by_area: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        areas = {member.area for member in group}
        if len(areas) == 1:
            by_area.setdefault(areas.pop(), []).append(index)
    record_areas: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        record_areas.setdefault(record.area, []).append(position)
    return by_area, record_areas


def _reachable(places: _Places, by_area: dict, record_areas: dict, count: int) -> np.ndarray:
    reachable = np.zeros(count, dtype=bool)
    for area, positions in record_areas.items():
        columns = np.array(by_area.get(area, ()), dtype=np.int64)
        for position in positions:
            if len(columns):
                reachable[columns[places.may_be_near(position, columns)]] = True
    return reachable


def reachable_groups(
    groups: Sequence[Sequence[NeedRecord]], records: Sequence[NeedRecord], settings: EngineSettings = DEFAULT_SETTINGS
) -> list[bool]:
    """For each group, whether some record of its area could be near every member: the groups fit_many may
    answer with, worked out without reading any description (a caller can then read only those)."""
    by_area, record_areas = _areas(groups, records)
    places = _Places(groups, records, settings)
    return _reachable(places, by_area, record_areas, len(groups)).tolist()


def fit_many(
    groups: Sequence[Sequence[NeedRecord]],
    records: Sequence[NeedRecord],
    settings: EngineSettings = DEFAULT_SETTINGS,
    *,
    vocabulary: Any = None,
    evidence: Iterable[Any] = (),
    baseline: Sequence[Sequence[NeedRecord] | None] | None = None,
) -> list[tuple[int, float] | None]:
    """For each record, the index of the group it fits best and its similarity (the average cosine with the
    group's members), or None: the same rules as `fits` (same area, compatible targets, near every member, no
    "apart" evidence, hours that meet the group's common slot or, when its days chain, one of its slots,
    similarity at least `group_similarity`).

    `baseline[i]`, when given, is a group record i already sits in (without itself): a group then counts only
    when record i fits it better than it fits that one (both measured in the same model).
    """
    if not records:
        return []
    if baseline is not None and len(baseline) != len(records):
        raise ValueError("baseline must give one group (or None) per record")
    by_area, record_areas = _areas(groups, records)
    # Groups no record of their area could be near are left out of the text model: they cannot be the answer.
    places = _Places(groups, records, settings)
    reachable = _reachable(places, by_area, record_areas, len(groups))

    member_rows: list[list[int]] = []
    texts: list[str] = []
    for index, group in enumerate(groups):
        if not reachable[index]:
            member_rows.append([])
            continue
        member_rows.append(list(range(len(texts), len(texts) + len(group))))
        texts.extend(member.description for member in group)
    baseline_rows: list[list[int]] = []
    for current in baseline or ():
        current = current or ()
        baseline_rows.append(list(range(len(texts), len(texts) + len(current))))
        texts.extend(member.description for member in current)
    first_record = len(texts)
    texts.extend(record.description for record in records)
    model = _text_model(texts, settings, vocabulary, evidence)
    vectors = model.vectors.tocsr()
    # "apart" evidence learned from reviewers: a record never joins a group with a member it was set apart from
    apart = getattr(model, "apart", None)
    record_vectors = vectors[first_record:]
    centroids = _centroids(vectors, member_rows) if groups else None
    floor = np.full(len(records), -np.inf)
    if baseline_rows:
        baseline_centroids = _centroids(vectors, baseline_rows)
        with_baseline = np.asarray(
            record_vectors[: len(baseline_rows)].multiply(baseline_centroids).sum(axis=1)
        ).ravel()
        present = np.array([bool(rows) for rows in baseline_rows])
        floor[: len(baseline_rows)][present] = with_baseline[present]

    # A group's rules are worked out the first time a record is similar enough to it (most never are).
    rules: dict[int, _GroupRules] = {}
    result: list[tuple[int, float] | None] = [None] * len(records)
    threshold = settings.group_similarity
    for area, positions in record_areas.items():
        candidates = [index for index in by_area.get(area, ()) if reachable[index]]
        if not candidates or centroids is None:
            continue
        group_index = np.array(candidates, dtype=np.int64)
        product = (record_vectors[positions] @ centroids[group_index].T).tocsr()
        for row, position in enumerate(positions):
            start, end = product.indptr[row], product.indptr[row + 1]
            values = product.data[start:end].astype(np.float64)
            columns = product.indices[start:end]
            keep = (values >= threshold) & (values > floor[position])
            if not keep.any():
                continue
            values, columns = values[keep], group_index[columns[keep]]
            near = places.may_be_near(position, columns)
            values, columns = values[near], columns[near]
            # best first; equal similarities: the earlier group
            for k in np.lexsort((columns, -values)).tolist():
                index = int(columns[k])
                rule = rules.get(index)
                if rule is None:
                    rule = rules[index] = _GroupRules.of(groups[index])
                if apart is not None and _kept_apart(apart, member_rows[index], first_record + position):
                    continue
                if rule.allows(records[position], settings):
                    result[position] = (index, float(values[k]))
                    break
    return result
