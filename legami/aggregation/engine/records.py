"""The engine's plain data: a need as the engine sees it, the settings, and a group of needs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from legami.needs.timewindows import TimeWindow

# Target groups that one answer can serve together, besides equal groups and "community" (which goes with
# anything). Families and minors: a doposcuola or a summer camp answers both. Minors and young people
# overlap on teenagers (14-17). Older people and people with disabilities go with their caregivers
# (respite, accompaniment). Deliberately NOT compatible: families and young people (young people usually
# ask on their own behalf, for work or a home of their own, not as part of a family), older people and
# people with disabilities (different services even when the need sounds alike), adults and migrants.
COMPATIBLE_TARGETS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("families", "minors"),
        ("minors", "young_people"),
        ("elderly", "caregivers"),
        ("disability", "caregivers"),
    )
)
ANY_TARGET = "community"


def compatible_targets(a: str, b: str) -> bool:
    """True when one answer can serve both target groups (see COMPATIBLE_TARGETS)."""
    return a == b or a == ANY_TARGET or b == ANY_TARGET or frozenset((a, b)) in COMPATIBLE_TARGETS


@dataclass(frozen=True)
class NeedRecord:
    """A need as the engine sees it: strings and numbers only, no database."""

    id: str
    area: str
    target_group: str
    municipality: str
    neighbourhood: str = ""
    lat: float | None = None
    lon: float | None = None
    windows: tuple[TimeWindow, ...] = ()
    description: str = ""
    people: int = 1

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class EngineSettings:
    """Thresholds of the engine; the defaults were tuned on seeds 1 and 2 of benchmarks/aggregation.py
    (generator A, 20,000-100,000 needs); figures are reported on seed 3 and on the independent sets."""

    distance_km: float = 2.0
    min_group_size: int = 2
    # Two needs are candidates when their descriptions' cosine similarity reaches this…
    pair_similarity: float = 0.1
    # …and two groups merge when the average similarity over all their pairs reaches this. Chosen on generator A
    # (seeds 1 and 2) as the best mean of the ARI with the standard vocabulary and with an EMPTY one (words the
    # vocabulary does not know, as in a network that speaks otherwise): 0.1 gave 0.951 / 0.771 at 100,000 needs
    # (seed 2), 0.05 gives 0.950 / 0.844; 0.03 loses 0.01 with the standard vocabulary (seed 1, 50,000).
    group_similarity: float = 0.05
    # Weight of the character n-grams (typos, word forms simplemma misses) against the lemmas.
    char_weight: float = 0.5
    # Weight of the need concepts of lexicon.py (paraphrases that share no word).
    concept_weight: float = 0.3
    max_group_size: int = 500
    # Weight of distance in the clustering (0 = none): among equally similar needs, the nearer join first.
    spatial_weight: float = 1.0
    # A group whose cohesion (average similarity of its pairs) is below this is not proposed: its members
    # stay singletons.
    min_cohesion: float = 0.15
    # Groups whose members' days chain (Tuesday, Tuesday and Thursday, Thursday) are one group.
    chain_days: bool = True
    # A need whose description names at least this many vocabulary terms of one other area and none of its
    # own is reported as misfiled and stays a singleton (0 = never).
    misfiled_terms: int = 2
    # A need without hours that fits another group nearly as well as its own (this share of its similarity
    # to its own group) is not guessed into either (1 = never detached).
    ambiguity: float = 1.0
    # The needs without hours of a group move to the group with hours whose centre is nearest to theirs.
    place_untimed: bool = True
    # …when the average similarity over all their pairs reaches this (spatial penalty counted as above).
    chain_similarity: float = 0.2
    # In the second pass (merging.merge_units), two groups whose days chain merge when their average similarity
    # reaches this (chosen on set A, seeds 1 and 2, mean of the development runs at 10,000 needs: no chaining
    # there 0.9244, 0.1 0.8927, 0.2 0.9182, 0.3 0.9267, 0.45 0.9250).
    merge_chain_similarity: float = 0.3
    # Corpus-learned relatedness of lemmas (latent semantic analysis over the run's descriptions, see
    # text._latent_block): its weight (0 = off), the SVD's components, how many related lemmas each lemma
    # keeps and the cosine they need; with latent_uncovered the weight is multiplied by the share of
    # descriptions that name no vocabulary concept (the less of the corpus the vocabulary reads, the more the
    # corpus speaks for itself). Tuned on seeds 1 and 2 at 100,000 needs: with an EMPTY vocabulary ARI
    # 0.642 -> 0.772 (seed 1); with the standard one nothing lost (0.9485 -> 0.9489, 0.9510 -> 0.9511).
    latent_weight: float = 0.6
    latent_components: int = 100
    latent_neighbours: int = 20
    latent_similarity: float = 0.3
    latent_uncovered: bool = True
    # Second pass (0 = off): the groups of a first pass teach which lemmas go together (two lemmas are related
    # when the same groups of at least `group_min_size` needs hold them, cosine >= group_similarity_min over
    # at least group_min_groups groups, group_neighbours per lemma; see TextModel.with_group_relatedness); with
    # that block at `group_weight` (times the share of descriptions that name no vocabulary concept when
    # group_uncovered, as for the latent block; under 0.01 the pass is skipped) the first pass's groups merge
    # (merging.merge_units). Chosen on generator A only, seeds 1 and 2, by the mean ARI with the standard
    # vocabulary, with every other term of each concept ("half") and with an EMPTY one, 10,000 needs: off 0.898;
    # merging with group_weight 0.3 0.919, 0.8 0.923, 1.2 0.924, 2.0 0.923, 3.5 0.922; clustering everything
    # again 0.928 but too slow at 100,000 needs (25-30 s). At 100,000 needs (seed 2, half and empty) 0.3 gave
    # 0.903, 1.2 0.909. Without group_uncovered: 0.921 (0.3); groups of 16 and more were too few at 10,000 needs;
    # 20 neighbours per lemma no better than 10.
    group_weight: float = 1.2
    group_neighbours: int = 10
    group_similarity_min: float = 0.3
    group_min_groups: int = 3
    group_min_size: int = 12
    group_uncovered: bool = True


@dataclass
class Group:
    """Needs that could be answered together: indices into the input, its telling words, shared hours."""

    members: list[int]
    keywords: list[str] = field(default_factory=list)
    # slots shared by ALL members (may be empty when members' days chain: some Tuesday, some Thursday)
    common_windows: tuple[TimeWindow, ...] = ()
    cohesion: float = 1.0
    # union of the members' windows ("mar o gio" summaries)
    windows_any: tuple[TimeWindow, ...] = ()


EARTH_RADIUS_KM = 6371.0088


def haversine_radians_km(lat_a: Any, lon_a: Any, lat_b: Any, lon_b: Any) -> Any:
    """Great-circle distance in kilometres between points in radians: numbers, or numpy arrays that broadcast."""
    h = np.sin((lat_b - lat_a) / 2) ** 2 + np.cos(lat_a) * np.cos(lat_b) * np.sin((lon_b - lon_a) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between points in degrees."""
    return float(haversine_radians_km(*(math.radians(value) for value in (lat1, lon1, lat2, lon2))))


def near(a: NeedRecord, b: NeedRecord, distance_km: float) -> bool:
    """Both points: within distance_km; otherwise the same Comune and, when both have one, neighbourhood."""
    if a.has_point and b.has_point:
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= distance_km  # type: ignore[arg-type]
    if a.municipality != b.municipality:
        return False
    return not (a.neighbourhood and b.neighbourhood and a.neighbourhood != b.neighbourhood)
