"""A district put back to an older backup (packaging/district/README.md: pg_dump per district
schema on PostgreSQL; a copy of the file on SQLite) has lost the entries kiosks pushed after
that backup, and the kiosks no longer count them as waiting. Each kiosk still holds its whole
outbox: at its next round it finds the district behind what it acknowledged, sends the lost
entries again, and every later sale goes through. Before, every push was answered
"not processed: expected sequence N" for good."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from district.store import Store
from kiosk.core import service_stops, sync_status
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.sync.client import HttpTransport
from kiosk.sync.daemon import Daemon
from tests.conftest import ManualClock
from tests.live_district import LiveServer, make_kiosk, seed_district
from tests.pg_cluster import BIN

ZHANG = PresentedCard("04A1B2C3D4E5F6")


def _schema(name: str) -> str:
    return f"d_{name}"


def back_up(location: str, name: str, to: Path) -> None:
    if location.startswith("postgresql"):
        subprocess.run([str(BIN / "pg_dump"), "--format=custom", f"--schema={_schema(name)}",
                        f"--file={to}", location], check=True, capture_output=True)
        return
    with sqlite3.connect(location) as live, sqlite3.connect(to) as copy:
        live.backup(copy)
    live.close()
    copy.close()


def restore(location: str, name: str, backup: Path) -> None:
    """The documented procedure, with the district stopped: drop, then restore."""
    if location.startswith("postgresql"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{_schema(name)}" CASCADE')
        subprocess.run([str(BIN / "pg_restore"), f"--dbname={location}", str(backup)],
                       check=True, capture_output=True)
        return
    for suffix in ("-wal", "-shm"):
        Path(location + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup, location)


def counts(store: Store) -> tuple[int, int, int]:
    entries = int(store.query("SELECT COUNT(*) FROM entries")[0][0])
    conflicts = int(store.query("SELECT COUNT(*) FROM conflicts")[0][0])
    return entries, conflicts, store.applied_seq("k1")


@pytest.mark.expect_log(
    r"holds this kiosk.s entries only up to sequence 4 \(put back to an older backup\?\): "
    r"sending 3 entries again")
def test_a_district_put_back_to_an_older_backup_gets_the_lost_entries_again(
        district_location: tuple[str, str], tmp_path: Path, clock: ManualClock) -> None:
    location, name = district_location
    store = Store(location, district=name)
    seed_district(store)
    server = LiveServer(store).start()
    kiosk = make_kiosk(tmp_path, "k1", store, server.url, clock)
    kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert kiosk.daemon.run_once() is not None
    dump = tmp_path / "district.backup"
    back_up(location, name, dump)
    behind = counts(store)

    for _ in range(3):
        kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert kiosk.daemon.run_once() is not None
    before_restore = counts(store)
    assert before_restore[2] == behind[2] + 3
    assert sync_status.waiting(kiosk.conn) == 0
    server.stop()
    store.close()
    kiosk.transport.close()

    restore(location, name, dump)
    store = Store(location, district=name)
    assert counts(store) == behind
    server = LiveServer(store).start()
    transport = HttpTransport(server.url, "k1", kiosk.key, connect_timeout=5, read_timeout=30)
    config = kiosk.services.config
    daemon = Daemon(kiosk.conn, transport, clock, "k1", config.sync)
    try:
        kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
        assert daemon.run_once() is not None, sync_status.status(kiosk.conn)["last_error"]
        entries, conflicts, applied = counts(store)
        assert (entries, conflicts) == (before_restore[0] + 1, before_restore[1])
        assert applied == before_restore[2] + 1
        assert sync_status.waiting(kiosk.conn) == 0
        assert service_stops.current(kiosk.conn) == []
        assert store.verify() == []
    finally:
        server.stop()
        store.close()
        transport.close()
        kiosk.services.conn.close()
