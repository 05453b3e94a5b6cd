"""The outbox: what the sync daemon must push, in a gap-free per-kiosk sequence.

An entry is written inside the same transaction as the sale (or void, restock, count) it
describes, so either both exist or neither does; the schema's trigger rejects a gap.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def append(conn: sqlite3.Connection, kind: str, entry_id: str, payload: dict[str, Any],
           created_at: str) -> int:
    """Add an entry inside the caller's write transaction; returns its sequence number."""
    if not conn.in_transaction:
        raise RuntimeError("outbox.append must run inside a write transaction")
    seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox").fetchone()[0])
    conn.execute(
        "INSERT INTO outbox (seq, kind, entry_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        (seq, kind, entry_id, json.dumps(payload, ensure_ascii=False, sort_keys=True),
         created_at))
    return seq


def next_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox").fetchone()[0])
