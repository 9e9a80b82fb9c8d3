"""Set C ("scritto a mano"): needs written one by one, with true groups decided by reading them.

The files are benchmarks/data/handwritten/needs.csv (the columns of `manage.py aggregate_needs`) and
truth.csv (need_id,group_id); how the groups were decided is in that folder's README.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "data" / "handwritten"
NEEDS = FOLDER / "needs.csv"
TRUTH = FOLDER / "truth.csv"


def load() -> tuple[list[dict], list[str]]:
    """The rows of needs.csv (as read by aggregate_needs) and the true group of each, in file order."""
    from legami.aggregation.engine.io import read_rows

    rows = read_rows(NEEDS)
    with TRUTH.open(newline="", encoding="utf-8") as handle:
        truth = {row["need_id"]: row["group_id"] for row in csv.DictReader(handle)}
    missing = [row["id"] for row in rows if row["id"] not in truth]
    if missing or len(truth) != len(rows):
        raise ValueError(f"{TRUTH}: {len(missing)} needs without a group, {len(truth)} labels for {len(rows)} needs")
    return rows, [truth[row["id"]] for row in rows]


def size() -> int:
    """How many needs the set holds."""
    with NEEDS.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))
