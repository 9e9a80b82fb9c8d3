"""read_table: CSV in its many dialects, XLSX, and every way a file can be unusable."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from legami.core.importing import ImportFileError, RowError, normalize_header, read_table

COLUMNS = ("name", "city", "born")


def upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(rows, *, sheets=1) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for n in range(1, sheets):
        workbook.create_sheet(f"other {n}").append(["ignored"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_with_bom_and_commas():
    rows = read_table(upload("\ufeffname,city,born\nAnna,Cremona,1980-01-02\n".encode()), columns=COLUMNS)
    assert rows == [{"name": "Anna", "city": "Cremona", "born": "1980-01-02"}]
    assert rows[0].number == 2


def test_csv_without_bom_semicolons_and_windows_encoding():
    content = "name;city;born\r\nNicolò;Forlì;\r\n".encode("cp1252")
    rows = read_table(upload(content), columns=COLUMNS)
    assert rows == [{"name": "Nicolò", "city": "Forlì", "born": ""}]


def test_csv_with_tabs_and_utf16_as_excel_unicode_text():
    content = "name\tcity\tborn\nAnna\tCrema\t\n".encode("utf-16")
    assert read_table(upload(content, "people.txt"), columns=COLUMNS) == [{"name": "Anna", "city": "Crema", "born": ""}]


def test_header_matching_ignores_case_spaces_and_order():
    content = b" City ;NAME;  Born\nCrema;Anna;x\n"
    assert read_table(upload(content), columns=COLUMNS) == [{"name": "Anna", "city": "Crema", "born": "x"}]
    assert normalize_header(" First  Name ") == normalize_header("first-name") == "first_name"


def test_quoted_values_keep_separators_and_line_breaks():
    content = b'name,city,born\n"Rossi, Anna","Via Roma 1\nCremona",\n'
    assert read_table(upload(content), columns=COLUMNS) == [
        {"name": "Rossi, Anna", "city": "Via Roma 1\nCremona", "born": ""}
    ]


def test_blank_rows_are_skipped_but_counted_and_values_trimmed():
    content = b"name,city,born\n\n  Anna  ,Crema,\n,,\nBruno,Cremona,\n"
    rows = read_table(upload(content), columns=COLUMNS)
    assert [(r.number, r["name"]) for r in rows] == [(3, "Anna"), (5, "Bruno")]


def test_optional_columns_may_be_left_out():
    rows = read_table(upload(b"name\nAnna\n"), columns=COLUMNS, required=["name"])
    assert rows == [{"name": "Anna", "city": "", "born": ""}]


def test_apostrophe_put_by_exports_before_formula_characters_is_removed():
    content = b"name,city,born\n'+39 0372,'=SUM(A1),'plain\n"
    assert read_table(upload(content), columns=COLUMNS) == [{"name": "+39 0372", "city": "=SUM(A1)", "born": "'plain"}]


def test_xlsx_first_sheet_with_dates_and_numbers():
    content = xlsx(
        [
            ["Name", "City", "Born"],
            ["Anna", 19036, datetime.datetime(1980, 1, 2)],
            [None, None, None],
            ["Bruno", " Crema ", datetime.date(1990, 5, 6)],
        ],
        sheets=2,
    )
    rows = read_table(upload(content, "people.xlsx"), columns=COLUMNS)
    assert rows == [
        {"name": "Anna", "city": 19036, "born": datetime.date(1980, 1, 2)},
        {"name": "Bruno", "city": "Crema", "born": datetime.date(1990, 5, 6)},
    ]
    assert [r.number for r in rows] == [2, 4]


def test_xlsx_is_recognised_by_content_not_name():
    content = xlsx([["name", "city", "born"], ["Anna", "Crema", None]])
    assert read_table(upload(content, "people.csv"), columns=COLUMNS)[0]["name"] == "Anna"


def test_reads_paths_and_django_files(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"name,city,born\nAnna,Crema,\n")
    assert read_table(path, columns=COLUMNS)[0]["name"] == "Anna"
    assert read_table(str(path), columns=COLUMNS)[0]["name"] == "Anna"
    assert read_table(ContentFile(b"name,city,born\nBruno,,\n", name="x.csv"), columns=COLUMNS)[0]["name"] == "Bruno"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"  \n\n", "people.csv", "The file is empty."),
        (b"name,city,born\n\n", "people.csv", "no data rows"),
        (b"%PDF-1.4\x00\x01\x02binary", "people.pdf", "not recognised"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "people.xls", "old Excel file"),
        (b"name,city,born\nAnna,,\n", "people.xlsx", "not one"),
        (b"\x81\x8d\x8f\x90\x9d", "people.csv", "cannot be read"),
    ],
)
def test_unusable_files(content, name, message):
    with pytest.raises(ImportFileError) as excinfo:
        read_table(upload(content, name), columns=COLUMNS)
    assert message in str(excinfo.value)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<xml/>")
    with pytest.raises(ImportFileError, match="not recognised"):
        read_table(upload(buffer.getvalue(), "letter.docx"), columns=COLUMNS)


def test_missing_unknown_and_repeated_columns_are_named():
    with pytest.raises(ImportFileError) as excinfo:
        read_table(upload(b"Name,colour,name,size\nAnna,red,Anna,3\n"), columns=COLUMNS, required=["name", "city"])
    message = str(excinfo.value)
    assert "Missing column: city." in message
    assert "Unknown columns: colour, size." in message
    assert "Repeated column: name." in message
    assert "name, city, born" in message


def test_missing_required_columns_in_xlsx():
    content = xlsx([["name"], ["Anna"]])
    with pytest.raises(ImportFileError, match="Missing columns: city, born"):
        read_table(upload(content, "people.xlsx"), columns=COLUMNS)


def test_too_many_rows():
    content = b"name,city,born\n" + b"Anna,,\n" * 3
    assert len(read_table(upload(content), columns=COLUMNS, max_rows=3)) == 3
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        read_table(upload(content), columns=COLUMNS, max_rows=2)


def test_file_too_large(settings, tmp_path):
    settings.LEGAMI_IMPORT_MAX_BYTES = 20
    content = b"name,city,born\nAnna Maria,Cremona,\n"
    with pytest.raises(ImportFileError, match="too large"):
        read_table(upload(content), columns=COLUMNS)
    # Also when the size is not known beforehand.
    with pytest.raises(ImportFileError, match="too large"):
        read_table(io.BytesIO(content), columns=COLUMNS)
    path = tmp_path / "big.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match="too large"):
        read_table(path, columns=COLUMNS)


def test_rows_wider_than_the_header_are_named():
    content = b"name,city,born\nAnna,Via Roma, 1,Cremona\nBruno,,\n"
    with pytest.raises(ImportFileError, match=r"rows 2\)"):
        read_table(upload(content), columns=COLUMNS)


def test_trailing_empty_cells_are_not_extra_columns():
    assert read_table(upload(b"name,city,born,,\nAnna,,,,\n"), columns=COLUMNS) == [
        {"name": "Anna", "city": "", "born": ""}
    ]


def test_values_under_a_blank_header_cell_are_refused():
    with pytest.raises(ImportFileError, match="Row 2 has a value in column B"):
        read_table(upload(b"name,,city,born\nAnna,oops,,\n"), columns=COLUMNS)


def test_row_error_reads_as_row_column_reason():
    error = RowError(7, "born", "Not a date.")
    assert str(error) == "row 7, column born: Not a date."
    assert error.as_dict() == {"row": 7, "column": "born", "message": "Not a date."}
    assert str(RowError(None, "", "Whole file.")) == "Whole file."


def _with_padding(content: bytes, padding_bytes: int) -> bytes:
    """The workbook with one more part made of zeros: a few KB in the archive, `padding_bytes` unpacked."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/padding.bin", b"\0" * padding_bytes)
    return out.getvalue()


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(settings):
    settings.LEGAMI_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = _with_padding(xlsx([["name", "city", "born"], ["Anna", "Crema", None]]), 2 * 1024 * 1024)
    assert len(bomb) < 20 * 1024  # small on the wire
    with pytest.raises(ImportFileError, match=r"unpacks to 2\.0\s+MB, more than the 1\.0\s+MB"):
        read_table(upload(bomb, "people.xlsx"), columns=COLUMNS)


def test_a_workbook_within_the_unpacked_limit_is_read(settings):
    settings.LEGAMI_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    content = _with_padding(xlsx([["name", "city", "born"], ["Anna", "Crema", None]]), 100 * 1024)
    rows = read_table(upload(content, "people.xlsx"), columns=COLUMNS)
    assert [row["name"] for row in rows] == ["Anna"]
