"""Reads of demand aggregation: the network's vocabulary of service concepts and their synonyms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from legami.aggregation.engine import Concept, Vocabulary, VocabularyError
from legami.aggregation.models import NetworkVocabulary
from legami.core.inputs import fold
from legami.needs.models import NeedArea
from legami.network.models import Network


def saved_vocabulary(network: Network) -> NetworkVocabulary | None:
    """The network's saved vocabulary row, or None while it uses the standard set."""
    return NetworkVocabulary.objects.filter(network=network).select_related("updated_by").first()


def network_vocabulary(network: Network) -> Vocabulary:
    """The vocabulary the network's next run uses: its own when saved (and valid), else the standard set."""
    row = NetworkVocabulary.objects.filter(network=network).only("data").first()
    if row is None or not row.data:
        return Vocabulary.standard()
    try:
        return Vocabulary.from_data(row.data)
    except VocabularyError:
        # Saved documents were validated on the way in; one broken by hand in the database must not stop runs.
        return Vocabulary.standard()


@dataclass(frozen=True)
class VocabularyPage:
    """What the vocabulary page lists: the concepts matching the search, and the figures of the whole set."""

    concepts: list[Concept]
    total: int
    terms: int
    revision: int
    updated_by: Any
    updated_at: Any
    standard: bool
    # the network's name of each area code the concepts name ("conciliazione" -> "Conciliazione famiglia-lavoro")
    area_names: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[Concept, str]]:
        """Each concept shown with the name of its area in this network (its code when the network has none)."""
        return [(concept, self.area_names.get(concept.area, concept.area)) for concept in self.concepts]


def _matches(concept: Concept, needle: str) -> bool:
    haystack = " ".join([concept.code, concept.label, concept.nomenclatore, concept.area, *concept.terms])
    return needle in fold(haystack).lower()


def vocabulary_page(network: Network, *, query: str = "") -> VocabularyPage:
    """The network's concepts (those whose code, label, Nomenclatore code, area or a term holds `query`)."""
    row = saved_vocabulary(network)
    found = list(network_vocabulary(network).concepts)
    needle = fold(query or "").lower().strip()
    shown = [c for c in found if _matches(c, needle)] if needle else found
    return VocabularyPage(
        concepts=sorted(shown, key=lambda c: (fold(c.label).lower(), c.code)),
        total=len(found),
        terms=sum(len(c.terms) for c in found),
        revision=row.revision if row else 0,
        updated_by=row.updated_by if row else None,
        updated_at=row.updated_at if row else None,
        standard=row is None,
        area_names=dict(NeedArea.objects.filter(network=network).values_list("code", "name")),
    )
