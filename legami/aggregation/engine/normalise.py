"""Word normalisation shared by text.py and lexicon.py: accent folding and simplemma lemmas (no download)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import simplemma


def strip_accents(text: str) -> str:
    """ "città" → "citta"; the same folding for every word so that "perché" and "perche" meet."""
    if text.isascii():  # most words: nothing to fold
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The accent-stripped Italian lemma of one lower-case word."""
    return strip_accents(simplemma.lemmatize(word, lang="it"))


@lru_cache(maxsize=200_000)
def is_known_word(word: str) -> bool:
    """True when simplemma's Italian dictionary knows the (accent-stripped) word."""
    return bool(simplemma.is_known(word, lang="it"))
