"""TEMPORARY stand-in for h-engine's interfaces (Vocabulary, Evidence, evidence_from_*): delete before merging."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from legami.aggregation import engine
from legami.aggregation.engine import cluster, lexicon
from legami.aggregation.engine.text import lemmas


class VocabularyError(ValueError):
    pass


@dataclass(frozen=True)
class Concept:
    code: str
    label: str
    terms: tuple[str, ...]
    nomenclatore: str = ""
    area: str = ""


@dataclass(frozen=True)
class Evidence:
    kind: str
    first: tuple[str, ...]
    second: tuple[str, ...]


class Vocabulary:
    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = tuple(concepts)

    @classmethod
    def standard(cls) -> Vocabulary:
        return cls(
            [
                Concept(code, code.capitalize(), tuple(sorted({w.replace("_", " ") for w in words.split()})))
                for code, words in lexicon.CONCEPTS.items()
            ]
        )

    @classmethod
    def from_data(cls, data: Any) -> Vocabulary:
        if not isinstance(data, dict) or data.get("version") != 1:
            raise VocabularyError("the file is not a vocabulary of version 1")
        concepts, seen = [], set()
        for n, raw in enumerate(data.get("concepts") or [], 1):
            code = str(raw.get("code") or "").strip() if isinstance(raw, dict) else ""
            if not code:
                raise VocabularyError(f"concept no. {n}: it has no code")
            if code in seen:
                raise VocabularyError(f"concept {code}: the code is used twice")
            seen.add(code)
            terms = raw.get("terms")
            if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
                raise VocabularyError(f"concept {code}: terms must be a list of words")
            if not str(raw.get("label") or "").strip():
                raise VocabularyError(f"concept {code}: it has no label")
            concepts.append(
                Concept(code, raw["label"], tuple(terms), raw.get("nomenclatore", ""), raw.get("area", ""))
            )
        return cls(concepts)

    def to_data(self) -> dict:
        return {
            "version": 1,
            "concepts": [
                {"code": c.code, "label": c.label, "terms": list(c.terms), "nomenclatore": c.nomenclatore, "area": c.area}
                for c in self.concepts
            ],
        }

    def concept(self, code: str) -> Concept | None:
        return next((c for c in self.concepts if c.code == code), None)


def _top(descriptions: Any) -> tuple[str, ...]:
    counts = Counter(w for d in descriptions for w in set(lemmas(d)))
    return tuple(w for w, _ in counts.most_common(2))


def evidence_from_merge(first: Any, second: Any, *, vocabulary: Any = None) -> list[Evidence]:
    a, b = _top(first), _top(second)
    return [Evidence("together", a, b)] if a and b and a != b else []


def evidence_from_split(kept: Any, moved: Any, *, vocabulary: Any = None) -> list[Evidence]:
    a, b = _top(kept), _top(moved)
    return [Evidence("apart", a, b)] if a and b and a != b else []


def evidence_from_removal(group: Any, removed: str, *, vocabulary: Any = None) -> list[Evidence]:
    return evidence_from_split(group, [removed])


def evidence_from_attach(group: Any, attached: str, *, vocabulary: Any = None) -> list[Evidence]:
    return evidence_from_merge(group, [attached])


def _aggregate(records: Any, settings: Any = cluster.DEFAULT_SETTINGS, progress: Any = None, **_: Any) -> Any:
    return cluster.aggregate(records, settings, progress)


def install() -> None:
    if hasattr(engine, "Vocabulary"):
        return
    for name, value in {
        "Vocabulary": Vocabulary,
        "Concept": Concept,
        "VocabularyError": VocabularyError,
        "Evidence": Evidence,
        "evidence_from_merge": evidence_from_merge,
        "evidence_from_split": evidence_from_split,
        "evidence_from_removal": evidence_from_removal,
        "evidence_from_attach": evidence_from_attach,
        "aggregate": _aggregate,
    }.items():
        setattr(engine, name, value)
