"""The pairwise rules and the candidate edges of the engine (see cluster.py, step 1): the records as numpy
arrays with the rules checked on index arrays, the edges of one area (same Comune, or neighbouring Comuni for
needs with a point) from sparse products, and their connected components.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from legami.needs.timewindows import TimeWindow, overlaps

from .records import EngineSettings, NeedRecord, compatible_targets, haversine_radians_km

COMPONENT_LIMIT = 2500  # largest component clustered densely; larger ones are split on stronger edges
KM_PER_DEGREE = 111.32
DENSE_LIMIT = 20_000  # pairs of rows up to which a similarity block is computed densely


class Arrays:
    """The records as numpy arrays (canonical order) and the pairwise rules on index arrays."""

    def __init__(
        self,
        records: Sequence[NeedRecord],
        settings: EngineSettings,
        apart: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.settings = settings
        self.apart = apart
        codes: dict[str, dict[str, int]] = defaultdict(dict)

        def code(kind: str, value: str) -> int:
            return codes[kind].setdefault(value, len(codes[kind]))

        self.area = np.array([code("area", r.area) for r in records], dtype=np.int64)
        self.comune = np.array([code("comune", r.municipality) for r in records], dtype=np.int64)
        self.hood = np.array(
            [code("hood", r.neighbourhood) if r.neighbourhood else -1 for r in records], dtype=np.int64
        )
        self.target = np.array([code("target", r.target_group) for r in records], dtype=np.int64)
        targets = list(codes["target"])
        self.compatible = np.array([[compatible_targets(a, b) for b in targets] for a in targets], dtype=bool)
        self.has_point = np.array([r.has_point for r in records], dtype=bool)
        self.alone = np.zeros(len(records), dtype=bool)  # needs that must stay singletons (misfiled)
        self.lat = np.radians(np.array([r.lat if r.has_point else 0.0 for r in records], dtype=np.float64))
        self.lon = np.radians(np.array([r.lon if r.has_point else 0.0 for r in records], dtype=np.float64))
        patterns: dict[tuple[TimeWindow, ...], int] = {(): 0}
        self.pattern = np.array([patterns.setdefault(tuple(r.windows), len(patterns)) for r in records], dtype=np.int64)
        self.patterns: list[tuple[TimeWindow, ...]] = list(patterns)
        self._overlap: dict[int, bool] = {}

    def overlap(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Hours compatible pairwise: either side without hours, or windows that overlap."""
        count = len(self.patterns)
        keys = np.minimum(a, b) * count + np.maximum(a, b)
        unique, inverse = np.unique(keys, return_inverse=True)
        values = np.empty(len(unique), dtype=bool)
        for position, key in enumerate(unique.tolist()):
            known = self._overlap.get(key)
            if known is None:
                first, second = divmod(key, count)
                known = first == 0 or overlaps(list(self.patterns[first]), list(self.patterns[second]))
                self._overlap[key] = known
            values[position] = known
        return values[inverse].reshape(np.shape(a))

    def distance_km(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray(haversine_radians_km(self.lat[a], self.lon[a], self.lat[b], self.lon[b]))

    def allowed(self, a: np.ndarray, b: np.ndarray, hours: bool = True) -> np.ndarray:
        """Every pairwise rule (compatible targets, near, hours unless `hours` is False, no "apart" evidence)
        for index arrays a and b (same shape)."""
        ok = self.compatible[self.target[a], self.target[b]] & ~self.alone[a] & ~self.alone[b]
        both = self.has_point[a] & self.has_point[b]
        near = np.where(both, self.distance_km(a, b) <= self.settings.distance_km, self._same_place(a, b))
        ok &= near
        if hours:
            ok &= self.overlap(self.pattern[a], self.pattern[b])
        if self.apart is not None:
            first, second = self.apart
            clash = ((first[a] & second[b]) | (second[a] & first[b])).any(axis=-1)
            ok &= ~clash
        return ok

    def all_allowed(self, left: np.ndarray, right: np.ndarray) -> bool:
        """Every rule but hours holds for every pair across two sets of records: the same answer as
        allowed(every pair, hours=False).all(), from the few targets, places and evidence each side has, and
        the distances of the pointed pairs only when the two sides' points do not all lie within reach."""
        if self.alone[left].any() or self.alone[right].any():
            return False
        if not self.compatible[np.ix_(np.unique(self.target[left]), np.unique(self.target[right]))].all():
            return False
        if self.apart is not None:
            first, second = self.apart
            if (first[left].any(axis=0) & second[right].any(axis=0)).any():
                return False
            if (second[left].any(axis=0) & first[right].any(axis=0)).any():
                return False
        # a pair where either side has no point: the place rule on one record of each distinct place
        place_a, place_b = self._distinct_places(left), self._distinct_places(right)
        grid_a, grid_b = np.repeat(place_a, len(place_b)), np.tile(place_b, len(place_a))
        loose = ~(self.has_point[grid_a] & self.has_point[grid_b])
        if not self._same_place(grid_a[loose], grid_b[loose]).all():
            return False
        pointed_left, pointed_right = self.has_point[left], self.has_point[right]
        a, b = left[pointed_left], right[pointed_right]
        if not len(a) or not len(b):
            return True
        both = np.concatenate([a, b])
        lat, lon = self.lat[both], self.lon[both]
        diagonal = haversine_radians_km(lat.min(), lon.min(), lat.max(), lon.max())
        if diagonal <= self.settings.distance_km * 0.99:
            return True  # the box around all their points is smaller than the reach
        return bool((self.distance_km(np.repeat(a, len(b)), np.tile(b, len(a))) <= self.settings.distance_km).all())

    def _same_place(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The place rule of a pair where either side has no point: the same Comune and, when both have one,
        the same neighbourhood."""
        return (self.comune[a] == self.comune[b]) & (
            (self.hood[a] < 0) | (self.hood[b] < 0) | (self.hood[a] == self.hood[b])
        )

    def _distinct_places(self, members: np.ndarray) -> np.ndarray:
        """One record of each distinct (Comune, neighbourhood, has a point) among the members."""
        keys = np.stack([self.comune[members], self.hood[members], self.has_point[members].astype(np.int64)])
        _keys, first = np.unique(keys, axis=1, return_index=True)
        return members[first]

    def hours_across(self, left: np.ndarray, right: np.ndarray) -> tuple[bool, bool]:
        """(the hours of every pair across two sets meet, the hours of some pair of members with hours meet),
        from the distinct hour patterns of each side."""
        patterns_left, patterns_right = np.unique(self.pattern[left]), np.unique(self.pattern[right])
        grid_a, grid_b = np.meshgrid(patterns_left, patterns_right, indexing="ij")
        meet = self.overlap(grid_a.ravel(), grid_b.ravel())
        timed = (grid_a.ravel() > 0) & (grid_b.ravel() > 0)
        return bool(meet.all()), bool((meet & timed).any())


def similarity_block(vectors: sparse.csr_matrix, left: np.ndarray, right: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarities (dot products of the normalised rows) between two sets of rows as a dense array:
    small blocks are gathered into dense arrays over the columns they use (no sparse matrices built per block,
    which costs more than the product for the thousands of small components of a run)."""
    if not len(left) or (right is not None and not len(right)):
        return np.zeros((len(left), len(left) if right is None else len(right)))
    if len(left) * (len(left) if right is None else len(right)) > DENSE_LIMIT:
        product = vectors[left] @ (vectors[left] if right is None else vectors[right]).T
        return np.asarray(product.toarray(), dtype=np.float64)
    rows = left if right is None else np.concatenate([left, right])
    starts, ends = vectors.indptr[rows], vectors.indptr[rows + 1]
    lengths = ends - starts
    positions = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    positions += np.arange(int(lengths.sum()))
    columns, local = np.unique(vectors.indices[positions], return_inverse=True)
    dense = np.zeros((len(rows), len(columns)), dtype=np.float64)
    dense[np.repeat(np.arange(len(rows)), lengths), local] = vectors.data[positions]
    if right is None:
        return dense @ dense.T
    return dense[: len(left)] @ dense[len(left) :].T


def threshold_edges(
    arrays: Arrays, left: np.ndarray, right: np.ndarray, vectors: sparse.csr_matrix, same: bool, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allowed pairs (global indices) between two index sets whose similarity reaches the threshold."""
    if len(left) * len(right) <= DENSE_LIMIT:
        block = similarity_block(vectors, left, None if same else right)
        rows, cols = np.nonzero(block >= threshold)
        data = block[rows, cols].astype(np.float32)
    else:
        product = (vectors[left] @ vectors[right].T).tocoo()
        keep = product.data >= threshold
        rows, cols, data = product.row[keep], product.col[keep], product.data[keep]
    if same:
        upper = rows < cols
        rows, cols, data = rows[upper], cols[upper], data[upper]
    a, b = left[rows], right[cols]
    ok = arrays.allowed(a, b)
    return a[ok], b[ok], data[ok]


def comune_neighbours(arrays: Arrays, indices: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """For Comuni of one area whose points come within distance_km: the pointed needs of each side that lie
    within reach of the other Comune's bounding box."""
    pointed = indices[arrays.has_point[indices]]
    if len(pointed) < 2 or arrays.settings.distance_km <= 0:
        return []
    comunes = arrays.comune[pointed]
    lat, lon = np.degrees(arrays.lat[pointed]), np.degrees(arrays.lon[pointed])
    reach_lat = arrays.settings.distance_km / KM_PER_DEGREE
    reach_lon = reach_lat / max(0.1, float(np.cos(np.radians(np.abs(lat).max()))))
    boxes = {}
    for comune in np.unique(comunes).tolist():
        mask = comunes == comune
        boxes[comune] = (mask, lat[mask].min(), lat[mask].max(), lon[mask].min(), lon[mask].max())
    result = []
    names = sorted(boxes)
    for position, first in enumerate(names):
        mask_a, a_lat0, a_lat1, a_lon0, a_lon1 = boxes[first]
        for second in names[position + 1 :]:
            mask_b, b_lat0, b_lat1, b_lon0, b_lon1 = boxes[second]
            if (
                a_lat0 > b_lat1 + reach_lat
                or b_lat0 > a_lat1 + reach_lat
                or a_lon0 > b_lon1 + reach_lon
                or b_lon0 > a_lon1 + reach_lon
            ):
                continue
            side_a = mask_a & (lat >= b_lat0 - reach_lat) & (lat <= b_lat1 + reach_lat)
            side_a &= (lon >= b_lon0 - reach_lon) & (lon <= b_lon1 + reach_lon)
            side_b = mask_b & (lat >= a_lat0 - reach_lat) & (lat <= a_lat1 + reach_lat)
            side_b &= (lon >= a_lon0 - reach_lon) & (lon <= a_lon1 + reach_lon)
            if side_a.any() and side_b.any():
                result.append((pointed[side_a], pointed[side_b]))
    return result


def edges(
    arrays: Arrays, indices: np.ndarray, vectors: sparse.csr_matrix, settings: EngineSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges among the needs of one area: similar enough and every pairwise rule holds."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    comunes = arrays.comune[indices]
    order = np.argsort(comunes, kind="stable")
    bounds = np.flatnonzero(np.diff(comunes[order])) + 1
    for block in np.split(indices[order], bounds):
        if len(block) >= 2:
            parts.append(threshold_edges(arrays, block, block, vectors, True, settings.pair_similarity))
    for side_a, side_b in comune_neighbours(arrays, indices):
        parts.append(threshold_edges(arrays, side_a, side_b, vectors, False, settings.pair_similarity))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.float32)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def components(
    nodes: np.ndarray, a: np.ndarray, b: np.ndarray, s: np.ndarray, threshold: float, step: float
) -> list[np.ndarray]:
    """Connected components of the edges ≥ threshold among `nodes` (sorted); too large ones are split on
    stronger edges. Singletons are left out."""
    keep = s >= threshold
    a, b, s = a[keep], b[keep], s[keep]
    if not len(a):
        return []
    local_a, local_b = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    graph = sparse.coo_matrix((np.ones(len(a)), (local_a, local_b)), shape=(len(nodes), len(nodes)))
    _count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    result: list[np.ndarray] = []
    edge_labels = labels[local_a]
    order = np.argsort(labels, kind="stable")
    bounds = np.cumsum(sizes)[:-1]
    for label, members in enumerate(np.split(nodes[order], bounds)):
        if len(members) < 2:
            continue
        if len(members) <= COMPONENT_LIMIT:
            result.append(members)
        elif threshold + step < 1.0:
            mine = edge_labels == label
            result.extend(components(members, a[mine], b[mine], s[mine], threshold + step, step))
        else:  # thousands of near-identical needs: clustered in slices of canonical order
            result.extend(np.array_split(members, -(-len(members) // COMPONENT_LIMIT)))
    return result
