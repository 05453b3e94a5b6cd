"""What the operator's health screen says about sync, read from the database the daemon writes.

The sync daemon is another process; it records its status in ``sync_status`` and watches
``sync_requests`` for "sync now". Reading and inserting here keeps the screen free of any
network code and works whether or not the daemon is running (the request waits for it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.core.clock import Clock, to_db
from kiosk.core.db import write_transaction


@dataclass(frozen=True)
class SyncHealth:
    last_attempt_at: str | None
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    waiting: int          # outbox entries the district has not answered for yet
    rejected: int         # entries the district refused (kept for the operator)
    sync_requested: bool  # a "sync now" the daemon has not handled yet


def sync_health(conn: sqlite3.Connection) -> SyncHealth:
    row = conn.execute("SELECT * FROM sync_status WHERE id = 1").fetchone()
    acked = int(row["push_acked_seq"])
    waiting = int(conn.execute("SELECT COUNT(*) FROM outbox WHERE seq > ?",
                               (acked,)).fetchone()[0])
    asked = conn.execute(
        "SELECT 1 FROM sync_requests WHERE handled_at IS NULL LIMIT 1").fetchone() is not None
    return SyncHealth(last_attempt_at=row["last_attempt_at"],
                      last_success_at=row["last_success_at"], last_error=row["last_error"],
                      last_error_at=row["last_error_at"], waiting=waiting,
                      rejected=int(row["rejected"]), sync_requested=asked)


def request_sync(conn: sqlite3.Connection, clock: Clock) -> None:
    """Ask the daemon for a round now (one pending request is enough)."""
    with write_transaction(conn):
        if conn.execute("SELECT 1 FROM sync_requests WHERE handled_at IS NULL LIMIT 1"
                        ).fetchone() is None:
            conn.execute("INSERT INTO sync_requests (requested_at) VALUES (?)",
                         (to_db(clock.now()),))
