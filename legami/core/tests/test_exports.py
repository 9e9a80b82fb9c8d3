"""export_response: streamed CSV for Excel, XLSX, and formulas that never run."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.http import StreamingHttpResponse

from legami.core.exports import escape_formula, export_response
from legami.core.importing import read_table

HEADER = ["name", "born", "amount", "note"]


def csv_text(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def test_csv_is_streamed_with_bom_commas_and_an_attachment_name():
    rows = [["Anna Rossi", datetime.date(1980, 1, 2), 12, None], ["Bruno, jr", None, -3.5, "a\nb"]]
    response = export_response(rows=rows, header=HEADER, filename="people", fmt="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert "no-store" in response["Cache-Control"]
    text = csv_text(response)
    assert text.startswith("\ufeffname,born,amount,note\r\n")
    assert text.splitlines()[1] == "Anna Rossi,1980-01-02,12,"
    # Separators and line breaks are quoted; negative numbers stay numbers.
    assert '"Bruno, jr",,-3.5,"a\nb"' in text


def test_csv_rows_are_read_lazily():
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield [f"p{n}", None, n, ""]

    response = export_response(rows=rows(), header=HEADER, filename="people.csv", fmt="csv")
    assert consumed == []
    assert len(csv_text(response).splitlines()) == 4
    assert consumed == [0, 1, 2]


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+39 0372", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_is_escaped_in_csv(value):
    response = export_response(rows=[[value, None, None, None]], header=HEADER, filename="x", fmt="csv")
    assert escape_formula(value) == "'" + value
    cells = list(csv.reader(io.StringIO(csv_text(response), newline="")))[1]
    assert cells[0] == "'" + value


def test_harmless_text_is_left_alone():
    assert escape_formula("Anna") == "Anna"
    assert escape_formula("") == ""
    assert escape_formula("a=b") == "a=b"


def test_xlsx_has_a_bold_header_typed_cells_and_no_formulas():
    rows = [["=1+2", datetime.date(1980, 1, 2), 12, "+39 0372"], ["Anna\x07", None, -3, "plain"]]
    response = export_response(rows=rows, header=HEADER, filename="people.xlsx", fmt="xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A1"].font.bold
    formula_like = sheet["A2"]
    # Text with Excel's quote prefix: shown as typed, never evaluated.
    assert (formula_like.value, formula_like.data_type, formula_like.quotePrefix) == ("=1+2", "s", True)
    assert sheet["D2"].data_type == "s" and sheet["D2"].quotePrefix
    assert sheet["B2"].value == datetime.datetime(1980, 1, 2)
    assert sheet["C3"].value == -3
    # Control characters Excel refuses are dropped rather than breaking the file.
    assert sheet["A3"].value == "Anna"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        export_response(rows=[], header=HEADER, filename="x", fmt="pdf")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_read_back_identically(fmt):
    rows = [["=cmd|' /C calc'!A0", datetime.date(1980, 1, 2), 7, "+39 0372 123456"]]
    response = export_response(rows=rows, header=HEADER, filename="x", fmt=fmt)
    content = b"".join(response.streaming_content) if fmt == "csv" else response.content
    read = read_table(io.BytesIO(content), columns=HEADER)
    expected_born = "1980-01-02" if fmt == "csv" else datetime.date(1980, 1, 2)
    expected_amount = "7" if fmt == "csv" else 7
    assert read == [{"name": rows[0][0], "born": expected_born, "amount": expected_amount, "note": rows[0][3]}]
