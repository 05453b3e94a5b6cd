"""Checkout cost next to the physical limit: one bare durable SQLite commit on the same disk.

    python bench/checkout.py [--runs 300]

Both use the kiosk's pragmas (WAL, synchronous=FULL) and BEGIN IMMEDIATE; the checkout is a
3-line basket (one item with a per-person limit) through the real Checkout service.
Last line: a JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile, rich_shop, work_dir
from kiosk.core.db import connect, write_transaction
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard

BASKET = [CartLine("soap", 1), CartLine("toothbrush", 2), CartLine("notebooks", 1)]


def bare_commits(path: Path, runs: int) -> list[float]:
    conn = connect(path)
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, payload TEXT)")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with write_transaction(conn):
            conn.execute("INSERT INTO t VALUES (?, ?)", (uuid7(), "x" * 200))
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return times


def checkouts(path: Path, runs: int) -> list[float]:
    services = rich_shop(path, volunteers=runs)
    times = []
    for n in range(runs):
        order_id, card = uuid7(), PresentedCard(f"BENCH-{n}")
        start = time.perf_counter()
        services.checkout.checkout(order_id, card, BASKET)
        times.append((time.perf_counter() - start) * 1000)
    services.conn.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    folder = work_dir("bench-checkout-")
    try:
        # Interleave halves so a noisy neighbour hurts both sides alike.
        bare = bare_commits(folder / "bare.sqlite", args.runs // 2)
        sales = checkouts(folder / "kiosk.sqlite", args.runs // 2)
        bare += bare_commits(folder / "bare2.sqlite", args.runs // 2)
        sales += checkouts(folder / "kiosk2.sqlite", args.runs // 2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "runs": len(sales),
        "checkout_p50_ms": round(percentile(sales, 50), 3),
        "checkout_p99_ms": round(percentile(sales, 99), 3),
        "bare_commit_p50_ms": round(percentile(bare, 50), 3),
        "bare_commit_p99_ms": round(percentile(bare, 99), 3),
    }
    figures["ratio_p50"] = round(figures["checkout_p50_ms"] / figures["bare_commit_p50_ms"], 2)
    print(f"3-line checkout p50 {figures['checkout_p50_ms']} ms vs one bare durable commit "
          f"{figures['bare_commit_p50_ms']} ms (ratio {figures['ratio_p50']}; target <= 1.5)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
