"""Schema v4 (operator PINs, lockout, audit log) on a database as v3 left it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.core import audit, operators, schema, sync_status
from kiosk.core.db import open_database, write_transaction
from tests.conftest import ManualClock

DATA = Path(__file__).resolve().parents[1] / "data"


def test_v3_database_gains_operators_and_audit(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "kiosk.sqlite"
    shutil.copy(DATA / "kiosk-v3.sqlite", path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
    conn = open_database(path)
    assert schema.current_version(conn) == schema.LATEST_VERSION >= 4
    # What v3 knew survives: one outbox entry acknowledged, one still waiting.
    sync = sync_status.sync_health(conn)
    assert sync.last_success_at == "2026-06-01T03:00:00.000000+00:00" and sync.waiting == 1
    assert operators.lockout_left(conn, clock, operators.PinPolicy()) == 0
    operators.set_operator(conn, clock, operators.PinPolicy(), "op1", name="x", pin="135792")
    assert operators.sign_in_with_pin(conn, clock, operators.PinPolicy(), "135792").name == "x"
    assert [e.action for e in audit.entries(conn)] == ["operator_set", "sign_in"]
    with pytest.raises(sqlite3.IntegrityError), write_transaction(conn):
        conn.execute("DELETE FROM audit_log")
