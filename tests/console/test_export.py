"""Tables out: CSV with a BOM, .xlsx that opens, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from district.console import export
from district.console.tables import Column, Table

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _table() -> Table:
    rows = [{"name": text, "points": -5} for text in DANGEROUS] + \
        [{"name": "张*华", "points": 30}]
    return Table("t", "Test", (Column("name", "Name"), Column("points", "Points",
                                                                numeric=True)), rows)


def test_cells_that_start_a_formula_are_escaped_in_both_formats() -> None:
    table = _table()
    data = export.to_csv(table, ["姓名", "=points"])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows[0] == ["姓名", "'=points"]
    assert [r[0] for r in rows[1:]] == ["'" + t for t in DANGEROUS] + ["张*华"]
    assert rows[1][1] == "-5"                   # a number is a number, not a formula
    book = load_workbook(io.BytesIO(export.to_xlsx(table, ["姓名", "积分"], "测试")))
    sheet = book.active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ("姓名", "积分")
    # (XML reads a carriage return back as a line feed: still text behind the apostrophe.)
    assert [v[0] for v in values[1:]] == ["'" + t.replace("\r", "\n") for t in DANGEROUS] + \
        ["张*华"]
    assert values[1][1] == -5
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
