"""Sets C and F ("scritto a mano", "scritto a mano 2"): needs written one by one, true groups decided by reading them.

Each set is a folder with needs.csv (the columns of `manage.py aggregate_needs`), truth.csv (need_id,group_id)
and a README.md saying how the needs were written and the groups decided: set C is benchmarks/data/handwritten/,
set F benchmarks/data/handwritten2/ (written later, by another hand, and never used to tune the engine).
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
FOLDER = DATA / "handwritten"
NEEDS = FOLDER / "needs.csv"
TRUTH = FOLDER / "truth.csv"
FOLDER2 = DATA / "handwritten2"
NEEDS2 = FOLDER2 / "needs.csv"
TRUTH2 = FOLDER2 / "truth.csv"


def load(folder: Path = FOLDER) -> tuple[list[dict], list[str]]:
    """The rows of folder's needs.csv (as read by aggregate_needs) and the true group of each, in file order."""
    from legami.aggregation.engine.io import read_rows

    needs, truth_path = folder / "needs.csv", folder / "truth.csv"
    rows = read_rows(needs)
    with truth_path.open(newline="", encoding="utf-8") as handle:
        truth = {row["need_id"]: row["group_id"] for row in csv.DictReader(handle)}
    missing = [row["id"] for row in rows if row["id"] not in truth]
    if missing or len(truth) != len(rows):
        raise ValueError(
            f"{truth_path}: {len(missing)} needs without a group, {len(truth)} labels for {len(rows)} needs"
        )
    return rows, [truth[row["id"]] for row in rows]


def size(folder: Path = FOLDER) -> int:
    """How many needs the set in folder holds."""
    with (folder / "needs.csv").open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))
