"""Pushes from many kiosks at once into one district on PostgreSQL (or SQLite), over real HTTP.

    python bench/district_push.py --postgres --kiosks 20 --volunteers 450000
    python bench/district_push.py --postgres --kiosks 20 --volunteers 450000 --closed-loop
    python bench/district_push.py --database postgresql://u@host/db --kiosks 20 --volunteers 450000

The register (volunteers, cards, opening balances) is loaded with COPY (timed: ``build_s``),
then vacuumed and analysed. The district runs as ``kiosk-district serve`` in processes of its
own; each kiosk is a thread here that signs and posts batches of one-line sales of random
volunteers (the load generator shares the machine with the server). Open loop, each kiosk's
outbox for the whole run is written before the window opens, as a real kiosk's sales are
written before their push is due; requests are signed as they are sent.

The load model. Real kiosks push on a schedule, whatever the server is doing, so by default
the load is *open*: the kiosks together offer ``--rate`` entries/s (default 2,000), each
pushing a batch of ``--batch`` entries every ``batch * kiosks / rate`` seconds (0.5 s for 20
kiosks, 50 entries, 2,000/s), from a random phase and with +-20 % jitter on each push. A
kiosk has one push in flight at a time (its sequence is ordered); if an answer comes late,
the next batch, already due, goes at once. Each push's latency is measured from the time it
was *scheduled*, not sent, so time spent queueing behind a slow server counts (no coordinated
omission): ``push_p50_ms`` and ``push_p99_ms``. ``entries_per_s`` is what was applied over the
run, or over the longer time it took to answer the last scheduled push if the server fell
behind: under the offered rate it means the server did not keep up.

``--closed-loop`` instead has every kiosk send its next batch as soon as the last is answered:
the saturation throughput, ``max_entries_per_s``. Its latencies are throughput-bound by
construction (kiosks * batch entries always in flight, Little's law), so they say nothing
about a real district's wait.

Then, for scale, the same rows the pushes wrote (orders, lines, transfers, stock, entries) are
inserted bare with ``executemany``, a commit per batch, into scratch copies of those tables:
``bare_rows_per_s`` in entries per second. Last, the balance of random volunteers is read
directly (``balance_read_p99_ms``). ``load`` is the 1-minute load average at the end of the
pushes (``load_before``: before the server started), so a reader sees how busy the machine
was. ``cpu_ms_per_entry_server``, ``_postgresql`` and ``_load_generator``: the CPU time each
spent in the push window per applied entry (from /proc: the server's processes, the
throwaway cluster's processes, this process), which a busy shared machine disturbs far less
than it disturbs the latencies.

Last line: JSON with ``database``, ``kiosks``, ``volunteers``, ``model``, ``rate``,
``entries_per_s`` (closed loop: also ``max_entries_per_s``), ``push_p50_ms``, ``push_p99_ms``,
``bare_rows_per_s``, ``ratio``, ``build_s``, ``balance_read_p99_ms``, the ``cpu_ms_per_entry_*``
figures, ``load``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
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


def cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) of these processes and all their descendants, from /proc:
    the server's workers, or PostgreSQL's backends. Children that exited count through their
    parent's cutime/cstime."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(name)] = int(fields[1])
        times[int(name)] = sum(int(x) for x in fields[11:15]) / tick
    total = 0.0
    for pid, cpu in times.items():
        seen = pid
        while seen not in roots and seen in parents and seen > 1:
            seen = parents[seen]
        if seen in roots:
            total += cpu
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    """One kiosk: pushes ``batch`` sales per push, on a schedule (open loop, ``interval`` s
    apart from a random phase, with jitter) or back to back (``interval`` None).

    Open loop, the kiosk's whole outbox for the run is written before it starts
    (:meth:`prepare`), as a real kiosk's sales are in its outbox before their push is due:
    during the window this process only signs and sends, so the load generator takes as
    little as it can of the cores it shares with the server. Latency still counts from the
    scheduled time; the requests are signed when sent (fresh time and nonce)."""

    def __init__(self, url: str, kiosk: str, key: Ed25519PrivateKey, *, volunteers: int,
                 batch: int, seconds: float, interval: float | None) -> None:
        super().__init__(daemon=True)
        self.url, self.kiosk, self.key = url, kiosk, key
        self.volunteers, self.batch = volunteers, batch
        self.seconds, self.interval = seconds, interval
        self.rng = random.Random(kiosk)
        self.latencies: list[float] = []
        self.entries = 0
        self.errors = 0
        self.seq = 0
        self.start_at = self.last_answer = 0.0
        self.plan: list[tuple[float, bytes]] = []   # open loop: (due after start, body)

    def prepare(self) -> None:
        """Open loop: when each push is due (seconds after the start, from a random phase,
        with jitter) and its body."""
        if self.interval is None:
            return
        phase = self.rng.uniform(0, self.interval)
        n = 0
        while (due := phase + n * self.interval) < self.seconds:
            self.plan.append((due + self.rng.uniform(-0.2, 0.2) * self.interval, self.body()))
            n += 1

    def pushes(self) -> Iterator[tuple[float, bytes]]:
        """(when due on the monotonic clock, body) of each push."""
        if self.interval is None:
            while time.monotonic() < self.start_at + self.seconds:
                yield time.monotonic(), self.body()
            return
        for offset, body in self.plan:
            yield self.start_at + offset, body

    def body(self) -> bytes:
        entries = []
        for _ in range(self.batch):
            self.seq += 1
            payload = sale(self.kiosk, self.rng, self.volunteers)
            entries.append({"seq": self.seq, "entry_id": payload["order_id"],
                            "kind": "sale", "kiosk_id": self.kiosk, "payload": payload})
        return json.dumps({"idempotency_key": f"{self.kiosk}-batch-{self.seq:09d}",
                           "entries": entries}).encode()

    def go(self, start: float) -> None:
        self.start_at = self.last_answer = start
        self.start()

    def run(self) -> None:
        session = requests.Session()
        for due, body in self.pushes():
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            headers = signing.signed_headers(self.key, self.kiosk, method="POST",
                                             path="/v1/push", body=body,
                                             timestamp=int(time.time()))
            headers["Content-Type"] = "application/json"
            answer = session.post(self.url + "/v1/push", data=body, headers=headers,
                                  timeout=120)
            self.last_answer = time.monotonic()
            self.latencies.append((self.last_answer - due) * 1000)
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


def arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", help="postgresql://... (or an SQLite path)")
    where.add_argument("--postgres", action="store_true",
                       help="start a throwaway PostgreSQL cluster (fsync on)")
    p.add_argument("--district", default="bench")
    p.add_argument("--kiosks", type=int, default=20)
    p.add_argument("--volunteers", type=int, default=450_000)
    p.add_argument("--batch", type=int, default=50, help="entries per push")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--rate", type=float, default=2000,
                   help="entries/s offered by all kiosks together (open loop)")
    p.add_argument("--closed-loop", action="store_true",
                   help="push back to back instead: the saturation throughput")
    p.add_argument("--workers", type=int, default=2, help="server processes")
    return p.parse_args(argv)


def build(store: Store, volunteers: int) -> float:
    """The register, the catalogue's one item; seconds taken."""
    started = time.perf_counter()
    load_register(store.db, (RegisterRow(f"V{i:07d}", "张*华", card(i), 10**7)
                             for i in range(volunteers)))
    store.upsert_items([{"id": "soap", "name_zh": "香皂", "name_en": "Soap",
                         "category": "health", "kind": "goods", "price": PRICE}])
    build_s = time.perf_counter() - started
    log(f"register of {volunteers} built in {build_s:.1f} s")
    if store.db.is_postgres:
        # VACUUM too, as a district's register loaded long ago has been: otherwise autovacuum
        # comes to the freshly loaded tables (millions of rows) in the middle of the pushes.
        with store.db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM (ANALYZE)")
    return build_s


def run_pushes(database: str, args: argparse.Namespace, keys: dict[str, Ed25519PrivateKey],
               postmaster: int | None) -> tuple[list[KioskLoad], float, float,
                                                dict[str, float]]:
    """The kiosks' pushes against a server of its own; (kiosks, seconds, load average, CPU
    seconds spent in the window by the server, PostgreSQL and this load generator)."""
    interval = None if args.closed_loop else args.batch * args.kiosks / args.rate
    loads = [KioskLoad("", k, key, volunteers=args.volunteers, batch=args.batch,
                       seconds=args.seconds, interval=interval) for k, key in keys.items()]
    for t in loads:
        t.prepare()
    processes, port = serve(database, args.district, args.workers)
    try:
        server = [p.pid for p in processes]
        before = {"server": cpu_seconds(server), "load_generator": own_cpu_seconds(),
                  "postgresql": cpu_seconds([postmaster]) if postmaster else 0.0}
        start = time.monotonic() + 0.5
        for t in loads:
            t.url = f"http://127.0.0.1:{port}"
            t.go(start)
        for t in loads:
            t.join()
        cpu = {"server": cpu_seconds(server) - before["server"],
               "load_generator": own_cpu_seconds() - before["load_generator"]}
        if postmaster:
            cpu["postgresql"] = cpu_seconds([postmaster]) - before["postgresql"]
        # Open loop: the window the pushes were offered in, or longer if the server fell
        # behind and answered the last of them late.
        elapsed = max(args.seconds, max(t.last_answer for t in loads) - start)
        return loads, elapsed, os.getloadavg()[0], cpu
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=60)


def postmaster_of(cluster: PgCluster | None) -> int | None:
    """The throwaway cluster's postmaster (its backends are its children)."""
    if cluster is None:
        return None
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    with contextlib.ExitStack() as stack:
        database = args.database
        cluster = None
        if args.postgres:
            cluster = stack.enter_context(PgCluster(fsync=True))
            database = cluster.create_database("bench")
        if is_postgres_url(database):
            import psycopg

            with psycopg.connect(database.replace("+psycopg", ""), autocommit=True) as c:
                c.execute(f"DROP SCHEMA IF EXISTS d_{args.district} CASCADE")
        store = stack.enter_context(Store(database, district=args.district))
        build_s = build(store, args.volunteers)
        keys = {f"bk{k}": Ed25519PrivateKey.generate() for k in range(args.kiosks)}
        for kiosk, key in keys.items():
            store.register_kiosk(kiosk, signing.public_key_text(key))
        load_before = os.getloadavg()[0]
        loads, elapsed, load, cpu = run_pushes(database, args, keys, postmaster_of(cluster))
        entries = sum(t.entries for t in loads)
        latencies = [x for t in loads for x in t.latencies]
        log(f"{entries} entries applied in {elapsed:.1f} s, "
            f"{sum(t.errors for t in loads)} batches not fully applied")
        bare = bare_rate(store, min(entries, 20_000), args.batch)
        read_p99 = balance_reads(store, args.volunteers)
        problems = store.verify() if args.volunteers <= 500_000 else []
    rate = entries / elapsed
    figures: dict[str, object] = {
        "database": "postgresql" if is_postgres_url(database) else "sqlite",
        "kiosks": args.kiosks, "volunteers": args.volunteers, "batch": args.batch,
        "model": "closed" if args.closed_loop else "open",
        "rate": None if args.closed_loop else args.rate, "entries_per_s": round(rate)}
    if args.closed_loop:
        figures["max_entries_per_s"] = round(rate)
    figures.update({
        "push_p50_ms": round(percentile(latencies, 50), 1),
        "push_p99_ms": round(percentile(latencies, 99), 1),
        "bare_rows_per_s": round(bare), "ratio": round(rate / max(bare, 1), 3),
        "build_s": round(build_s, 1), "balance_read_p99_ms": round(read_p99, 3),
        **{f"cpu_ms_per_entry_{name}": round(seconds * 1000 / max(entries, 1), 3)
           for name, seconds in cpu.items()},
        "verify_problems": len(problems), "load": round(load, 2),
        "load_before": round(load_before, 2)})
    print(json.dumps(figures))
    return 0

if __name__ == "__main__":
    sys.exit(main())
