"""The aggregation engine on small hand-made cases, plus the benchmark's generator and metrics."""

import random

import pytest

from benchmarks.aggregation import generate, pairwise_scores, scores
from legami.aggregation.engine import EngineSettings, NeedRecord, aggregate, compatible_targets, fits
from legami.needs.timewindows import parse_time_windows

CREMONA, CREMA = "019036", "019035"
AFTERSCHOOL = (
    "Cerchiamo un doposcuola per i bambini con aiuto nei compiti",
    "Serve un doposcuola per i figli, aiuto con i compiti il pomeriggio",
    "Doposcuola e aiuto compiti per i nostri bambini",
)


def need(
    id_,
    description=AFTERSCHOOL[0],
    *,
    area="conciliazione",
    target="families",
    comune=CREMONA,
    hood="",
    lat=None,
    lon=None,
    hours="",
    people=1,
):
    return NeedRecord(
        id=str(id_),
        area=area,
        target_group=target,
        municipality=comune,
        neighbourhood=hood,
        lat=lat,
        lon=lon,
        windows=tuple(parse_time_windows(hours)),
        description=description,
        people=people,
    )


def base_group():
    return [
        need(1, AFTERSCHOOL[0], hours="mar e gio 16-18"),
        need(2, AFTERSCHOOL[1], hours="mar 15-17"),
        need(3, AFTERSCHOOL[2]),
    ]


def partition(records, settings=None):
    groups = aggregate(records, settings or EngineSettings())
    assert sorted(m for g in groups for m in g.members) == list(range(len(records)))  # each exactly once
    return {frozenset(records[m].id for m in g.members) for g in groups}


def test_paraphrases_join_and_the_group_says_why():
    records = base_group()
    groups = aggregate(records)
    assert len(groups) == 1
    group = groups[0]
    assert group.members == [0, 1, 2]
    assert "doposcuola" in group.keywords and len(group.keywords) <= 5
    assert group.common_windows == tuple(parse_time_windows("mar 16-17"))
    assert 0 < group.cohesion <= 1


@pytest.mark.parametrize(
    "intruder",
    [
        need(9, AFTERSCHOOL[0], area="istruzione"),  # another area
        need(9, AFTERSCHOOL[0], hours="ven 16-18"),  # disjoint hours
        need(9, AFTERSCHOOL[0], comune=CREMA),  # another Comune, no points
        need(9, AFTERSCHOOL[0], target="elderly"),  # incompatible target group
        need(9, "Bollette della luce e del gas troppo alte, non riusciamo a pagare"),  # unrelated topic
    ],
    ids=["area", "hours", "comune", "target", "topic"],
)
def test_a_need_that_breaks_one_rule_never_joins(intruder):
    records = [*base_group(), intruder]
    assert partition(records) == {frozenset({"1", "2", "3"}), frozenset({"9"})}
    assert fits(base_group(), intruder) is None


def test_a_need_outside_the_groups_common_slot_does_not_fit_but_a_run_chains_it():
    intruder = need(9, AFTERSCHOOL[0], hours="mar 17-19")  # overlaps need 1, not need 2 (mar 15-17)
    assert fits(base_group(), intruder) is None  # attaching to a demand keeps the demand's common slot
    groups = aggregate([*base_group(), intruder])
    assert [group.members for group in groups] == [[0, 1, 2, 3]]  # 2 - 1 - 9: hours that chain
    assert groups[0].common_windows == ()
    assert groups[0].windows_any == tuple(parse_time_windows("mar 15-19; gio 16-18"))


def test_a_need_that_fits_joins_and_fits_says_so():
    newcomer = need(4, "Cerchiamo doposcuola con aiuto compiti per i figli", target="minors", hours="mar 16-18")
    assert partition([*base_group(), newcomer]) == {frozenset({"1", "2", "3", "4"})}
    assert fits(base_group(), newcomer) > 0


def test_points_join_within_the_distance_even_across_comuni_and_not_beyond():
    lat, lon = 45.1335, 10.0227
    near_a = need(1, AFTERSCHOOL[0], lat=lat, lon=lon)
    near_b = need(2, AFTERSCHOOL[1], comune=CREMA, lat=lat + 0.01, lon=lon)  # about 1.1 km north
    far = need(3, AFTERSCHOOL[2], lat=lat + 0.03, lon=lon)  # about 3.3 km
    assert partition([near_a, near_b, far]) == {frozenset({"1", "2"}), frozenset({"3"})}
    assert partition([near_a, near_b, far], EngineSettings(distance_km=4)) == {frozenset({"1", "2", "3"})}


def test_neighbourhoods_must_match_when_both_have_one():
    records = [
        need(1, AFTERSCHOOL[0], hood="Po"),
        need(2, AFTERSCHOOL[1], hood="Po"),
        need(3, AFTERSCHOOL[2], hood="Cascinetto"),
        need(4, AFTERSCHOOL[2]),
    ]
    result = partition(records)
    assert not any("3" in group and group & {"1", "2"} for group in result)
    assert any({"1", "2"} <= group for group in result)


def test_a_need_with_a_point_and_one_without_meet_only_in_the_same_comune():
    records = [need(1, AFTERSCHOOL[0], lat=45.1335, lon=10.0227), need(2, AFTERSCHOOL[1], comune=CREMA)]
    assert partition(records) == {frozenset({"1"}), frozenset({"2"})}
    records = [need(1, AFTERSCHOOL[0], lat=45.1335, lon=10.0227), need(2, AFTERSCHOOL[1])]
    assert partition(records) == {frozenset({"1", "2"})}


def test_a_chain_of_pairwise_overlapping_hours_is_one_group():
    records = [
        need(1, AFTERSCHOOL[0], hours="mar 14-16"),
        need(2, AFTERSCHOOL[1], hours="mar 15-17"),
        need(3, AFTERSCHOOL[2], hours="mar 16-18"),
    ]
    assert partition(records) == {frozenset({"1", "2", "3"})}  # one answer from 14 to 18 serves them all
    assert partition(records, EngineSettings(chain_days=False)) != {frozenset({"1", "2", "3"})}


def test_target_compatibility_table():
    assert compatible_targets("families", "families")
    assert compatible_targets("community", "elderly") and compatible_targets("migrants", "community")
    assert compatible_targets("families", "minors") and compatible_targets("minors", "families")
    assert compatible_targets("minors", "young_people")
    assert compatible_targets("elderly", "caregivers") and compatible_targets("caregivers", "disability")
    assert not compatible_targets("families", "young_people")
    assert not compatible_targets("elderly", "disability")
    assert not compatible_targets("adults", "migrants")


def test_singletons_empty_input_and_min_group_size():
    assert aggregate([]) == []
    lonely = [need(1, "Riparare la sedia a rotelle"), need(2, "Tradurre il diploma ucraino", area="burocrazia")]
    groups = aggregate(lonely)
    assert [g.members for g in groups] == [[0], [1]]
    assert partition(base_group(), EngineSettings(min_group_size=4)) == {
        frozenset({"1"}),
        frozenset({"2"}),
        frozenset({"3"}),
    }


def test_same_input_in_any_order_gives_the_same_groups():
    rows, _truth = generate(400, seed=5)
    from legami.aggregation.engine.io import records_from_rows

    records = records_from_rows(rows)
    first = partition(records)
    shuffled = list(records)
    random.Random(1).shuffle(shuffled)
    assert partition(shuffled) == first
    assert any(len(group) > 1 for group in first)


def test_progress_is_reported_up_to_the_total():
    calls = []
    aggregate(base_group(), progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (3, 3)
    assert all(done <= total for done, total in calls)


def test_the_generator_is_deterministic_and_labelled():
    rows, truth = generate(500, seed=7)
    again, truth_again = generate(500, seed=7)
    assert rows == again and truth == truth_again
    assert len(rows) == len(truth) == 500
    assert generate(500, seed=8)[0] != rows
    assert max(truth.count(label) for label in set(truth)) >= 2  # true groups…
    assert any(truth.count(label) == 1 for label in set(truth))  # …and singletons


def test_pairwise_precision_and_recall_on_a_tiny_example():
    truth = ["a", "a", "a", "b", "b", "c"]
    predicted = [1, 1, 2, 2, 2, 3]
    # true pairs: 3 (a) + 1 (b) = 4; predicted pairs: 1 + 3 = 4; shared: (0,1) and (3,4) = 2
    assert pairwise_scores(truth, predicted) == (0.5, 0.5)
    assert pairwise_scores(truth, truth) == (1.0, 1.0)
    assert pairwise_scores([1, 2, 3], [1, 2, 3]) == (1.0, 1.0)


def test_scores_include_the_adjusted_rand_index():
    assert scores([1, 1, 2, 2], ["x", "x", "y", "y"])["ari"] == 1.0
    assert scores([1, 1, 2, 2], ["x", "y", "x", "y"])["ari"] < 0


# --- the concept lexicon (paraphrases that share no word) ---------------------------------------------

FOOD = ("Servono pacchi alimentari per la famiglia", "A fine mese non abbiamo da mangiare")


def test_the_lexicon_maps_words_phrases_and_typos_to_concepts():
    from legami.aggregation.engine.text import concepts

    assert concepts(FOOD[0]) == ["food"]
    assert "food" in concepts(FOOD[1])
    assert concepts("Non riesco a pagare le bollete del gas") == ["utilities"]  # a typo one edit away
    assert concepts("Vivo da sola e non vedo nessuno") == ["loneliness"]
    assert concepts("Posso venire solo il martedì") == []  # "solo" alone is not loneliness
    assert concepts("Generi di prima necessità") == ["food"]  # a phrase across a stop word


def test_paraphrases_with_no_shared_word_join_through_their_concept():
    from legami.aggregation.engine.text import lemmas

    assert not set(lemmas(FOOD[0])) & set(lemmas(FOOD[1]))
    records = [need(1, FOOD[0], area="poverta"), need(2, FOOD[1], area="poverta")]
    assert partition(records) == {frozenset({"1", "2"})}
    # without the lexicon the two needs have nothing in common
    assert partition(records, EngineSettings(concept_weight=0)) == {frozenset({"1"}), frozenset({"2"})}


def test_the_same_concept_never_joins_across_areas_or_disjoint_hours():
    records = [need(1, FOOD[0], area="poverta"), need(2, FOOD[1], area="casa")]
    assert partition(records) == {frozenset({"1"}), frozenset({"2"})}
    records = [need(1, FOOD[0], area="poverta", hours="lun 9-12"), need(2, FOOD[1], area="poverta", hours="mar 9-12")]
    assert partition(records) == {frozenset({"1"}), frozenset({"2"})}


def test_different_concepts_in_the_same_block_stay_apart():
    records = [
        need(1, FOOD[0], area="poverta"),
        need(2, FOOD[1], area="poverta"),
        need(3, "Non riusciamo a pagare le bollette della luce", area="poverta"),
        need(4, "Ci hanno staccato il gas per le utenze arretrate", area="poverta"),
    ]
    assert partition(records) == {frozenset({"1", "2"}), frozenset({"3", "4"})}


def test_nearer_needs_join_first_when_similarity_ties():
    here = dict(area="poverta", lat=45.133, lon=10.022)
    records = [
        need(1, FOOD[0], **here),
        need(2, FOOD[0], area="poverta", lat=45.134, lon=10.023, hours="lun 9-12"),
        need(3, FOOD[0], area="poverta", lat=45.140, lon=10.040, hours="mar 9-12"),
    ]
    # 1 (no hours) may join either; it joins the nearer one
    assert partition(records) == {frozenset({"1", "2"}), frozenset({"3"})}
