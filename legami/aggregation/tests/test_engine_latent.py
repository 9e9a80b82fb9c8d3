"""The corpus-learned relatedness of words (latent semantic analysis over the run's descriptions): two
paraphrases that share no word and no vocabulary concept meet when their words are used in the same contexts
across the corpus, and only then."""

import numpy as np

from legami.aggregation.engine import EngineSettings, NeedRecord, aggregate
from legami.aggregation.engine.text import TextModel, lemmas
from legami.aggregation.engine.vocabulary import Vocabulary

EMPTY = Vocabulary(concepts=())
# "badante" and "colf" never appear together, but both always with an old mother or grandmother at night.
CONTEXTS = {
    "badante": [
        "badante per la nonna anziana di notte",
        "serve una badante per la mamma anziana la notte",
        "badante notturna per nonna anziana",
        "la nonna anziana non resta sola di notte, badante",
        "badante per mamma anziana che di notte si alza",
        "nonna anziana, notte agitata: una badante",
    ],
    "colf": [
        "colf per la nonna anziana di notte",
        "serve una colf per la mamma anziana la notte",
        "colf notturna per nonna anziana",
        "la mamma anziana non resta sola di notte, colf",
        "colf per nonna anziana che di notte si alza",
        "mamma anziana, notte agitata: una colf",
    ],
    "others": [
        f"{words} {extra}"
        for words in (
            "doposcuola compiti bambini pomeriggio",
            "pasti caldi consegna domicilio",
            "trasporto visite ospedale",
            "psicologo ansia ragazzi scuola",
            "bollette affitto arretrati sfratto",
        )
        for extra in ("", "urgente", "quartiere", "settimana", "grazie mille", "subito")
    ],
}
FIRST, SECOND = "cerco una badante", "cerco una colf"
LATENT = {"latent_weight": 1.0, "latent_components": 6}


def corpus():
    return [text for texts in CONTEXTS.values() for text in texts] + [FIRST, SECOND]


def cosine(model):
    vectors = model.vectors.tocsr()
    return float((vectors[-2] @ vectors[-1].T).toarray()[0, 0])


def test_paraphrases_used_in_the_same_contexts_become_similar():
    assert not set(lemmas(FIRST)) - {"cercare"} & set(lemmas(SECOND)) - {"cercare"}
    without = TextModel(corpus(), char_weight=0.0, vocabulary=EMPTY)
    with_latent = TextModel(corpus(), char_weight=0.0, vocabulary=EMPTY, **LATENT)
    assert cosine(without) == 0.0
    assert cosine(with_latent) > 0.3


def test_unrelated_words_stay_apart_and_the_result_is_deterministic():
    texts = [*corpus()[:-2], "cerco una badante", "cerco un doposcuola"]
    model = TextModel(texts, char_weight=0.0, vocabulary=EMPTY, **LATENT)
    assert cosine(model) < 0.1
    again = TextModel(texts, char_weight=0.0, vocabulary=EMPTY, **LATENT)
    assert np.array_equal(model.vectors.toarray(), again.vectors.toarray())


def test_a_corpus_too_small_to_learn_from_adds_nothing():
    texts = [FIRST, SECOND]
    assert cosine(TextModel(texts, char_weight=0.0, vocabulary=EMPTY, **LATENT)) == 0.0


def test_aggregate_joins_the_paraphrases_only_with_the_latent_block():
    records = [
        NeedRecord(
            id=str(i),
            area="anziani",
            target_group="elderly",
            # the corpus in Cremona, the two paraphrases alone in Crema: only their own words can join them
            municipality="019035" if text in (FIRST, SECOND) else "019036",
            neighbourhood="",
            lat=None,
            lon=None,
            windows=(),
            description=text,
            people=1,
        )
        for i, text in enumerate(corpus())
    ]
    last, before = str(len(records) - 1), str(len(records) - 2)

    def together(settings):
        groups = aggregate(records, settings, vocabulary=EMPTY)
        return {frozenset({last, before})} <= {frozenset(records[m].id for m in g.members) for g in groups}

    assert not together(EngineSettings(char_weight=0.0, concept_weight=0.0, latent_weight=0.0))
    assert together(EngineSettings(char_weight=0.0, concept_weight=0.0, **LATENT))


def test_the_latent_weight_shrinks_as_the_vocabulary_reads_more_of_the_corpus():
    from legami.aggregation.engine.vocabulary import Concept

    texts = corpus()
    plain = TextModel(texts, char_weight=0.0, vocabulary=EMPTY)
    unscaled = TextModel(texts, char_weight=0.0, vocabulary=EMPTY, **LATENT)
    # an empty vocabulary reads nothing: the whole weight
    scaled = TextModel(texts, char_weight=0.0, vocabulary=EMPTY, latent_uncovered=True, **LATENT)
    assert np.allclose(scaled.vectors.toarray(), unscaled.vectors.toarray())
    # a vocabulary that names a concept in every description: no latent block at all
    everything = Vocabulary(
        concepts=(Concept(code="tutto", label="Tutto", terms=tuple({w for t in texts for w in lemmas(t)})),)
    )
    covered = TextModel(texts, char_weight=0.0, vocabulary=everything, latent_uncovered=True, **LATENT)
    assert all(covered.concepts)
    assert covered.vectors.shape[1] == plain.vectors.shape[1]
