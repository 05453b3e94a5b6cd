"""CSV files a spreadsheet opens without running anything in them.

Item, donor and note text is typed by operators and donors (and synced from the district):
a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and WPS, and ``=HYPERLINK(...)`` or ``=cmd|...`` in a donor's name would
run on the office PC that opens the report. As the OWASP guidance on CSV injection says, such
a text cell is written with a leading single quote, which spreadsheets show as text and do not
evaluate; numbers are numbers and stay as they are. Every CSV the kiosk writes goes through
:func:`writer`, UTF-8 with a BOM (without it spreadsheet programs on Windows guess the local
code page and show the Chinese as garbage).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a cell: text that a spreadsheet would take for a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write one CSV file (UTF-8 with BOM); returns the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([safe_cell(h) for h in header])
        for row in rows:
            out.writerow([safe_cell(v) for v in row])
            count += 1
    return count
