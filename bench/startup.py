"""Touchscreen start-up and tap-to-balance, offscreen, with a district-sized database.

    python bench/startup.py [--volunteers 450000] [--taps 50] [--runs 3]

Builds the demo shop plus N volunteers with cards and balances (once, in a scratch folder
under var/), then starts the kiosk in a fresh Python process each run, measuring:
- cold start: from launching the process to the idle screen's first paint (Qt offscreen);
- RSS of that process at idle;
- tap to balance painted: a card event from the simulated reader to the first paint of the
  balance screen (look-up on the worker thread, result by signal, screen drawn), per tap.
The last line is a JSON object with cold_start_s, rss_mb and tap_to_balance_ms (medians).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(db: Path, volunteers: int, taps: int) -> None:
    """The kiosk process: paints idle, reports RSS, then measures taps."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from bench.common import bench_config
    from kiosk.app import build_kiosk
    from kiosk.core.session_flow import Finish, Screen
    from kiosk.hardware.simulated import SimulatedCardReader, TextFilePrinter
    from kiosk.services import build
    from kiosk.ui.keyboard import enable_input_method

    enable_input_method()   # as kiosk.app.run does (on_screen_keyboard is on by default)
    app = QApplication([])
    services = build(bench_config(db), create=True)
    reader = SimulatedCardReader("bench reader")
    kiosk = build_kiosk(services, TextFilePrinter(db.parent / "receipts.txt"), [reader],
                        size=(1920, 1080))
    window = kiosk.window
    assert window is not None

    class PaintWatch(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.painted: set[int] = set()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted.add(id(watched))
            return False

    watch = PaintWatch()
    idle, balance = window.screens[Screen.IDLE], window.screens[Screen.BALANCE]
    idle.installEventFilter(watch)
    balance.installEventFilter(watch)
    window.show()
    kiosk.start_devices()
    while id(idle) not in watch.painted:
        app.processEvents()
    print("painted", flush=True)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and kiosk.worker.pending:
        app.processEvents()  # the featured goods arrive from the worker
    rss_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text()
                  .splitlines() if line.startswith("VmRSS:"))
    timings = []
    rng = random.Random(7)
    for _ in range(taps):
        card = f"BENCH-{rng.randrange(volunteers)}"
        watch.painted.discard(id(balance))
        start = time.perf_counter()
        reader.present(card)
        while id(balance) not in watch.painted:
            app.processEvents()
        timings.append((time.perf_counter() - start) * 1000)
        kiosk.controller.send(Finish())  # back to idle (Back from balance)
        reader.remove()
        while kiosk.controller.state.screen != Screen.IDLE or kiosk.worker.pending:
            app.processEvents()
    print(json.dumps({"rss_kb": rss_kb, "taps_ms": timings}), flush=True)
    kiosk.stop()
    services.conn.close()


def make_database(volunteers: int) -> Path:
    from bench.common import rich_shop

    folder = ROOT / "var" / "bench-startup"
    db = folder / f"district-{volunteers}.sqlite"
    if db.exists():
        return db
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    services = rich_shop(folder / "building.sqlite", volunteers)
    services.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    services.conn.close()
    (folder / "building.sqlite").rename(db)
    print(f"built a {volunteers}-volunteer database in {time.perf_counter() - started:.1f} s",
          flush=True)
    return db


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--volunteers", type=int, default=450_000)
    p.add_argument("--taps", type=int, default=50)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.volunteers, args.taps)
        return
    db = make_database(args.volunteers)
    cold, rss, taps = [], [], []
    for run in range(args.runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(db), "--volunteers",
             str(args.volunteers), "--taps", str(args.taps)],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "painted", line
        cold.append(time.perf_counter() - started)
        result = json.loads(proc.stdout.readline())
        proc.wait(timeout=120)
        rss.append(result["rss_kb"] / 1024)
        taps.extend(result["taps_ms"])
        print(f"run {run + 1}: cold start {cold[-1]:.2f} s, RSS {rss[-1]:.0f} MB, tap median "
              f"{statistics.median(result['taps_ms']):.1f} ms", flush=True)
    ordered = sorted(taps)
    print(json.dumps({
        "volunteers": args.volunteers,
        "cold_start_s": round(statistics.median(cold), 3),
        "rss_mb": round(statistics.median(rss), 1),
        "tap_to_balance_ms": round(statistics.median(taps), 2),
        "tap_to_balance_p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        "taps": len(taps),
    }))


if __name__ == "__main__":
    main()
