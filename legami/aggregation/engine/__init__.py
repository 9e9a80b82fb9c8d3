"""The demand-aggregation engine: pure Python on plain records, no database (see cluster.py for the method)."""

from legami.needs.timewindows import TimeWindow

from .cluster import aggregate, fits
from .records import (
    COMPATIBLE_TARGETS,
    EngineSettings,
    Group,
    NeedRecord,
    compatible_targets,
    haversine_km,
    near,
)

__all__ = [
    "COMPATIBLE_TARGETS",
    "EngineSettings",
    "Group",
    "NeedRecord",
    "TimeWindow",
    "aggregate",
    "compatible_targets",
    "fits",
    "haversine_km",
    "near",
]
