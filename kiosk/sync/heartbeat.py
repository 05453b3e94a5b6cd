"""The heartbeat: after every sync round the daemon tells the district how the kiosk is.

A social worker cannot watch twenty kiosks; the district can, if each one reports: program
version, last sale, how many entries still wait to be sent, printer and readers, disk space.
Everything here is read from the database (the app records device states in
``kiosk.core.device_status``), so the daemon never touches a device. Sent signed like any other
request; a heartbeat that fails is logged and forgotten: the next round sends a fresh one.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core import clock_check, device_status, orders, service_stops, sync_status
from kiosk.core.clock import Clock, to_db
from kiosk.core.db import database_file, read_transaction
from kiosk.sync.transport import SyncError, Transport
from points_protocol import messages


def disk_free_bytes(conn: sqlite3.Connection) -> int | None:
    """Free bytes on the filesystem that holds the main database file (None: in memory)."""
    file = database_file(conn)
    return None if file is None else shutil.disk_usage(Path(file).parent).free


def build(conn: sqlite3.Connection, clock: Clock, *, round_ok: bool) -> dict[str, Any]:
    """The heartbeat body (see docs/protocol/README.md)."""
    now = clock.now()
    with read_transaction(conn):
        last_sale = orders.last_sale_at(conn)
        pending = sync_status.waiting(conn)
        devices = device_status.latest(conn)
        problem = clock_check.clock_problem(conn, now)
        stops = service_stops.current(conn)
    return {
        "version": __version__,
        "sent_at": to_db(now),
        "last_sale_at": last_sale,
        "pending": pending,
        "last_round_ok": round_ok,
        "disk_free_bytes": disk_free_bytes(conn),
        "clock_ok": problem is None,
        "clock_problem": None if problem is None else problem.detail,
        "out_of_service": [f"{s.reason}: {s.detail}" for s in stops],
        "devices": [{"device": d.device, "kind": d.kind, "status": d.status,
                     "detail": d.detail, "at": d.at} for d in devices],
    }


def send(conn: sqlite3.Connection, transport: Transport, clock: Clock, *,
         round_ok: bool) -> dict[str, Any]:
    """Build and post one heartbeat; raises SyncError unless the district took it."""
    body = build(conn, clock, round_ok=round_ok)
    status, answer = transport.request(
        "POST", messages.HEARTBEAT_PATH, json.dumps(body, ensure_ascii=False).encode())
    if status != 200:
        raise SyncError(f"heartbeat: HTTP {status}: {answer[:120]!r}")
    return body
