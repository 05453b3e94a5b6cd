"""Writes tests/data/kiosk-v3.sqlite: the v2 file brought to schema version 3 (sync state), as
kiosks in the field had it before the operator PINs and audit log of v4, with one sync
success recorded.

Kept for the record; the committed file is what the migration test uses.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kiosk.core import schema
from kiosk.core.db import connect

DATA = Path(__file__).resolve().parent
OUT = DATA / "kiosk-v3.sqlite"


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{OUT}{suffix}").unlink(missing_ok=True)
    shutil.copy(DATA / "kiosk-v2.sqlite", OUT)
    conn = connect(OUT)
    schema.migrate(conn, target=3)
    conn.execute("UPDATE sync_status SET last_success_at = '2026-06-01T03:00:00.000000+00:00',"
                 " push_acked_seq = 1 WHERE id = 1")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    assert sqlite3.connect(OUT).execute("PRAGMA user_version").fetchone()[0] == 3


if __name__ == "__main__":
    main()
