"""Grouping needs: candidate pairs inside blocks, then constrained average-link clustering.

1. Blocking. Needs of different areas never meet. Inside an area, candidate pairs are the pairs of the same
   Comune plus, for needs with a point, pairs in neighbouring grid cells of `distance_km` (points near a
   border may group across Comuni).
2. A candidate pair is an edge when every pairwise rule holds (compatible target, near, hours that overlap)
   and the cosine similarity of the descriptions reaches `pair_similarity`.
3. Each connected component of the edge graph is clustered on its own by average-link agglomeration: the
   two groups with the highest average similarity over all their pairs merge first, but only if the merged
   group still obeys every rule (all members near each other, compatible targets, a slot common to every
   member that has hours) and its average similarity reaches `group_similarity`. So a chain of pairwise
   similar needs is not glued into one group, and a need with disjoint hours never joins.

Deterministic: records are processed in the order of their ids, and ties are broken by that order.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from legami.needs.timewindows import TimeWindow, intersect, overlaps

from .records import EngineSettings, Group, NeedRecord, compatible_targets, haversine_km, near
from .text import TextModel

Progress = Callable[[int, int], None]
KM_PER_DEGREE = 111.32
DEFAULT_SETTINGS = EngineSettings()
DENSE_LIMIT = 4000  # components up to this size get a dense similarity matrix


class _Cluster:
    """A group being built: its members and what the rules need to know about them."""

    __slots__ = ("members", "targets", "points", "np_comunes", "np_hoods", "comunes", "hoods", "windows", "timed")

    def __init__(self, index: int, record: NeedRecord) -> None:
        self.members = [index]
        self.targets = {record.target_group}
        self.points = np.array([[record.lat, record.lon]]) if record.has_point else np.empty((0, 2))
        self.comunes = {record.municipality}
        self.hoods = {record.neighbourhood} - {""}
        self.np_comunes = set() if record.has_point else {record.municipality}
        self.np_hoods = set() if record.has_point else self.hoods.copy()
        self.windows: list[TimeWindow] = list(record.windows)
        self.timed = bool(record.windows)

    def absorb(self, other: _Cluster) -> None:
        self.members.extend(other.members)
        self.targets |= other.targets
        self.points = np.vstack([self.points, other.points])
        self.comunes |= other.comunes
        self.hoods |= other.hoods
        self.np_comunes |= other.np_comunes
        self.np_hoods |= other.np_hoods
        if other.timed:
            self.windows = intersect(self.windows, other.windows) if self.timed else list(other.windows)
            self.timed = True


def _max_distance_km(a: np.ndarray, b: np.ndarray) -> float:
    lat1, lon1 = np.radians(a[:, 0])[:, None], np.radians(a[:, 1])[:, None]
    lat2, lon2 = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1))).max())


def _one_sided_place(a: _Cluster, b: _Cluster) -> bool:
    """a's members without a point are near every member of b."""
    if not a.np_comunes:
        return True
    if len(a.np_comunes | b.comunes) != 1:
        return False
    return not a.np_hoods or b.hoods <= a.np_hoods


def _can_merge(a: _Cluster, b: _Cluster, settings: EngineSettings) -> bool:
    if len(a.members) + len(b.members) > settings.max_group_size:
        return False
    if not all(compatible_targets(x, y) for x in a.targets for y in b.targets):
        return False
    if a.timed and b.timed and not overlaps(a.windows, b.windows):
        return False
    if not (_one_sided_place(a, b) and _one_sided_place(b, a)):
        return False
    if len(a.points) and len(b.points) and _max_distance_km(a.points, b.points) > settings.distance_km:
        return False
    return True


def _pair_ok(a: NeedRecord, b: NeedRecord, settings: EngineSettings) -> bool:
    return (
        compatible_targets(a.target_group, b.target_group)
        and near(a, b, settings.distance_km)
        and (not a.windows or not b.windows or overlaps(a.windows, b.windows))
    )


def _candidate_pairs(
    records: Sequence[NeedRecord], indices: list[int], vectors: sparse.csr_matrix, settings: EngineSettings
) -> list[tuple[int, int, float]]:
    """Edges among the needs of one area: similar enough and every pairwise rule holds."""
    edges: list[tuple[int, int, float]] = []
    by_comune: dict[str, list[int]] = defaultdict(list)
    for i in indices:
        by_comune[records[i].municipality].append(i)
    for comune in sorted(by_comune):
        block = by_comune[comune]
        if len(block) < 2:
            continue
        sub = vectors[block]
        sims = sparse.triu(sub @ sub.T, k=1).tocoo()
        keep = sims.data >= settings.pair_similarity
        for r, c, s in zip(sims.row[keep], sims.col[keep], sims.data[keep], strict=True):
            i, j = block[r], block[c]
            if _pair_ok(records[i], records[j], settings):
                edges.append((i, j, float(s)))
    # Points in neighbouring cells of distance_km but in different Comuni.
    pointed = [i for i in indices if records[i].has_point]
    if len(pointed) < 2 or settings.distance_km <= 0:
        return edges
    cell_km = settings.distance_km
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in pointed:
        r = records[i]
        y = r.lat * KM_PER_DEGREE  # type: ignore[operator]
        x = r.lon * KM_PER_DEGREE * math.cos(math.radians(r.lat))  # type: ignore[arg-type,operator]
        cells[(math.floor(x / cell_km), math.floor(y / cell_km))].append(i)
    left: list[int] = []
    right: list[int] = []
    for (cx, cy), members in cells.items():
        for dx, dy in ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1)):
            others = members if (dx, dy) == (0, 0) else cells.get((cx + dx, cy + dy))
            if not others:
                continue
            for p, i in enumerate(members):
                for j in others[p + 1 :] if others is members else others:
                    if records[i].municipality != records[j].municipality:
                        left.append(i)
                        right.append(j)
    if left:
        sims = np.asarray(vectors[left].multiply(vectors[right]).sum(axis=1)).ravel()
        for i, j, s in zip(left, right, sims, strict=True):
            if s >= settings.pair_similarity and _pair_ok(records[i], records[j], settings):
                edges.append((min(i, j), max(i, j), float(s)))
    return edges


def _cluster_component(
    records: Sequence[NeedRecord],
    members: list[int],
    edges: list[tuple[int, int, float]],
    vectors: sparse.csr_matrix,
    settings: EngineSettings,
) -> list[list[int]]:
    """Constrained average-link agglomeration of one connected component (members in canonical order)."""
    local = {index: position for position, index in enumerate(members)}
    sub = vectors[members]
    similarity = sub @ sub.T
    dense = similarity.toarray() if len(members) <= DENSE_LIMIT else None
    similarity = similarity.tocsr()

    def total(a: list[int], b: list[int]) -> float:
        ra, rb = [local[i] for i in a], [local[i] for i in b]
        if dense is not None:
            return float(dense[np.ix_(ra, rb)].sum())
        return float(similarity[ra][:, rb].sum())

    clusters = {i: _Cluster(i, records[i]) for i in members}
    neighbours: dict[int, set[int]] = defaultdict(set)
    version = dict.fromkeys(members, 0)
    heap: list[tuple[float, int, int, int, int]] = []
    for i, j, s in edges:
        neighbours[i].add(j)
        neighbours[j].add(i)
        heap.append((-s, i, j, 0, 0))
    heapq.heapify(heap)
    while heap:
        negative, a, b, va, vb = heapq.heappop(heap)
        if -negative < settings.group_similarity:
            break
        if a not in clusters or b not in clusters or version[a] != va or version[b] != vb:
            continue
        first, second = clusters[a], clusters[b]
        if not _can_merge(first, second, settings):
            continue
        keep, drop = (a, b) if a < b else (b, a)
        clusters[keep] = first if keep == a else second
        clusters[keep].absorb(clusters.pop(drop))
        version[keep] += 1
        neighbours[keep] = (neighbours[keep] | neighbours.pop(drop)) - {keep, drop}
        size = len(clusters[keep].members)
        for other in sorted(neighbours[keep]):
            neighbours[other].discard(drop)
            neighbours[other].add(keep)
            average = total(clusters[keep].members, clusters[other].members) / (size * len(clusters[other].members))
            x, y = (keep, other) if keep < other else (other, keep)
            heapq.heappush(heap, (-average, x, y, version[x], version[y]))
    return [sorted(cluster.members) for cluster in clusters.values()]


def _cohesion(members: list[int], vectors: sparse.csr_matrix) -> float:
    n = len(members)
    if n < 2:
        return 1.0
    summed = np.asarray(vectors[members].sum(axis=0)).ravel()
    squared_norms = float(vectors[members].multiply(vectors[members]).sum())
    return float(min(1.0, max(0.0, (float(summed @ summed) - squared_norms) / (n * (n - 1)))))


def _common_windows(records: Sequence[NeedRecord], members: list[int]) -> tuple[TimeWindow, ...]:
    windows: list[TimeWindow] = []
    for i in members:
        if records[i].windows:
            windows = intersect(windows, list(records[i].windows))
    return tuple(windows)


def aggregate(
    records: Sequence[NeedRecord],
    settings: EngineSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
) -> list[Group]:
    """Group the needs that could be answered together; every record lands in exactly one group."""
    n = len(records)
    if n == 0:
        if progress:
            progress(0, 0)
        return []
    # Canonical order (by id, then content) so that the input order changes nothing but group order.
    order = sorted(
        range(n),
        key=lambda i: (
            records[i].id,
            records[i].area,
            records[i].municipality,
            records[i].description,
            records[i].target_group,
        ),
    )
    canonical = [records[i] for i in order]
    model = TextModel([r.description for r in canonical], char_weight=settings.char_weight)
    vectors = model.vectors.tocsr()

    by_area: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(canonical):
        by_area[record.area].append(i)
    edges: list[tuple[int, int, float]] = []
    done = 0
    total = n
    for area in sorted(by_area):
        edges.extend(_candidate_pairs(canonical, by_area[area], vectors, settings))
        done += len(by_area[area])
        if progress:
            progress(done // 2, total)

    clusters: list[list[int]] = []
    if edges:
        rows = np.array([e[0] for e in edges])
        cols = np.array([e[1] for e in edges])
        graph = sparse.coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n))
        _count, labels = connected_components(graph, directed=False)
    else:
        labels = np.arange(n)
    component_members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        component_members[int(label)].append(i)
    component_edges: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for edge in edges:
        component_edges[int(labels[edge[0]])].append(edge)
    processed = 0
    for label in sorted(component_members, key=lambda key: component_members[key][0]):
        members = component_members[label]
        if len(members) == 1:
            clusters.append(members)
        else:
            clusters.extend(_cluster_component(canonical, members, component_edges[label], vectors, settings))
        processed += len(members)
        if progress and (processed == n or len(members) > 1 and processed % 2000 < len(members)):
            progress(n // 2 + processed // 2, total)

    groups: list[Group] = []
    for members in sorted(clusters, key=lambda m: m[0]):
        if len(members) < max(settings.min_group_size, 2):
            groups.extend(Group(members=[order[i]]) for i in members)
            continue
        groups.append(
            Group(
                members=sorted(order[i] for i in members),
                keywords=model.keywords(members),
                common_windows=_common_windows(canonical, members),
                cohesion=round(_cohesion(members, vectors), 4),
            )
        )
    for group in groups:
        if len(group.members) == 1:
            group.common_windows = tuple(records[group.members[0]].windows)
    if progress:
        progress(total, total)
    return groups


def fits(
    group_records: Sequence[NeedRecord], record: NeedRecord, settings: EngineSettings = DEFAULT_SETTINGS
) -> float | None:
    """The average similarity of `record` to the group when it may join under every rule, else None."""
    if not group_records:
        return None
    for member in group_records:
        if member.area != record.area or not _pair_ok(member, record, settings):
            return None
    common: list[TimeWindow] = []
    timed = False
    for member in group_records:
        if member.windows:
            common = intersect(common, list(member.windows)) if timed else list(member.windows)
            timed = True
    if timed and record.windows and not overlaps(common, record.windows):
        return None
    model = TextModel([m.description for m in group_records] + [record.description], char_weight=settings.char_weight)
    vectors = model.vectors.tocsr()
    similarity = float(np.asarray(vectors[:-1] @ vectors[-1].T.toarray()).mean())
    return similarity if similarity >= settings.group_similarity else None


__all__ = ["aggregate", "fits", "haversine_km"]
