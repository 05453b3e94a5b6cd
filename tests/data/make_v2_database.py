"""Writes tests/data/kiosk-v2.sqlite: the v1 file brought to schema version 2 (receipt prints),
as kiosks in the field had it before the sync state of v3.

Kept for the record; the committed file is what the migration test uses.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kiosk.core import schema
from kiosk.core.db import connect

DATA = Path(__file__).resolve().parent
OUT = DATA / "kiosk-v2.sqlite"


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{OUT}{suffix}").unlink(missing_ok=True)
    shutil.copy(DATA / "kiosk-v1.sqlite", OUT)
    conn = connect(OUT)
    schema.migrate(conn, target=2)
    conn.execute("INSERT INTO receipt_prints (order_id, at, outcome) VALUES "
                 "('v1-order', '2026-06-01T02:00:01.000000+00:00', 'printed')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    assert sqlite3.connect(OUT).execute("PRAGMA user_version").fetchone()[0] == 2


if __name__ == "__main__":
    main()
