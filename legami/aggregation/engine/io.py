"""CSV in and out for `manage.py aggregate_needs`: needs.csv → records (with every bad row reported), groups.csv."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from legami.needs.timewindows import TimeWindow, TimeWindowError, parse_time_windows

from .records import Group, NeedRecord

COLUMNS = ("id", "area", "target_group", "municipality_istat", "lat", "lon", "time_windows", "description")
REQUIRED_VALUES = ("id", "area", "municipality_istat")


@dataclass(frozen=True)
class RowProblem:
    """One bad value: the file's row number (header = 1), the column, why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


class InputError(ValueError):
    """The file cannot be read as needs; `problems` lists the bad rows (empty when the file itself is wrong)."""

    def __init__(self, message: str, problems: Sequence[RowProblem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a UTF-8 (BOM or not) comma CSV with at least the COLUMNS; extra columns are ignored."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                raise InputError(f"{path}: missing columns: {', '.join(missing)} (expected {','.join(COLUMNS)})")
            reader.fieldnames = header
            return [{column: (row.get(column) or "").strip() for column in COLUMNS} for row in reader]
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    except csv.Error as error:
        raise InputError(f"{path}: not a CSV file ({error})") from error


@lru_cache(maxsize=4096)
def _windows(text: str) -> tuple[TimeWindow, ...]:
    """parse_time_windows, cached: a file repeats the same few hour patterns."""
    return tuple(parse_time_windows(text))


def _coordinate(value: str, low: float, high: float) -> float:
    number = float(value.replace(",", "."))
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError
    return number


def records_from_rows(rows: Iterable[Mapping[str, str]]) -> list[NeedRecord]:
    """NeedRecords from CSV rows; raises InputError listing every bad row (row 2 is the first data row)."""
    records: list[NeedRecord] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        row_problems = [RowProblem(number, column, "empty") for column in REQUIRED_VALUES if not row.get(column)]
        need_id = row.get("id", "")
        if need_id:
            if need_id in seen:
                row_problems.append(
                    RowProblem(number, "id", f"duplicate id {need_id!r} (first on row {seen[need_id]})")
                )
            else:
                seen[need_id] = number
        lat = lon = None
        lat_text, lon_text = row.get("lat", ""), row.get("lon", "")
        if lat_text and not lon_text:
            row_problems.append(RowProblem(number, "lon", "empty while lat is given"))
        elif lon_text and not lat_text:
            row_problems.append(RowProblem(number, "lat", "empty while lon is given"))
        elif lat_text:
            try:
                lat = _coordinate(lat_text, -90, 90)
            except ValueError:
                row_problems.append(RowProblem(number, "lat", f"{lat_text!r} is not a latitude"))
            try:
                lon = _coordinate(lon_text, -180, 180)
            except ValueError:
                row_problems.append(RowProblem(number, "lon", f"{lon_text!r} is not a longitude"))
        windows: tuple[TimeWindow, ...] = ()
        try:
            windows = _windows(row.get("time_windows", ""))
        except TimeWindowError as error:
            row_problems.append(RowProblem(number, "time_windows", str(error)))
        if row_problems:
            problems.extend(row_problems)
            continue
        records.append(
            NeedRecord(
                id=need_id,
                area=row["area"],
                target_group=row.get("target_group", "") or "community",
                municipality=row["municipality_istat"],
                lat=lat,
                lon=lon,
                windows=windows,
                description=row.get("description", ""),
            )
        )
    if problems:
        raise InputError(f"{len(problems)} bad value(s)", problems)
    return records


def group_ids(records: Sequence[NeedRecord], groups: Sequence[Group]) -> list[str]:
    """One group id per record, in input order: G1, G2… numbered by each group's first record."""
    assigned = [""] * len(records)
    ordered = sorted(groups, key=lambda g: min(g.members))
    for number, group in enumerate(ordered, start=1):
        for member in group.members:
            assigned[member] = f"G{number}"
    return assigned


def write_groups(path: Path, records: Sequence[NeedRecord], groups: Sequence[Group]) -> None:
    """Write need_id,group_id, one row per record in input order."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["need_id", "group_id"])
        writer.writerows(zip((r.id for r in records), group_ids(records, groups), strict=True))
