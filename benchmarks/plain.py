"""The "plain" comparison method of benchmarks/aggregation.py: the baseline an external evaluator would write.

Lemmatised TF-IDF of the descriptions (lower-case, accent-stripped, simplemma lemmas through
`legami.aggregation.engine.normalise.lemma`, a short Italian stop-word list; no lexicon, no vocabulary, no
character n-grams), then single linkage (union-find, here connected components) over the pairs whose cosine
similarity reaches THRESHOLD. Pairs are only considered inside a block of the same area and the same Comune, and
only when the project's pairwise rules hold: compatible target groups, near (2.0 km) and overlapping hours (a
need without hours fits any). Similarities are sparse products per block, so 100,000 needs take seconds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

import numpy as np

# Chosen on set A only: generator A, seeds 1 and 2, 10,000 and 100,000 needs; sets B and C were never run while
# choosing (the reported seed 3 neither). ARI on A by threshold:
#     t      seed 1 10k  seed 2 10k  seed 1 100k  seed 2 100k   mean
#     0.20   0.2425      0.2058      0.0891       0.0851        0.148
#     0.26   0.3200      0.2835      0.0986       0.0968        0.200
#     0.28   0.3289      0.2887      0.2636       0.2166        0.274
#     0.29   0.3327      0.2917      0.2875       0.2777        0.2974
#     0.30   0.3369      0.2911      0.2826       0.2749        0.2964
#     0.31   0.3302      0.2892      0.2789       0.2709        0.2923
#     0.32   0.3311      0.3114      0.2815       0.2656        0.2974
#     0.33   0.3267      0.3017      0.2797       0.2704        0.2946
#     0.35   0.3126      0.2948      0.2660       0.2592        0.283
#     0.40   0.2683      0.2716      0.2343       0.2283        0.251
#     0.50   0.2155      0.2355      0.1857       0.1852        0.206
# 0.29 and 0.32 tie on the mean; 0.32 is kept, further from the collapse below 0.29 at 100,000 needs (single
# linkage chains whole Comuni through needs without hours, which overlap everything).
THRESHOLD = 0.32
DISTANCE_KM = 2.0

# Function words only (as lemmas, accent-stripped): articles, prepositions (also articulated), conjunctions,
# pronouns, auxiliaries. Nothing about welfare topics.
STOP_WORDS = frozenset(
    """
    il lo la i gli le l un uno una di a da in con su per tra fra del dello della dei degli delle al allo alla
    ai agli alle dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle
    col e ed o od ma pero anche se che chi cui non ne ci vi si mi ti io tu lui lei noi voi loro esso essa questo
    quello quale come dove quando piu molto poco tutto ogni essere avere stare fare potere volere dovere c
    """.split()
)

_WORD = re.compile(r"[^\W\d_]+")


def tokens(text: str) -> list[str]:
    """The lemmas of a description that are not stop words (lower-case, accent-stripped)."""
    from legami.aggregation.engine.normalise import lemma, strip_accents

    words = []
    for word in _WORD.findall(text.lower()):
        folded = lemma(word)
        if folded and folded not in STOP_WORDS and strip_accents(word) not in STOP_WORDS:
            words.append(folded)
    return words


def _index(values: Sequence) -> tuple[np.ndarray, list]:
    """Each value's index among the distinct values, and the distinct values."""
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(seen)


def candidate_pairs(rows: Sequence[Mapping[str, str]], floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i, j, cosine) with i < j in one area and Comune, cosine >= floor, that the rules allow."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legami.settings")
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    from legami.aggregation.engine.io import records_from_rows
    from legami.aggregation.engine.records import compatible_targets, near
    from legami.needs.timewindows import overlaps

    records = records_from_rows(rows)
    count = len(records)
    empty = np.zeros(0, dtype=np.int64)
    if count < 2:
        return empty, empty, np.zeros(0)
    vectors = TfidfVectorizer(analyzer=tokens, dtype=np.float64).fit_transform([r.description for r in records])
    vectors = sparse.csr_matrix(vectors)
    # the pairwise rules on targets and hours, on their few distinct values (small tables, looked up by index)
    target_codes, targets = _index([r.target_group for r in records])
    target_ok = np.array([[compatible_targets(a, b) for b in targets] for a in targets], dtype=bool)
    window_codes, windows = _index([r.windows for r in records])
    hours_ok = np.array([[overlaps(a, b) for b in windows] for a in windows], dtype=bool)

    blocks: dict[tuple[str, str], list[int]] = {}
    for index, record in enumerate(records):
        blocks.setdefault((record.area, record.municipality), []).append(index)
    firsts, seconds, similarities = [], [], []
    for members in blocks.values():
        if len(members) < 2:
            continue
        ids = np.asarray(members, dtype=np.int64)
        block = vectors[ids]
        products = sparse.triu(block @ block.T, k=1).tocoo()
        keep = products.data >= floor
        a, b, s = ids[products.row[keep]], ids[products.col[keep]], products.data[keep]
        keep = target_ok[target_codes[a], target_codes[b]] & hours_ok[window_codes[a], window_codes[b]]
        a, b, s = a[keep], b[keep], s[keep]
        if len(a):
            keep = np.fromiter(
                (near(records[i], records[j], DISTANCE_KM) for i, j in zip(a, b, strict=True)), bool, len(a)
            )
            firsts.append(a[keep])
            seconds.append(b[keep])
            similarities.append(s[keep])
    if not firsts:
        return empty, empty, np.zeros(0)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(similarities)


def labels_from_pairs(count: int, firsts: np.ndarray, seconds: np.ndarray) -> list[int]:
    """Single linkage: the connected components of the accepted pairs, one label per need."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    graph = sparse.coo_matrix((np.ones(len(firsts), dtype=np.int8), (firsts, seconds)), shape=(count, count))
    _count, labels = connected_components(graph, directed=False)
    return [int(label) for label in labels]


def plain_groups(rows: Sequence[Mapping[str, str]], threshold: float = THRESHOLD) -> list[int]:
    """The predicted group label of each row (rows: the CSV columns of `manage.py aggregate_needs`)."""
    firsts, seconds, _similarities = candidate_pairs(rows, threshold)
    return labels_from_pairs(len(rows), firsts, seconds)
