"""The one owner of ``sync_status``, ``sync_rejections`` and ``sync_requests``.

The sync daemon (another process) records here how its rounds go: push and pull cursors, the
last attempt, success and error, what waits to be sent; the touchscreen reads it for the
operator's health screen and for the offline decision of every sale, and asks for a round
("sync now") by inserting a request. Every read and write of these tables is in this module,
so the meaning of each column is decided once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.clock import Clock, from_db, to_db
from kiosk.core.db import write_transaction
from kiosk.core.outbox import highest_seq
from points_protocol.messages import EntryResult


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    kind: str
    entry_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class SyncHealth:
    last_attempt_at: str | None
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    waiting: int          # outbox entries the district has not answered for yet
    rejected: int         # entries the district refused (kept for the operator)
    sync_requested: bool  # a "sync now" the daemon has not handled yet


# -- the push side ---------------------------------------------------------------------------

def acked_seq(conn: sqlite3.Connection) -> int:
    """Highest outbox sequence the district has answered for."""
    return int(conn.execute("SELECT push_acked_seq FROM sync_status WHERE id = 1").fetchone()[0])


def waiting(conn: sqlite3.Connection) -> int:
    """Outbox entries the district has not answered for yet."""
    return max(highest_seq(conn) - acked_seq(conn), 0)


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


def resend_from(conn: sqlite3.Connection, applied_seq: int) -> int:
    """The district answers for fewer of this kiosk's entries than it once acknowledged: it
    was put back to an older backup and lost the rest. The outbox keeps every entry, so
    move the push cursor back and the next pushes send them again (the district holds none
    of them now; at a district that does, they come back as duplicates). Entries it refused
    before stay in ``sync_rejections`` (append-only); their answer is recorded once.
    Returns how many entries will be sent again."""
    with write_transaction(conn):
        acked = acked_seq(conn)
        if applied_seq >= acked:
            return 0
        conn.execute("UPDATE sync_status SET push_acked_seq = ?, pending = ? WHERE id = 1",
                     (applied_seq, highest_seq(conn) - applied_seq))
    return acked - applied_seq


# -- the pull side ---------------------------------------------------------------------------

def pull_cursor(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT pull_cursor FROM sync_status WHERE id = 1").fetchone()[0])


def move_pull_cursor(conn: sqlite3.Connection, cursor: int, progress: str | None) -> None:
    """Inside the write transaction that applies the page the cursor points past."""
    if not conn.in_transaction:
        raise RuntimeError("the pull cursor moves only with the page it belongs to")
    conn.execute("UPDATE sync_status SET pull_cursor = ?, progress = COALESCE(?, progress)"
                 " WHERE id = 1", (cursor, progress))


def restart_pull(conn: sqlite3.Connection) -> None:
    """Pull the whole feed again from the start (the cursor could not be trusted)."""
    with write_transaction(conn):
        conn.execute("UPDATE sync_status SET pull_cursor = 0 WHERE id = 1")


# -- rounds ----------------------------------------------------------------------------------

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


def last_success(conn: sqlite3.Connection) -> datetime | None:
    """When a round last reached and satisfied the district (None: never)."""
    row = conn.execute("SELECT last_success_at FROM sync_status WHERE id = 1").fetchone()
    return None if row is None or row[0] is None else from_db(row[0])


@dataclass(frozen=True)
class ClockReading:
    skew_seconds: float     # the district's clock minus this kiosk's
    checked_at: datetime    # kiosk time of the measurement
    checked_seq: int        # the outbox sequence reached by then


def record_clock(conn: sqlite3.Connection, skew_seconds: float, checked_at: str) -> None:
    with write_transaction(conn):
        conn.execute("UPDATE sync_status SET clock_skew_seconds = ?, clock_checked_at = ?, "
                     "clock_checked_seq = ? WHERE id = 1",
                     (skew_seconds, checked_at, highest_seq(conn)))


def clock_reading(conn: sqlite3.Connection) -> ClockReading | None:
    """The district's last word on this kiosk's clock, or None if never measured."""
    row = conn.execute("SELECT clock_skew_seconds, clock_checked_at, clock_checked_seq "
                       "FROM sync_status WHERE id = 1").fetchone()
    if row is None or row[0] is None or row[1] is None:
        return None
    return ClockReading(float(row[0]), from_db(row[1]), int(row[2] or 0))


# -- "sync now" ------------------------------------------------------------------------------

def request_sync(conn: sqlite3.Connection, clock: Clock) -> int:
    """What the app's "sync now" button (and ``kiosk-sync --once`` beside a running daemon)
    does; one waiting request is enough. Returns its id for :func:`request_outcome`."""
    with write_transaction(conn):
        row = conn.execute("SELECT id FROM sync_requests WHERE handled_at IS NULL "
                           "ORDER BY id LIMIT 1").fetchone()
        if row is not None:
            return int(row[0])
        cursor = conn.execute("INSERT INTO sync_requests (requested_at) VALUES (?)",
                              (to_db(clock.now()),))
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


# -- what the screens and the command line show ----------------------------------------------

def status(conn: sqlite3.Connection) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM sync_status WHERE id = 1").fetchone()
    return {key: row[key] for key in row.keys()}  # noqa: SIM118 (sqlite3.Row iterates values)


def sync_health(conn: sqlite3.Connection) -> SyncHealth:
    row = conn.execute("SELECT * FROM sync_status WHERE id = 1").fetchone()
    acked = int(row["push_acked_seq"])
    unanswered = int(conn.execute("SELECT COUNT(*) FROM outbox WHERE seq > ?",
                                  (acked,)).fetchone()[0])
    asked = conn.execute(
        "SELECT 1 FROM sync_requests WHERE handled_at IS NULL LIMIT 1").fetchone() is not None
    return SyncHealth(last_attempt_at=row["last_attempt_at"],
                      last_success_at=row["last_success_at"], last_error=row["last_error"],
                      last_error_at=row["last_error_at"], waiting=unanswered,
                      rejected=int(row["rejected"]), sync_requested=asked)
