"""Every ledger table as a CSV file (``kiosk-admin export``), for the district or an auditor.

The same CSV rules as the reports (:mod:`kiosk.core.csv_safe`): UTF-8 with a BOM, and no text
cell a spreadsheet would run as a formula. Read in one snapshot, so the files agree with each
other even while the kiosk sells.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.core import csv_safe
from kiosk.core.db import read_transaction

TABLES = ("items", "item_prices", "donors", "orders", "order_lines", "transfers",
          "stock_movements", "outbox", "receipt_prints")


def export_tables(conn: sqlite3.Connection, folder: Path) -> list[tuple[Path, int]]:
    """(file, rows) for each table written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with read_transaction(conn):
        for name in TABLES:  # our own constant names, never input
            columns = [str(row[1]) for row in conn.execute(f"PRAGMA table_info({name})")]
            path = folder / f"{name}.csv"
            rows = csv_safe.write(path, columns, (
                list(row) for row in conn.execute(f"SELECT * FROM {name} ORDER BY rowid")))
            written.append((path, rows))
    return written
