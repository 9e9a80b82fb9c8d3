"""engine.fitting.fit_many: the same answers as engine.fits, with one text model for every pair."""

import random

import pytest

from legami.aggregation.engine import EngineSettings, NeedRecord, TimeWindow, fits
from legami.aggregation.engine.fitting import fit_many, reachable_groups

# Themes whose wordings share no content word with another theme's: similarity is high inside a theme and
# nil across, in any corpus, so that the choice depends on the rules (what fit_many must get right).
THEMES = {
    "doposcuola": ["doposcuola compiti pomeriggio bambini", "doposcuola compiti pomeriggio bambini"],
    "pasti": ["pasti caldi domicilio anziani", "pasti caldi domicilio anziani"],
    "trasporto": ["accompagnamento visite ospedale macchina", "accompagnamento visite ospedale macchina"],
}
PARAPHRASES = {
    "doposcuola": ["doposcuola per i compiti dei bambini", "aiuto compiti al doposcuola nel pomeriggio"],
    "pasti": ["pasti caldi consegnati a domicilio", "consegna pasti caldi per anziani soli"],
    "trasporto": ["accompagnamento in macchina alle visite", "passaggio per le visite in ospedale"],
}
SLOTS = [
    (),
    (TimeWindow(1, 960, 1080),),
    (TimeWindow(3, 960, 1080),),
    (TimeWindow(1, 960, 1080), TimeWindow(3, 960, 1080)),
]
PLACES = [
    ("cr", "", None),
    ("cr", "po", None),
    ("cr", "centro", None),
    ("crema", "", None),
    ("cr", "", (45.13, 10.02)),
    ("cr", "", (45.135, 10.025)),
    ("cr", "", (45.30, 10.30)),
]
TARGETS = ["families", "minors", "elderly", "young_people", "community"]


def _record(rng, n, texts, area=None):
    municipality, hood, point = rng.choice(PLACES)
    theme = rng.choice(list(texts))
    return NeedRecord(
        id=str(n),
        area=area or rng.choice(["a", "a", "b"]),
        target_group=rng.choice(TARGETS),
        municipality=municipality,
        neighbourhood=hood,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        windows=rng.choice(SLOTS),
        description=rng.choice(texts[theme]),
    )


def _instance(seed, texts):
    rng = random.Random(seed)
    counter = iter(range(10_000))
    groups = []
    for _ in range(rng.randint(1, 8)):
        area = rng.choice(["a", "b"])
        groups.append([_record(rng, next(counter), texts, area) for _ in range(rng.randint(1, 4))])
    if rng.random() < 0.3:  # a group of mixed areas fits nothing
        groups.append([_record(rng, next(counter), texts, "a"), _record(rng, next(counter), texts, "b")])
    records = [_record(rng, next(counter), texts) for _ in range(rng.randint(1, 10))]
    return groups, records


def _reference(groups, records, settings):
    """engine.fits on every pair, the best group (first on ties)."""
    answers = []
    for record in records:
        scored = [(fits(group, record, settings), index) for index, group in enumerate(groups)]
        scored = [(value, index) for value, index in scored if value is not None]
        answers.append(min(scored, key=lambda item: (-round(item[0], 4), item[1])) if scored else None)
    return answers


# Character n-grams are kept only when two descriptions share them: in the corpus of one group and one record
# (what `fits` reads) a single shared n-gram can make unrelated texts 25% alike, which the large shared corpus
# of fit_many does not. The comparisons read words and concepts, where the two corpora agree.
WORDS = EngineSettings(char_weight=0.0, concept_weight=0.0)
WORDS_AND_CONCEPTS = EngineSettings(char_weight=0.0)


@pytest.mark.parametrize("seed", range(40))
def test_fit_many_gives_the_answers_of_fits(seed):
    settings = WORDS
    groups, records = _instance(seed, THEMES)
    found = fit_many(groups, records, settings)
    expected = _reference(groups, records, settings)
    assert [None if a is None else a[0] for a in found] == [None if e is None else e[1] for e in expected]
    for answer, reference in zip(found, expected, strict=True):
        if answer is not None:
            assert answer[1] == pytest.approx(reference[0], abs=1e-4)


@pytest.mark.parametrize("seed", range(40))
def test_with_paraphrases_fit_many_picks_a_group_fits_accepts(seed):
    """Different wordings: the two models weigh words differently, but whether a record fits at all is the same
    and the group chosen is one that fits accepts."""
    settings = WORDS_AND_CONCEPTS
    groups, records = _instance(seed, PARAPHRASES)
    found = fit_many(groups, records, settings)
    for record, answer in zip(records, found, strict=True):
        accepted = {i for i, group in enumerate(groups) if fits(group, record, settings) is not None}
        assert (answer is None) == (not accepted)
        if answer is not None:
            assert answer[0] in accepted


def test_a_baseline_keeps_only_groups_that_fit_better():
    def need(n, text, **kwargs):
        return NeedRecord(id=str(n), area="a", target_group="families", municipality="cr", description=text, **kwargs)

    close = [need(1, "doposcuola compiti pomeriggio bambini"), need(2, "doposcuola compiti pomeriggio bambini")]
    loose = [need(3, "doposcuola sport"), need(4, "doposcuola musica")]
    record = need(5, "doposcuola compiti pomeriggio bambini")
    assert fit_many([loose], [record])[0] is not None
    # it sits with near-identical needs already: the looser group is not better
    assert fit_many([loose], [record], baseline=[close]) == [None]
    # … but the close group beats a loose current one
    assert fit_many([close], [record], baseline=[loose])[0][0] == 0
    assert fit_many([close], [record], baseline=[None])[0][0] == 0
    with pytest.raises(ValueError):
        fit_many([close], [record], baseline=[])


def test_nothing_to_fit():
    assert fit_many([], []) == []
    record = NeedRecord(id="1", area="a", target_group="families", municipality="cr", description="doposcuola")
    assert fit_many([], [record]) == [None]
    assert fit_many([[]], [record]) == [None]


def test_reachable_groups_need_no_description():
    def need(n, comune, area="a", point=None):
        return NeedRecord(
            id=str(n),
            area=area,
            target_group="families",
            municipality=comune,
            lat=point[0] if point else None,
            lon=point[1] if point else None,
        )

    groups = [
        [need(1, "cr"), need(2, "cr")],  # same Comune as the record without a point
        [need(3, "crema")],  # another Comune
        [need(4, "cr", area="b")],  # another area
        [need(5, "cr"), need(6, "cr", area="b")],  # mixed areas: nothing fits it
        [need(7, "crema", point=(45.13, 10.02))],  # a point near the pointed record, across the border
    ]
    records = [need(10, "cr"), need(11, "cr", point=(45.131, 10.021))]
    assert reachable_groups(groups, records) == [True, False, False, False, True]


@pytest.mark.parametrize("seed", range(20))
def test_apart_evidence_keeps_a_record_out_as_fits_does(seed):
    from legami.aggregation.engine import evidence_from_split

    evidence = evidence_from_split([THEMES["pasti"][0]], [THEMES["doposcuola"][0]])
    assert evidence and all(item.kind == "apart" for item in evidence)
    groups, records = _instance(seed, THEMES)
    found = fit_many(groups, records, WORDS, evidence=evidence)
    for record, answer in zip(records, found, strict=True):
        accepted = {i for i, g in enumerate(groups) if fits(g, record, WORDS, evidence=evidence) is not None}
        assert (answer is None) == (not accepted)
        if answer is not None:
            assert answer[0] in accepted
