"""Small shared writes and reads of district records: conflicts and the district's settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from district.db import tables as t
from district.entry_checks import Policy

CAP_KEYS = ("offline.cap_per_volunteer_per_day", "offline.cap_per_kiosk_per_day")


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def conflict(conn: Connection, kind: str, kiosk_id: str | None, entry_id: str | None,
             volunteer_id: str | None, amount: int | None, detail: str, at: str) -> None:
    conn.execute(t.conflicts.insert().values(
        kind=kind, kiosk_id=kiosk_id, entry_id=None if entry_id is None else entry_id[:100],
        volunteer_id=volunteer_id, amount=amount, detail=detail[:400], at=at))


def settings_caps(conn: Connection, policy: Policy) -> tuple[int, int]:
    """The offline caps the district set for its kiosks, else the district's defaults."""
    rows = dict(conn.execute(select(t.settings.c.key, t.settings.c.value)
                             .where(t.settings.c.key.in_(CAP_KEYS))).all())
    defaults = (policy.cap_per_volunteer_per_day, policy.cap_per_kiosk_per_day)
    out = []
    for key, default in zip(CAP_KEYS, defaults, strict=True):
        value = json.loads(rows[key]) if key in rows else default
        out.append(value if isinstance(value, int) and not isinstance(value, bool) else default)
    return out[0], out[1]
