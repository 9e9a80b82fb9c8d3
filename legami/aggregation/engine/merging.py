"""The engine's second pass (see cluster.py, step 6): the first pass's groups merge in the vectors that carry
the lemmas related by those groups."""

from __future__ import annotations

import heapq
from collections import defaultdict

import numpy as np
from scipy import sparse

from .graph import Arrays, edges
from .records import EngineSettings


def merge_units(
    arrays: Arrays,
    found: list[tuple[np.ndarray, float]],
    vectors: sparse.csr_matrix,
    settings: EngineSettings,
    n: int,
) -> list[tuple[np.ndarray, float]]:
    """The second pass: the first pass's groups (and lone needs) linked by an edge in the new vectors merge,
    greedily by the average similarity of their descriptions there, while it reaches `group_similarity` and
    every rule holds for every two members, hours included; two units whose days chain (hours that do not all
    meet, but a member of each meets the other's) merge when it reaches `merge_chain_similarity`. It only
    merges: a group of the first pass is never split, so the pass costs a fraction of a second clustering
    (chosen on set A: 0.919 against 0.928 for clustering again, mean of the development runs, in two thirds of
    the time)."""
    threshold = settings.group_similarity
    chain = settings.merge_chain_similarity

    units: list[np.ndarray] = [members for members, _cohesion in found]
    cohesions: list[float | None] = [cohesion for _members, cohesion in found]
    unit_of = np.full(n, -1, dtype=np.int64)
    for number, unit in enumerate(units):
        unit_of[unit] = number
    for need in np.flatnonzero(unit_of < 0).tolist():
        unit_of[need] = len(units)
        units.append(np.array([need], dtype=np.int64))
        cohesions.append(None)
    area_order = np.argsort(arrays.area, kind="stable")
    area_bounds = np.flatnonzero(np.diff(arrays.area[area_order])) + 1
    firsts, seconds = [], []
    for indices in np.split(area_order, area_bounds):
        a, b, _s = edges(arrays, np.sort(indices), vectors, settings)
        ua, ub = unit_of[a], unit_of[b]
        keep = ua != ub
        firsts.append(np.minimum(ua, ub)[keep])
        seconds.append(np.maximum(ua, ub)[keep])
    if not firsts:
        return found
    pairs = np.unique(np.stack([np.concatenate(firsts), np.concatenate(seconds)], axis=1), axis=0)
    if not len(pairs):
        return found
    count = len(units)
    lengths = np.array([len(m) for m in units], dtype=np.int64)
    indicator = sparse.csr_matrix(
        (np.ones(n, dtype=np.float32), (unit_of, np.arange(n))), shape=(count, n), dtype=np.float32
    )
    sums = (indicator @ vectors).tocsr()
    rows: dict[int, sparse.csr_matrix] = {}
    sizes = lengths.astype(np.float64)

    def row(unit: int) -> sparse.csr_matrix:
        return rows[unit] if unit in rows else sums[unit]

    dots = np.asarray(sums[pairs[:, 0]].multiply(sums[pairs[:, 1]]).sum(axis=1)).ravel()
    averages = dots / (sizes[pairs[:, 0]] * sizes[pairs[:, 1]])
    neighbours: dict[int, set[int]] = defaultdict(set)
    for u, v in pairs.tolist():
        neighbours[u].add(v)
        neighbours[v].add(u)
    version = np.zeros(count, dtype=np.int64)
    heap = [
        (-float(avg), int(u), int(v), 0, 0)
        for (u, v), avg in zip(pairs.tolist(), averages.tolist(), strict=True)
        if avg >= threshold
    ]
    heapq.heapify(heap)
    alive = np.ones(count, dtype=bool)
    merged = np.zeros(count, dtype=bool)
    members = dict(enumerate(units))
    while heap:
        negative, u, v, version_u, version_v = heapq.heappop(heap)
        if not (alive[u] and alive[v]) or version[u] != version_u or version[v] != version_v:
            continue
        if sizes[u] + sizes[v] > settings.max_group_size:
            continue
        left, right = members[u], members[v]
        if not arrays.all_allowed(left, right):
            continue
        all_meet, some_meet = arrays.hours_across(left, right)
        # days that chain: a member of each side meets the other's hours, and the descriptions are closer
        if not all_meet and (not settings.chain_days or -negative < chain or not some_meet):
            continue
        members[u] = np.concatenate([left, right])
        rows[u] = row(u) + row(v)
        sizes[u] += sizes[v]
        alive[v] = False
        merged[u] = True
        version[u] += 1
        neighbours[u] |= neighbours.pop(v, set())
        neighbours[u].discard(u)
        neighbours[u].discard(v)
        living = [w for w in neighbours[u] if alive[w]]
        neighbours[u] = set(living)
        if not living:
            continue
        for w in living:
            neighbours[w].discard(v)
            neighbours[w].add(u)
        # the merged unit against all its neighbours in one product: those never merged are rows of `sums`
        plain = [w for w in living if w not in rows]
        changed = [w for w in living if w in rows]
        others = sparse.vstack([sums[plain], *(rows[w] for w in changed)], format="csr") if changed else sums[plain]
        dots = np.asarray((others @ rows[u].T).todense()).ravel()
        for w, dot in zip(plain + changed, dots.tolist(), strict=True):
            average = dot / (sizes[u] * sizes[w])
            if average >= threshold:
                first, second = (u, w) if u < w else (w, u)
                heapq.heappush(heap, (-average, first, second, int(version[first]), int(version[second])))
    squares = np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()
    living = [u for u in np.flatnonzero(alive).tolist() if len(members[u]) >= 2]
    again = [u for u in living if merged[u] or cohesions[u] is None]
    if again:  # the cohesion of the merged groups: the squared norm of each one's sum, in one product
        totals = sparse.vstack([row(u) for u in again], format="csr")
        norms = np.asarray(totals.multiply(totals).sum(axis=1)).ravel()
        for u, norm in zip(again, norms.tolist(), strict=True):
            k = len(members[u])
            cohesions[u] = (norm - float(squares[members[u]].sum())) / (k * (k - 1))
    result: list[tuple[np.ndarray, float]] = []
    for u in living:
        known = cohesions[u] or 0.0  # every living unit has one by now
        result.append((np.sort(members[u]), float(min(1.0, max(0.0, known)))))
    return result
