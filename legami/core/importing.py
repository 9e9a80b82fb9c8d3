"""Reading uploaded tables (CSV or XLSX) into rows keyed by the expected column names.

Generic: each import (people, needs, offers…) declares its columns and validates the values
itself, reporting problems as `RowError`s that point at the row number the user sees in the
spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from legami.core.exports import FORMULA_PREFIXES

# How many rows with a wrong number of cells we name in the error before summarising.
_SHOWN_BAD_ROWS = 10
_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc) files
_DELIMITERS = (",", ";", "\t")


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header, size): nothing in it is imported."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: `row` is the spreadsheet row number (header = 1), `column` the column name."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return (
            f"row {self.row}, column {self.column}: {self.message}"
            if self.column
            else f"row {self.row}: {self.message}"
        )


class TableRow(dict):
    """A data row keyed by column name; `number` is its row number in the spreadsheet."""

    def __init__(self, number: int, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.number = number


def normalize_header(value: Any) -> str:
    """'First Name', ' first_name ', 'FIRST-NAME' all become 'first_name'."""
    text = "" if value is None else str(value)
    return re.sub(r"[\s_\-]+", "_", text.strip().lower()).strip("_")


def unescape_cell(value: str) -> str:
    """Undo the apostrophe our exports put before cells that look like formulas, so exports re-import."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def read_table(
    file: Any,
    *,
    columns: Sequence[str],
    required: Iterable[str] | None = None,
    max_rows: int | None = None,
    aliases: Mapping[str, str] | None = None,
) -> list[TableRow]:
    """Read a CSV or XLSX upload into rows keyed by `columns`; raise ImportFileError when the file is unusable.

    `columns` are the column names the file may have; `required` those it must have (all of them by
    default). `aliases` maps other accepted header names (e.g. English ones) to a name in `columns`.
    Columns the file lacks are '' in every row. Blank rows are skipped but still counted,
    so `row.number` matches what the user sees. XLSX cells keep their type (dates as dates).
    """
    wanted = list(columns)
    must_have = set(wanted if required is None else required)
    data, name = _read_bytes(file)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    raw_rows: Iterator[Sequence[Any]]
    if data.startswith(_XLSX_MAGIC):
        raw_rows = _xlsx_rows(data)
    elif data.startswith(_OLE2_MAGIC):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as Excel workbook (.xlsx) or CSV and upload it again.")
        )
    else:
        if name.lower().endswith((".xlsx", ".xlsm")):
            raise ImportFileError(_("The file is named like an Excel workbook but it is not one."))
        raw_rows = _csv_rows(_decode(data))
    return _collect(raw_rows, wanted, must_have, max_rows, aliases or {})


def _read_bytes(file: Any) -> tuple[bytes, str]:
    """The whole upload as bytes (refusing files over LEGAMI_IMPORT_MAX_BYTES) and its name."""
    limit = settings.LEGAMI_IMPORT_MAX_BYTES
    too_large = ImportFileError(
        format_lazy(_("The file is too large: the limit is {limit}."), limit=filesizeformat(limit))
    )
    if isinstance(file, str | Path):
        path = Path(file)
        if path.stat().st_size > limit:
            raise too_large
        return path.read_bytes(), path.name
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_large
    if hasattr(file, "seek"):
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    data = file.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        raise too_large
    return data, str(getattr(file, "name", "") or "")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 'Unicode text'), else Windows-1252."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("The file format is not recognised: upload a CSV file or an Excel workbook (.xlsx)."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The text of the file cannot be read: save it as CSV UTF-8.")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The text of the file cannot be read: save it as CSV UTF-8.")) from exc


def _sniff_delimiter(text: str) -> str:
    """The separator of the header line: the one among ',', ';' and tab that occurs most (',' when none)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[list[Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(
            format_lazy(_("The CSV file is malformed near line {line}: {error}"), line=reader.line_num, error=exc)
        ) from exc


def _refuse_zip_bombs(data: bytes) -> None:
    """A workbook is a ZIP archive: refuse one whose parts, unpacked, exceed LEGAMI_IMPORT_MAX_UNPACKED_BYTES.

    A few hundred KB can unpack to hundreds of MB (it took a worker to 882 MB). The sizes are the archive's own
    declarations, and reading a part never goes past its declared size, so this bounds what the reader unpacks.
    """
    limit = settings.LEGAMI_IMPORT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # not an archive: the reader says the format is not recognised
    if unpacked > limit:
        raise ImportFileError(
            format_lazy(
                _(
                    "The workbook unpacks to {size}, more than the {limit} an import may take: save it as CSV, "
                    "or split it into smaller files."
                ),
                size=filesizeformat(unpacked),
                limit=filesizeformat(limit),
            )
        )


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    import openpyxl  # imported here: only XLSX uploads pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_zip_bombs(data)
    try:
        # data_only: the values Excel computed, never the formulas themselves.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("The file format is not recognised: upload a CSV file or an Excel workbook (.xlsx).")
        ) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheets."))
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_cell(value.strip())
    if isinstance(value, datetime.datetime):
        # Excel has no date-only type: a midnight datetime is a date.
        return value.date() if value.time() == datetime.time(0) and value.tzinfo is None else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _collect(
    raw_rows: Iterator[Sequence[Any]],
    wanted: list[str],
    must_have: set[str],
    max_rows: int | None,
    aliases: Mapping[str, str],
) -> list[TableRow]:
    header, header_number = _header(raw_rows)
    positions = _match_header(header, wanted, must_have, aliases)
    width = len(header)
    unnamed = [i for i, cell in enumerate(header) if not normalize_header(cell)]
    rows: list[TableRow] = []
    bad_width: list[int] = []
    for number, values in enumerate(raw_rows, start=header_number + 1):
        if _is_blank(values):
            continue
        extra = values[width:]
        if not _is_blank(extra):
            bad_width.append(number)
            continue
        stray = [i for i in unnamed if i < len(values) and not _is_blank([values[i]])]
        if stray:
            raise ImportFileError(
                format_lazy(
                    _("Row {row} has a value in column {column}, which has no name in the header."),
                    row=number,
                    column=_column_letter(stray[0]),
                )
            )
        if max_rows is not None and len(rows) >= max_rows:
            raise ImportFileError(
                format_lazy(_("The file has more than {max} rows: split it into smaller files."), max=max_rows)
            )
        row = {name: "" for name in wanted}
        for name, index in positions.items():
            if index < len(values):
                row[name] = _clean(values[index])
        rows.append(TableRow(number, row))
    if bad_width:
        raise _too_wide(bad_width)
    if not rows:
        raise ImportFileError(_("The file has a header but no data rows."))
    return rows


def _header(raw_rows: Iterator[Sequence[Any]]) -> tuple[Sequence[Any], int]:
    """The first row that is not blank, and its number; the rows after it stay in `raw_rows`."""
    for number, values in enumerate(raw_rows, start=1):
        if not _is_blank(values):
            return values, number
    raise ImportFileError(_("The file is empty."))


def _too_wide(bad_width: list[int]) -> ImportFileError:
    shown = ", ".join(str(n) for n in bad_width[:_SHOWN_BAD_ROWS])
    if len(bad_width) > _SHOWN_BAD_ROWS:
        shown += " …"
    return ImportFileError(
        format_lazy(
            _(
                "Some rows have more values than the header has columns (rows {rows}). A value probably "
                "contains the separator: put it in double quotes."
            ),
            rows=shown,
        )
    )


def _column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB': how spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _match_header(
    header: Sequence[Any], wanted: list[str], must_have: set[str], aliases: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Map each expected column to its position, naming missing, unknown and repeated columns."""
    by_key = {normalize_header(alias): name for alias, name in (aliases or {}).items() if name in wanted}
    by_key.update({normalize_header(name): name for name in wanted})
    positions: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, cell in enumerate(header):
        key = normalize_header(cell)
        if not key:
            continue
        name = by_key.get(key)
        if name is None:
            unknown.append(str(cell).strip())
        elif name in positions:
            repeated.append(name)
        else:
            positions[name] = index
    problems = []
    missing = [name for name in wanted if name in must_have and name not in positions]
    if missing:
        problems.append(
            ngettext("Missing column: {names}.", "Missing columns: {names}.", len(missing)).format(
                names=", ".join(missing)
            )
        )
    if unknown:
        problems.append(
            ngettext("Unknown column: {names}.", "Unknown columns: {names}.", len(unknown)).format(
                names=", ".join(unknown)
            )
        )
    if repeated:
        problems.append(
            ngettext("Repeated column: {names}.", "Repeated columns: {names}.", len(repeated)).format(
                names=", ".join(repeated)
            )
        )
    if problems:
        problems.append(str(_("The expected columns are: {names}.")).format(names=", ".join(wanted)))
        raise ImportFileError(" ".join(problems))
    return positions


# The files an import page accepts.
IMPORT_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx")


def check_upload(uploaded_file: Any) -> tuple[str, str]:
    """The uploaded file's own name and lower-case extension, or a ValidationError on the "file" field
    (no file, not a spreadsheet, empty, over LEGAMI_IMPORT_MAX_BYTES)."""
    if uploaded_file is None:
        raise ValidationError({"file": _("Choose a file to import.")}, code="required")
    name = PurePath(str(getattr(uploaded_file, "name", "") or "")).name
    extension = PurePath(name).suffix.lower()
    size = getattr(uploaded_file, "size", None)
    limit = settings.LEGAMI_IMPORT_MAX_BYTES
    if extension not in IMPORT_EXTENSIONS:
        raise ValidationError({"file": _("Upload a CSV file or an Excel workbook (.xlsx).")}, code="invalid_extension")
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    if size is not None and size > limit:
        raise ValidationError(
            {"file": _("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(limit)}},
            code="too_large",
        )
    return name, extension
