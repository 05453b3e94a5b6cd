"""The last known state of each device, kept in the database for the sync daemon's heartbeat.

Only the touchscreen app opens the printer and the card readers; the daemon runs as another
user in a sandbox without devices. So the app writes what it learns (a reader found or lost, a
receipt printed or not) here, and the daemon reads it. One row per device, overwritten.
Devices are named ``printer`` and ``reader:<source>`` (the reader or camera name).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from kiosk.core.clock import Clock, to_db
from kiosk.core.db import write_transaction

PRINTER = "printer"
DETAIL_MAX = 200   # an adapter's error text can be long; the district only needs the gist

Status = Literal["ok", "fault"]


@dataclass(frozen=True)
class DeviceStatus:
    device: str
    kind: str        # printer | reader
    status: str      # ok | fault
    detail: str | None
    at: str          # when it was recorded (kiosk.core.clock.to_db text)


def reader(source: str) -> str:
    """The device name of a card reader or camera, from its events' ``source``."""
    return f"reader:{source}"


def kind_of(device: str) -> str:
    if device == PRINTER:
        return "printer"
    if device.startswith("reader:") and len(device) > len("reader:"):
        return "reader"
    raise ValueError(f"unknown device name {device!r}: use 'printer' or 'reader:<source>'")


def record(conn: sqlite3.Connection, clock: Clock, device: str, status: Status,
           detail: str | None = None) -> None:
    """Remember the device's state now (replacing what was known before)."""
    if status not in ("ok", "fault"):
        raise ValueError(f"device status must be 'ok' or 'fault', not {status!r}")
    kind = kind_of(device)
    with write_transaction(conn):
        conn.execute(
            """INSERT INTO device_status (device, kind, status, detail, at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (device) DO UPDATE SET status = excluded.status,
                   detail = excluded.detail, at = excluded.at""",
            (device, kind, status, None if detail is None else detail[:DETAIL_MAX],
             to_db(clock.now())))


def latest(conn: sqlite3.Connection) -> list[DeviceStatus]:
    """Every device ever seen, printer first, then readers by name."""
    rows = conn.execute("SELECT device, kind, status, detail, at FROM device_status "
                        "ORDER BY kind <> 'printer', device").fetchall()
    return [DeviceStatus(str(r[0]), str(r[1]), str(r[2]), r[3], str(r[4])) for r in rows]
