"""Tables out as .xlsx (openpyxl) and CSV (UTF-8 with BOM, so Excel opens Chinese right).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as
a formula by a spreadsheet (CSV injection, OWASP): such a text cell is written with a leading
apostrophe, which spreadsheets show as text. Numbers stay numbers (a negative balance is not a
formula).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from district.console.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(table: Table, row: Any) -> list[Any]:
    out = []
    for raw in table.values(row):
        value = raw
        if isinstance(raw, bool):
            value = "yes" if raw else "no"
        elif raw is not None and not isinstance(raw, int | float | str):
            value = str(raw)
        out.append(safe(value))
    return out


def to_csv(table: Table, headers: list[str]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([safe(h) for h in headers])
    for row in table.rows:
        writer.writerow(_cells(table, row))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def to_xlsx(table: Table, headers: list[str], title: str) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 (slow to import: only when exporting)

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "table")
    sheet.append([safe(h) for h in headers])
    for row in table.rows:
        sheet.append(_cells(table, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
