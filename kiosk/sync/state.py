"""The daemon's state in the kiosk database: push acks, status for the screens, "sync now".

Everything the admin screen shows about sync is read from ``sync_status``; the app asks for a
round by inserting into ``sync_requests``, which the running daemon notices (no second daemon).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.core.db import write_transaction
from points_protocol.messages import EntryResult


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    kind: str
    entry_id: str
    payload: dict[str, Any]


def acked_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT push_acked_seq FROM sync_status WHERE id = 1").fetchone()[0])


def highest_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0])


def pending_entries(conn: sqlite3.Connection, limit: int) -> list[OutboxEntry]:
    rows = conn.execute(
        "SELECT seq, kind, entry_id, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
        (acked_seq(conn), limit)).fetchall()
    return [OutboxEntry(int(r[0]), r[1], r[2], json.loads(r[3])) for r in rows]


def record_results(conn: sqlite3.Connection, results: Sequence[EntryResult], now: str) -> int:
    """Advance the push cursor over the contiguous run the district has answered for; an entry
    it rejected is kept in ``sync_rejections`` for the operator. Returns entries acknowledged."""
    by_seq = {r.seq: r for r in results}
    with write_transaction(conn):
        acked = start = acked_seq(conn)
        while (result := by_seq.get(acked + 1)) is not None and result.status != "not_processed":
            if result.status == "rejected":
                conn.execute("INSERT OR IGNORE INTO sync_rejections VALUES (?, ?, ?, ?)",
                             (result.seq, result.entry_id, result.reason or "", now))
            acked += 1
        rejected = int(conn.execute("SELECT COUNT(*) FROM sync_rejections").fetchone()[0])
        conn.execute("UPDATE sync_status SET push_acked_seq = ?, pending = ?, rejected = ? "
                     "WHERE id = 1", (acked, highest_seq(conn) - acked, rejected))
    return acked - start


def mark_attempt(conn: sqlite3.Connection, now: str) -> None:
    with write_transaction(conn):
        conn.execute("UPDATE sync_status SET last_attempt_at = ?, pending = ? WHERE id = 1",
                     (now, highest_seq(conn) - acked_seq(conn)))


def mark_success(conn: sqlite3.Connection, now: str) -> None:
    with write_transaction(conn):
        conn.execute("UPDATE sync_status SET last_success_at = ?, last_error = NULL, "
                     "progress = NULL, pending = ? WHERE id = 1",
                     (now, highest_seq(conn) - acked_seq(conn)))


def mark_failure(conn: sqlite3.Connection, now: str, error: str) -> None:
    with write_transaction(conn):
        conn.execute("UPDATE sync_status SET last_error = ?, last_error_at = ?, pending = ? "
                     "WHERE id = 1", (error[:500], now, highest_seq(conn) - acked_seq(conn)))


def request_sync(conn: sqlite3.Connection, now: str) -> int:
    """What the app's "sync now" button (and ``kiosk-sync --once`` beside a running daemon)
    does; returns the request's id for :func:`request_outcome`."""
    with write_transaction(conn):
        cursor = conn.execute("INSERT INTO sync_requests (requested_at) VALUES (?)", (now,))
    return int(cursor.lastrowid or 0)


@dataclass(frozen=True)
class RequestOutcome:
    ok: bool
    detail: str  # when the round ended, or its error


def request_outcome(conn: sqlite3.Connection, request_id: int) -> RequestOutcome | None:
    """How the first round after the daemon took request ``request_id`` ended, or None while
    it has not yet. The daemon marks a request handled just before the round it serves and
    records that round's end in ``sync_status`` (its own clock for both, so they compare):
    an outcome later than the handling time is that round's (or a later one's)."""
    row = conn.execute(
        "SELECT r.handled_at, s.last_success_at, s.last_error_at, s.last_error "
        "FROM sync_requests AS r, sync_status AS s WHERE r.id = ? AND s.id = 1",
        (request_id,)).fetchone()
    if row is None or row[0] is None:
        return None
    handled, success, error_at, error = row
    if success is not None and success > handled:
        return RequestOutcome(True, f"round ended {success}")
    if error_at is not None and error_at > handled:
        return RequestOutcome(False, str(error))
    return None


def take_requests(conn: sqlite3.Connection, now: str) -> bool:
    """True if "sync now" was asked for since the last round; marks the requests handled."""
    if conn.execute("SELECT 1 FROM sync_requests WHERE handled_at IS NULL LIMIT 1"
                    ).fetchone() is None:
        return False
    with write_transaction(conn):
        conn.execute("UPDATE sync_requests SET handled_at = ? WHERE handled_at IS NULL", (now,))
    return True


def status(conn: sqlite3.Connection) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM sync_status WHERE id = 1").fetchone()
    return {key: row[key] for key in row.keys()}  # noqa: SIM118 (sqlite3.Row iterates values)
