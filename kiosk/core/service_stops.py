"""Reasons this kiosk must not sell, kept in the database until a later check clears them.

A check that finds the ledger unsound (entries lost with a dropped ``-wal``: see
:mod:`kiosk.core.continuity`; a row that fails the audit: :mod:`kiosk.core.ledger_audit`)
records a stop; the checkout and voids refuse while any stop is there, and the touchscreen
says the kiosk is out of service. The operator's screens, sign-in and the sync daemon go on
working, so staff can see why and put it right.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from kiosk.core.db import write_transaction
from kiosk.core.errors import OutOfService

log = logging.getLogger("kiosk.core.service_stops")

LOST_LOCALLY = "lost_entries_local"        # the outbox is below the mark kept beside it
LOST_AT_DISTRICT = "lost_entries_district"  # the district has more of our entries than we do
LEDGER_AUDIT = "ledger_audit"               # the ledger failed its integrity check or audit


@dataclass(frozen=True)
class Stop:
    reason: str
    detail: str
    since: str


def stop(conn: sqlite3.Connection, reason: str, detail: str, now: str) -> None:
    """Record (or update the detail of) a reason not to sell; logged once when it starts."""
    with write_transaction(conn):
        new = conn.execute("SELECT 1 FROM service_stops WHERE reason = ?",
                           (reason,)).fetchone() is None
        conn.execute("INSERT INTO service_stops (reason, detail, since) VALUES (?, ?, ?) "
                     "ON CONFLICT (reason) DO UPDATE SET detail = excluded.detail",
                     (reason, detail, now))
    if new:
        log.error("kiosk stops selling (%s): %s", reason, detail)


def clear(conn: sqlite3.Connection, reason: str) -> None:
    if conn.execute("SELECT 1 FROM service_stops WHERE reason = ?", (reason,)).fetchone() is None:
        return
    with write_transaction(conn):
        conn.execute("DELETE FROM service_stops WHERE reason = ?", (reason,))
    log.warning("kiosk may sell again: %s is settled", reason)


def current(conn: sqlite3.Connection) -> list[Stop]:
    return [Stop(r[0], r[1], r[2]) for r in conn.execute(
        "SELECT reason, detail, since FROM service_stops ORDER BY since, reason")]


def refuse_if_stopped(conn: sqlite3.Connection) -> None:
    """Inside a sale's or a void's transaction: refuse while any stop stands."""
    row = conn.execute("SELECT reason, detail FROM service_stops ORDER BY since LIMIT 1"
                       ).fetchone()
    if row is not None:
        raise OutOfService(f"{row[0]}: {row[1]}")
