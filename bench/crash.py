"""Crash harness: SIGKILL a process in the middle of checkouts, then check nothing was lost.

    python bench/crash.py --kills N

A child process runs checkouts in a loop and reports "try <id>" before and "ack <id>" after
each one through a pipe. The parent kills it with SIGKILL at random moments, reopens the
database and checks that every acknowledged order is there whole (order, lines, transfers,
stock movements, outbox entry), that no basket is partial, that balances equal the fold of the
orders, and that PRAGMA integrity_check is ok. The next child first retries the order that was
in flight when its predecessor died (same id, same content): it must be applied exactly once.
Last line: a JSON object with kills, acknowledged, lost, partial, integrity_ok.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RICH, bench_config, rich_shop, work_dir
from kiosk.core import cards
from kiosk.core.db import open_database
from kiosk.core.errors import UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import build

ITEMS = ["toothbrush", "notebooks", "tissues", "sponges", "crayons", "donate-10", "venue-hour"]
VOLUNTEERS = 20


def basket_for(order_id: str) -> tuple[str, list[CartLine]]:
    """The same id always means the same card and basket, so a retry is a true retry."""
    rng = random.Random(order_id)
    lines = [CartLine(item, rng.randint(1, 3)) for item in rng.sample(ITEMS, rng.randint(1, 3))]
    return f"BENCH-{rng.randrange(VOLUNTEERS)}", lines


def child(db: Path, retry: str | None) -> None:
    services = build(bench_config(db), create=True)
    out = sys.stdout
    pending = [retry] if retry else []
    while True:
        order_id = pending.pop() if pending else uuid7()
        card, lines = basket_for(order_id)
        out.write(f"try {order_id}\n")
        out.flush()
        try:
            services.checkout.checkout(order_id, PresentedCard(card), lines)
        except UserFacingError as refusal:  # not expected with these items; never fatal
            out.write(f"refused {order_id}\n")
            print(refusal.en, file=sys.stderr)
            continue
        out.write(f"ack {order_id}\n")
        out.flush()


def run_child(db: Path, retry: str | None, lifetime: float) -> tuple[list[str], str | None]:
    cmd = [sys.executable, __file__, "--child", str(db)] + (["--retry", retry] if retry else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    acked: list[str] = []
    refused: list[str] = []
    in_flight: list[str | None] = [retry]

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            word, order_id = line.split()
            if word == "try":
                in_flight[0] = order_id
            elif word == "refused":
                refused.append(order_id)
                in_flight[0] = None
            else:
                acked.append(order_id)
                in_flight[0] = None

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(lifetime)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join()
    if refused:
        raise SystemExit(f"checkouts refused ({len(refused)}): the harness's baskets are wrong")
    return acked, in_flight[0]


def check(db: Path, acknowledged: set[str]) -> dict[str, object]:
    conn = open_database(db, startup_check="full")  # raises if integrity_check is not ok
    present = {r[0] for r in conn.execute("SELECT id FROM orders")}
    lost = acknowledged - present
    partial = 0
    for order_id, payload in conn.execute(
            "SELECT o.id, x.payload FROM orders o LEFT JOIN outbox x ON x.entry_id = o.id"):
        if payload is None:
            partial += 1
            continue
        expected = json.loads(payload)
        counts = conn.execute(
            """SELECT (SELECT COUNT(*) FROM order_lines WHERE order_id = :o),
                      (SELECT COUNT(*) FROM transfers WHERE group_id = :o),
                      (SELECT COUNT(*) FROM stock_movements WHERE order_id = :o)""",
            {"o": order_id}).fetchone()
        if tuple(counts) != (len(expected["lines"]), len(expected["transfers"]),
                             len(expected["stock"])):
            partial += 1
    wrong_balances = 0
    for n in range(VOLUNTEERS):
        holder = cards.look_up(conn, PresentedCard(f"BENCH-{n}"))
        spent = conn.execute("SELECT COALESCE(SUM(total), 0) FROM orders WHERE volunteer_id = ?",
                             (holder.volunteer_id,)).fetchone()[0]
        wrong_balances += holder.balance != RICH - spent
    ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    return {"lost": len(lost), "partial": partial, "wrong_balances": wrong_balances,
            "integrity_ok": ok, "orders": len(present)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--retry", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.retry)
        return
    rng = random.Random(args.seed)
    folder = work_dir("bench-crash-")
    db = folder / "kiosk.sqlite"
    rich_shop(db, volunteers=VOLUNTEERS).conn.close()
    acknowledged: set[str] = set()
    retried = 0
    in_flight: str | None = None
    result: dict[str, object] = {}
    try:
        for _ in range(args.kills):
            retried += in_flight is not None
            # Python start-up takes a while; kill anywhere from during it to well into the run.
            acked, in_flight = run_child(db, in_flight, rng.uniform(0.3, 1.5))
            acknowledged.update(acked)
        result = check(db, acknowledged)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures = {"kills": args.kills, "acknowledged": len(acknowledged), "retried": retried,
               **result}
    print(json.dumps(figures))
    if os.environ.get("CRASH_STRICT") and (result.get("lost") or result.get("partial")):
        sys.exit(1)


if __name__ == "__main__":
    main()
