"""Schema v8 (cards that sign each tap) on a database as v7 left it: the cards table is rebuilt
to allow kind 'sun' and keeps every card, its index and its volunteers' sales."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core import schema
from kiosk.core.db import connect, open_database, write_transaction


def test_v7_cards_survive_the_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    old = connect(path)
    schema.migrate(old, target=7)
    with write_transaction(old):
        old.execute("INSERT INTO volunteers (id, masked_name) VALUES ('V1', '张*华')")
        old.executemany(
            "INSERT INTO cards (card_id, volunteer_id, kind, status, generation, is_operator) "
            "VALUES (?, 'V1', ?, ?, ?, ?)",
            [("04A1B2C3D4E5F6", "nfc", "active", 1, 0), ("QR-1", "qr", "blocked", 3, 1)])
    with pytest.raises(sqlite3.IntegrityError), write_transaction(old):
        old.execute("UPDATE cards SET kind = 'sun'")   # v7 knows no such kind
    old.close()

    conn = open_database(path)
    assert schema.current_version(conn) == schema.LATEST_VERSION >= 8
    rows = conn.execute("SELECT card_id, volunteer_id, kind, status, generation, is_operator "
                        "FROM cards ORDER BY card_id").fetchall()
    assert [tuple(r) for r in rows] == [("04A1B2C3D4E5F6", "V1", "nfc", "active", 1, 0),
                                        ("QR-1", "V1", "qr", "blocked", 3, 1)]
    indexes = {r[1] for r in conn.execute("PRAGMA index_list(cards)")}
    assert "cards_by_volunteer" in indexes
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with write_transaction(conn):
        conn.execute("UPDATE cards SET kind = 'sun' WHERE card_id = '04A1B2C3D4E5F6'")
        conn.execute("INSERT INTO card_alerts (at, card_id, code, detail) "
                     "VALUES ('t', 'x', 'sun_replayed', 'd')")
    with pytest.raises(sqlite3.IntegrityError), write_transaction(conn):
        conn.execute("DELETE FROM card_alerts")
    with pytest.raises(sqlite3.IntegrityError), write_transaction(conn):
        conn.execute("INSERT INTO sun_counters (card_id, key_generation, counter) "
                     "VALUES ('x', 1, 16777216)")
