"""Accounts, balances and the district's balance snapshots.

Balance shown = the district's last snapshot + this kiosk's own transfers that the snapshot does
not yet count (those with an outbox sequence above the snapshot's ``kiosk_seq``). Nothing counted
twice, nothing missed; no cached balance to drift (I4 holds by construction).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core import outbox
from kiosk.core.clock import to_db
from kiosk.core.db import write_transaction

ISSUANCE = "issuance"
DONATION_POOL = "donation_pool"
OFFLINE_DEBT = "offline_debt"


def volunteer_account(volunteer_id: str) -> str:
    return f"volunteer:{volunteer_id}"


def sales_account(kiosk_id: str) -> str:
    return f"sales:{kiosk_id}"


class WrongKioskError(Exception):
    """The database file was made by another kiosk (a misplaced backup or config)."""


def bound_kiosk(conn: sqlite3.Connection) -> str | None:
    """The kiosk this database file belongs to (None: not used by a kiosk yet)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'kiosk_id'").fetchone()
    return None if row is None else str(row[0])


def bind_kiosk(conn: sqlite3.Connection, kiosk_id: str) -> None:
    """Tie the file to this kiosk on first use; refuse a file that belongs to another one,
    since its outbox sequence and sales account would be pushed under the wrong identity."""
    with write_transaction(conn):
        row = conn.execute("SELECT value FROM meta WHERE key = 'kiosk_id'").fetchone()
        if row is not None and row[0] != kiosk_id:
            raise WrongKioskError(f"this database belongs to kiosk {row[0]!r}, "
                                  f"but the config says {kiosk_id!r}")
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('kiosk_id', ?)",
                     (kiosk_id,))
        conn.execute("INSERT OR IGNORE INTO accounts (id, kind) VALUES (?, 'sales')",
                     (sales_account(kiosk_id),))


_LOCAL_NET = """
SELECT (SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE to_account = :a AND seq > :s)
     - (SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE from_account = :a AND seq > :s)
"""


def local_net(conn: sqlite3.Connection, account: str, after_seq: int = 0) -> int:
    """Net points this kiosk moved into ``account`` in transfers with seq > after_seq."""
    return int(conn.execute(_LOCAL_NET, {"a": account, "s": after_seq}).fetchone()[0])


# The one formula for a volunteer's shown balance, as an SQL expression over a query that
# has the volunteer id as {vid} and their snapshot row LEFT JOINed as ``s``. Card look-up uses
# it inside its own single query (one statement is one consistent read, and a tap costs one
# round trip); :func:`balance` wraps it for everyone else.
BALANCE_SQL = """(COALESCE(s.balance, 0)
  + (SELECT COALESCE(SUM(amount), 0) FROM transfers
     WHERE to_account = 'volunteer:' || {vid} AND seq > COALESCE(s.kiosk_seq, 0))
  - (SELECT COALESCE(SUM(amount), 0) FROM transfers
     WHERE from_account = 'volunteer:' || {vid} AND seq > COALESCE(s.kiosk_seq, 0)))"""

_BALANCE_ONE = (f"SELECT {BALANCE_SQL.format(vid=':v')} "
                "FROM (SELECT 1) LEFT JOIN balance_snapshots s ON s.volunteer_id = :v")


def balance(conn: sqlite3.Connection, volunteer_id: str) -> int:
    return int(conn.execute(_BALANCE_ONE, {"v": volunteer_id}).fetchone()[0])


def account_fold(conn: sqlite3.Connection) -> dict[str, int]:
    """Every account's net from the transfer log alone (for checks and reports)."""
    net: dict[str, int] = {}
    for account, amount in conn.execute(
            "SELECT to_account, SUM(amount) FROM transfers GROUP BY to_account "
            "UNION ALL SELECT from_account, -SUM(amount) FROM transfers GROUP BY from_account"):
        net[account] = net.get(account, 0) + int(amount)
    return net


@dataclass(frozen=True)
class Snapshot:
    volunteer_id: str
    balance: int
    kiosk_seq: int
    as_of: datetime


class SnapshotError(Exception):
    """The district claims to have counted outbox entries this kiosk never wrote."""


# An older snapshot never replaces a newer one. "Newer" is first the number of this kiosk's
# own entries the district had counted (its applied sequence only grows), then the district's
# time for the same count: a replayed or reordered row can only be older on one of the two.
_SNAPSHOT_UPSERT = """INSERT INTO balance_snapshots (volunteer_id, balance, kiosk_seq, as_of)
    VALUES (?, ?, ?, ?)
    ON CONFLICT (volunteer_id) DO UPDATE SET
        balance = excluded.balance, kiosk_seq = excluded.kiosk_seq, as_of = excluded.as_of
    WHERE excluded.kiosk_seq > balance_snapshots.kiosk_seq
       OR (excluded.kiosk_seq = balance_snapshots.kiosk_seq
           AND excluded.as_of >= balance_snapshots.as_of)"""


def store_snapshots(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]], as_of: str) -> None:
    """Bulk store of ``(volunteer_id, balance, kiosk_seq)`` rows taken by the district at
    ``as_of`` (UTC text, :func:`kiosk.core.clock.to_db`), inside the caller's write
    transaction. Refuses (:class:`SnapshotError`) a row counting an outbox sequence this
    kiosk never wrote: the district has sales this database lost."""
    if not rows:
        return
    if not conn.in_transaction:
        raise RuntimeError("store_snapshots must run inside a write transaction")
    highest = outbox.highest_seq(conn)
    # Columns, then rows again, through zip: C loops, not a Python statement per row.
    ids, amounts, seqs = zip(*rows, strict=True)
    if max(seqs) > highest:
        volunteer_id, _, kiosk_seq = max(rows, key=lambda b: int(b[2]))
        raise SnapshotError(f"snapshot for {volunteer_id} counts kiosk seq {kiosk_seq} but "
                            f"this kiosk's outbox ends at {highest}")
    conn.executemany(_SNAPSHOT_UPSERT, zip(ids, amounts, seqs, itertools.repeat(as_of)))


def apply_snapshots(conn: sqlite3.Connection, snapshots: Iterable[Snapshot],
                    chunk_size: int = 5000) -> int:
    """Store balance snapshots given one by one (the demo, benchmarks), a short write
    transaction per chunk, through the same guarded store as the change feed. Returns how
    many rows were offered."""
    count = 0
    batch: list[Snapshot] = []
    for snap in snapshots:
        batch.append(snap)
        if len(batch) >= chunk_size:
            count += _apply_chunk(conn, batch)
            batch = []
    if batch:
        count += _apply_chunk(conn, batch)
    return count


def _apply_chunk(conn: sqlite3.Connection, batch: list[Snapshot]) -> int:
    by_time: dict[str, list[tuple[str, int, int]]] = {}
    for s in batch:
        by_time.setdefault(to_db(s.as_of), []).append((s.volunteer_id, s.balance, s.kiosk_seq))
    with write_transaction(conn):
        for as_of, rows in by_time.items():
            store_snapshots(conn, rows, as_of)
    return len(batch)
