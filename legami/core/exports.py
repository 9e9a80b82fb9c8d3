"""Download responses for tables: CSV (streamed, UTF-8 with BOM so Excel reads accents) or XLSX.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
are neutralised: in CSV they get a leading apostrophe, in XLSX they are written as text cells with
Excel's quote prefix. `legami.core.importing` removes the apostrophe again, so exports re-import.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOM = "\ufeff"


def escape_formula(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise evaluate as a formula."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        # Numbers are data, not text: a negative amount stays a number.
        return value
    return escape_formula(str(value))


class _Echo:
    """A file-like object whose write() returns what it was given, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield _BOM + writer.writerow([_csv_value(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole table as CSV text: UTF-8 BOM first, cells neutralised as spreadsheet formulas (for files in a ZIP)."""
    return "".join(_csv_lines(header, rows))


def _with_extension(filename: str, fmt: str) -> str:
    return filename if filename.lower().endswith(f".{fmt}") else f"{filename}.{fmt}"


def _sheet_title(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    # Excel refuses sheet names over 31 characters or with []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "-", stem)[:31] or "data"


def _xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    import openpyxl  # imported here: CSV downloads do not pay for it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)

    def cell(value: Any, *, is_header: bool = False) -> Any:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        elif isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # Excel has no time zones: write the local wall-clock time.
            value = value.replace(tzinfo=None)
        elif value is not None and not isinstance(
            value, int | float | decimal.Decimal | datetime.date | datetime.datetime | datetime.time
        ):
            value = str(value)
        result = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            # A text cell with Excel's quote prefix: shown as typed, never evaluated.
            result.data_type = "s"
            result.quotePrefix = True
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            result.number_format = "yyyy-mm-dd"
        if is_header:
            result.font = bold
        return result

    sheet.append([cell(h, is_header=True) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    *, rows: Iterable[Sequence[Any]], header: Sequence[str], filename: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of `header` and `rows` as CSV (streamed) or XLSX; ValueError for any other format."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.")
    filename = _with_extension(filename, fmt)
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(_xlsx_bytes(header, rows, _sheet_title(filename)), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # Exports carry personal data: never let a shared cache keep them.
    response["Cache-Control"] = "private, no-store"
    return response
