"""Helpers shared by the benchmarks: a seeded demo shop in a fresh directory, percentiles."""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import replace
from pathlib import Path

from kiosk import demo
from kiosk.config import Config, DatabaseSection, OfflineSection
from kiosk.core import cards, catalogue, ledger, stock, sync_status
from kiosk.core.clock import SystemClock, to_db
from kiosk.services import Services, build

ROOT = Path(__file__).resolve().parent.parent
RICH = 10**9  # a balance no benchmark or crash run can spend


def work_dir(prefix: str) -> Path:
    """A scratch directory on the same disk as the kiosk's own database (var/)."""
    (ROOT / "var").mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=ROOT / "var"))


def bench_config(db: Path) -> Config:
    """Default config; the kiosk counts as online for a week after :func:`rich_shop` marks a
    sync, so runs measure commits, not offline-cap refusals."""
    return replace(Config(), base_dir=db.parent, database=DatabaseSection(path=str(db)),
                   offline=OfflineSection(after_seconds=7 * 86400))


def rich_shop(db: Path, volunteers: int = 1) -> Services:
    """The demo shop with stock that never runs out and ``volunteers`` rich volunteers whose
    cards are BENCH-0, BENCH-1, ... (a fresh one per sale keeps per-person limits open)."""
    services = build(bench_config(db), SystemClock(), create=True)
    demo.seed(services)
    goods = [e.item_id for e in catalogue.entries(services.conn) if e.stock is not None]
    stock.restock(services.conn, services.clock, [stock.Restock(i, 10**7) for i in goods],
                  donor_id=None, note="benchmark stock")
    ids = [f"B{n}" for n in range(volunteers)]
    cards.upsert_volunteers(services.conn, [cards.VolunteerRecord(v, "张*华") for v in ids])
    cards.upsert_cards(services.conn, [cards.CardRecord(f"BENCH-{n}", v)
                                       for n, v in enumerate(ids)])
    seen = int(services.conn.execute("SELECT MAX(seq) FROM outbox").fetchone()[0])
    ledger.apply_snapshots(services.conn, [ledger.Snapshot(v, RICH, seen, services.clock.now())
                                           for v in ids])
    sync_status.mark_success(services.conn, to_db(services.clock.now()))
    return services


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(p) - 1]
