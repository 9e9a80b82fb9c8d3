"""Italian descriptions to vectors: lower-case, simplemma lemmas, accents stripped, stop words dropped;
TF-IDF on the lemmas, plus character n-grams (typos and word forms the lemmatiser misses), plus the need
concepts of lexicon.py (paraphrases that share no word), plus, optionally, each lemma's corpus-learned
related lemmas (latent semantic analysis of the run's own descriptions: paraphrases whose words the
vocabulary does not know); rows L2-normalised so that a dot product is a
cosine similarity. No model download: simplemma ships its dictionaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from .lexicon import lexicon_for
from .normalise import lemma, strip_accents
from .vocabulary import Vocabulary

if TYPE_CHECKING:
    from .evidence import Evidence


# scikit-learn takes a second or two to import: every manage.py command and web worker that loads the URLs
# would pay it, so it is imported on the first use (by a run of the engine) instead.
def normalize(matrix: Any, **kwargs: Any) -> Any:
    """sklearn.preprocessing.normalize (rows to unit L2 norm unless told otherwise)."""
    from sklearn.preprocessing import normalize as sklearn_normalize

    return sklearn_normalize(matrix, **kwargs)


def _tfidf(**kwargs: Any) -> Any:
    """A sklearn TfidfVectorizer."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**kwargs)


# Compact Italian stop-word list (accent-stripped): articles, prepositions, pronouns, conjunctions, the
# commonest auxiliaries and adverbs. Domain words ("bisogno", "aiuto") stay: IDF weighs them.
STOP_WORDS = frozenset(
    """
    a ad al allo ai agli all alla alle anche ancora avere b c che chi ci cio coi col come con contro cosi cui
    da dal dallo dai dagli dall dalla dalle dei degli del dell della delle dello dentro di dove dunque e ed
    essere fare fra gia gli ha hai hanno ho i il in invece io l la le lei li lo loro lui ma me mi mia mie miei
    mio molto ne negli nei nel nell nella nelle nello no noi non nostra nostre nostri nostro o od ogni per
    pero perche piu poco poi potere proprio qua quale quali qualche quando quanto quella quelle quelli quello
    questa queste questi questo qui se sempre senza si sia siamo sono sta stare su sua sue sugli sui sul
    sull sulla sulle sullo suo suoi tanto te ti tra tu tua tue tuo tuoi tutti tutto un una uno vi voi volere
    dovere the of and to
    """.split()
) | frozenset(
    # the boilerplate of any request, which names no need: "ho bisogno di…", "chiedo aiuto per…", "grazie"
    """
    aiuto aiutare bisogno chiedere chiedo cercare servire serve grazie pregare prego favore contattare
    contattarmi qualcuno sapere rivolgere salve buongiorno buonasera gentile cortesemente vorrei cerchiare
    """.split()
)

_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)

__all__ = [
    "STOP_WORDS",
    "TextModel",
    "analyse",
    "concepts",
    "latent_options",
    "lemma",
    "lemmas",
    "strip_accents",
    "tokenise",
]


@lru_cache(maxsize=400_000)
def tokenise(text: str) -> tuple[tuple[tuple[str, str, bool], ...], tuple[str, ...]]:
    """The tokens of a description as (accent-folded form, lemma, is a stop word), and its content lemmas."""
    content: list[str] = []
    tokens: list[tuple[str, str, bool]] = []
    for word in _WORD.findall(text.lower()):
        raw = strip_accents(word)
        if word.isdigit():
            tokens.append((raw, raw, True))
            continue
        stop = len(word) < 2 or raw in STOP_WORDS
        base = raw if stop else lemma(word)
        stop = stop or len(base) < 2 or base in STOP_WORDS
        tokens.append((raw, base, stop))
        if not stop:
            content.append(base)
    return tuple(tokens), tuple(content)


def analyse(text: str, vocabulary: Vocabulary | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The content lemmas of a description, in order, and the vocabulary concepts it names (sorted)."""
    tokens, content = tokenise(text)
    return content, lexicon_for(vocabulary).concepts(tokens)


def lemmas(text: str) -> list[str]:
    """The content lemmas of a description, in order."""
    return list(analyse(text)[0])


def concepts(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The vocabulary concepts a description names, sorted."""
    return list(analyse(text, vocabulary)[1])


@lru_cache(maxsize=200_000)
def _word_grams(word: str) -> tuple[str, ...]:
    padded = f" {word}"
    return tuple(padded[i : i + 4] for i in range(max(1, len(padded) - 3)))


def _char_grams(text: str) -> list[str]:
    """4-grams of each lemma padded at the start only: word endings ("-are", "-zione") are grammar, not
    meaning, and would make unrelated needs alike."""
    grams: list[str] = []
    for word in text.split():
        grams.extend(_word_grams(word))
    return grams


def _identity(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tokens


def _has(words: frozenset[str], side: tuple[str, ...]) -> bool:
    return all(term in words for term in side)


def _term_sets(analysed: Sequence[tuple[tuple[str, ...], tuple[str, ...]]]) -> list[frozenset[str]]:
    return [frozenset(words) | frozenset(f"concept:{code}" for code in found) for words, found in analysed]


EVIDENCE_WEIGHT = 0.3  # similarity added to two needs that "together" evidence relates
EVIDENCE_MAX_SHARE = 0.05  # …unless one side's terms are in more than this share of the descriptions
EVIDENCE_MIN_LIMIT = 20


def _together_block(
    analysed: Sequence[tuple[tuple[str, ...], tuple[str, ...]]], evidence: Sequence[Evidence]
) -> sparse.csr_matrix | None:
    """ "together" evidence k: a column k set on every description that has either side's terms. Appended to
    the normalised vectors without normalising again, it adds EVIDENCE_WEIGHT to the similarity of two needs
    that both have it (the two wordings meet like synonyms) and takes nothing from anyone else's."""
    together = [e for e in evidence if e.kind == "together"]
    if not together:
        return None
    sets = _term_sets(analysed)
    rows: list[int] = []
    cols: list[int] = []
    limit = max(EVIDENCE_MIN_LIMIT, EVIDENCE_MAX_SHARE * len(sets))
    for column, item in enumerate(together):
        first = [row for row, terms in enumerate(sets) if _has(terms, item.first)]
        second = [row for row, terms in enumerate(sets) if _has(terms, item.second)]
        if len(first) > limit or len(second) > limit:
            continue  # a side this common says nothing about any one service here
        for row in sorted(set(first) | set(second)):
            rows.append(row)
            cols.append(column)
    values = np.full(len(rows), np.sqrt(EVIDENCE_WEIGHT), dtype=np.float32)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(sets), len(together)), dtype=np.float32)


def _apart_masks(
    analysed: Sequence[tuple[tuple[str, ...], tuple[str, ...]]], evidence: Sequence[Evidence]
) -> tuple[np.ndarray, np.ndarray] | None:
    """ "apart" evidence as two bit masks per description (uint64 words): bit k of `first` when it has the
    first side's terms and not the second's, of `second` the other way round. Two needs with the same bit on
    opposite sides must not be grouped."""
    apart = [e for e in evidence if e.kind == "apart"]
    if not apart:
        return None
    sets = _term_sets(analysed)
    width = -(-len(apart) // 64)
    first = np.zeros((len(sets), width), dtype=np.uint64)
    second = np.zeros((len(sets), width), dtype=np.uint64)
    for k, item in enumerate(apart):
        word, bit = divmod(k, 64)
        value = np.uint64(1) << np.uint64(bit)
        for row, terms in enumerate(sets):
            has_first, has_second = _has(terms, item.first), _has(terms, item.second)
            if has_first and not has_second:
                first[row, word] |= value
            elif has_second and not has_first:
                second[row, word] |= value
    return first, second


def latent_options(settings: object) -> dict[str, Any]:
    """The latent_* keyword arguments of TextModel taken from an EngineSettings (defaults when absent)."""
    names = ("latent_weight", "latent_components", "latent_neighbours", "latent_similarity", "latent_uncovered")
    return {name: getattr(settings, name) for name in names if hasattr(settings, name)}


LATENT_MIN_DOCUMENTS = 2  # distinct descriptions per latent component, at least, to learn anything
LATENT_MIN_COUNT = 5  # a related lemma is in at least this many distinct descriptions…
LATENT_MIN_SHARE = 0.001  # …and this share of them


def _latent_block(
    words: sparse.csr_matrix, components: int, neighbours: int, min_similarity: float
) -> sparse.csr_matrix | None:
    """Corpus-learned relatedness of lemmas (latent semantic analysis): a randomized truncated SVD of the
    TF-IDF lemma matrix places each lemma in `components` dimensions, where lemmas used in the same contexts
    lie close even when they never appear together. Each lemma keeps itself and its `neighbours` nearest
    lemmas of cosine >= `min_similarity`; a description becomes the weighted sum of its lemmas' neighbourhoods
    (rows L2-normalised). Two paraphrases that share no word meet here when their words are related in this
    corpus. Sparse (a few columns per lemma), deterministic (fixed random_state), no model download.
    None when the corpus is too small to learn from."""
    from sklearn.decomposition import TruncatedSVD

    unique = words[np.sort(np.unique(_row_keys(words), return_index=True)[1])]
    size = min(components, unique.shape[1] - 1, unique.shape[0] // LATENT_MIN_DOCUMENTS)
    if size < 2:
        return None
    svd = TruncatedSVD(n_components=size, algorithm="randomized", n_iter=5, random_state=0)
    svd.fit(unique)
    terms = normalize((svd.components_.T * svd.singular_values_).astype(np.float32))
    count = terms.shape[0]
    # a rare lemma (a typo, a one-off word) lies close to whatever it appeared with once: not a neighbour
    frequency = np.bincount(unique.indices, minlength=count)
    rare = frequency < max(LATENT_MIN_COUNT, LATENT_MIN_SHARE * unique.shape[0])
    keep = min(neighbours, count - 1)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for start in range(0, count, 512):
        chunk = terms[start : start + 512] @ terms.T
        local = np.arange(chunk.shape[0])
        chunk[local, start + local] = -1.0  # itself: added below with weight 1
        chunk[:, rare] = -1.0
        if keep > 0:
            best = np.argpartition(-chunk, keep - 1, axis=1)[:, :keep]
            similarity = np.take_along_axis(chunk, best, axis=1)
            ok = similarity >= min_similarity
            rows.append(np.repeat(start + local, keep)[ok.ravel()])
            cols.append(best[ok])
            values.append(similarity[ok])
    rows.append(np.arange(count))
    cols.append(np.arange(count))
    values.append(np.ones(count, dtype=np.float32))
    related = sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(count, count), dtype=np.float32
    )
    return normalize((words @ related).tocsr()).astype(np.float32)


def _related_columns(
    matrix: sparse.csr_matrix, eligible: np.ndarray, neighbours: int, min_similarity: float
) -> sparse.csr_matrix | None:
    """columns x columns: each column itself (1) and its `neighbours` most similar eligible columns of cosine >=
    `min_similarity` (cosine of the columns of `matrix`); None when no column has a related one."""
    count = matrix.shape[1]
    columns = normalize(matrix.tocsc(), axis=0).tocsr()
    columns = columns[:, eligible] if not eligible.all() else columns
    where = np.flatnonzero(eligible)
    if len(where) < 2:
        return None
    gram = (columns.T @ columns).tocoo()
    keep = (gram.row != gram.col) & (gram.data >= min_similarity)
    first, second, similarity = gram.row[keep], gram.col[keep], gram.data[keep]
    # each row's best `neighbours`: sort by row, then by similarity (descending), and keep the first ones
    order = np.lexsort((-similarity, first))
    first, second, similarity = first[order], second[order], similarity[order]
    starts = np.searchsorted(first, first, side="left")
    rank = np.arange(len(first)) - starts
    best = rank < neighbours
    rows: list[np.ndarray] = [np.arange(count), where[first[best]]]
    cols: list[np.ndarray] = [np.arange(count), where[second[best]]]
    values: list[np.ndarray] = [np.ones(count, dtype=np.float32), similarity[best].astype(np.float32)]
    if not best.any():
        return None
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(count, count), dtype=np.float32
    )


def _row_keys(matrix: sparse.csr_matrix) -> np.ndarray:
    """A hash of each row's columns and values (to fit on distinct descriptions only)."""
    keys = np.empty(matrix.shape[0], dtype=np.int64)
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        keys[row] = hash((matrix.indices[start:end].tobytes(), matrix.data[start:end].tobytes()))
    return keys


class TextModel:
    """TF-IDF of a corpus of descriptions: `vectors` (rows L2-normalised) and `words` for keywords."""

    def __init__(
        self,
        descriptions: Sequence[str],
        *,
        char_weight: float = 0.5,
        concept_weight: float = 0.0,
        vocabulary: Vocabulary | None = None,
        evidence: Sequence[Evidence] = (),
        latent_weight: float = 0.0,
        latent_components: int = 100,
        latent_neighbours: int = 20,
        latent_similarity: float = 0.3,
        latent_uncovered: bool = False,
    ) -> None:
        lexicon = lexicon_for(vocabulary)
        seen: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        analysed = []
        for text in descriptions:
            known = seen.get(text)
            if known is None:
                tokens, content = tokenise(text)
                known = seen[text] = (content, lexicon.concepts(tokens))
            analysed.append(known)
        self.concepts: list[tuple[str, ...]] = [found for _, found in analysed]
        self._uncovered_share = sum(1 for _, found in analysed if not found) / max(len(analysed), 1)
        self.lexicon = lexicon
        self.apart = _apart_masks(analysed, evidence)
        self._together = _together_block(analysed, evidence)
        texts = [" ".join(words) for words, _ in analysed]
        self.word_vectorizer = _tfidf(analyzer=str.split, sublinear_tf=True, dtype=np.float32, lowercase=False)
        if not any(texts):
            # Nothing to read: every description empty (or only stop words); no similarity anywhere.
            self.words = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
            self.vocabulary: np.ndarray = np.array(["-"])
            self._base, self._norms = self.words, np.ones(len(texts), dtype=np.float32)
            self.vectors = self._with_evidence(self.words)
            return
        self.words = self.word_vectorizer.fit_transform(texts).astype(np.float32)
        self.vocabulary = self.word_vectorizer.get_feature_names_out()
        blocks = [self.words]
        weights = [1.0 - char_weight - concept_weight]
        if char_weight > 0:
            try:
                # n-grams seen once cannot make two needs alike: min_df=2 keeps the matrix small
                chars = _tfidf(
                    analyzer=_char_grams, sublinear_tf=True, dtype=np.float32, min_df=2, lowercase=False
                ).fit_transform(texts)
                blocks.append(chars)
                weights.append(char_weight)
            except ValueError:  # no n-gram occurs twice (tiny corpora)
                pass
        if concept_weight > 0 and any(found for _, found in analysed):
            named = _tfidf(analyzer=_identity, dtype=np.float32, lowercase=False).fit_transform(
                [found for _, found in analysed]
            )
            blocks.append(named)
            weights.append(concept_weight)
        if latent_uncovered:
            # the less of the corpus the vocabulary reads, the more the corpus speaks for itself
            latent_weight *= self._uncovered_share
        if latent_weight > 0:
            latent = _latent_block(self.words, latent_components, latent_neighbours, latent_similarity)
            if latent is not None:
                blocks.append(latent)
                weights.append(latent_weight)
        if len(blocks) == 1:
            self._base, self._norms = self.words, np.ones(len(texts), dtype=np.float32)
        else:
            combined = sparse.hstack(
                [block * np.float32(np.sqrt(max(weight, 0.0))) for block, weight in zip(blocks, weights, strict=True)],
                format="csr",
                dtype=np.float32,
            )
            del blocks
            # the rows' norms before normalising: a block added later (the second pass) weighs against the
            # others exactly as if it had been there from the start, without keeping the blocks
            self._norms = np.sqrt(np.asarray(combined.multiply(combined).sum(axis=1)).ravel()).astype(np.float32)
            self._base = normalize(combined, copy=False)
        self.vectors = self._with_evidence(self._base)

    def with_group_relatedness(
        self,
        groups: Sequence[np.ndarray],
        *,
        weight: float,
        neighbours: int,
        min_similarity: float,
        min_groups: int,
        uncovered: bool = False,
    ) -> sparse.csr_matrix | None:
        """The vectors again (in place of the first ones), with a block of lemmas related by the groups of a first
        pass: two lemmas are related when the same groups hold them (cosine of their group columns), so wordings
        that met in one Comune through a need that bridges them meet in another Comune where nothing bridges
        them. None, and the vectors unchanged, when no lemma is related."""
        if uncovered:
            weight *= self._uncovered_share
        if weight < 0.01 or not groups or not self.words.nnz:
            return None
        lengths = [len(members) for members in groups]
        columns = np.concatenate([np.asarray(members, dtype=np.int64) for members in groups])
        rows = np.repeat(np.arange(len(groups)), lengths)
        indicator = sparse.csr_matrix(
            (np.ones(len(columns), dtype=np.float32), (rows, columns)), shape=(len(groups), self.words.shape[0])
        )
        present = (indicator @ (self.words > 0).astype(np.float32)).tocsr()
        present.data = np.log1p(present.data)  # a word many members repeat says no more than a few do
        counts = np.bincount(present.indices, minlength=present.shape[1])
        related = _related_columns(present, counts >= min_groups, neighbours, min_similarity)
        if related is None:
            return None
        block = normalize((self.words @ related).tocsr()).astype(np.float32) * np.float32(np.sqrt(weight))
        # back to the un-normalised rows, in place (the first vectors are not needed any more), then the block
        base = self._base
        base.data *= np.repeat(self._norms, np.diff(base.indptr))
        combined = sparse.hstack([base, block], format="csr", dtype=np.float32)
        del base, block
        self._base = normalize(combined, copy=False)
        self._norms = np.ones(combined.shape[0], dtype=np.float32)  # consumed: one extra block only
        self.vectors = self._with_evidence(self._base)
        return self.vectors

    def _with_evidence(self, vectors: sparse.csr_matrix) -> sparse.csr_matrix:
        if self._together is None:
            return vectors.tocsr()
        return sparse.hstack([vectors, self._together], format="csr").astype(np.float32)

    def keywords_of(self, groups: Sequence[Sequence[int] | np.ndarray], limit: int = 5) -> list[list[str]]:
        """keywords() of many groups at once (one sparse product)."""
        if not groups:
            return []
        lengths = [len(members) for members in groups]
        columns = np.concatenate([np.asarray(members, dtype=np.int64) for members in groups])
        rows = np.repeat(np.arange(len(groups)), lengths)
        indicator = sparse.csr_matrix(
            (np.ones(len(columns), dtype=np.float32), (rows, columns)), shape=(len(groups), self.words.shape[0])
        )
        sums = (indicator @ self.words).tocsr()
        result = []
        for row in range(len(groups)):
            start, end = sums.indptr[row], sums.indptr[row + 1]
            weights, where = sums.data[start:end], sums.indices[start:end]
            order = sorted(
                (i for i in range(len(where)) if weights[i] > 0),
                key=lambda i: (
                    -round(float(weights[i]), 5),
                    -len(self.vocabulary[where[i]]),
                    self.vocabulary[where[i]],
                ),
            )
            result.append([str(self.vocabulary[where[i]]) for i in order[:limit]])
        return result

    def keywords(self, members: Sequence[int], limit: int = 5) -> list[str]:
        """The lemmas that weigh most in these descriptions, most telling first (ties: longer, more specific
        words first, then alphabetical)."""
        weights = np.asarray(self.words[list(members)].sum(axis=0)).ravel()
        nonzero = np.flatnonzero(weights)
        if not len(nonzero):
            return []
        order = sorted(
            nonzero,
            key=lambda column: (
                -round(float(weights[column]), 5),
                -len(self.vocabulary[column]),
                self.vocabulary[column],
            ),
        )
        return [str(self.vocabulary[column]) for column in order[:limit]]
