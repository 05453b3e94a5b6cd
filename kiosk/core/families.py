"""Families in need at the kiosk: a holder the district registered as a family spends like a
volunteer, but every screen and paper addresses them as a family (受助家庭), never with a
volunteer's wording; the district sends which holders they are with its change feed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

HOLDER_ZH = {False: "志愿者", True: "受助家庭"}


def store(conn: sqlite3.Connection, rows: Iterable[Sequence[str]]) -> None:
    """Inside the feed's write transaction."""
    conn.executemany("INSERT OR IGNORE INTO families (volunteer_id) VALUES (?)",
                     [(r[0],) for r in rows])


def is_family(conn: sqlite3.Connection, volunteer_id: str) -> bool:
    return conn.execute("SELECT 1 FROM families WHERE volunteer_id = ?",
                        (volunteer_id,)).fetchone() is not None
