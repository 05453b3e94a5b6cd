"""First full sync of a district-sized register, and a routine sync, over real HTTP.

    python bench/sync.py --volunteers 450000
    python bench/sync.py --volunteers 450000 --postgres                 # the district on PostgreSQL
    python bench/sync.py --volunteers 450000 --postgres --city 5000000  # ...beside a city's others

The district (reference server on uvicorn, 127.0.0.1) holds N volunteers, one card each and a
balance each; a fresh kiosk pulls it all through ``kiosk-sync``'s own code (page by page, each
page one transaction). For scale, the same rows are inserted into another fresh kiosk database
with one bare ``executemany`` per table. Then 1,000 changes on the district (credits, blocked
cards, renamed volunteers) plus 100 sales on the kiosk make one routine round.
Last line: JSON with ``first_sync_s``, ``rows_per_s``, ``bare_rows_per_s``, ``ratio``,
``routine_sync_s``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from district.bulk import RegisterRow, load_register  # noqa: E402
from district.store import Store  # noqa: E402
from kiosk import demo  # noqa: E402
from kiosk.config import Config, DatabaseSection, KioskSection, SyncSection  # noqa: E402
from kiosk.core import stock  # noqa: E402
from kiosk.core.db import open_database, write_transaction  # noqa: E402
from kiosk.core.ids import uuid7  # noqa: E402
from kiosk.core.models import CartLine, PresentedCard  # noqa: E402
from kiosk.services import build  # noqa: E402
from kiosk.sync.client import HttpTransport  # noqa: E402
from kiosk.sync.daemon import Daemon  # noqa: E402
from points_protocol import signing  # noqa: E402
from points_protocol.catalogue_file import read_catalogue  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402


def log(text: str) -> None:
    print(text, flush=True)


def make_district(store: Store, n: int, first: int = 0) -> None:
    rng = random.Random(1)
    load_register(store.db, (RegisterRow(f"V{i:07d}", "张*华", f"04{i:012X}",
                                         rng.randrange(100, 2000))
                             for i in range(first, first + n)))
    store.upsert_items([{"id": s.item_id, "name_zh": s.name_zh, "name_en": s.name_en,
                         "category": s.category.value, "kind": s.kind.value, "price": s.price}
                        for s in read_catalogue(demo.DEMO_CATALOGUE)])


def serve(database: str, district: str) -> tuple[subprocess.Popen[bytes], int]:
    """The district in its own process, as in a real deployment (it gets the other core)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "district.cli", "--database", database, "--district", district,
         "serve", "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).ok:
                return process, port
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("district server did not start")
        time.sleep(0.1)


def bare_insert(path: Path, store: Store) -> tuple[int, float]:
    """The same rows, read back from the district first (not timed), then one executemany per
    table in one transaction: the floor any sync could reach on this disk."""
    volunteers = [tuple(r) for r in store.query("SELECT id, masked_name, status FROM volunteers")]
    cards = [(r[0], r[1], r[2], r[3], r[4], int(bool(r[5]))) for r in store.query(
        "SELECT card_id, volunteer_id, kind, status, generation, is_operator FROM cards")]
    now = datetime.now(UTC).isoformat()
    balances = [(r[0][10:], r[1], 0, now) for r in store.query(
        "SELECT account, balance FROM balances WHERE account LIKE 'volunteer:%'")]
    kiosk = open_database(path, startup_check="none", create=True)
    started = time.perf_counter()
    with write_transaction(kiosk):
        kiosk.executemany("INSERT INTO volunteers (id, masked_name, status) VALUES (?, ?, ?)",
                          volunteers)
        kiosk.executemany("INSERT INTO cards (card_id, volunteer_id, kind, status, generation, "
                          "is_operator) VALUES (?, ?, ?, ?, ?, ?)", cards)
        kiosk.executemany("INSERT INTO balance_snapshots (volunteer_id, balance, kiosk_seq, "
                          "as_of) VALUES (?, ?, ?, ?)", balances)
    elapsed = time.perf_counter() - started
    kiosk.close()
    return len(volunteers) + len(cards) + len(balances), elapsed


def city_districts(database: str, volunteers: int, first: int) -> float:
    """The rest of a city on the same server: districts of 450,000 in schemas of their own."""
    started = time.perf_counter()
    n = 0
    while volunteers > 0:
        size = min(450_000, volunteers)
        with Store(database, district=f"neighbour{n}") as neighbour:
            make_district(neighbour, size, first)
        log(f"neighbouring district {n}: {size} volunteers, {time.perf_counter() - started:.0f} s")
        first += size
        volunteers -= size
        n += 1
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 (one benchmark, in order)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--volunteers", type=int, default=450_000)
    p.add_argument("--page-size", type=int, default=SyncSection().page_size)
    p.add_argument("--workdir", help="where the databases go (default: a temporary folder)")
    p.add_argument("--postgres", action="store_true",
                   help="the district on a throwaway PostgreSQL cluster instead of SQLite")
    p.add_argument("--city", type=int, default=0,
                   help="with --postgres: first load this many volunteers in all, the rest in "
                        "neighbouring districts (schemas) on the same server")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-sync-", dir=args.workdir) as tmp, \
            contextlib.ExitStack() as stack:
        work = Path(tmp)
        database = str(work / "district.sqlite")
        if args.postgres:
            database = stack.enter_context(PgCluster()).create_database("city")
        city_s = city_districts(database, args.city - args.volunteers, args.volunteers) \
            if args.postgres and args.city > args.volunteers else None
        store = stack.enter_context(Store(database, district="hanyang"))
        t0 = time.perf_counter()
        make_district(store, args.volunteers)
        log(f"district of {args.volunteers} volunteers made in "
            f"{time.perf_counter() - t0:.1f} s")
        server, port = serve(database, "hanyang")
        key = Ed25519PrivateKey.generate()
        store.register_kiosk("bench-kiosk", signing.public_key_text(key))
        config = replace(Config(), base_dir=work, kiosk=KioskSection(id="bench-kiosk"),
                         database=DatabaseSection(path=str(work / "kiosk.sqlite"),
                                                  startup_check="none"),
                         sync=SyncSection(page_size=args.page_size))
        services = build(config, create=True)
        transport = HttpTransport(f"http://127.0.0.1:{port}", "bench-kiosk", key,
                                  read_timeout=600)
        daemon = Daemon(services.conn, transport, services.clock, "bench-kiosk", config.sync)
        started = time.perf_counter()
        result = daemon.run_once()
        first_sync_s = time.perf_counter() - started
        if result is None:
            log("first sync failed")
            return 1
        rows = result.pulled_rows
        log(f"first sync: {rows} rows in {result.pages} pages, {first_sync_s:.1f} s")
        bare_rows, bare_s = bare_insert(work / "bare.sqlite", store)
        log(f"bare executemany: {bare_rows} rows in {bare_s:.2f} s")
        # Routine: 1,000 district changes and 100 sales at the kiosk, one round.
        ids = [f"V{i:07d}" for i in range(min(args.volunteers, 1000))]
        store.credit_many([(f"svc-{v}", v, 10) for v in ids[:800]])
        for v in ids[800:900]:
            store.set_card_status(f"04{int(v[1:]):012X}", "blocked")
        store.upsert_volunteers([(v, "李*", "active") for v in ids[900:1000]])
        stock.restock(services.conn, services.clock, [stock.Restock("masks", 200)], None)
        for i in range(100):
            services.checkout.checkout(uuid7(), PresentedCard(f"04{i:012X}"),
                                       [CartLine("masks", 1)])
        started = time.perf_counter()
        routine = daemon.run_once()
        routine_s = time.perf_counter() - started
        if routine is None:
            log("routine sync failed")
            return 1
        log(f"routine sync: pushed {routine.pushed}, pulled {routine.pulled_rows} in "
            f"{routine_s:.2f} s")
        transport.close()
        services.conn.close()
        server.terminate()
        server.wait(timeout=60)
    if city_s is not None:
        log(f"city: {args.city} volunteers on the server, the others' loaded in {city_s:.0f} s")
    rows_per_s = rows / first_sync_s
    bare_rows_per_s = bare_rows / bare_s
    print(json.dumps({
        "volunteers": args.volunteers, "rows": rows, "first_sync_s": round(first_sync_s, 2),
        "rows_per_s": round(rows_per_s), "bare_rows_per_s": round(bare_rows_per_s),
        "ratio": round(rows_per_s / bare_rows_per_s, 3), "routine_sync_s": round(routine_s, 3),
        "routine_pushed": routine.pushed, "routine_pulled": routine.pulled_rows,
        "database": "postgresql" if args.postgres else "sqlite",
        "city_volunteers": max(args.city, args.volunteers),
        "city_load_s": None if city_s is None else round(city_s, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
