"""Reading a spreadsheet the way a volunteer platform exports it: .xlsx (openpyxl) or CSV in
UTF-8, UTF-8 with BOM or GBK (what Excel writes on a Chinese Windows), found out from the bytes.
Anything else is refused with one line that says what to do, never a traceback.

Headers are matched by name in Chinese or English (:func:`column_map`), so the platform's
column order and extra columns do not matter.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

MAX_FILE_BYTES = 50 << 20
MAX_ROWS = 500_000
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"     # the old binary .xls


class FileRefused(ValueError):
    """A file the console cannot read; ``str()`` is the line shown to the person."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]      # (line number as the person sees it, cells)
    encoding: str                          # xlsx, utf-8, utf-8-sig or gbk


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with BOM, UTF-8, then GBK; refused if none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise FileRefused("the file says it is UTF-8 (it starts with a BOM) but is not; "
                              "save it again as CSV UTF-8 or as .xlsx") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gbk"), "gbk"
    except UnicodeDecodeError:
        raise FileRefused("the file is neither UTF-8 nor GBK text; save it as .xlsx or as "
                          "CSV UTF-8 and import that") from None


def read(data: bytes, file_name: str) -> Sheet:
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(f"the file is over {MAX_FILE_BYTES >> 20} MB; split it")
    if not data.strip():
        raise FileRefused("the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise FileRefused("this is an old .xls file; save it as .xlsx (Excel 2007 or later) "
                          "and import that")
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused("the file is named .xlsx but is not an Excel workbook")
    text, encoding = decode_csv(data)
    if "\x00" in text:
        raise FileRefused("the file holds binary data, not CSV text")
    lines = csv.reader(io.StringIO(text, newline=""))
    return _sheet(((n, list(r)) for n, r in enumerate(lines, start=1)), encoding)


def _read_xlsx(data: bytes) -> Sheet:
    # Imported here: openpyxl takes half a second to import, which the server's start (and a
    # kiosk's first sync after a reboot) should not wait for.
    from openpyxl import load_workbook  # noqa: PLC0415

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRefused(f"the workbook cannot be read ({str(exc)[:80]}); save it again as "
                          ".xlsx") from None
    try:
        sheet = book.worksheets[0]
        return _sheet(((n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True),
                                                            start=1)), "xlsx")
    finally:
        book.close()


def _sheet(lines: Iterator[tuple[int, list[Any]]], encoding: str) -> Sheet:
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in lines:
        if not any(c not in (None, "") for c in cells):
            continue
        if headers is None:
            headers = [str(c or "").strip() for c in cells]
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise FileRefused(f"the file has more than {MAX_ROWS:,} rows; split it")
    if headers is None:
        raise FileRefused("the file has no header row")
    return Sheet(headers, rows, encoding)


def column_map(headers: Sequence[str], wanted: Mapping[str, Sequence[str]],
               required: Sequence[str]) -> dict[str, int]:
    """{field: column index} for each field whose header is one of its names (case and
    spaces ignored); refused naming the missing ones."""
    norm = [h.replace(" ", "").replace("_", "").lower() for h in headers]
    found: dict[str, int] = {}
    for field, names in wanted.items():
        for name in names:
            key = name.replace(" ", "").replace("_", "").lower()
            if key in norm:
                found[field] = norm.index(key)
                break
    missing = [f for f in required if f not in found]
    if missing:
        shown = "; ".join(f"{f}: " + " / ".join(wanted[f][:2]) for f in missing)
        raise FileRefused(f"the header row lacks the column(s) {shown}")
    return found


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0 (an id typed into Excel), dates as
    YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
