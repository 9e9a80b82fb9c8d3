"""Evidence from a reviewer's action: which words or concepts belong together, which apart. Pure functions.

A reviewer who merges two candidates says "what these ask is the same need"; one who splits a candidate, or
removes a need from it, says "these differ". The functions below turn such an action, given the descriptions
of the needs involved, into `Evidence`: the terms that characterise each side (lemmas the Italian dictionary
knows, or "concept:<code>" of the vocabulary), 1-3 per side. Never a proper name or a rare token of one
person's story: a term is kept only when it is a vocabulary term or a known Italian word, and (for groups of
two or more needs) when at least half of the side's needs use it.

At the next run (see text.py and cluster.py), "together" evidence makes descriptions that have `first` meet
descriptions that have `second` like synonyms do; "apart" evidence keeps a need that has `first` (and not
`second`) from being grouped with one that has `second` (and not `first`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .evidence import MAX_TERMS, Evidence
from .lexicon import lexicon_for
from .normalise import is_known_word
from .text import tokenise
from .vocabulary import Vocabulary

# Words of any request that tell no service apart: time, quantity, the asker's circumstances and courtesy.
# Evidence made of them would relate or separate needs at random.
FILLER = frozenset(
    """
    alcuno altro anno bene comune fatto giorno grazie mese mattina momento ora parente persona poco
    problema sempre settimana situazione sociale tanto tempo urgente vicino volta assistente abitare
    """.split()
)


def terms_of(description: str, vocabulary: Vocabulary | None = None) -> tuple[set[str], set[str]]:
    """(concept terms "concept:<code>", dictionary lemmas) of one description."""
    tokens, content = tokenise(description)
    lexicon = lexicon_for(vocabulary)
    concepts = {f"concept:{code}" for code in lexicon.concepts(tokens)}
    known = set()
    for raw, base, stop in tokens:
        if stop or raw.isdigit() or len(base) < 4 or base in FILLER:
            continue
        if lexicon.is_term(raw, base) or is_known_word(raw) or is_known_word(base):
            known.add(base)
    return concepts, known & set(content)


def _profile(descriptions: Sequence[str], vocabulary: Vocabulary | None) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in descriptions:
        found, words = terms_of(text, vocabulary)
        counts.update(found | words)
    return counts


def _side(mine: Counter[str], size: int, other: Counter[str], other_size: int) -> tuple[str, ...]:
    """The terms most telling of one side against the other: used by most of this side (all of it when it has
    one or two needs) and by few of the other side; vocabulary concepts first, then longer words."""
    needed = size if size <= 2 else -(-size * 3 // 5)
    scored = []
    for term, count in mine.items():
        if count < needed:
            continue
        share, other_share = count / size, other.get(term, 0) / max(other_size, 1)
        if other_share > 0.2:
            continue
        concept = term.startswith("concept:")
        scored.append((-(share - other_share), 0 if concept else 1, -len(term), term))
    scored.sort()
    return tuple(item[-1] for item in scored[:MAX_TERMS])


def _shared_concepts(a: Counter[str], size_a: int, b: Counter[str], size_b: int) -> set[str]:
    """Concepts most needs of both sides name."""
    return {
        term
        for term, count in a.items()
        if term.startswith("concept:") and count * 2 >= size_a and b.get(term, 0) * 2 >= size_b
    }


def _between(kind: str, first: Sequence[str], second: Sequence[str], vocabulary: Vocabulary | None) -> list[Evidence]:
    first = [text for text in first if text and text.strip()]
    second = [text for text in second if text and text.strip()]
    if not first or not second:
        return []
    a, b = _profile(first, vocabulary), _profile(second, vocabulary)
    if _shared_concepts(a, len(first), b, len(second)):
        # both sides already name the same service: a reviewer who split them did so for their hours or
        # place, and one who merged them fixed hours or place too; neither is about words, and learning
        # from it would relate or separate words at random elsewhere
        return []
    side_a = _side(a, len(first), b, len(second))
    side_b = _side(b, len(second), a, len(first))
    if not side_a or not side_b or set(side_a) == set(side_b):
        return []
    return [Evidence(kind, side_a, side_b)]


def evidence_from_merge(
    first: Sequence[str], second: Sequence[str], *, vocabulary: Vocabulary | None = None
) -> list[Evidence]:
    """Two candidates merged by a reviewer: what tells each apart belongs together."""
    return _between("together", first, second, vocabulary)


def evidence_from_split(
    kept: Sequence[str], moved: Sequence[str], *, vocabulary: Vocabulary | None = None
) -> list[Evidence]:
    """A candidate split by a reviewer into the needs kept and the needs moved out: what tells them apart."""
    return _between("apart", kept, moved, vocabulary)


def evidence_from_removal(
    group: Sequence[str], removed: str, *, vocabulary: Vocabulary | None = None
) -> list[Evidence]:
    """A need removed from a candidate: its telling words are apart from the rest's."""
    rest = list(group)
    if removed in rest:
        rest.remove(removed)
    return _between("apart", rest, [removed], vocabulary)


def evidence_from_attach(
    group: Sequence[str], attached: str, *, vocabulary: Vocabulary | None = None
) -> list[Evidence]:
    """A need attached to a demand by a reviewer: its telling words go with the group's."""
    rest = [text for text in group if text != attached]
    return _between("together", rest, [attached], vocabulary)


__all__ = [
    "Evidence",
    "evidence_from_attach",
    "evidence_from_merge",
    "evidence_from_removal",
    "evidence_from_split",
    "terms_of",
]
