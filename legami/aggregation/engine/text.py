"""Italian descriptions to vectors: lower-case, simplemma lemmas, accents stripped, stop words dropped,
TF-IDF on the lemmas plus character n-grams (typos and word forms the lemmatiser misses); rows L2-normalised
so that a dot product is a cosine similarity. No model download: simplemma ships its dictionaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import simplemma
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

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
)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def strip_accents(text: str) -> str:
    """ "città" → "citta"; the same folding for every word so that "perché" and "perche" meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The accent-stripped Italian lemma of one lower-case word."""
    return strip_accents(simplemma.lemmatize(word, lang="it"))


def lemmas(text: str) -> list[str]:
    """The content lemmas of a description, in order."""
    result = []
    for word in _WORD.findall(text.lower()):
        if len(word) < 2 or strip_accents(word) in STOP_WORDS:
            continue
        base = lemma(word)
        if len(base) >= 2 and base not in STOP_WORDS:
            result.append(base)
    return result


class TextModel:
    """TF-IDF of a corpus of descriptions: `vectors` (rows L2-normalised) and `words` for keywords."""

    def __init__(self, descriptions: Sequence[str], *, char_weight: float = 0.5) -> None:
        texts = [" ".join(lemmas(text)) for text in descriptions]
        self.word_vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, dtype=np.float32, lowercase=False)
        if not any(texts):
            # Nothing to read: every description empty (or only stop words); no similarity anywhere.
            self.words = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
            self.vocabulary: np.ndarray = np.array(["-"])
            self.vectors = self.words
            return
        self.words = self.word_vectorizer.fit_transform(texts).astype(np.float32)
        self.vocabulary = self.word_vectorizer.get_feature_names_out()
        chars = None
        if char_weight > 0:
            try:
                # n-grams seen once cannot make two needs alike: min_df=2 keeps the matrix small
                chars = TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(4, 4), sublinear_tf=True, dtype=np.float32, min_df=2
                ).fit_transform(texts)
            except ValueError:  # no n-gram occurs twice (tiny corpora)
                chars = None
        if chars is not None:
            combined = sparse.hstack(
                [self.words * np.float32(np.sqrt(1 - char_weight)), chars * np.float32(np.sqrt(char_weight))],
                format="csr",
            )
            self.vectors = normalize(combined).astype(np.float32)
        else:
            self.vectors = self.words

    def keywords(self, members: Sequence[int], limit: int = 5) -> list[str]:
        """The lemmas that weigh most in these descriptions, most telling first (ties alphabetical)."""
        weights = np.asarray(self.words[list(members)].sum(axis=0)).ravel()
        nonzero = np.flatnonzero(weights)
        if not len(nonzero):
            return []
        order = sorted(nonzero, key=lambda column: (-round(float(weights[column]), 6), self.vocabulary[column]))
        return [str(self.vocabulary[column]) for column in order[:limit]]
