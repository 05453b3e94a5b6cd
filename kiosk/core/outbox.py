"""The outbox: what the sync daemon must push, in a gap-free per-kiosk sequence.

An entry is written inside the same transaction as the sale (or void, restock, count) it
describes, so either both exist or neither does; the schema's trigger rejects a gap.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kiosk.core import outbox_mark


def append(conn: sqlite3.Connection, kind: str, entry_id: str, payload: dict[str, Any],
           created_at: str, *, seq: int | None = None) -> int:
    """Add an entry inside the caller's write transaction; returns its sequence number.

    ``seq`` is the one :func:`next_seq` gave earlier in the same transaction, when the caller
    needed it first (the schema's trigger refuses any other number)."""
    if not conn.in_transaction:
        raise RuntimeError("outbox.append must run inside a write transaction")
    if seq is None:
        seq = next_seq(conn)
    conn.execute(
        "INSERT INTO outbox (seq, kind, entry_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        (seq, kind, entry_id, json.dumps(payload, ensure_ascii=False, sort_keys=True),
         created_at))
    outbox_mark.note(conn, seq)
    return seq


def highest_seq(conn: sqlite3.Connection) -> int:
    """The last sequence number this ledger wrote (0 for none): what the district must have
    seen, what a backup holds, what a snapshot may count up to."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0])


def next_seq(conn: sqlite3.Connection) -> int:
    return highest_seq(conn) + 1
