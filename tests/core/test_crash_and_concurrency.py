"""Durability under SIGKILL, and two processes writing one database file at once."""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.synchronize
import subprocess
import sys
from pathlib import Path

from kiosk.core import cards, ledger
from kiosk.core.db import open_database
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard

ROOT = Path(__file__).resolve().parent.parent.parent


def test_crash_harness_loses_nothing() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "crash.py"), "--kills", "6"],
                            capture_output=True, text=True, check=True, timeout=240)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["kills"] == 6
    assert figures["acknowledged"] > 0  # the children really sold something before dying
    assert figures["lost"] == 0
    assert figures["partial"] == 0
    assert figures["wrong_balances"] == 0
    assert figures["integrity_ok"] is True


VOLUNTEERS = 30_000


def _checkout_loop(db: str, count: int, queue: multiprocessing.Queue,  # type: ignore[type-arg]
                   start: multiprocessing.synchronize.Barrier) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.common import bench_config
    from kiosk.services import build
    try:
        services = build(bench_config(Path(db)), create=True)
        start.wait(timeout=120)  # both processes write from the same moment on
        for n in range(count):
            services.checkout.checkout(uuid7(), PresentedCard(f"BENCH-{n % 20}"),
                                       [CartLine("toothbrush", 1), CartLine("notebooks", 1)])
        queue.put(("checkout", "ok"))
    except Exception as exc:  # reported to the parent, which fails the test with it
        queue.put(("checkout", repr(exc)))


def _snapshot_loop(db: str, queue: multiprocessing.Queue,  # type: ignore[type-arg]
                   start: multiprocessing.synchronize.Barrier) -> None:
    from datetime import UTC, datetime
    try:
        conn = open_database(db)
        start.wait(timeout=120)
        now = datetime.now(UTC)
        applied = ledger.apply_snapshots(conn, (
            ledger.Snapshot(f"X{n}", n % 500, 0, now) for n in range(VOLUNTEERS)),
            chunk_size=2000)
        queue.put(("snapshots", "ok" if applied == VOLUNTEERS else f"applied {applied}"))
    except Exception as exc:
        queue.put(("snapshots", repr(exc)))


def test_checkouts_and_bulk_snapshots_in_two_processes(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.common import rich_shop
    db = tmp_path / "kiosk.sqlite"
    services = rich_shop(db, volunteers=20)
    cards.upsert_volunteers(services.conn, [cards.VolunteerRecord(f"X{n}", "王*")
                                            for n in range(VOLUNTEERS)])
    before = services.conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    ctx = multiprocessing.get_context("spawn")
    queue, start = ctx.Queue(), ctx.Barrier(2)
    workers = [ctx.Process(target=_checkout_loop, args=(str(db), 150, queue, start)),
               ctx.Process(target=_snapshot_loop, args=(str(db), queue, start))]
    for w in workers:
        w.start()
    results = dict(queue.get(timeout=240) for _ in workers)
    for w in workers:
        w.join(timeout=60)
    assert results == {"checkout": "ok", "snapshots": "ok"}  # never "database is locked"
    conn = services.conn
    assert conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == before + 150
    assert conn.execute("SELECT COUNT(*) FROM balance_snapshots WHERE volunteer_id LIKE 'X%'"
                        ).fetchone()[0] == VOLUNTEERS
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
