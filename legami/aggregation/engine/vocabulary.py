"""The vocabulary of need concepts as data: each concept names one service (ideally a CISIS *Nomenclatore*
service) and lists the everyday words and short phrases people use for it.

The standard set lives in legami/aggregation/data/vocabulary.json; a network may keep its own copy (the same
JSON shape). `Vocabulary.from_data` validates that shape and names the concept and the problem when it is
wrong; `to_data` gives it back unchanged, so a vocabulary round-trips exactly.

Terms are matched like descriptions are read (see lexicon.py): lower case, accents folded, each word by its
form or its lemma, so "aiuto compiti", "aiutare nei compiti" and "compiti" in any inflection all match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "vocabulary.json"
VERSION = 1
MAX_TERM_LENGTH = 80
MAX_TERM_WORDS = 5
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FIELDS = ("code", "label", "terms", "nomenclatore", "area")


class VocabularyError(ValueError):
    """Vocabulary data of the wrong shape; the message names the concept (code or position) and the problem."""


@dataclass(frozen=True)
class Concept:
    code: str  # stable slug, e.g. "doposcuola"
    label: str  # Italian label for coordinators, e.g. "Doposcuola e aiuto compiti"
    terms: tuple[str, ...]  # words and phrases ("aiuto compiti"), any inflection, accents allowed
    nomenclatore: str = ""  # CISIS Nomenclatore code of the service, "" when none fits
    area: str = ""  # code of legami's standard need area it usually belongs to ("" = any)


def _concept_from(item: object, position: int, seen: set[str]) -> Concept:
    where = f"concept {position + 1}"
    if not isinstance(item, dict):
        raise VocabularyError(f"{where}: must be an object with code, label and terms")
    code = item.get("code")
    if isinstance(code, str) and code:
        where = f'concept "{code}" ({position + 1})'
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise VocabularyError(f"{where}: unknown field {unknown[0]!r}")
    for name in ("code", "label", "terms"):
        if name not in item:
            raise VocabularyError(f"{where}: missing field {name!r}")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise VocabularyError(f"{where}: code must be a slug of lower-case letters, digits, '-' or '_'")
    if code in seen:
        raise VocabularyError(f"{where}: duplicate code {code!r}")
    label = item["label"]
    if not isinstance(label, str) or not label.strip():
        raise VocabularyError(f"{where}: label must be a non-empty text")
    terms = item["terms"]
    if not isinstance(terms, list | tuple):
        raise VocabularyError(f"{where}: terms must be a list of words or phrases")
    if not terms:
        raise VocabularyError(f"{where}: empty term list")
    checked: list[str] = []
    for number, term in enumerate(terms, start=1):
        if not isinstance(term, str) or not term.strip():
            raise VocabularyError(f"{where}: term {number} must be a non-empty text")
        if len(term) > MAX_TERM_LENGTH:
            raise VocabularyError(f"{where}: term {term[:30]!r}… longer than {MAX_TERM_LENGTH} characters")
        if len(term.split()) > MAX_TERM_WORDS:
            raise VocabularyError(f"{where}: term {term!r} has more than {MAX_TERM_WORDS} words")
        if term in checked:
            raise VocabularyError(f"{where}: term {term!r} listed twice")
        checked.append(term)
    extra: dict[str, str] = {}
    for name in ("nomenclatore", "area"):
        value = item.get(name, "")
        if not isinstance(value, str):
            raise VocabularyError(f"{where}: {name} must be a text")
        extra[name] = value
    return Concept(code=code, label=label, terms=tuple(checked), **extra)


@dataclass(frozen=True)
class Vocabulary:
    concepts: tuple[Concept, ...]

    @classmethod
    def standard(cls) -> Vocabulary:
        """The standard vocabulary of legami/aggregation/data/vocabulary.json (read once)."""
        return _standard()

    @classmethod
    def from_data(cls, data: object) -> Vocabulary:
        """Validate {"version": 1, "concepts": [{"code", "label", "terms", ["nomenclatore"], ["area"]}, ...]}."""
        if not isinstance(data, dict):
            raise VocabularyError('vocabulary: must be an object {"version": 1, "concepts": [...]}')
        if data.get("version") != VERSION:
            raise VocabularyError(f"vocabulary: version must be {VERSION}, not {data.get('version')!r}")
        items = data.get("concepts")
        if not isinstance(items, list):
            raise VocabularyError("vocabulary: concepts must be a list")
        seen: set[str] = set()
        concepts = []
        for position, item in enumerate(items):
            concept = _concept_from(item, position, seen)
            seen.add(concept.code)
            concepts.append(concept)
        return cls(concepts=tuple(concepts))

    def to_data(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "concepts": [
                {
                    "code": c.code,
                    "label": c.label,
                    "terms": list(c.terms),
                    "nomenclatore": c.nomenclatore,
                    "area": c.area,
                }
                for c in self.concepts
            ],
        }

    def concept(self, code: str) -> Concept | None:
        for concept in self.concepts:
            if concept.code == code:
                return concept
        return None


@lru_cache(maxsize=1)
def _standard() -> Vocabulary:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return Vocabulary.from_data(json.load(handle))


__all__ = ["Concept", "Vocabulary", "VocabularyError"]
