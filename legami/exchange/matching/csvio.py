"""CSV in and out for `manage.py match_offers`: needs.csv and offers.csv → inputs (every bad cell reported),
matches.csv out.

needs.csv:  id,area,municipality_istat,lat,lon,time_windows
offers.csv: id,areas,municipality_istat,lat,lon,radius_km,time_windows,capacity
Both may add `languages` (ISO codes separated by ";") and `step_free` (1/0, yes/no, sì/no, true/false); any other
column is ignored, and named in a warning. Areas are separated by ";" and compared as written. A point (lat and
lon, both or neither) may be left out when the Comune (ISTAT code) is given: the Comune's point is used.
Time windows as "mon 16:00-18:00;thu 16:00-18:00" (or anything `parse_time_windows` reads).
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from legami.needs.timewindows import TimeWindow, TimeWindowError, parse_time_windows

from .model import NeedInput, OfferInput, Proposal

NEED_COLUMNS = ("id", "area", "municipality_istat", "lat", "lon", "time_windows")
OFFER_COLUMNS = ("id", "areas", "municipality_istat", "lat", "lon", "radius_km", "time_windows", "capacity")
OPTIONAL_COLUMNS = ("languages", "step_free")
OUTPUT_COLUMNS = ("need_id", "offer_id", "distance_km")
_TRUE = frozenset({"1", "true", "yes", "y", "si", "sì", "vero"})
_FALSE = frozenset({"", "0", "false", "no", "n", "falso"})


@dataclass(frozen=True)
class RowProblem:
    """One bad value: the file's row number as a spreadsheet shows it (header = 1), the column, why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return gettext("row %(row)s, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class InputError(ValueError):
    """The file cannot be read as needs or offers; `problems` lists the bad cells (empty when the file is wrong)."""

    def __init__(self, message: str, problems: Sequence[RowProblem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class Table:
    """The rows of one file (each a dict of the known columns) and the extra columns it ignored."""

    rows: list[dict[str, str]]
    ignored: list[str]


def read_table(path: Path, columns: Sequence[str]) -> Table:
    """The rows of a UTF-8 (BOM or not) comma CSV whose header has every one of `columns`."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            if not any(header):
                raise InputError(gettext("%(file)s: the file is empty (no header row)") % {"file": path.name})
            duplicated = sorted({name for name in header if header.count(name) > 1})
            if duplicated:
                raise InputError(
                    gettext("%(file)s: columns given twice: %(columns)s")
                    % {"file": path.name, "columns": ", ".join(duplicated)}
                )
            missing = [column for column in columns if column not in header]
            if missing:
                raise InputError(
                    gettext("%(file)s: missing columns: %(columns)s (expected %(expected)s)")
                    % {"file": path.name, "columns": ", ".join(missing), "expected": ",".join(columns)}
                )
            known = [*columns, *OPTIONAL_COLUMNS]
            positions = {name: header.index(name) for name in known if name in header}
            rows, problems = [], []
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line, as spreadsheets leave at the end
                if len(cells) > len(header):
                    problems.append(
                        RowProblem(
                            number,
                            str(len(header) + 1),
                            gettext("%(count)s cells, more than the %(columns)s columns of the header")
                            % {"count": len(cells), "columns": len(header)},
                        )
                    )
                    continue
                rows.append(
                    {name: (cells[i].strip() if i < len(cells) else "") for name, i in positions.items()}
                    | {"_row": str(number)}
                )
            if problems:
                raise InputError(gettext("%(file)s: rows with too many cells") % {"file": path.name}, problems)
            return Table(rows, [name for name in header if name not in known])
    except UnicodeDecodeError as error:
        raise InputError(
            gettext("%(file)s: not UTF-8 text (%(reason)s at byte %(byte)s)")
            % {"file": path.name, "reason": error.reason, "byte": error.start}
        ) from error
    except csv.Error as error:
        raise InputError(
            gettext("%(file)s: not a CSV file (%(error)s)") % {"file": path.name, "error": error}
        ) from error


@functools.cache
def _known_istat_codes() -> frozenset[str]:
    from legami.territory.centroids import _centroids
    from legami.territory.istat import read_rows

    return frozenset(row.istat_code for row in read_rows()) | frozenset(_centroids())


@functools.lru_cache(maxsize=4096)
def _windows(text: str) -> tuple[TimeWindow, ...]:
    return tuple(parse_time_windows(text))


def _number(text: str) -> float:
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError
    return value


class _Row:
    """Reads the cells of one row, gathering a problem per bad cell."""

    def __init__(self, row: Mapping[str, str], number: int, problems: list[RowProblem]) -> None:
        self.row, self.number, self.problems = row, number, problems

    def bad(self, column: str, reason: str) -> None:
        self.problems.append(RowProblem(self.number, column, reason))

    def required(self, column: str) -> str:
        value = self.row.get(column, "")
        if not value:
            self.bad(column, gettext("empty"))
        return value

    def point(self) -> tuple[float, float] | None:
        from legami.territory.centroids import municipality_centroid
        from legami.territory.istat import restore_istat_code

        lat_text, lon_text = self.row.get("lat", ""), self.row.get("lon", "")
        code = str(restore_istat_code(self.row.get("municipality_istat", "")))
        if code and code not in _known_istat_codes():
            self.bad("municipality_istat", gettext("“%(value)s” is not the ISTAT code of a Comune") % {"value": code})
            code = ""
        elif not code and not (lat_text or lon_text):
            self.bad("municipality_istat", gettext("empty, and there is no point (lat, lon) either"))
        if lat_text and not lon_text:
            self.bad("lon", gettext("empty while lat is given"))
        elif lon_text and not lat_text:
            self.bad("lat", gettext("empty while lon is given"))
        elif lat_text:
            lat = lon = None
            try:
                lat = _number(lat_text)
                if not -90 <= lat <= 90:
                    raise ValueError
            except ValueError:
                self.bad("lat", gettext("“%(value)s” is not a latitude") % {"value": lat_text})
            try:
                lon = _number(lon_text)
                if not -180 <= lon <= 180:
                    raise ValueError
            except ValueError:
                self.bad("lon", gettext("“%(value)s” is not a longitude") % {"value": lon_text})
            return None if lat is None or lon is None else (lat, lon)
        elif code:
            centre = municipality_centroid(code)
            if centre is None:
                self.bad(
                    "lat",
                    gettext("empty, and the Comune %(code)s has no known point: give lat and lon") % {"code": code},
                )
            return centre
        return None

    def windows(self) -> tuple[TimeWindow, ...]:
        try:
            return _windows(self.row.get("time_windows", ""))
        except TimeWindowError as error:
            self.bad("time_windows", str(error))
            return ()

    def languages(self) -> frozenset[str]:
        return frozenset(part.strip().lower() for part in self.row.get("languages", "").split(";") if part.strip())

    def step_free(self) -> bool:
        value = self.row.get("step_free", "").strip().lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.bad("step_free", gettext("“%(value)s” is not yes or no (1 or 0)") % {"value": value})
        return False


def _read(rows: Iterable[Mapping[str, str]], build: Callable[[_Row, str], Any]) -> list[Any]:
    items: list[Any] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for position, row in enumerate(rows, start=2):
        number = int(row.get("_row", position))
        reader = _Row(row, number, problems)
        before = len(problems)
        identifier = reader.required("id")
        if identifier in seen:
            reader.bad(
                "id",
                gettext("duplicate id “%(id)s” (first on row %(row)s)") % {"id": identifier, "row": seen[identifier]},
            )
        elif identifier:
            seen[identifier] = number
        item = build(reader, identifier)
        if len(problems) == before:
            items.append(item)
    if problems:
        raise InputError(gettext("%(count)s bad values") % {"count": len(problems)}, problems)
    return items


def _need(reader: _Row, identifier: str) -> NeedInput | None:
    area = reader.required("area")
    point = reader.point()
    windows = reader.windows()
    languages, step_free = reader.languages(), reader.step_free()
    if point is None:
        return None
    return NeedInput(identifier, area, point[0], point[1], windows, languages, step_free)


def _offer(reader: _Row, identifier: str) -> OfferInput | None:
    areas = frozenset(part.strip() for part in reader.row.get("areas", "").split(";") if part.strip())
    if not areas:
        reader.bad("areas", gettext("empty"))
    point = reader.point()
    radius = math.nan
    radius_text = reader.required("radius_km")
    if radius_text:
        try:
            radius = _number(radius_text)
            if radius < 0:
                raise ValueError
        except ValueError:
            reader.bad("radius_km", gettext("“%(value)s” is not a distance in km (0 or more)") % {"value": radius_text})
    windows = reader.windows()
    capacity = 0
    capacity_text = reader.required("capacity")
    if capacity_text:
        try:
            capacity = int(capacity_text)
            if capacity < 1:
                raise ValueError
        except ValueError:
            reader.bad("capacity", gettext("“%(value)s” is not a whole number of 1 or more") % {"value": capacity_text})
    languages, step_free = reader.languages(), reader.step_free()
    if point is None:
        return None
    return OfferInput(identifier, areas, point[0], point[1], radius, windows, capacity, languages, step_free)


def needs_from_rows(rows: Iterable[Mapping[str, str]]) -> list[NeedInput]:
    """NeedInputs from the rows of needs.csv; raises InputError listing every bad cell."""
    return _read(rows, _need)


def offers_from_rows(rows: Iterable[Mapping[str, str]]) -> list[OfferInput]:
    """OfferInputs from the rows of offers.csv; raises InputError listing every bad cell."""
    return _read(rows, _offer)


def write_matches(path: Path, proposals: Iterable[Proposal]) -> None:
    """need_id,offer_id,distance_km (three decimals), in the order given."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        writer.writerows((p.need_id, p.offer_id, f"{p.distance_km:.3f}") for p in proposals)
