"""Small shared writes of district records: the conflicts list staff work through."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from district.db import tables as t


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def conflict(conn: Connection, kind: str, kiosk_id: str | None, entry_id: str | None,
             volunteer_id: str | None, amount: int | None, detail: str, at: str) -> None:
    conn.execute(t.conflicts.insert().values(
        kind=kind, kiosk_id=kiosk_id, entry_id=None if entry_id is None else entry_id[:100],
        volunteer_id=volunteer_id, amount=amount, detail=detail[:400], at=at))
