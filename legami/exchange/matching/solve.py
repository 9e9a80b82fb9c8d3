"""The assignment: optimal (min-cost max-flow with OR-Tools) and the greedy nearest-first baseline.

The network: source -> each need (capacity 1, cost 0) -> each offer compatible with it (capacity 1, cost the
distance in whole centimetres) -> sink (capacity the offer's capacity, cost 0). A maximum flow of least cost
matches the most needs first and, among those assignments, has the least total distance; each need is matched at
most once and no offer beyond its capacity. Only needs and offers with at least one compatible pair become nodes.
OR-Tools' cost-scaling push-relabel solves it in O(n^2 m log(n C)) at worst, far less on these sparse graphs;
the arcs are added in one call from numpy arrays, in (need, offer) order, so the same input gives the same
assignment on every run. It is first solved on each need's nearest pairs, and the others are priced with the
flow's optimality conditions and added when they would improve it (pricing.py): the same optimum, on a graph
some thirty times smaller.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence

import numpy as np

from .compat import Compatibility, Pairs
from .model import CENTIMETRES_PER_KM, MIN_OVERLAP_MINUTES, MatchResult, NeedInput, OfferInput, check_inputs
from .pricing import optimal_by_pricing


class SolverError(RuntimeError):
    """The min-cost-flow solver did not report an optimal solution."""


def _optimal(pairs: Pairs, capacities: np.ndarray, need_count: int) -> np.ndarray:
    """The indexes into `pairs` of an optimal assignment: solved on the nearest pairs, priced on all (pricing.py)."""
    return optimal_by_pricing(pairs, capacities, need_count, _min_cost_max_flow)


def _min_cost_max_flow(pairs: Pairs, capacities: np.ndarray) -> np.ndarray:
    """The indexes into `pairs` of the chosen pairs (a max flow of min cost)."""
    from ortools.graph.python import min_cost_flow

    if not len(pairs):
        return np.zeros(0, dtype=np.int64)
    needs, need_node = np.unique(pairs.need, return_inverse=True)
    offers, offer_node = np.unique(pairs.offer, return_inverse=True)
    source, sink = 0, 1
    need_base, offer_base = 2, 2 + len(needs)
    tails = np.concatenate(
        (
            np.full(len(needs), source, dtype=np.int64),
            need_base + need_node,
            offer_base + np.arange(len(offers), dtype=np.int64),
        )
    ).astype(np.int32)
    heads = np.concatenate(
        (
            need_base + np.arange(len(needs), dtype=np.int64),
            offer_base + offer_node,
            np.full(len(offers), sink, dtype=np.int64),
        )
    ).astype(np.int32)
    arc_capacities = np.concatenate(
        (np.ones(len(needs), dtype=np.int64), np.ones(len(pairs), dtype=np.int64), capacities[offers].astype(np.int64))
    )
    costs = np.concatenate(
        (
            np.zeros(len(needs), dtype=np.int64),
            np.rint(pairs.distance_km * CENTIMETRES_PER_KM).astype(np.int64),
            np.zeros(len(offers), dtype=np.int64),
        )
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, arc_capacities, costs)
    flow.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([len(needs), -len(needs)]))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SolverError(f"the min-cost-flow solver ended with status {status}, not OPTIMAL")
    pair_arcs = np.asarray(arcs)[len(needs) : len(needs) + len(pairs)]
    return np.flatnonzero(flow.flows(pair_arcs) > 0)


def _greedy(pairs: Pairs, capacities: np.ndarray, need_count: int) -> np.ndarray:
    """The indexes into `pairs` a nearest-first pass takes: shortest pair first, if the need is free and the
    offer has room (ties by need, then offer)."""
    order = np.lexsort((pairs.offer, pairs.need, pairs.distance_km))
    room = capacities.astype(np.int64).copy()
    free = np.ones(need_count, dtype=bool)
    chosen = []
    left = min(need_count, int(room.sum()))
    needs, offers = pairs.need.tolist(), pairs.offer.tolist()
    for index in order.tolist():
        need, offer = needs[index], offers[index]
        if free[need] and room[offer]:
            free[need] = False
            room[offer] -= 1
            chosen.append(index)
            left -= 1
            if not left:
                break
    return np.array(sorted(chosen), dtype=np.int64)


def _excluded(pairs: Pairs, needs: Sequence[NeedInput], offers: Sequence[OfferInput], excluded: Collection) -> Pairs:
    """`pairs` without those whose (need id, offer id) is in `excluded` (pairs already tried and declined)."""
    if not excluded or not len(pairs):
        return pairs
    wanted = set(excluded)
    need_ids = [need.id for need in needs]
    offer_ids = [offer.id for offer in offers]
    drop = np.fromiter(
        ((need_ids[n], offer_ids[o]) in wanted for n, o in zip(pairs.need.tolist(), pairs.offer.tolist(), strict=True)),
        dtype=bool,
        count=len(pairs),
    )
    return pairs.without(drop)


def _run(
    needs: Sequence[NeedInput],
    offers: Sequence[OfferInput],
    *,
    min_overlap: int,
    greedy: bool,
    excluded: Collection = (),
) -> MatchResult:
    started = time.perf_counter()
    check_inputs(needs, offers)
    compatibility = Compatibility(needs, offers, min_overlap=min_overlap)
    pairs = _excluded(compatibility.pairs(), needs, offers, excluded)
    found = time.perf_counter()
    capacities = np.array([o.capacity for o in offers], dtype=np.int64)
    chosen = _greedy(pairs, capacities, len(needs)) if greedy else _optimal(pairs, capacities, len(needs))
    solved = time.perf_counter()
    # `pairs` is sorted by need index, so the proposals come in the needs' input order
    proposals = [
        compatibility.proposal(int(pairs.need[i]), int(pairs.offer[i]), float(pairs.distance_km[i])) for i in chosen
    ]
    return MatchResult(
        proposals=proposals,
        needs=len(needs),
        offers=len(offers),
        compatible_pairs=len(pairs),
        matched=len(proposals),
        total_distance_km=float(sum(p.distance_km for p in proposals)),
        seconds=time.perf_counter() - started,
        compatibility_seconds=found - started,
        solve_seconds=solved - found,
    )


def match(
    needs: Sequence[NeedInput],
    offers: Sequence[OfferInput],
    *,
    min_overlap: int = MIN_OVERLAP_MINUTES,
    excluded: Collection = (),
) -> MatchResult:
    """The optimal assignment: the most needs matched, then the least total distance (min-cost max-flow).

    `excluded` holds (need id, offer id) pairs never to propose (tried before): they count as incompatible.
    """
    return _run(needs, offers, min_overlap=min_overlap, greedy=False, excluded=excluded)


def greedy_match(
    needs: Sequence[NeedInput], offers: Sequence[OfferInput], *, min_overlap: int = MIN_OVERLAP_MINUTES
) -> MatchResult:
    """The baseline: compatible pairs nearest first, each taken while the need is free and the offer has room."""
    return _run(needs, offers, min_overlap=min_overlap, greedy=True)
