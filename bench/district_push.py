"""Pushes from many kiosks at once into one district on PostgreSQL (or SQLite), over real HTTP.

    python bench/district_push.py --postgres --kiosks 20 --volunteers 450000
    python bench/district_push.py --database postgresql://u@host/db --kiosks 20 --volunteers 450000

The register (volunteers, cards, opening balances) is loaded with COPY (timed: ``build_s``).
The district runs as ``kiosk-district serve`` in processes of its own; each kiosk is a thread
here that signs and posts batches of one-line sales of random volunteers (the load generator
shares the machine with the server). Then, for scale, the same rows the pushes wrote (orders,
lines, transfers, stock, entries) are inserted bare with ``executemany``, a commit per batch,
into scratch copies of those tables: ``bare_rows_per_s`` in entries per second. Last, the
balance of random volunteers is read directly (``balance_read_p99_ms``).

Last line: JSON with ``database``, ``kiosks``, ``volunteers``, ``entries_per_s``,
``push_p50_ms``, ``push_p99_ms``, ``bare_rows_per_s``, ``ratio``, ``build_s``,
``balance_read_p99_ms``, ``load``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from district.bulk import RegisterRow, load_register  # noqa: E402
from district.db.engine import is_postgres_url  # noqa: E402
from district.store import Store  # noqa: E402
from points_protocol import signing  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402

PRICE = 30


def log(text: str) -> None:
    print(text, flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def card(i: int) -> str:
    return f"04{i:012X}"


def serve(database: str, district: str, workers: int) -> tuple[list[subprocess.Popen[bytes]],
                                                               int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    processes = [subprocess.Popen(
        [sys.executable, "-m", "district.cli", "--database", database, "--district", district,
         "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).ok:
                return processes, port
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or processes[0].poll() is not None:
            raise RuntimeError("district server did not start")
        time.sleep(0.2)


def sale(kiosk: str, rng: random.Random, volunteers: int) -> dict[str, object]:
    i = rng.randrange(volunteers)
    order_id = str(uuid.uuid4())
    to = "donation_pool" if rng.random() < 0.2 else f"sales:{kiosk}"
    return {"order_id": order_id, "kind": "sale", "voids_order_id": None, "card_id": card(i),
            "volunteer_id": f"V{i:07d}", "created_at": time.strftime(
                "%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()), "total": PRICE, "offline": False,
            "reason": None, "lines": [{"item_id": "soap", "quantity": 1, "unit_price": PRICE,
                                       "amount": PRICE}],
            "transfers": [{"id": f"{order_id}-t", "from": f"volunteer:V{i:07d}", "to": to,
                           "amount": PRICE}],
            "stock": [{"item_id": "soap", "delta": -1}]}


class KioskLoad(threading.Thread):
    def __init__(self, url: str, kiosk: str, key: Ed25519PrivateKey, *, volunteers: int,
                 batch: int, until: float) -> None:
        super().__init__(daemon=True)
        self.url, self.kiosk, self.key = url, kiosk, key
        self.volunteers, self.batch, self.until = volunteers, batch, until
        self.rng = random.Random(kiosk)
        self.latencies: list[float] = []
        self.entries = 0
        self.errors = 0
        self.seq = 0

    def run(self) -> None:
        session = requests.Session()
        while time.monotonic() < self.until:
            entries = []
            for _ in range(self.batch):
                self.seq += 1
                payload = sale(self.kiosk, self.rng, self.volunteers)
                entries.append({"seq": self.seq, "entry_id": payload["order_id"],
                                "kind": "sale", "kiosk_id": self.kiosk, "payload": payload})
            body = json.dumps({"idempotency_key": f"{self.kiosk}-batch-{self.seq:09d}",
                               "entries": entries}).encode()
            headers = signing.signed_headers(self.key, self.kiosk, method="POST",
                                             path="/v1/push", body=body,
                                             timestamp=int(time.time()))
            headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            answer = session.post(self.url + "/v1/push", data=body, headers=headers,
                                  timeout=120)
            self.latencies.append((time.perf_counter() - started) * 1000)
            statuses = [r["status"] for r in answer.json()["results"]] if answer.ok else []
            if statuses.count("applied") != self.batch:
                self.errors += 1
            self.entries += statuses.count("applied")


def _inserter(cur: Any, mark: str) -> Any:
    def many(table: str, rows: list[tuple[object, ...]]) -> None:
        marks = ", ".join([mark] * len(rows[0]))
        cur.executemany(f"INSERT INTO bare_{table} VALUES ({marks})", rows)

    return many


def bare_rate(store: Store, entries: int, batch: int) -> float:
    """The same rows per entry as a push writes, inserted bare (executemany, one commit per
    batch) into scratch copies of the district's tables: the floor for this server and disk."""
    names = ("orders", "order_lines", "transfers", "stock_movements", "entries")
    with store.db.write() as conn:
        for name in names:
            conn.exec_driver_sql(f"CREATE TABLE bare_{name} AS SELECT * FROM {name} LIMIT 0")
    started = time.perf_counter()
    done = 0
    at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    while done < entries:
        ids = [str(uuid.uuid4()) for _ in range(batch)]
        with store.db.write() as conn:
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            many = _inserter(cur, "%s" if store.db.is_postgres else "?")
            many("orders", [(i, "k", "sale", "V1", "04", PRICE, False, None, at, "d", at)
                            for i in ids])
            many("order_lines", [(i, 1, "soap", 1, PRICE, PRICE) for i in ids])
            many("transfers", [(i + "-t", i, "order", "volunteer:V1", "sales:k", PRICE, "k",
                                at) for i in ids])
            many("stock_movements", [(n + done, "k", i, "soap", -1, "sale", None)
                                     for n, i in enumerate(ids)])
            many("entries", [(i, "k", n + done, "sale", "h" * 64, "{}", "applied", None, at)
                             for n, i in enumerate(ids)])
        done += batch
    rate = done / (time.perf_counter() - started)
    with store.db.write() as conn:
        for name in names:
            conn.exec_driver_sql(f"DROP TABLE bare_{name}")
    return rate


def balance_reads(store: Store, volunteers: int, n: int = 2000) -> float:
    rng = random.Random(7)
    times = []
    with store.db.engine.connect() as conn:
        for _ in range(n):
            account = f"volunteer:V{rng.randrange(volunteers):07d}"
            started = time.perf_counter()
            conn.exec_driver_sql(
                "SELECT COALESCE(SUM(balance), 0) FROM balances WHERE account = "
                + ("%(a)s" if store.db.is_postgres else ":a"), {"a": account}).scalar()
            times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 99)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", help="postgresql://... (or an SQLite path)")
    where.add_argument("--postgres", action="store_true",
                       help="start a throwaway PostgreSQL cluster (fsync on)")
    p.add_argument("--district", default="bench")
    p.add_argument("--kiosks", type=int, default=20)
    p.add_argument("--volunteers", type=int, default=450_000)
    p.add_argument("--batch", type=int, default=50, help="entries per push")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--workers", type=int, default=2, help="server processes")
    args = p.parse_args(argv)
    with contextlib.ExitStack() as stack:
        database = args.database
        if args.postgres:
            database = stack.enter_context(PgCluster(fsync=True)).create_database("bench")
        if is_postgres_url(database):
            import psycopg

            with psycopg.connect(database.replace("+psycopg", ""), autocommit=True) as c:
                c.execute(f"DROP SCHEMA IF EXISTS d_{args.district} CASCADE")
        store = stack.enter_context(Store(database, district=args.district))
        started = time.perf_counter()
        load_register(store.db, (RegisterRow(f"V{i:07d}", "张*华", card(i), 10**7)
                                 for i in range(args.volunteers)))
        store.upsert_items([{"id": "soap", "name_zh": "香皂", "name_en": "Soap",
                             "category": "health", "kind": "goods", "price": PRICE}])
        build_s = time.perf_counter() - started
        log(f"register of {args.volunteers} built in {build_s:.1f} s")
        if store.db.is_postgres:
            with store.db.write() as conn:
                conn.exec_driver_sql("ANALYZE")
        keys = {f"bk{k}": Ed25519PrivateKey.generate() for k in range(args.kiosks)}
        for kiosk, key in keys.items():
            store.register_kiosk(kiosk, signing.public_key_text(key))
        processes, port = serve(database, args.district, args.workers)
        try:
            until = time.monotonic() + args.seconds
            loads = [KioskLoad(f"http://127.0.0.1:{port}", k, key, volunteers=args.volunteers,
                               batch=args.batch, until=until) for k, key in keys.items()]
            started = time.perf_counter()
            for t in loads:
                t.start()
            for t in loads:
                t.join()
            elapsed = time.perf_counter() - started
            load = os.getloadavg()[0]
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=60)
        entries = sum(t.entries for t in loads)
        latencies = [x for t in loads for x in t.latencies]
        log(f"{entries} entries applied in {elapsed:.1f} s, "
            f"{sum(t.errors for t in loads)} batches not fully applied")
        bare = bare_rate(store, min(entries, 20_000), args.batch)
        read_p99 = balance_reads(store, args.volunteers)
        problems = store.verify() if args.volunteers <= 500_000 else []
    print(json.dumps({
        "database": "postgresql" if is_postgres_url(database) else "sqlite",
        "kiosks": args.kiosks, "volunteers": args.volunteers, "batch": args.batch,
        "entries_per_s": round(entries / elapsed), "push_p50_ms": round(percentile(
            latencies, 50), 1), "push_p99_ms": round(percentile(latencies, 99), 1),
        "bare_rows_per_s": round(bare), "ratio": round(entries / elapsed / max(bare, 1), 3),
        "build_s": round(build_s, 1), "balance_read_p99_ms": round(read_p99, 3),
        "verify_problems": len(problems), "load": round(load, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
