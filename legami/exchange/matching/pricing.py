"""Solve on the nearest pairs, then prove the assignment optimal on all of them (or add what is missing).

Most compatible pairs never take part in an optimal assignment: a need is matched within its few nearest offers.
So the min-cost max-flow is solved on each need's `NEAREST` nearest pairs only, and the result is checked against
every pair with the classic optimality conditions of a flow (column generation, as the simplex method prices
columns):

1. the flow is maximum: the sink cannot be reached from the source in the residual graph of ALL pairs;
2. it has the least cost for its value: there are potentials (Bellman-Ford distances in the residual graph of the
   pairs solved, which has no negative cycle because that flow is optimal there) under which every residual arc
   of ALL pairs has a reduced cost >= 0.

When (1) fails, the nearest pairs are short of matching as many needs as all pairs can (tight capacity): the
pairs of one maximum assignment of all pairs (Hopcroft-Karp, distance ignored) are added, after which (1) holds.
A pair left out that breaks (2) is added and the reduced problem solved again, until both hold: the result
is then optimal for the whole problem, exactly (integer costs), not a heuristic. Each round adds at least one pair,
so it ends; in practice the first or second round passes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .compat import Pairs

# Pairs per need in the first round (its nearest offers).
NEAREST = 16
# Rounds before solving on every pair outright (a safeguard: each round already adds at least one pair).
MAX_ROUNDS = 20


def _nearest(pairs: Pairs, costs: np.ndarray, count: int) -> np.ndarray:
    """A mask of each need's `count` nearest pairs (one sort on need, then cost: both integers in one key)."""
    key = pairs.need.astype(np.int64) * (int(costs.max()) + 1) + costs
    order = np.argsort(key)
    needs = pairs.need[order]
    starts = np.flatnonzero(np.r_[True, needs[1:] != needs[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    mask = np.zeros(len(pairs), dtype=bool)
    mask[order[rank < count]] = True
    return mask


def _maximum_matching(pairs: Pairs, capacities: np.ndarray, need_count: int) -> np.ndarray:
    """A mask of the pairs of one maximum assignment (most needs matched, any distance): Hopcroft-Karp on the
    needs and the offers' places (an offer of capacity c is c places, at most as many as its pairs)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    degree = np.bincount(pairs.offer, minlength=len(capacities))
    places = np.minimum(capacities, degree).astype(np.int64)
    first_place = np.r_[0, np.cumsum(places)[:-1]]
    repeats = places[pairs.offer]
    total = int(repeats.sum())
    starts = np.cumsum(repeats) - repeats
    columns = np.repeat(first_place[pairs.offer], repeats) + (np.arange(total) - np.repeat(starts, repeats))
    row_counts = np.bincount(pairs.need, weights=repeats, minlength=need_count).astype(np.int64)
    graph = csr_matrix(
        (np.ones(total, dtype=np.int8), columns.astype(np.int32), np.r_[0, np.cumsum(row_counts)]),
        shape=(need_count, int(places.sum())),
    )
    place_of_need = maximum_bipartite_matching(graph, perm_type="column")
    place_offer = np.repeat(np.arange(len(capacities)), places)
    matched = np.flatnonzero(place_of_need >= 0)
    # the pair (need, offer) of each matched need: pairs are sorted by need then offer, one key finds it
    keys = pairs.need.astype(np.int64) * len(capacities) + pairs.offer
    wanted = matched.astype(np.int64) * len(capacities) + place_offer[place_of_need[matched]]
    mask = np.zeros(len(pairs), dtype=bool)
    mask[np.searchsorted(keys, wanted)] = True
    return mask


def _reachable_needs_and_offers(
    pairs: Pairs, chosen: np.ndarray, need_count: int, room: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Which needs and offers the source reaches in the residual graph of all pairs, and whether the sink is.

    Residual arcs: source -> unmatched need; need -> offer of an unchosen pair; offer -> need of a chosen pair;
    offer -> sink when the offer has room.
    """
    matched = np.zeros(need_count, dtype=bool)
    matched[pairs.need[chosen]] = True
    need_reached = ~matched
    offer_reached = np.zeros(len(room), dtype=bool)
    unchosen = np.ones(len(pairs), dtype=bool)
    unchosen[chosen] = False
    forward_need, forward_offer = pairs.need[unchosen], pairs.offer[unchosen]
    back_need, back_offer = pairs.need[chosen], pairs.offer[chosen]
    while True:
        new_offers = need_reached[forward_need] & ~offer_reached[forward_offer]
        if new_offers.any():
            offer_reached[forward_offer[new_offers]] = True
        if (offer_reached & (room > 0)).any():
            return need_reached, offer_reached, True
        new_needs = offer_reached[back_offer] & ~need_reached[back_need]
        if not new_needs.any():
            return need_reached, offer_reached, False
        need_reached[back_need[new_needs]] = True


def _potentials(
    pairs: Pairs,
    active: np.ndarray,
    chosen: np.ndarray,
    costs: np.ndarray,
    need_count: int,
    room: np.ndarray,
    start: np.ndarray | None = None,
) -> np.ndarray | None:
    """Potentials of every node (needs, offers, source, sink) under which each residual arc of the active pairs has
    a reduced cost >= 0: Bellman-Ford relaxation from `start` (the last round's potentials: few passes) or from 0,
    until nothing improves. None if it does not settle (a negative cycle: never for an optimal flow).

    Any fixed point will do, not only shortest distances: at a fixed point d[head] <= d[tail] + cost on every arc."""
    offer_count = len(room)
    source, sink = need_count + offer_count, need_count + offer_count + 1
    used = np.zeros(len(pairs), dtype=bool)
    used[chosen] = True
    unused = active & ~used
    matched = np.zeros(need_count, dtype=bool)
    matched[pairs.need[chosen]] = True
    load = np.bincount(pairs.offer[chosen], minlength=offer_count)
    needs = np.arange(need_count)
    offers = np.arange(offer_count)
    tails = np.concatenate(
        (
            pairs.need[unused],  # need -> offer, cost c
            need_count + pairs.offer[used],  # offer -> need, cost -c
            np.full(int((~matched).sum()), source),  # source -> unmatched need
            needs[matched],  # matched need -> source
            need_count + offers[room > 0],  # offer with room -> sink
            np.full(int((load > 0).sum()), sink),  # sink -> offer in use
        )
    )
    heads = np.concatenate(
        (
            need_count + pairs.offer[unused],
            pairs.need[used],
            needs[~matched],
            np.full(int(matched.sum()), source),
            np.full(int((room > 0).sum()), sink),
            need_count + offers[load > 0],
        )
    )
    weights = np.concatenate(
        (costs[unused], -costs[used], np.zeros(len(tails) - int(unused.sum()) - int(used.sum()), dtype=np.int64))
    )
    # arcs by tail, so that each pass relaxes only the arcs leaving the nodes the previous pass improved
    order = np.argsort(tails, kind="stable")
    tails, heads, weights = tails[order], heads[order], weights[order]
    node_count = need_count + offer_count + 2
    first_arc = np.r_[0, np.cumsum(np.bincount(tails, minlength=node_count))]
    distance = np.zeros(node_count, dtype=np.int64) if start is None else start.copy()
    frontier = np.arange(node_count)
    for _pass in range(node_count + 1):
        counts = first_arc[frontier + 1] - first_arc[frontier]
        total = int(counts.sum())
        if not total:
            return distance
        arcs = np.repeat(first_arc[frontier] - (np.cumsum(counts) - counts), counts) + np.arange(total)
        candidate = distance[tails[arcs]] + weights[arcs]
        targets = heads[arcs]
        improved = candidate < distance[targets]
        if not improved.any():
            return distance
        targets, candidate = targets[improved], candidate[improved]
        np.minimum.at(distance, targets, candidate)
        frontier = np.unique(targets)
    return None


def optimal_by_pricing(
    pairs: Pairs,
    capacities: np.ndarray,
    need_count: int,
    solve: Callable[[Pairs, np.ndarray], np.ndarray],
    *,
    nearest: int = NEAREST,
) -> np.ndarray:
    """The indexes into `pairs` of an optimal assignment (most matched, then least cost), found by solving
    `solve` (min-cost max-flow on a subset of pairs) on the nearest pairs and pricing the others."""
    from .model import CENTIMETRES_PER_KM

    if not len(pairs):
        return np.zeros(0, dtype=np.int64)
    costs = np.rint(pairs.distance_km * CENTIMETRES_PER_KM).astype(np.int64)
    active = _nearest(pairs, costs, nearest)
    with_a_maximum_matching = False
    potentials: np.ndarray | None = None
    for _round in range(MAX_ROUNDS):
        if active.all():
            break
        indexes = np.flatnonzero(active)
        subset = Pairs(pairs.need[indexes], pairs.offer[indexes], pairs.distance_km[indexes])
        chosen = indexes[solve(subset, capacities)]
        load = np.bincount(pairs.offer[chosen], minlength=len(capacities))
        room = capacities - load
        # 1. maximum: no augmenting path through any pair
        need_reached, offer_reached, augmenting = _reachable_needs_and_offers(pairs, chosen, need_count, room)
        if augmenting and not with_a_maximum_matching:
            # the nearest pairs match fewer needs than all pairs do (tight capacity): add the pairs of one maximum
            # assignment, so that the pairs solved can match as many needs as all of them; only cost is left
            active |= _maximum_matching(pairs, capacities, need_count)
            with_a_maximum_matching = True
            continue
        if augmenting:
            # cannot happen once a maximum matching is in; kept as a safeguard: add every pair between reached nodes
            missing = ~active & need_reached[pairs.need] & offer_reached[pairs.offer]
            if not missing.any():  # cannot happen: the path would lie in the solved pairs
                break
            active |= missing
            continue
        # 2. least cost: no pair left out with a negative reduced cost
        potentials = _potentials(pairs, active, chosen, costs, need_count, room, potentials)
        if potentials is None:
            break
        need_potential, offer_potential = potentials[:need_count], potentials[need_count : need_count + len(capacities)]
        reduced = costs + need_potential[pairs.need] - offer_potential[pairs.offer]
        missing = ~active & (reduced < 0)
        if not missing.any():
            return np.sort(chosen)
        active |= missing
    return solve(pairs, capacities)
