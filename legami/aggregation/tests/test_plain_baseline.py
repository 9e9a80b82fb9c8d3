"""The "plain" comparison method of benchmarks/aggregation.py (benchmarks/plain.py).

Lemmatised TF-IDF and single linkage, but only inside one area and one Comune and only where the project's pairwise
rules hold: two paraphrases sharing words in one Comune at overlapping hours group; disjoint hours, another Comune,
another area, incompatible target groups or a point beyond 2 km never group, however alike the words.
"""

from __future__ import annotations

import pytest

from benchmarks import aggregation, plain

ANCHOR = "Cerchiamo un doposcuola per i bambini il pomeriggio, con aiuto nei compiti"
PARAPHRASE = "Serve aiuto nei compiti per i nostri bambini: un doposcuola nel pomeriggio"


def need(number: int, description: str = ANCHOR, **values: str) -> dict[str, str]:
    row = {
        "id": f"N{number}",
        "area": "conciliazione",
        "target_group": "families",
        "municipality_istat": "019036",
        "lat": "45.133000",
        "lon": "10.022000",
        "time_windows": "mar 16-18",
        "description": description,
    }
    row.update(values)
    return row


def test_tokens_are_lower_case_accent_free_lemmas_without_stop_words():
    assert plain.tokens("Attività per i Bambini della città") == ["attivita", "bambino", "citta"]


def test_two_paraphrases_sharing_words_in_one_comune_at_overlapping_hours_group():
    rows = [need(1), need(2, PARAPHRASE, time_windows="mar 17-19", target_group="minors")]
    labels = plain.plain_groups(rows)
    assert len(labels) == 2
    assert labels[0] == labels[1]


def test_a_need_without_hours_fits_any_hours_and_one_without_a_point_is_near_in_its_comune():
    rows = [need(1), need(2, PARAPHRASE, time_windows="", lat="", lon="")]
    labels = plain.plain_groups(rows)
    assert labels[0] == labels[1]


@pytest.mark.parametrize(
    "change",
    [
        {"time_windows": "gio 16-18"},  # disjoint hours
        {"time_windows": "mar 18-20"},  # touching, not overlapping
        {"municipality_istat": "019035"},  # another Comune, even at the same point
        {"area": "cura"},  # another area
        {"target_group": "elderly"},  # incompatible with families
        {"lat": "45.233000"},  # the same Comune but about 11 km away
    ],
)
def test_needs_the_rules_keep_apart_never_group_however_alike_their_words(change):
    rows = [need(1), need(2, ANCHOR, **change)]
    labels = plain.plain_groups(rows)
    assert labels[0] != labels[1]


def test_unrelated_words_do_not_group_and_a_chain_of_pairs_does():
    rows = [
        need(1),
        need(2, "Strada buia senza illuminazione vicino al parco"),
        need(3, PARAPHRASE, time_windows="mar 16-18;gio 16-18"),
        need(4, PARAPHRASE, time_windows="gio 16-18"),  # overlaps 3 only: joins 1 through 3 (single linkage)
    ]
    labels = plain.plain_groups(rows)
    assert labels[0] == labels[2] == labels[3]
    assert labels[1] != labels[0]


def test_the_runner_lists_plain_as_a_method_and_scores_it_on_set_c():
    assert aggregation.METHODS == ("baseline", "plain", "engine")
    result = aggregation._run_method("plain", 0, 3, "C")
    assert result["set"] == "C"
    assert result["method"] == "plain"
    assert 0.0 <= result["pairwise_precision"] <= 1.0


def test_the_table_prints_plain_for_every_set():
    results = [
        {"set": s, "method": m, "needs": 300 if s == "C" else 10_000, "ari": 0.5, "pairwise_precision": 0.9,
         "pairwise_recall": 0.8, "groups": 10, "true_groups": 12, "seconds": 1.0, "peak_rss_mb": 100.0}
        for s in ("A", "B", "C")
        for m in aggregation.METHODS
    ]  # fmt: skip
    text = aggregation.table({"seed": 3, "tuned_on": ["A"], "sets": aggregation.SETS, "results": results})
    methods = [(line[:1], line[27:36].strip()) for line in text.splitlines()[3:-1]]
    assert [s for s, m in methods if m == "plain"] == ["A", "B", "C"]
