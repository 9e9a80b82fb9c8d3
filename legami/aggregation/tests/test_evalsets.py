"""The evaluation sets of benchmarks/aggregation.py: set B (independent generator) and set C (hand-written).

Their truth must be decidable by the project's rules, or no engine could score 1 on them: every true group has
one area, pairwise compatible target groups, pairwise near members and hours that chain (every member reaches
every other through members whose hours overlap: one day / both days / the other day).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from itertools import combinations

import pytest

from benchmarks import aggregation
from benchmarks.evalsets import external, handwritten, independent
from benchmarks.evalsets.services import SERVICES
from legami.aggregation.engine.io import read_rows, records_from_rows
from legami.aggregation.engine.records import EngineSettings, NeedRecord, compatible_targets, near
from legami.needs.models import TargetGroup
from legami.needs.taxonomy import DEFAULT_AREAS
from legami.needs.timewindows import overlaps
from legami.territory.istat import read_rows as istat_rows
from legami.territory.istat import select_rows

AREAS = {code for code, _name, _description in DEFAULT_AREAS}
CREMONA = {row.istat_code for row in select_rows(istat_rows(), province="CR")}


def rule_breaks(records: list[NeedRecord], truth: list) -> list[str]:
    """Every pair inside a true group that the project's rules would keep apart, described."""
    members: dict[object, list[NeedRecord]] = defaultdict(list)
    for record, label in zip(records, truth, strict=True):
        members[label].append(record)
    problems = []
    limit = EngineSettings().distance_km
    for label, group in members.items():
        for a, b in combinations(group, 2):
            if a.area != b.area:
                problems.append(f"{label}: {a.id} and {b.id} in areas {a.area} and {b.area}")
            if not compatible_targets(a.target_group, b.target_group):
                problems.append(f"{label}: {a.id} and {b.id} target {a.target_group} and {b.target_group}")
            if not near(a, b, limit):
                problems.append(f"{label}: {a.id} and {b.id} are not near")
        if not _hours_chain(group):
            problems.append(f"{label}: hours do not chain ({', '.join(r.id for r in group)})")
    return problems


def _hours_chain(group: list[NeedRecord]) -> bool:
    """True when the members' overlap graph is connected (a member without hours fits any)."""
    reached, frontier = {0}, [0]
    while frontier:
        current = group[frontier.pop()]
        for index, other in enumerate(group):
            if index not in reached and overlaps(current.windows, other.windows):
                reached.add(index)
                frontier.append(index)
    return len(reached) == len(group)


@pytest.fixture(scope="module")
def set_b() -> tuple[list[dict], list[int]]:
    return independent.generate(3000, seed=5)


def test_set_b_is_deterministic_per_seed_and_differs_across_seeds(set_b):
    again = independent.generate(3000, seed=5)
    other = independent.generate(3000, seed=6)
    assert again == set_b
    assert other[0] != set_b[0]
    assert {r["description"] for r in other[0]} != {r["description"] for r in set_b[0]}


def test_set_b_has_the_requested_size_and_the_columns_of_aggregate_needs(set_b):
    rows, truth = set_b
    assert len(rows) == len(truth) == 3000
    assert all(list(row) == ["id", *[c for c in aggregation_columns() if c != "id"]] for row in rows[:50])
    assert len({row["id"] for row in rows}) == 3000


def aggregation_columns() -> tuple[str, ...]:
    from legami.aggregation.engine.io import COLUMNS

    return COLUMNS


def test_set_b_true_groups_obey_the_pairwise_rules(set_b):
    rows, truth = set_b
    records = records_from_rows(rows)
    assert rule_breaks(records, truth) == []


def test_set_b_uses_the_real_comuni_areas_and_target_groups_with_points_for_about_sixty_percent(set_b):
    rows, truth = set_b
    assert {row["municipality_istat"] for row in rows} <= CREMONA
    assert len({row["municipality_istat"] for row in rows}) > 80
    assert {row["area"] for row in rows} <= AREAS
    assert {row["target_group"] for row in rows} <= set(TargetGroup.values)
    with_point = sum(1 for row in rows if row["lat"]) / len(rows)
    assert 0.5 < with_point < 0.7
    for row in rows:
        if row["lat"]:
            assert 44.9 < float(row["lat"]) < 45.6 and 9.4 < float(row["lon"]) < 10.55


def test_set_b_has_groups_with_chained_days_singletons_and_large_groups(set_b):
    rows, truth = set_b
    records = records_from_rows(rows)
    members: dict[int, list[NeedRecord]] = defaultdict(list)
    for record, label in zip(records, truth, strict=True):
        members[label].append(record)
    sizes = [len(group) for group in members.values()]
    assert sizes.count(1) > 300
    assert max(sizes) >= 13
    # Chained: members' windows differ inside one group (some one day, some two).
    chained = [g for g in members.values() if len({r.windows for r in g}) > 1 and len(g) >= 3]
    assert len(chained) > 20
    # A triangle: pairwise overlapping with no day common to every member.
    assert any(
        not set.intersection(*({w.day for w in r.windows} for r in g)) for g in chained if all(r.windows for r in g)
    )


def test_set_b_hard_negatives_are_beside_true_groups(set_b):
    rows, truth = set_b
    records = records_from_rows(rows)
    by_label: dict[int, list[NeedRecord]] = defaultdict(list)
    for record, label in zip(records, truth, strict=True):
        by_label[label].append(record)
    # Same Comune, same hours, another area or an incompatible target: such pairs must exist across groups.
    other_area = incompatible = 0
    groups = [g for g in by_label.values() if len(g) > 1]
    seen = {(r.municipality, r.windows): r for g in groups for r in g}
    for record, label in zip(records, truth, strict=True):
        twin = seen.get((record.municipality, record.windows))
        if twin is None or twin is record or truth[records.index(twin)] == label:
            continue
        other_area += twin.area != record.area
        incompatible += twin.area == record.area and not compatible_targets(twin.target_group, record.target_group)
    assert other_area > 20
    assert incompatible > 5


def test_set_b_descriptions_come_in_several_voices_with_noise(set_b):
    rows, _truth = set_b
    texts = [row["description"] for row in rows]
    assert sum(" nn " in f" {t} " or " x " in f" {t} " for t in texts) > 100  # text messages
    assert sum(t.startswith(("Sig.", "Nucleo", "Famiglia", "Donna", "Uomo")) for t in texts) > 100  # notes
    assert sum(t.isupper() for t in texts) > 10
    assert len(set(texts)) > 0.8 * len(texts)


def test_set_b_services_each_have_at_least_ten_phrasings_and_consistent_targets():
    assert len(SERVICES) >= 30
    for service in SERVICES:
        assert len(service.citizen) + len(service.operator) + len(service.sms) >= 10, service.key
        assert service.area in AREAS
        for a, b in combinations(service.targets, 2):
            assert compatible_targets(a, b), (service.key, a, b)
        for other in service.other_targets:
            assert not compatible_targets(other, service.targets[0]), (service.key, other)
        assert set(service.other_areas) <= AREAS - {service.area}


def test_set_b_comuni_are_the_real_comuni_of_cremona():
    places = independent.comuni()
    assert {c.code for c in places} == CREMONA
    assert len(places) == 113
    by_code = {c.code: c for c in places}
    assert by_code["019036"].radius_km > by_code["019001"].radius_km
    assert by_code["019035"].radius_km > by_code["019001"].radius_km


def test_set_b_time_windows_are_written_in_several_ways():
    import random

    rng = random.Random(1)
    texts = {independent.windows_text(rng, [(1, 960, 1080), (3, 960, 1080)]) for _ in range(60)}
    assert "tue 16:00-18:00;thu 16:00-18:00" in texts
    assert "mar e gio 16-18" in texts
    assert "martedì e giovedì 16-18" in texts


def test_set_c_loads_with_records_from_rows_without_errors():
    rows = read_rows(handwritten.NEEDS)
    records = records_from_rows(rows)
    assert 280 <= len(records) <= 320
    with handwritten.TRUTH.open(newline="", encoding="utf-8") as handle:
        labels = {row["need_id"]: row["group_id"] for row in csv.DictReader(handle)}
    assert set(labels) == {r.id for r in records}


def test_set_c_true_groups_obey_the_pairwise_rules():
    rows, truth = handwritten.load()
    records = records_from_rows(rows)
    assert rule_breaks(records, truth) == []


def test_set_c_has_few_real_comuni_chained_groups_singletons_and_distinct_texts():
    rows, truth = handwritten.load()
    records = records_from_rows(rows)
    assert {r.municipality for r in records} <= CREMONA
    assert 3 <= len({r.municipality for r in records}) <= 4
    assert {r.area for r in records} <= AREAS
    assert {r.target_group for r in records} <= set(TargetGroup.values)
    assert len({r.description for r in records}) == len(records)
    sizes: dict[str, int] = defaultdict(int)
    windows: dict[str, set] = defaultdict(set)
    for record, label in zip(records, truth, strict=True):
        sizes[label] += 1
        windows[label].add(record.windows)
    assert sum(1 for n in sizes.values() if n == 1) >= 40
    assert sum(1 for n in sizes.values() if n > 1) >= 40
    assert sum(1 for label, w in windows.items() if len(w) > 1 and sizes[label] >= 3) >= 20


def test_the_rule_check_catches_a_group_that_breaks_the_rules():
    rows = [
        {"id": "1", "area": "casa", "target_group": "families", "municipality_istat": "019036", "lat": "",
         "lon": "", "time_windows": "mar 16-18", "description": "a"},
        {"id": "2", "area": "casa", "target_group": "young_people", "municipality_istat": "019036", "lat": "",
         "lon": "", "time_windows": "gio 16-18", "description": "b"},
        {"id": "3", "area": "lavoro", "target_group": "families", "municipality_istat": "019035", "lat": "",
         "lon": "", "time_windows": "mar 16-18", "description": "c"},
    ]  # fmt: skip
    problems = rule_breaks(records_from_rows(rows), ["g", "g", "g"])
    assert any("target" in p for p in problems)
    assert any("hours" in p for p in problems)
    assert any("areas" in p for p in problems)
    assert any("near" in p for p in problems)


def test_runner_table_lists_the_three_sets_and_which_one_was_used_for_tuning():
    rows = []
    for set_name in ("A", "B", "C"):
        for method in ("baseline", "engine"):
            rows.append(
                {
                    "set": set_name,
                    "method": method,
                    "needs": 300 if set_name == "C" else 10_000,
                    "ari": 0.5,
                    "pairwise_precision": 0.9,
                    "pairwise_recall": 0.8,
                    "groups": 10,
                    "true_groups": 12,
                    "seconds": 1.0,
                    "peak_rss_mb": 100.0,
                }
            )
    document = {"seed": 3, "tuned_on": ["A"], "sets": aggregation.SETS, "results": rows}
    text = aggregation.table(document)
    assert "A progetto (tuning)" in text
    assert "B indipendente" in text
    assert "C scritto a mano" in text
    assert "tuned on set A only" in text
    assert "A = progetto (tuning) (used for tuning)" in text
    assert "B = indipendente (never used for tuning)" in text
    assert text.count("engine") >= 3 and text.count("baseline") >= 4


def test_runner_measures_each_set_in_a_subprocess(monkeypatch):
    calls = []

    class Done:
        returncode = 0
        stderr = ""

        def __init__(self, command):
            set_name = command[command.index("--set") + 1]
            method = command[command.index("--one") + 1]
            size = int(command[command.index("--sizes") + 1])
            calls.append((set_name, method, size))
            self.stdout = json.dumps(
                {
                    "set": set_name,
                    "method": method,
                    "needs": size,
                    "ari": 1,
                    "pairwise_precision": 1,
                    "pairwise_recall": 1,
                    "groups": 1,
                    "true_groups": 1,
                    "seconds": 0,
                    "peak_rss_mb": 1,
                }
            )

    monkeypatch.setattr(aggregation.subprocess, "run", lambda command, **kwargs: Done(command))
    document = aggregation.run([1000, 2000], sets=["A", "B", "C"])
    size_c = handwritten.size()
    assert calls == [
        (set_name, method, size)
        for set_name, sizes in (("A", (1000, 2000)), ("B", (1000, 2000)), ("C", (size_c,)))
        for size in sizes
        for method in ("baseline", "plain", "engine")
    ]
    assert document["tuned_on"] == ["A"]
    assert list(document["sets"]) == ["A", "B", "C"]
    with pytest.raises(ValueError, match="unknown evaluation set"):
        aggregation.run([1000], sets=["Q"])


def test_runner_scores_the_baseline_on_set_c_in_process():
    result = aggregation._run_method("baseline", 0, 3, "C")
    assert result["set"] == "C"
    assert result["needs"] == handwritten.size()
    assert result["pairwise_recall"] == 1.0  # every true group is inside one area and one Comune
    assert 0 <= result["ari"] <= 1


def test_write_dataset_writes_set_b_and_refuses_set_c(tmp_path):
    needs, labels = aggregation.write_dataset(tmp_path, 200, 4, "B")
    rows = read_rows(needs)
    assert len(records_from_rows(rows)) == 200
    assert rows[0]["id"].startswith("b")
    with labels.open(newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 200
    for hand_written in ("C", "F"):
        with pytest.raises(ValueError, match=f"set A, B, D or E; set {hand_written} is already in"):
            aggregation.write_dataset(tmp_path, 200, 4, hand_written)


def test_command_line_refuses_an_unknown_set(capsys):
    with pytest.raises(SystemExit):
        aggregation.main(["--sets", "A,X", "--sizes", "10"])
    assert "unknown set(s) X" in capsys.readouterr().err


def test_make_bench_refuses_an_unknown_set_before_running_anything(capsys, monkeypatch):
    from benchmarks import __main__ as bench

    monkeypatch.setattr(bench, "_run_suite", lambda *args: pytest.fail("the HTTP suite must not start"))
    with pytest.raises(SystemExit):
        bench.main(["--aggregation-sets", "A,Q"])
    assert "unknown set(s) Q" in capsys.readouterr().err


def test_the_rule_check_accepts_a_chain_of_days_and_refuses_a_broken_one():
    def row(number: str, windows: str) -> dict:
        return {"id": number, "area": "casa", "target_group": "families", "municipality_istat": "019036",
                "lat": "", "lon": "", "time_windows": windows, "description": "doposcuola"}  # fmt: skip

    chain = [row("1", "mar 16-18"), row("2", "mar 16-18;gio 16-18"), row("3", "gio 16-18")]
    assert rule_breaks(records_from_rows(chain), ["g", "g", "g"]) == []
    broken = [row("1", "mar 16-18"), row("2", "mer 16-18"), row("3", "gio 16-18")]
    assert any("chain" in p for p in rule_breaks(records_from_rows(broken), ["g", "g", "g"]))


def test_set_b_has_chains_whose_ends_do_not_meet(set_b):
    rows, truth = set_b
    members: dict[int, list[NeedRecord]] = defaultdict(list)
    for record, label in zip(records_from_rows(rows), truth, strict=True):
        members[label].append(record)
    ends_apart = [
        group
        for group in members.values()
        if any(a.windows and b.windows and not overlaps(a.windows, b.windows) for a, b in combinations(group, 2))
    ]
    assert len(ends_apart) > 10


# ---- set F: a second hand-written set, held out (benchmarks/data/handwritten2/) ----------------------------


@pytest.fixture(scope="module")
def set_f() -> tuple[list[dict], list[str]]:
    return handwritten.load(handwritten.FOLDER2)


def test_set_f_loads_with_records_from_rows_with_unique_ids_and_a_label_for_every_need(set_f):
    rows = read_rows(handwritten.NEEDS2)
    records = records_from_rows(rows)
    assert 200 <= len(records) <= 240
    ids = [r.id for r in records]
    assert len(set(ids)) == len(ids)
    assert ids == [f"f{number:03d}" for number in range(1, len(ids) + 1)]
    with handwritten.TRUTH2.open(newline="", encoding="utf-8") as handle:
        labels = [row["need_id"] for row in csv.DictReader(handle)]
    assert len(set(labels)) == len(labels)
    assert set(labels) == set(ids)
    assert handwritten.size(handwritten.FOLDER2) == len(records) == len(set_f[1])


def test_set_f_true_groups_obey_the_pairwise_rules_with_hours_shared_by_every_pair(set_f):
    rows, truth = set_f
    records = records_from_rows(rows)
    assert rule_breaks(records, truth) == []
    members: dict[str, list[NeedRecord]] = defaultdict(list)
    for record, label in zip(records, truth, strict=True):
        members[label].append(record)
    apart = [
        (label, a.id, b.id)
        for label, group in members.items()
        for a, b in combinations(group, 2)
        if not overlaps(a.windows, b.windows)
    ]
    assert apart == []


def test_set_f_has_its_own_places_groups_singletons_chains_and_distinct_texts(set_f):
    rows, truth = set_f
    records = records_from_rows(rows)
    comuni = {r.municipality for r in records}
    assert comuni <= CREMONA
    assert {"019025", "019067", "019084", "019076", "019035"} <= comuni
    assert not comuni & {"019036", "019098", "019021"}  # Cremona, Soresina, Casalmaggiore: set C's other places
    assert {r.area for r in records} <= AREAS
    assert {r.target_group for r in records} <= set(TargetGroup.values)
    assert len({r.description for r in records}) == len(records)
    assert all(5 <= len(r.description.split()) <= 45 for r in records)
    assert 0.65 <= sum(r.has_point for r in records) / len(records) <= 0.85
    sizes: dict[str, int] = defaultdict(int)
    windows: dict[str, set] = defaultdict(set)
    for record, label in zip(records, truth, strict=True):
        sizes[label] += 1
        windows[label].add(record.windows)
    groups = [n for n in sizes.values() if n > 1]
    assert 45 <= len(groups) <= 55
    assert max(groups) <= 10
    assert 50 <= sum(1 for n in sizes.values() if n == 1) <= 70
    assert sum(1 for label, w in windows.items() if len(w) > 1 and sizes[label] >= 3) >= 15


def test_set_f_shares_no_description_with_set_c(set_f):
    rows_c, _truth = handwritten.load()
    assert not {row["description"] for row in rows_c} & {row["description"] for row in set_f[0]}


def test_runner_scores_the_baseline_on_set_f_in_process():
    result = aggregation._run_method("baseline", 0, 3, "F")
    assert result["set"] == "F"
    assert result["needs"] == handwritten.size(handwritten.FOLDER2)
    assert result["pairwise_recall"] == 1.0
    assert aggregation.SETS["F"]["label"] == "scritto a mano 2"
    assert aggregation.SETS["F"]["tuned"] is False


def test_runner_measures_set_f_at_its_own_size(monkeypatch):
    calls = []

    class Done:
        returncode = 0
        stderr = ""

        def __init__(self, command):
            set_name, method = command[command.index("--set") + 1], command[command.index("--one") + 1]
            size = int(command[command.index("--sizes") + 1])
            calls.append((set_name, method, size))
            self.stdout = json.dumps(
                {"set": set_name, "method": method, "needs": size, "ari": 1, "pairwise_precision": 1,
                 "pairwise_recall": 1, "groups": 1, "true_groups": 1, "seconds": 0, "peak_rss_mb": 1}
            )  # fmt: skip

    monkeypatch.setattr(aggregation.subprocess, "run", lambda command, **kwargs: Done(command))
    document = aggregation.run([10_000], sets=["F"])
    size_f = handwritten.size(handwritten.FOLDER2)
    assert calls == [("F", method, size_f) for method in ("baseline", "plain", "engine")]
    assert "F scritto a mano 2" in aggregation.table(document)
    assert "F = scritto a mano 2 (never used for tuning)" in aggregation.table(document)


# ---- sets D and E: the held-out external generator (benchmarks/evalsets/external.py) ---------------------------


@pytest.fixture(scope="module")
def set_d():
    return external._generate(3000, 5, "short")


@pytest.fixture(scope="module")
def set_e():
    return external._generate(3000, 5, "sentences")


def test_sets_d_and_e_are_deterministic_per_seed_and_differ_across_seeds(set_d):
    assert external.generate(3000, seed=5) == (set_d.rows, set_d.labels)
    other = external.generate(3000, seed=6)
    assert {r["description"] for r in other[0]} != {r["description"] for r in set_d.rows}


@pytest.mark.parametrize("voice", ["short", "sentences"])
def test_sets_d_and_e_have_the_requested_size_and_load_with_records_from_rows(voice):
    rows, truth = external.generate(1234, seed=2, voice=voice)
    assert len(rows) == len(truth) == 1234
    assert all(list(row) == ["id", *[c for c in aggregation_columns() if c != "id"]] for row in rows)
    assert len({row["id"] for row in rows}) == 1234
    assert len(records_from_rows(rows)) == 1234
    with pytest.raises(ValueError, match="voice"):
        external.generate(10, voice="loud")


@pytest.mark.parametrize("which", ["set_d", "set_e"])
def test_sets_d_and_e_true_groups_obey_the_pairwise_rules_with_pairwise_hours(which, request):
    generated = request.getfixturevalue(which)
    records = records_from_rows(generated.rows)
    assert rule_breaks(records, generated.labels) == []
    members: dict[int, list[NeedRecord]] = defaultdict(list)
    for record, label in zip(records, generated.labels, strict=True):
        members[label].append(record)
    for group in members.values():
        assert all(overlaps(a.windows, b.windows) for a, b in combinations(group, 2))


@pytest.mark.parametrize("which", ["set_d", "set_e"])
def test_sets_d_and_e_units_of_one_service_and_area_are_kept_apart_by_the_rules(which, request):
    generated = request.getfixturevalue(which)
    records = records_from_rows(generated.rows)
    limit = EngineSettings().distance_km
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        buckets[(generated.keys[index], record.area, record.municipality)].append(index)
    joinable = [
        (a, b)
        for indices in buckets.values()
        for a, b in combinations(indices, 2)
        if generated.labels[a] != generated.labels[b]
        and compatible_targets(records[a].target_group, records[b].target_group)
        and near(records[a], records[b], limit)
        and overlaps(records[a].windows, records[b].windows)
    ]
    assert joinable == []


def test_sets_d_and_e_use_the_real_comuni_areas_and_targets_with_points_and_hours(set_d):
    rows = set_d.rows
    assert {row["municipality_istat"] for row in rows} <= CREMONA
    assert len({row["municipality_istat"] for row in rows}) > 90
    assert {row["area"] for row in rows} <= AREAS
    assert {row["target_group"] for row in rows} <= set(TargetGroup.values)
    assert 0.5 < sum(1 for row in rows if row["lat"]) / len(rows) < 0.7
    assert 0.12 < sum(1 for row in rows if not row["time_windows"]) / len(rows) < 0.35
    assert len(external.comuni()) == 113
    # any two points of two different Comuni are more than 2 km apart (reach: spread + members' radius)
    reach = {
        c.code: (external.ZONE_RING_KM if c.big else external.SMALL_SPREAD_KM) + external.MEMBER_KM
        for c in external.comuni()
    }
    for a, b in combinations(external.comuni(), 2):
        assert external.km(a.lat, a.lon, b.lat, b.lon) > reach[a.code] + reach[b.code] + 2.0


def test_sets_d_and_e_group_sizes_singletons_and_varied_slots(set_d):
    counts: dict[int, int] = defaultdict(int)
    for label in set_d.labels:
        counts[label] += 1
    sizes = list(counts.values())
    assert sizes.count(1) > 200
    assert max(sizes) >= 20 and max(sizes) <= 40
    assert sum(1 for s in sizes if 2 <= s <= 5) > sum(1 for s in sizes if s > 10)
    windows: dict[int, set[str]] = defaultdict(set)
    for row, label in zip(set_d.rows, set_d.labels, strict=True):
        if row["time_windows"]:
            windows[label].add(row["time_windows"])
    assert sum(1 for texts in windows.values() if len(texts) > 2) > 50


@pytest.mark.parametrize("which", ["set_d", "set_e"])
def test_sets_d_and_e_hard_negatives_sit_beside_a_group(which, request):
    generated = request.getfixturevalue(which)
    kinds = {kind for kind in generated.kinds if kind.startswith("negative:")}
    assert kinds == {f"negative:{k}" for k in ("sibling", "hours", "target", "distance", "area")}
    records = records_from_rows(generated.rows)
    by_place: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        by_place[(record.municipality, generated.keys[index])].append(index)
    beside = defaultdict(int)
    for index, kind in enumerate(generated.kinds):
        if not kind.startswith("negative:"):
            continue
        record = records[index]
        same_service = [
            j
            for j in by_place[(record.municipality, generated.keys[index])]
            if generated.labels[j] != generated.labels[index] and generated.kinds[j] == "group"
        ]
        if kind == "negative:hours":
            beside[kind] += any(not overlaps(record.windows, records[j].windows) for j in same_service)
        elif kind == "negative:target":
            beside[kind] += any(
                not compatible_targets(record.target_group, records[j].target_group) for j in same_service
            )
        elif kind == "negative:area":
            beside[kind] += any(records[j].area != record.area for j in same_service)
        elif kind == "negative:distance":
            beside[kind] += any(not near(record, records[j], 2.0) for j in same_service)
        else:
            beside[kind] += any(
                records[j].area == record.area and generated.kinds[j] == "group"
                for j in range(len(records))
                if records[j].municipality == record.municipality and generated.keys[j] != generated.keys[index]
            )
    assert all(count > 5 for count in beside.values()), beside
    assert set(beside) == kinds


def test_sets_d_and_e_voices_differ(set_d, set_e):
    short = [row["description"] for row in set_d.rows]
    sentences = [row["description"] for row in set_e.rows]
    assert len(set(short) & set(sentences)) < 0.05 * len(set(short))  # one-off needs read alike in both
    assert sum(map(len, sentences)) > 2 * sum(map(len, short))
    assert sum(" nn " in f" {t} " or " x " in f" {t} " or " cmq " in f" {t} " for t in sentences) > 100
    assert sum(": " in t and t.rstrip().endswith((".", ")")) for t in sentences) > 300  # operators' notes
    assert sum(" nn " in f" {t} " for t in short) == 0
    assert len(set(short)) > 0.5 * len(short)


def test_sets_d_and_e_catalogue_has_its_own_services_with_several_phrasings():
    from benchmarks.evalsets.external_catalogue import BY_KEY as EXTERNAL
    from benchmarks.evalsets.external_catalogue import SERVICES as OWN

    assert 35 <= len(OWN) <= 45
    for service in OWN:
        assert service.area in AREAS and service.other_area in AREAS and service.other_area != service.area
        assert 5 <= len(service.short) <= 10, service.key
        assert 5 <= len(service.citizen) + len(service.operator) <= 10, service.key
        assert service.sibling in EXTERNAL and service.sibling != service.key
        for clique in service.cliques:
            assert all(compatible_targets(a, b) for a, b in combinations(clique, 2)), service.key


def test_runner_knows_sets_d_and_e_and_the_command_lines_accept_them(monkeypatch):
    assert aggregation.SETS["D"]["label"] == "esterno breve" and aggregation.SETS["D"]["tuned"] is False
    assert aggregation.SETS["E"]["label"] == "esterno frasi" and aggregation.SETS["E"]["tuned"] is False
    rows, truth = aggregation.dataset("E", 200, 3)
    assert len(rows) == len(truth) == 200 and rows[0]["id"].startswith("e")
    result = aggregation._run_method("baseline", 300, 3, "D")
    assert result["set"] == "D" and result["needs"] == 300 and result["pairwise_recall"] == 1.0
    seen = []
    monkeypatch.setattr(aggregation, "run", lambda sizes, seed, sets: seen.append(sets) or {"results": []})
    monkeypatch.setattr(aggregation, "table", lambda document: "")
    assert aggregation.main(["--sets", "D,E", "--sizes", "10"]) == 0
    assert seen == [["D", "E"]]
    from benchmarks import __main__ as bench

    monkeypatch.setattr(bench, "_run_suite", lambda *args: pytest.fail("the HTTP suite must not start"))
    with pytest.raises(SystemExit):
        bench.main(["--aggregation-sets", "D,Q"])


def test_sets_d_and_e_truth_is_decidable_by_the_service_and_the_rules(set_e):
    """Plain's single linkage with one made-up word per service instead of the descriptions scores ARI 1."""
    from benchmarks.plain import plain_groups

    names: dict[str, str] = {}
    for key in set_e.keys:
        names.setdefault(key, "q" + "".join("abcdefghij"[int(d)] for d in str(len(names))))
    rows = [dict(row, description=names[key]) for row, key in zip(set_e.rows, set_e.keys, strict=True)]
    assert aggregation.scores(set_e.labels, plain_groups(rows))["ari"] == 1.0
