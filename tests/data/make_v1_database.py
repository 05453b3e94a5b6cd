"""Writes tests/data/kiosk-v1.sqlite: a kiosk database as schema version 1 left it.

Kept for the record; the committed file is what the migration test uses. It only uses SQL
that was valid at v1 (migration 1 never changes), so re-running it gives an equivalent file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.core import schema
from kiosk.core.db import connect

OUT = Path(__file__).resolve().parent / "kiosk-v1.sqlite"
T = "2026-06-01T02:00:00.000000+00:00"


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{OUT}{suffix}").unlink(missing_ok=True)
    conn = connect(OUT)
    schema.migrate(conn, target=1)
    conn.executescript(f"""
    BEGIN;
    INSERT INTO meta VALUES ('kiosk_id', 'demo-kiosk-01');
    INSERT INTO accounts VALUES ('sales:demo-kiosk-01', 'sales');
    INSERT INTO volunteers VALUES ('V0001', '张*华', 'active');
    INSERT INTO cards VALUES ('04A1B2C3D4E5F6', 'V0001', 'nfc', 'active', 1, 0);
    INSERT INTO balance_snapshots VALUES ('V0001', 500, 0, '{T}');
    INSERT INTO items (id, name_zh, name_en, category, kind) VALUES
        ('soap', '香皂', 'Soap', 'health', 'goods');
    INSERT INTO item_prices (item_id, price, effective_from) VALUES ('soap', 30, '{T}');
    INSERT INTO stock_movements (item_id, delta, kind, created_at) VALUES
        ('soap', 10, 'restock', '{T}');
    INSERT INTO outbox VALUES (1, 'restock', 'r1', '{{}}', '{T}');
    INSERT INTO orders VALUES ('v1-order', 2, 'sale', NULL, '04A1B2C3D4E5F6', 'V0001', '{T}',
        30, 470, 1, 'hash', NULL);
    INSERT INTO order_lines VALUES ('v1-order', 1, 'soap', '香皂', 'Soap', 'goods', 1, 30, 30);
    INSERT INTO transfers VALUES ('t1', 'v1-order', 2, 'volunteer:V0001',
        'sales:demo-kiosk-01', 30, '{T}');
    INSERT INTO stock_movements (item_id, delta, kind, order_id, created_at) VALUES
        ('soap', -1, 'sale', 'v1-order', '{T}');
    INSERT INTO outbox VALUES (2, 'sale', 'v1-order', '{{}}', '{T}');
    COMMIT;
    """)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    assert sqlite3.connect(OUT).execute("PRAGMA user_version").fetchone()[0] == 1


if __name__ == "__main__":
    main()
