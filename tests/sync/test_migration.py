"""Schema v3 (sync state) on a database as v2 left it: the unsent outbox is still pending."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.core import schema, sync_status
from kiosk.core.db import open_database

DATA = Path(__file__).resolve().parents[1] / "data"


def test_v2_database_gains_sync_state(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    shutil.copy(DATA / "kiosk-v2.sqlite", path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2
    conn = open_database(path)
    assert schema.current_version(conn) == schema.LATEST_VERSION
    assert sync_status.acked_seq(conn) == 0
    assert [e.entry_id for e in sync_status.pending_entries(conn, 10)] == ["r1", "v1-order"]
    assert conn.execute("SELECT outcome FROM receipt_prints").fetchone()[0] == "printed"
    sync_status.mark_attempt(conn, "2026-06-01T03:00:00+00:00")
    assert sync_status.status(conn)["pending"] == 2
    conn.execute("INSERT INTO sync_rejections VALUES (1, 'r1', 'why', 'now')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM sync_rejections")
