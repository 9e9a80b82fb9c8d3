"""Grouping needs: candidate edges inside blocks, then constrained average-link clustering per component,
chained days, and the needs without hours placed by where they are.

1. Blocking. Needs of different areas never meet. Inside an area, candidate pairs are the pairs of the same
   Comune plus, for needs with a point, pairs of neighbouring Comuni whose points lie within `distance_km`
   of the other Comune's points (points near a border may group across Comuni). Similarities come from one
   sparse matrix product per block (small blocks densely, graph.similarity_block); the pairwise rules are
   checked on arrays (no Python loop over pairs).
   A need whose description clearly belongs to another area (see _misfiled) takes part in no pair.
2. A candidate pair is an edge when every pairwise rule holds (compatible target, near, hours that overlap,
   no "apart" evidence) and the cosine similarity of the descriptions reaches `pair_similarity`. A connected
   component larger than COMPONENT_LIMIT is split by raising the edge threshold on it.
3. Each component is clustered on its own by average-link agglomeration (scipy) on 1 - similarity plus a
   distance penalty, where a pair that breaks a rule gets a prohibitive distance. Walking the dendrogram
   from the top, a node is a group when the average similarity across its two children reaches
   `group_similarity` (however near they are) and every rule holds for every two members, hours included
   (a slot common to all); otherwise its children are examined.
4. Chained days: two such groups (or needs) merge, greedily by average similarity, when a member of each
   has hours that meet the other's, every rule but hours holds for every two members, and the average
   similarity across them reaches `chain_similarity` (Tuesday, Tuesday and Thursday, Thursday: one group).
5. The needs without hours of a group move together to the group with hours whose members' centre is
   nearest to theirs (they fit any group's hours, so the words alone would place them by chance).
6. Second pass: the lemmas that the groups of 12 or more needs hold together are related (a block added to
   the vectors, text.TextModel.with_group_relatedness), and groups and lone needs linked by an edge in those
   vectors merge, greedily by average similarity, while it reaches `group_similarity` and every rule holds for
   every two members, or `merge_chain_similarity` when their days chain (merging.py): wordings bridged in some
   Comuni meet where nothing bridges them.
7. Groups below `min_group_size` or `min_cohesion` are not proposed: their members stay singletons.

Deterministic: records are processed in the order of their ids, and ties are broken by that order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from legami.needs.timewindows import TimeWindow, intersect, normalize, overlaps

from .evidence import Evidence
from .graph import Arrays, components, edges, similarity_block
from .merging import merge_units
from .records import EngineSettings, Group, NeedRecord
from .text import TextModel, latent_options, tokenise
from .vocabulary import Vocabulary

Progress = Callable[[int, int], None]
DEFAULT_SETTINGS = EngineSettings()
FORBIDDEN = 1e6  # distance of a pair that breaks a rule: no average can hide it below the cut


def _hours_chain(hours: np.ndarray, timed: np.ndarray, local: list[int]) -> bool:
    """The members with hours form one chain: each meets another's hours, and through such links all of them
    are connected (Tuesday - Tuesday and Thursday - Thursday), so one answer on those days serves them all."""
    chosen = np.asarray(local)[timed[local]]
    if len(chosen) < 2:
        return True
    block = hours[np.ix_(chosen, chosen)]
    if block.all():
        return True
    count, _labels = connected_components(sparse.csr_matrix(block), directed=False)
    return bool(count == 1)


def _has_common_slot(arrays: Arrays, members: np.ndarray) -> bool:
    patterns = np.unique(arrays.pattern[members])
    patterns = patterns[patterns > 0]
    if len(patterns) < 2:
        return True
    common = list(arrays.patterns[patterns[0]])
    for pattern in patterns[1:].tolist():
        common = intersect(common, list(arrays.patterns[pattern]))
        if not common:
            return False
    return True


def _distance_penalty(km: np.ndarray, settings: EngineSettings) -> np.ndarray:
    """What distance adds to 1 - similarity in the clustering: nearer needs join first."""
    return np.asarray(settings.spatial_weight * np.minimum(km / settings.distance_km, 1.0))


def _cluster_component(
    arrays: Arrays, members: np.ndarray, vectors: sparse.csr_matrix, settings: EngineSettings
) -> list[tuple[np.ndarray, float]]:
    """Constrained average-link clustering of one component, then chained days: (members, cohesion) of each
    group of 2+."""
    k = len(members)
    similarity = similarity_block(vectors, members)
    cut = 1.0 - settings.group_similarity + settings.spatial_weight / 2
    if k == 2:
        # a component of two is an edge: every rule holds; the similarity decides, and the distance penalty
        # when both needs have a point (the cut is the one of the dendrogram below)
        pair = float(similarity[0, 1])
        if arrays.has_point[members].all() and settings.spatial_weight > 0 and settings.distance_km > 0:
            if 1.0 - pair + _distance_penalty(arrays.distance_km(members[:1], members[1:]), settings)[0] > cut:
                return []
        return [(np.sort(members), min(1.0, max(0.0, pair)))] if pair >= settings.group_similarity else []
    grid_a, grid_b = np.triu_indices(k, 1)
    allowed = np.ones((k, k), dtype=bool)  # the rules every two members of a group keep (not hours)
    pair_ok = arrays.allowed(members[grid_a], members[grid_b], hours=False)
    allowed[grid_a, grid_b] = pair_ok
    allowed[grid_b, grid_a] = pair_ok
    hours = np.ones((k, k), dtype=bool)
    hours_ok = arrays.overlap(arrays.pattern[members[grid_a]], arrays.pattern[members[grid_b]])
    hours[grid_a, grid_b] = hours_ok
    hours[grid_b, grid_a] = hours_ok
    timed = arrays.pattern[members] > 0
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    if settings.spatial_weight > 0 and settings.distance_km > 0:
        # nearer needs are easier to answer together: a small penalty for distance breaks ties between
        # groups a need could join equally well (half the penalty when either side has no point)
        km = np.full(len(grid_a), settings.distance_km / 2)
        both = arrays.has_point[members[grid_a]] & arrays.has_point[members[grid_b]]
        km[both] = arrays.distance_km(members[grid_a][both], members[grid_b][both])
        penalty = _distance_penalty(km, settings)
        distance[grid_a, grid_b] += penalty
        distance[grid_b, grid_a] += penalty
    distance[~allowed] = FORBIDDEN
    np.fill_diagonal(distance, 0.0)
    # 1. Average link where hours that do not meet are forbidden too: groups whose members share a slot.
    strict = distance.copy()
    strict[~hours] = FORBIDDEN
    tree = linkage(squareform(strict, checks=False), method="average")
    leaves: dict[int, list[int]] = {}
    stack = [2 * k - 2]
    clusters: list[list[int]] = []
    while stack:
        node = stack.pop()
        if node < k:
            clusters.append([node])
            continue
        left, right, height, _size = tree[node - k]
        left, right = int(left), int(right)
        if height <= cut and _cross_similarity(similarity, tree, left, right, k, leaves) >= settings.group_similarity:
            local = _leaves(tree, node, k, leaves)
            if (
                len(local) <= settings.max_group_size
                and allowed[np.ix_(local, local)].all()
                and hours[np.ix_(local, local)].all()
                and _has_common_slot(arrays, members[local])
            ):
                clusters.append(local)
                continue
        stack.extend((right, left))
    # 2. Chained days: two such groups (or needs) merge when their hours are linked by a member of each that
    # meet, every other rule holds for every two members, and the average similarity of their descriptions
    # reaches chain_similarity.
    if settings.chain_days and len(clusters) > 1:
        text = np.where(allowed, 1.0 - similarity, FORBIDDEN)
        np.fill_diagonal(text, 0.0)
        linked = hours & timed[:, None] & timed[None, :]
        clusters = _chain(clusters, text, linked, 1.0 - settings.chain_similarity, settings)
    if settings.place_untimed and len(clusters) > 1 and not timed.all() and timed.any():
        clusters = _place_untimed(arrays, members, clusters, similarity, allowed, timed, settings.group_similarity)
    if settings.ambiguity < 1.0 and len(clusters) > 1 and not timed.all():
        clusters = _detach_ambiguous(clusters, similarity, allowed, timed, settings.ambiguity)
    result: list[tuple[np.ndarray, float]] = []
    for local in clusters:
        if len(local) < 2:
            continue
        block = similarity[np.ix_(local, local)]
        n = len(local)
        cohesion = (block.sum() - np.trace(block)) / (n * (n - 1))
        result.append((np.sort(members[local]), float(min(1.0, max(0.0, cohesion)))))
    return result


def _chain(
    clusters: list[list[int]], distance: np.ndarray, linked: np.ndarray, cut: float, settings: EngineSettings
) -> list[list[int]]:
    """Greedy average-link merging of clusters whose hours are linked (see _cluster_component, step 2)."""
    count = len(clusters)
    order = np.concatenate([np.asarray(c, dtype=np.int64) for c in clusters])
    starts = np.concatenate([[0], np.cumsum([len(c) for c in clusters])[:-1]])
    sizes = np.array([len(c) for c in clusters], dtype=np.float64)
    block = linked[np.ix_(order, order)].astype(np.float64)
    links = np.add.reduceat(np.add.reduceat(block, starts, axis=0), starts, axis=1) > 0
    np.fill_diagonal(links, False)
    if not links.any():
        return clusters
    total = np.add.reduceat(np.add.reduceat(distance[np.ix_(order, order)], starts, axis=0), starts, axis=1)
    alive = np.ones(count, dtype=bool)
    members = [list(c) for c in clusters]
    while True:
        rows, cols = np.nonzero(np.triu(links, 1))
        if not len(rows):
            break
        average = total[rows, cols] / (sizes[rows] * sizes[cols])
        ok = (average <= cut) & (sizes[rows] + sizes[cols] <= settings.max_group_size)
        if not ok.any():
            break
        best = int(np.argmin(np.where(ok, average, np.inf)))
        a, b = int(rows[best]), int(cols[best])
        members[a].extend(members[b])
        members[b] = []
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        links[a, :] |= links[b, :]
        links[:, a] |= links[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
        total[b, :] = 0
        total[:, b] = 0
        links[b, :] = False
        links[:, b] = False
    return [sorted(m) for m, keep in zip(members, alive, strict=True) if keep and m]


def _place_untimed(
    arrays: Arrays,
    members: np.ndarray,
    clusters: list[list[int]],
    similarity: np.ndarray,
    allowed: np.ndarray,
    timed: np.ndarray,
    threshold: float,
) -> list[list[int]]:
    """Needs without hours fit any group's hours, so the clustering may have put those of one place with any
    group of their kind. The needs without hours of a group move together to the group with hours whose
    members' centre is nearest to theirs, among the groups they may join under every rule and whose
    descriptions they resemble (average similarity at least `threshold`)."""
    lat, lon = arrays.lat[members], arrays.lon[members]
    pointed = arrays.has_point[members]
    cos = float(np.cos(lat[pointed].mean())) if pointed.any() else 1.0

    def centre(local: list[int]) -> np.ndarray | None:
        chosen = [i for i in local if pointed[i]]
        if not chosen:
            return None
        return np.array([lat[chosen].mean(), lon[chosen].mean() * cos])

    cores = [[i for i in c if timed[i]] for c in clusters]
    centres = [centre(core) if core else None for core in cores]
    result = [list(c) for c in clusters]
    for n, cluster in enumerate(clusters):
        loose = [i for i in cluster if not timed[i]]
        here = centre(loose)
        if not loose or not cores[n] or here is None or centres[n] is None:
            continue
        best, best_distance = n, float(np.hypot(*(here - centres[n])))
        for other, core in enumerate(cores):
            if other == n or not core or centres[other] is None:
                continue
            distance = float(np.hypot(*(here - centres[other])))
            if (
                distance < best_distance
                and allowed[np.ix_(loose, core)].all()
                and similarity[np.ix_(loose, core)].mean() >= threshold
            ):
                best, best_distance = other, distance
        if best != n:
            result[n] = [i for i in result[n] if timed[i]]
            result[best].extend(loose)
    return [sorted(c) for c in result if c]


def _detach_ambiguous(
    clusters: list[list[int]], similarity: np.ndarray, allowed: np.ndarray, timed: np.ndarray, ambiguity: float
) -> list[list[int]]:
    """Needs without hours fit any group's hours: when one fits another group (with hours) about as well as its
    own (average similarity to that group's timed members at least `ambiguity` times that to its own group's),
    which group it belongs to is a guess. Such needs leave their group and stay together (those detached from
    one group form one group of their own), rather than being guessed into one."""
    timed_sets = [np.asarray([i for i in c if timed[i]], dtype=np.int64) for c in clusters]
    owners = [n for n, members in enumerate(timed_sets) if len(members)]
    if len(owners) < 2:
        return clusters
    result: list[list[int]] = []
    for n, local in enumerate(clusters):
        untimed = [i for i in local if not timed[i]]
        if not untimed or not len(timed_sets[n]):
            result.append(local)
            continue
        rows = np.asarray(untimed, dtype=np.int64)
        own = similarity[np.ix_(rows, timed_sets[n])].mean(axis=1)
        best_other = np.zeros(len(rows))
        for other in owners:
            if other == n:
                continue
            members = timed_sets[other]
            fit = np.where(
                allowed[np.ix_(rows, members)].all(axis=1), similarity[np.ix_(rows, members)].mean(axis=1), 0.0
            )
            best_other = np.maximum(best_other, fit)
        loose = best_other >= ambiguity * own
        if not loose.any():
            result.append(local)
            continue
        moved = set(rows[loose].tolist())
        result.append([i for i in local if i not in moved])
        result.append(sorted(moved))
    return result


def _cross_similarity(
    similarity: np.ndarray, tree: np.ndarray, left: int, right: int, k: int, cache: dict[int, list[int]]
) -> float:
    """The average similarity of the descriptions of two dendrogram nodes (every pair across them): two groups
    merge only when it reaches group_similarity, however near they are."""
    a, b = _leaves(tree, left, k, cache), _leaves(tree, right, k, cache)
    return float(similarity[np.ix_(a, b)].mean())


def _leaves(tree: np.ndarray, node: int, k: int, cache: dict[int, list[int]]) -> list[int]:
    """The leaves under a dendrogram node (iterative)."""
    out: list[int] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current < k:
            out.append(current)
        else:
            stack.append(int(tree[current - k, 1]))
            stack.append(int(tree[current - k, 0]))
    return out


def _misfiled(records: Sequence[NeedRecord], model: TextModel, min_terms: int) -> dict[int, str]:
    """Needs whose description clearly belongs to another area: it names no vocabulary term of the area it
    was filed under, and at least `min_terms` terms of one other area (one of the records' areas), more than
    of any third area. index -> the area the text points to."""
    present = {r.area for r in records}
    area_of = model.lexicon.area_of
    result: dict[int, str] = {}
    for i, (record, found) in enumerate(zip(records, model.concepts, strict=True)):
        areas = {area_of.get(code, "") for code in found} - {""}
        if not areas or record.area in areas or not areas & present:
            continue
        counts: dict[str, int] = {}
        for code, count in model.lexicon.hits(tokenise(record.description)[0]).items():
            area = area_of.get(code, "")
            if area:
                counts[area] = counts.get(area, 0) + count
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        area, count = ranked[0]
        if count >= min_terms and area in present and (len(ranked) == 1 or ranked[1][1] < count):
            result[i] = area
    return result


def _any_windows(records: Sequence[NeedRecord], members: Sequence[int]) -> tuple[TimeWindow, ...]:
    return tuple(normalize(w for i in members for w in records[i].windows))


def _common_windows(records: Sequence[NeedRecord], members: Sequence[int]) -> tuple[TimeWindow, ...]:
    windows: list[TimeWindow] = []
    timed = False
    for i in members:
        if records[i].windows:
            windows = intersect(windows, list(records[i].windows)) if timed else list(records[i].windows)
            timed = True
            if not windows:  # days that chain: no slot common to all (intersect([], …) would mean "any")
                break
    return tuple(windows)


@dataclass
class Result:
    """The outcome of a run: the groups (every record in exactly one) and the needs filed under an area their
    description does not belong to (input index -> the area value the text points to)."""

    groups: list[Group]
    misfiled: dict[int, str] = field(default_factory=dict)


def aggregate(
    records: Sequence[NeedRecord],
    settings: EngineSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    evidence: Sequence[Evidence] = (),
) -> list[Group]:
    """Group the needs that could be answered together; every record lands in exactly one group."""
    return run(records, settings, progress, vocabulary=vocabulary, evidence=evidence).groups


def run(
    records: Sequence[NeedRecord],
    settings: EngineSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    evidence: Sequence[Evidence] = (),
) -> Result:
    """Group the needs that could be answered together, and flag the needs filed under the wrong area."""
    n = len(records)
    if n == 0:
        if progress:
            progress(0, 0)
        return Result(groups=[])
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
    model = TextModel(
        [r.description for r in canonical],
        char_weight=settings.char_weight,
        concept_weight=settings.concept_weight,
        vocabulary=vocabulary,
        evidence=evidence,
        **latent_options(settings),
    )
    vectors = model.vectors.tocsr()
    arrays = Arrays(canonical, settings, model.apart)
    misfiled = _misfiled(canonical, model, settings.misfiled_terms) if settings.misfiled_terms else {}
    for i in misfiled:
        arrays.alone[i] = True
    if progress:
        progress(n // 10, n)

    found = _cluster_all(arrays, vectors, settings, progress, n)
    if settings.group_weight > 0:
        first = [members for members, cohesion in found if len(members) >= settings.group_min_size]
        del vectors  # the model rebuilds its vectors in place with one more block
        again = model.with_group_relatedness(
            first,
            weight=settings.group_weight,
            neighbours=settings.group_neighbours,
            min_similarity=settings.group_similarity_min,
            min_groups=settings.group_min_groups,
            uncovered=settings.group_uncovered,
        )
        if again is None:
            vectors = model.vectors.tocsr()
        else:
            vectors = model.vectors = again.tocsr()
            found = merge_units(arrays, found, vectors, settings, n)

    groups: list[Group] = []
    grouped = np.zeros(n, dtype=bool)
    kept = [
        (members, cohesion)
        for members, cohesion in found
        if len(members) >= max(settings.min_group_size, 2) and cohesion >= settings.min_cohesion
    ]
    keywords = model.keywords_of([members for members, _ in kept])
    for (members, cohesion), words in zip(kept, keywords, strict=True):
        grouped[members] = True
        groups.append(
            Group(
                members=sorted(order[i] for i in members.tolist()),
                keywords=words,
                common_windows=_common_windows(canonical, members.tolist()),
                cohesion=round(cohesion, 4),
                windows_any=_any_windows(canonical, members.tolist()),
            )
        )
    for i in np.flatnonzero(~grouped).tolist():
        original = order[i]
        windows = tuple(records[original].windows)
        groups.append(Group(members=[original], common_windows=windows, windows_any=windows))
    groups.sort(key=lambda group: group.members[0])
    if progress:
        progress(n, n)
    return Result(groups=groups, misfiled={order[i]: area for i, area in sorted(misfiled.items())})


def _cluster_all(
    arrays: Arrays, vectors: sparse.csr_matrix, settings: EngineSettings, progress: Progress | None, n: int
) -> list[tuple[np.ndarray, float]]:
    area_order = np.argsort(arrays.area, kind="stable")
    area_bounds = np.flatnonzero(np.diff(arrays.area[area_order])) + 1
    found: list[tuple[np.ndarray, float]] = []
    done = 0
    for indices in np.split(area_order, area_bounds):
        indices = np.sort(indices)
        a, b, s = edges(arrays, indices, vectors, settings)
        for component in components(indices, a, b, s, settings.pair_similarity, 0.05):
            found.extend(_cluster_component(arrays, component, vectors, settings))
        done += len(indices)
        if progress:
            progress(n // 10 + done * 8 // 10, n)
    return found


def fits(
    group_records: Sequence[NeedRecord],
    record: NeedRecord,
    settings: EngineSettings = DEFAULT_SETTINGS,
    *,
    vocabulary: Vocabulary | None = None,
    evidence: Sequence[Evidence] = (),
) -> float | None:
    """The average similarity of `record` to the group when it may join under every rule, else None."""
    if not group_records:
        return None
    if any(member.area != record.area for member in group_records):
        return None
    everyone = [*group_records, record]
    model = TextModel(
        [m.description for m in everyone],
        char_weight=settings.char_weight,
        concept_weight=settings.concept_weight,
        vocabulary=vocabulary,
        evidence=evidence,
        **latent_options(settings),
    )
    arrays = Arrays(everyone, settings, model.apart)
    last = len(group_records)
    others = np.arange(last)
    if not arrays.allowed(others, np.full(last, last), hours=False).all():
        return None
    if record.windows and any(member.windows for member in group_records):
        # the group's common slot; when its members' days chain (no common slot), any of their slots
        shared = _common_windows(group_records, range(last)) or _any_windows(group_records, range(last))
        if not overlaps(list(shared), list(record.windows)):
            return None
    vectors = model.vectors.tocsr()
    similarity = float(np.asarray(vectors[:-1] @ vectors[-1].T.toarray()).mean())
    return similarity if similarity >= settings.group_similarity else None


__all__ = ["DEFAULT_SETTINGS", "Result", "aggregate", "fits", "run"]
