"""A point for each Comune, from the file shipped in legami/territory/data (see its README): no download."""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from pathlib import Path

CENTROIDS_FILE = Path(__file__).resolve().parent / "data" / "municipality_centroids.csv"


@functools.cache
def _centroids() -> dict[str, tuple[float, float]]:
    # Read once per process: the file is part of the code, not data that changes while it runs.
    with CENTROIDS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["istat_code"]: (float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(handle)}


def municipality_centroid(istat_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a point inside the Comune with this ISTAT code, or None when the file lacks it."""
    return _centroids().get(istat_code)


def centroids_of(istat_codes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """The known points of these ISTAT codes (codes the file lacks are left out)."""
    known = _centroids()
    return {code: known[code] for code in istat_codes if code in known}
