"""The demand-aggregation engine: pure Python on plain records, no database (see cluster.py for the method)."""

from legami.needs.timewindows import TimeWindow

from .cluster import DEFAULT_SETTINGS, Result, aggregate, fits, run
from .learning import (
    Evidence,
    evidence_from_attach,
    evidence_from_merge,
    evidence_from_removal,
    evidence_from_split,
)
from .records import (
    COMPATIBLE_TARGETS,
    EngineSettings,
    Group,
    NeedRecord,
    compatible_targets,
    haversine_km,
    near,
)
from .text import TextModel
from .vocabulary import Concept, Vocabulary, VocabularyError

__all__ = [
    "COMPATIBLE_TARGETS",
    "DEFAULT_SETTINGS",
    "Concept",
    "EngineSettings",
    "Evidence",
    "Group",
    "NeedRecord",
    "Result",
    "TextModel",
    "TimeWindow",
    "Vocabulary",
    "VocabularyError",
    "aggregate",
    "compatible_targets",
    "evidence_from_attach",
    "evidence_from_merge",
    "evidence_from_removal",
    "evidence_from_split",
    "fits",
    "run",
    "haversine_km",
    "near",
]
