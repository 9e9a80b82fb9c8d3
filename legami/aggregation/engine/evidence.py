"""What a reviewer taught, as the engine reads it: terms that belong together or apart (see learning.py).

Its own module, with no import of the engine's: the text model reads evidence, and learning.py derives it
from descriptions with the text model's tokeniser.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_TERMS = 3
KINDS = ("together", "apart")


@dataclass(frozen=True)
class Evidence:
    kind: str  # "together" | "apart"
    first: tuple[str, ...]  # normalised terms (lemmas or "concept:<code>"), 1-3 of them
    second: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"evidence kind must be one of {KINDS}, not {self.kind!r}")
        for side in (self.first, self.second):
            if not 1 <= len(side) <= MAX_TERMS or not all(isinstance(t, str) and t for t in side):
                raise ValueError(f"evidence sides must hold 1-{MAX_TERMS} terms")


__all__ = ["KINDS", "MAX_TERMS", "Evidence"]
