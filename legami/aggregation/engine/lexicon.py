"""A compact lexicon of community-welfare need concepts in Italian: words and short phrases that name the
same need although they share no word ("pacchi alimentari", "non abbiamo da mangiare", "buoni spesa").

The concepts are data (vocabulary.py, legami/aggregation/data/vocabulary.json). Each concept lists words and
phrases (up to five words in order, stop words between them skipped) that name it; a term word matches a
description's word by its form or its lemma, so a term written as a lemma ("compito", "mangiare") matches every
inflection. A description gets one feature per concept
it mentions, weighed beside its lemmas (see text.py), so two paraphrases meet through the concept even when
the wording differs. Written from the vocabulary of Italian social services (servizi sociali, Caritas,
terzo settore); deliberately generic: it names needs, not any particular data set.

A term names one concept: a word that would name two ("luce": bills or street lighting) is left out and its
phrases kept ("bolletta della luce", "lampioni spenti"); only a few phrases nest a more general term of a
neighbouring service on purpose (see NESTED_TERMS in the tests). Words too generic to tell a need ("aiuto",
"bisogno", "casa" alone, "solo") or naming who asks rather than what ("anziano", "disabile") are left out or
only appear inside a phrase.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from .normalise import lemma, strip_accents
from .vocabulary import Vocabulary

FUZZY_MIN_LENGTH = 5
Token = tuple[str, str, bool]  # (accent-folded form, lemma, is a stop word)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Lexicon:
    """A vocabulary compiled for matching: single words, phrases by their first word, a typo index."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        words: dict[str, set[str]] = {}
        # phrases by their first word, then by their second: a description's word is only tried against the
        # phrases whose second word is among the next few words (3,000 terms, 100,000 descriptions)
        phrases: dict[str, dict[str, list[tuple[tuple[frozenset[str], ...], str]]]] = {}
        self.area_of: dict[str, str] = {}
        for concept in vocabulary.concepts:
            self.area_of[concept.code] = concept.area
            for term in concept.terms:
                parts = tuple(strip_accents(part) for part in term.lower().replace("_", " ").replace("'", " ").split())
                if len(parts) == 1:
                    words.setdefault(parts[0], set()).add(concept.code)
                elif parts:
                    # each word of a phrase matches by its form or its lemma ("non vedo nessuno" also
                    # matches "non vedono nessuno")
                    alternatives = tuple(frozenset({part, lemma(part)}) for part in parts)
                    for first in alternatives[0]:
                        for second in alternatives[1]:
                            phrases.setdefault(first, {}).setdefault(second, []).append((alternatives, concept.code))
        self.words = {word: frozenset(codes) for word, codes in words.items()}
        self.phrases = phrases
        self.parts = frozenset(
            word
            for by_second in phrases.values()
            for entries in by_second.values()
            for parts, _code in entries
            for part in parts
            for word in part
        )
        fuzzy: dict[str, set[str]] = {}
        for word, codes in self.words.items():
            if len(word) >= FUZZY_MIN_LENGTH:
                for variant in _deletions(word) | {word}:
                    fuzzy.setdefault(variant, set()).update(codes)
        self.fuzzy = {variant: frozenset(codes) for variant, codes in fuzzy.items()}
        self._cache: dict[tuple[Token, ...], dict[str, int]] = {}
        self._words_cache: dict[tuple[str, str, bool], frozenset[str]] = {}

    def is_term(self, raw: str, base: str) -> bool:
        return raw in self.words or base in self.words or raw in self.parts or base in self.parts

    def word_concepts(self, raw: str, base: str, known: bool) -> frozenset[str]:
        """The concepts one word names: by its form, its lemma, or (an unknown word, i.e. a likely typo) by a
        vocabulary word one edit away."""
        key = (raw, base, known)
        cached = self._words_cache.get(key)
        if cached is not None:
            return cached
        found = self.words.get(raw, frozenset()) | self.words.get(base, frozenset())
        if not (found or known or len(raw) < FUZZY_MIN_LENGTH):
            result: set[str] = set()
            for variant in _deletions(raw) | {raw}:
                result.update(self.fuzzy.get(variant, ()))
            found = frozenset(result)
        if len(self._words_cache) < 200_000:
            self._words_cache[key] = found
        return found

    def phrase_concepts(self, tokens: Sequence[Token]) -> set[str]:
        """Concepts named by phrases in a token sequence; stop words between the words of a phrase are skipped
        unless the phrase names them."""
        return set(self._phrase_hits(tokens))

    def _phrase_hits(self, tokens: Sequence[Token]) -> Counter[str]:
        found: Counter[str] = Counter()
        phrases = self.phrases
        for start, (raw, base, _stop) in enumerate(tokens):
            by_raw = phrases.get(raw)
            by_base = phrases.get(base) if base != raw else None
            if by_raw is None and by_base is None:
                continue
            candidates = [c for c in (by_raw, by_base) if c is not None]
            # where a phrase's second word may be: the next word, or after up to two stop words (see _matches)
            here: set[str] = set()  # one hit per concept and starting word ("vive sola" / "vive solo")
            for position in range(start + 1, min(start + 4, len(tokens))):
                form, root, stop = tokens[position]
                for by_second in candidates:
                    for second in (form, root) if root != form else (form,):
                        for parts, concept in by_second.get(second, ()):
                            if concept not in here and _matches(tokens, start, parts):
                                here.add(concept)
                if not stop:
                    break
            found.update(here)
        return found

    def hits(self, tokens: Sequence[Token]) -> dict[str, int]:
        """How many terms of each concept a tokenised description names (cached per token sequence)."""
        key = tuple(tokens)
        known = self._cache.get(key)
        if known is not None:
            return known
        from .normalise import is_known_word

        found: Counter[str] = Counter()
        for raw, base, stop in key:
            if not stop and not raw.isdigit():
                found.update(self.word_concepts(raw, base, is_known_word(raw)))
        found.update(self._phrase_hits(key))
        result = dict(sorted(found.items()))
        if len(self._cache) < 400_000:
            self._cache[key] = result
        return result

    def concepts(self, tokens: Sequence[Token]) -> tuple[str, ...]:
        """The concept codes a tokenised description names, sorted."""
        return tuple(self.hits(tokens))


def _matches(tokens: Sequence[Token], start: int, parts: tuple[frozenset[str], ...]) -> bool:
    position = start + 1
    for part in parts[1:]:
        skipped = 0
        while (
            position < len(tokens)
            and tokens[position][2]
            and not part & {tokens[position][0], tokens[position][1]}
            and skipped < 2
        ):
            position += 1
            skipped += 1
        if position >= len(tokens) or not part & {tokens[position][0], tokens[position][1]}:
            return False
        position += 1
    return True


@lru_cache(maxsize=8)
def _compiled(vocabulary: Vocabulary) -> Lexicon:
    return Lexicon(vocabulary)


def lexicon_for(vocabulary: Vocabulary | None = None) -> Lexicon:
    """The compiled lexicon of a vocabulary (None: the standard one); compiled once per vocabulary."""
    return _compiled(vocabulary if vocabulary is not None else Vocabulary.standard())


__all__ = ["Lexicon", "lexicon_for"]
