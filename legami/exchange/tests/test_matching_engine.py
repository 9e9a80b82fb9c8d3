"""The matching engine: every compatibility rule, optimality against exhaustive search, the greedy baseline,
the Italian explanation."""

import functools
import math
import random

import numpy as np
import pytest
from django.utils import translation

from legami.exchange.matching import (
    NeedInput,
    OfferInput,
    compatible,
    explain,
    greedy_match,
    haversine_km,
    match,
)
from legami.exchange.matching.model import centimetres
from legami.needs.timewindows import TimeWindow, parse_time_windows

LAT, LON = 45.1335, 10.0227  # Cremona
KM_PER_DEGREE = math.pi * 6371.0 / 180  # along a meridian


def at(km: float) -> tuple[float, float]:
    """A point `km` north of Cremona's (negative: south)."""
    return LAT + km / KM_PER_DEGREE, LON


def need(id, km=0.0, area="casa", windows="", languages=(), step_free=False):
    lat, lon = at(km)
    return NeedInput(id, area, lat, lon, tuple(parse_time_windows(windows)), frozenset(languages), step_free)


def offer(id, km=0.0, areas=("casa",), radius=5.0, windows="", capacity=1, languages=(), step_free=False):
    lat, lon = at(km)
    return OfferInput(
        id,
        frozenset(areas),
        lat,
        lon,
        radius,
        tuple(parse_time_windows(windows)),
        capacity,
        frozenset(languages),
        step_free,
    )


# --- one pair: every rule ------------------------------------------------------------------------------------


def test_haversine_known_distance_and_arrays():
    assert haversine_km(LAT, LON, LAT, LON) == 0.0
    assert haversine_km(*at(0), *at(1.0)) == pytest.approx(1.0, abs=1e-9)
    # one degree of the equator, and a quarter of a meridian
    assert haversine_km(0, 0, 0, 1) == pytest.approx(KM_PER_DEGREE, rel=1e-12)
    assert haversine_km(0, 0, 90, 0) == pytest.approx(KM_PER_DEGREE * 90, rel=1e-12)
    distances = haversine_km([LAT, LAT], [LON, LON], [LAT, at(2.0)[0]], [LON, LON])
    assert distances.tolist() == pytest.approx([0.0, 2.0])


def test_area_must_be_among_the_offers_areas():
    assert compatible(need(1, area="casa"), offer("a", areas=("lavoro", "casa"))) is not None
    assert compatible(need(1, area="casa"), offer("a", areas=("lavoro",))) is None


def test_distance_on_the_boundary_is_within_and_just_beyond_is_not():
    a, b = need(1, km=0), offer("a", km=3.0)
    distance = haversine_km(a.lat, a.lon, b.lat, b.lon)
    on_boundary = offer("a", km=3.0, radius=distance)
    beyond = offer("a", km=3.0, radius=distance - 1e-6)
    assert compatible(a, on_boundary).distance_km == distance
    assert compatible(a, beyond) is None
    assert match([a], [on_boundary]).matched == 1
    assert match([a], [beyond]).matched == 0
    assert match([a], [offer("a", km=0, radius=0)]).matched == 1  # same point, radius 0


@pytest.mark.parametrize(
    ("need_windows", "offer_windows", "ok"),
    [
        ("tue 16:00-17:00", "tue 16:00-18:00", True),  # 60 minutes
        ("tue 16:00-17:00", "tue 16:01-18:00", False),  # 59 minutes
        ("mon 16:00-18:00", "tue 16:00-18:00", False),  # same hours, another day
        ("mon 16:00-18:00;thu 9:00-10:00", "thu 9:00-12:00", True),
        ("", "tue 16:00-18:00", True),  # a side without windows: any time
        ("tue 16:00-18:00", "", True),
        ("sun 23:00-24:00", "mon 0:00-1:00", False),  # Sunday night is not Monday morning
        ("tue 16:00-16:30;tue 16:30-17:00", "tue 16:00-17:00", True),  # touching windows are one
    ],
)
def test_time_windows_overlap_by_at_least_an_hour_on_the_same_day(need_windows, offer_windows, ok):
    a, b = need(1, windows=need_windows), offer("a", windows=offer_windows)
    assert (compatible(a, b) is not None) is ok
    assert match([a], [b]).matched == int(ok)
    assert greedy_match([a], [b]).matched == int(ok)


def test_shared_windows_are_the_overlaps():
    proposal = compatible(need(1, windows="tue 15:00-18:00;thu 9-10"), offer("a", windows="tue 16-19;thu 9:30-12"))
    assert proposal.shared_windows == (TimeWindow(1, 16 * 60, 18 * 60),)  # thu overlaps 30 minutes only
    assert compatible(need(1), offer("a", windows="tue 16-19")).shared_windows == ()
    assert compatible(need(1, windows="tue 15-17"), offer("a", windows="tue 16-18"), min_overlap=30) is not None
    assert compatible(need(1, windows="tue 15-17"), offer("a", windows="tue 16-18"), min_overlap=90) is None


@pytest.mark.parametrize(
    ("need_languages", "offer_languages", "shared"),
    [
        (("it", "ar"), ("ar", "fr"), {"ar"}),
        (("it",), ("fr",), None),
        ((), ("fr",), set()),
        (("ar",), (), set()),
    ],
)
def test_languages_must_be_shared_when_both_sides_list_them(need_languages, offer_languages, shared):
    a, b = need(1, languages=need_languages), offer("a", languages=offer_languages)
    proposal = compatible(a, b)
    assert (proposal is None) is (shared is None)
    if proposal:
        assert proposal.languages == shared
    assert match([a], [b]).matched == int(shared is not None)


@pytest.mark.parametrize(
    ("need_step_free", "offer_step_free", "ok"), [(True, True, True), (True, False, False), (False, False, True)]
)
def test_step_free_need_meets_only_a_step_free_offer(need_step_free, offer_step_free, ok):
    a, b = need(1, step_free=need_step_free), offer("a", step_free=offer_step_free)
    assert (compatible(a, b) is not None) is ok
    assert match([a], [b]).matched == int(ok)


def test_capacity_is_respected_and_each_need_is_matched_once():
    needs = [need(n, km=n * 0.1) for n in range(5)]
    offers = [offer("a", capacity=2), offer("b", km=0.2, capacity=1)]
    for run in (match, greedy_match):
        result = run(needs, offers)
        assert result.matched == 3
        by_offer = [p.offer_id for p in result.proposals]
        assert by_offer.count("a") == 2 and by_offer.count("b") == 1
        assert len({p.need_id for p in result.proposals}) == 3
        assert [p.need_id for p in result.proposals] == sorted(p.need_id for p in result.proposals)


def test_result_figures_and_input_order():
    needs = [need("z", km=1), need("m", km=0.5), need("a", km=9, area="lavoro")]
    offers = [offer("o1", radius=2, capacity=3)]
    result = match(needs, offers)
    assert [p.need_id for p in result.proposals] == ["z", "m"]  # input order, not sorted ids
    assert (result.needs, result.offers, result.compatible_pairs, result.matched) == (3, 1, 2, 2)
    assert result.total_distance_km == pytest.approx(1.5)
    assert result.seconds >= result.compatibility_seconds >= 0


def test_empty_inputs_and_bad_inputs():
    assert match([], []).matched == 0
    assert match([need(1)], []).proposals == []
    with pytest.raises(ValueError, match="duplicate need id"):
        match([need(1), need(1)], [offer("a")])
    with pytest.raises(ValueError, match="duplicate offer id"):
        match([need(1)], [offer("a"), offer("a")])
    with pytest.raises(ValueError, match="capacity"):
        match([need(1)], [offer("a", capacity=0)])
    with pytest.raises(ValueError, match="radius"):
        match([need(1)], [offer("a", radius=-1)])
    with pytest.raises(ValueError, match="not a point"):
        match([NeedInput(1, "casa", 91.0, 0.0)], [offer("a")])


def test_the_same_input_gives_the_same_assignment():
    rng = random.Random(5)
    needs, offers = random_instance(rng, 30, 12)
    first, second = match(needs, offers), match(needs, offers)
    assert first.proposals == second.proposals


# --- optimality ----------------------------------------------------------------------------------------------


def random_instance(rng, need_count, offer_count):
    def point():
        return LAT + rng.uniform(-0.02, 0.02), LON + rng.uniform(-0.03, 0.03)

    areas = ("casa", "lavoro")
    days = ("mon", "tue")

    def windows():
        if rng.random() < 0.7:
            return ()
        start = rng.randrange(8, 18)
        text = f"{rng.choice(days)} {start}:{rng.choice(('00', '30'))}-{start + rng.randint(1, 3)}:00"
        return tuple(parse_time_windows(text))

    needs = [
        NeedInput(
            f"n{i}",
            rng.choice(areas),
            *point(),
            windows(),
            frozenset(rng.sample(("it", "ar", "fr"), 1)) if rng.random() < 0.2 else frozenset(),
            rng.random() < 0.1,
        )
        for i in range(need_count)
    ]
    offers = [
        OfferInput(
            f"o{j}",
            frozenset(rng.sample(areas, rng.randint(1, 2))),
            *point(),
            rng.choice((1.5, 3.0, 5.0, 8.0)),
            windows(),
            rng.randint(1, 3),
            frozenset(rng.sample(("it", "ar", "fr"), 2)) if rng.random() < 0.2 else frozenset(),
            rng.random() < 0.7,
        )
        for j in range(offer_count)
    ]
    return needs, offers


def exhaustive(needs, offers):
    """(most matched, least total centimetres) over every assignment: each need to a compatible offer or none."""
    options = [
        [(j, centimetres(p.distance_km)) for j, o in enumerate(offers) if (p := compatible(n, o)) is not None]
        for n in needs
    ]

    @functools.cache
    def best(index, room):
        if index == len(needs):
            return (0, 0)
        matched, cost = best(index + 1, room)  # this need unmatched
        result = (matched, -cost)
        for j, centimetres_ in options[index]:
            if room[j]:
                left = room[:j] + (room[j] - 1,) + room[j + 1 :]
                m, c = best(index + 1, left)
                result = max(result, (m + 1, -(c + centimetres_)))
        return result[0], -result[1]

    return best(0, tuple(o.capacity for o in offers))


@pytest.mark.parametrize("seed", range(120))
def test_engine_is_optimal_against_exhaustive_search(seed):
    rng = random.Random(seed)
    needs, offers = random_instance(rng, rng.randint(1, 7), rng.randint(1, 4))
    result = match(needs, offers)
    expected_matched, expected_cost = exhaustive(needs, offers)
    assert result.matched == expected_matched
    assert sum(centimetres(p.distance_km) for p in result.proposals) == expected_cost
    by_id_need = {n.id: n for n in needs}
    by_id_offer = {o.id: o for o in offers}
    for proposal in result.proposals:
        assert compatible(by_id_need[proposal.need_id], by_id_offer[proposal.offer_id]) == proposal
    assert len({p.need_id for p in result.proposals}) == result.matched
    for o in offers:
        assert sum(p.offer_id == o.id for p in result.proposals) <= o.capacity
    # the number of compatible pairs is the scalar rule's count
    assert result.compatible_pairs == sum(compatible(n, o) is not None for n in needs for o in offers)
    greedy = greedy_match(needs, offers)
    assert greedy.compatible_pairs == result.compatible_pairs
    assert (greedy.matched, -greedy.total_distance_km) <= (result.matched, -result.total_distance_km + 1e-9)


def test_greedy_matches_fewer_where_the_engine_matches_all():
    # on a line (km): B(-1.5) X(0) A(1) Y(3); X reaches A and B, Y reaches only A
    needs = [need("A", km=1.0), need("B", km=-1.5)]
    offers = [offer("X", km=0, radius=2.0), offer("Y", km=3.0, radius=2.1)]
    assert greedy_match(needs, offers).matched == 1
    result = match(needs, offers)
    assert result.matched == 2
    assert {(p.need_id, p.offer_id) for p in result.proposals} == {("A", "Y"), ("B", "X")}


def test_greedy_is_longer_where_both_match_all():
    # on a line (km): B(0) X(1.05) A(2.05) Y(3.15): greedy takes A-X (1.0) and leaves B-Y (3.15)
    needs = [need("A", km=2.05), need("B", km=0)]
    offers = [offer("X", km=1.05), offer("Y", km=3.15)]
    greedy, result = greedy_match(needs, offers), match(needs, offers)
    assert greedy.matched == result.matched == 2
    assert greedy.total_distance_km == pytest.approx(4.15)
    assert result.total_distance_km == pytest.approx(2.15)


# --- explanation ---------------------------------------------------------------------------------------------


def test_explain_in_english():
    proposal = compatible(
        need(1, windows="tue 16-18", languages=("ar", "it")),
        offer("a", km=1.234, windows="tue 15-19;thu 16-18", languages=("ar", "it", "fr")),
    )
    with translation.override("en"):
        text = explain(proposal, area_label="Housing")
    assert text == "same area: Housing; 1.2 km away; both available tue 16–18; speaks Arabic and Italian"


def test_explain_in_italian():
    proposal = compatible(need(1, windows="mar 16-18"), offer("a", km=1.234))
    proposal = compatible(
        need(1, windows="mar 16-18", languages=("it",)), offer("a", km=1.234, windows="mar 9-20", languages=("it",))
    )
    with translation.override("it"):
        text = explain(proposal, area_label="Casa")
    assert text == "stessa area: Casa; a 1,2 km; entrambi disponibili mar 16–18; parla italiano"


def test_explain_without_windows_or_languages_and_user_text_as_given():
    proposal = compatible(need(1), offer("a", km=0.04))
    with translation.override("en"):
        assert explain(proposal, area_label="<b>Casa</b>") == "same area: <b>Casa</b>; 0.0 km away"


# --- solving on the nearest pairs and pricing the others (pricing.py) -----------------------------------------


def _value(pairs, chosen):
    from legami.exchange.matching.model import CENTIMETRES_PER_KM

    return len(chosen), int(np.rint(pairs.distance_km[chosen] * CENTIMETRES_PER_KM).astype(np.int64).sum())


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("nearest", [1, 2])
def test_pricing_from_few_nearest_pairs_reaches_the_full_optimum(seed, nearest):
    """Starting from each need's one or two nearest pairs, the rounds add what is missing: the same number matched
    and the same total as the solver on every pair, and as exhaustive search."""
    from legami.exchange.matching.compat import Compatibility
    from legami.exchange.matching.pricing import optimal_by_pricing
    from legami.exchange.matching.solve import _min_cost_max_flow

    rng = random.Random(1000 + seed)
    needs, offers = random_instance(rng, rng.randint(3, 7), rng.randint(2, 4))
    pairs = Compatibility(needs, offers).pairs()
    capacities = np.array([o.capacity for o in offers])
    solved = []
    chosen = optimal_by_pricing(
        pairs,
        capacities,
        len(needs),
        lambda subset, caps: solved.append(len(subset)) or _min_cost_max_flow(subset, caps),
        nearest=nearest,
    )
    full = _min_cost_max_flow(pairs, capacities)
    assert _value(pairs, chosen) == _value(pairs, full) == exhaustive(needs, offers)
    assert len(set(pairs.need[chosen].tolist())) == len(chosen)
    assert (np.bincount(pairs.offer[chosen], minlength=len(offers)) <= capacities).all()


@pytest.mark.parametrize("seed", range(6))
def test_pricing_on_larger_instances_matches_the_solver_on_every_pair(seed):
    from legami.exchange.matching.compat import Compatibility
    from legami.exchange.matching.pricing import optimal_by_pricing
    from legami.exchange.matching.solve import _min_cost_max_flow

    rng = random.Random(seed)
    needs, offers = random_instance(rng, 150, 40)
    pairs = Compatibility(needs, offers).pairs()
    capacities = np.array([o.capacity for o in offers])
    rounds = []
    chosen = optimal_by_pricing(
        pairs, capacities, len(needs), lambda s, c: rounds.append(len(s)) or _min_cost_max_flow(s, c), nearest=2
    )
    assert _value(pairs, chosen) == _value(pairs, _min_cost_max_flow(pairs, capacities))
    assert rounds[0] < len(pairs)  # the first round really left pairs out


def test_crafted_case_needs_a_pair_beyond_the_nearest():
    # B's only offer is X, also A's nearest: with one pair per need, A takes X and B is left out until priced in
    from legami.exchange.matching.compat import Compatibility
    from legami.exchange.matching.pricing import optimal_by_pricing
    from legami.exchange.matching.solve import _min_cost_max_flow

    needs = [need("A", km=1.0), need("B", km=-1.5)]
    offers = [offer("X", km=0, radius=2.0), offer("Y", km=3.0, radius=2.1)]
    pairs = Compatibility(needs, offers).pairs()
    rounds = []
    chosen = optimal_by_pricing(
        pairs, np.array([1, 1]), 2, lambda s, c: rounds.append(len(s)) or _min_cost_max_flow(s, c), nearest=1
    )
    assert len(chosen) == 2 and rounds[0] == 2 and len(rounds) == 2


def test_excluded_pairs_are_never_proposed_and_the_rest_stays_optimal():
    needs = [need(1, km=0.0), need(2, km=1.0)]
    offers = [offer("a", km=0.0), offer("b", km=1.0)]
    assert {(p.need_id, p.offer_id) for p in match(needs, offers).proposals} == {(1, "a"), (2, "b")}
    result = match(needs, offers, excluded={(1, "a")})
    assert {(p.need_id, p.offer_id) for p in result.proposals} == {(1, "b"), (2, "a")}
    assert result.compatible_pairs == 3
    only = match(needs, offers, excluded={(1, "a"), (1, "b")})
    assert [(p.need_id, p.offer_id) for p in only.proposals] == [(2, "b")]
