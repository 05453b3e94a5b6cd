"""Redeeming a voucher at the district, server side, with 100,000 vouchers outstanding.

    python bench/redeem.py [--vouchers 100000] [--samples 1000] [--pairs 1000] [--postgres]

* ``redeem_p95_ms``: scan to answer, as the partner page's confirm does it: the QR's token
  read and its signature checked against the kiosk's registered key, the voucher looked up,
  judged (partner, redeemed, voided, expired) and the redemption committed (durably: the
  district's SQLite runs ``synchronous=FULL``), for ``--samples`` vouchers drawn at random.
* ``double_redemptions``: ``--pairs`` vouchers each redeemed by two threads released together;
  a voucher redeemed twice counts (must be 0), and ``redemptions_rows`` must equal the pairs.
* The physical limit, measured in the same run on the same disk: one bare durable commit of
  one row on the same engine (SQLite: WAL, ``synchronous=FULL``; ``--postgres``: a throwaway
  cluster with fsync on); ``p95_vs_commit`` is the ratio.

Prints a JSON object of figures as its last line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sqlite3
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from bench.common import percentile, work_dir  # noqa: E402
from district.store import Store  # noqa: E402
from district.vouchers import redeem as r  # noqa: E402
from district.vouchers import schema as vs  # noqa: E402
from points_protocol import signing  # noqa: E402
from points_protocol import vouchers as protocol  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402

PARTNER = "zhongjiacun-breakfast"


def bare_commit_ms(folder: Path, samples: int = 200) -> float:
    """p95 of one durable commit of one row: what any redemption must at least cost."""
    conn = sqlite3.connect(folder / "commit.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    took = []
    for n in range(samples):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (str(n),))
        conn.execute("COMMIT")
        took.append((time.perf_counter() - start) * 1000)
    conn.close()
    return percentile(took, 95)


def bare_postgres_commit_ms(store: Store, samples: int = 200) -> float:
    """The same on PostgreSQL: one row, one durable commit, through the district's engine."""
    with store.db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE bare_commit (id SERIAL PRIMARY KEY, v TEXT)")
    took = []
    for n in range(samples):
        start = time.perf_counter()
        with store.db.write() as conn:
            conn.exec_driver_sql(f"INSERT INTO bare_commit (v) VALUES ('{n}')")
        took.append((time.perf_counter() - start) * 1000)
    return percentile(took, 95)


def outstanding(store: Store, count: int, now: datetime) -> list[str]:
    """``count`` signed vouchers of one registered kiosk, registered as sold; their tokens."""
    key = Ed25519PrivateKey.generate()
    store.register_kiosk("k1", signing.public_key_text(key))
    expires = (now + timedelta(days=30)).isoformat()
    tokens, rows = [], []
    for n in range(count):
        v = protocol.Voucher(voucher_id=f"v{n:07d}", kiosk_id="k1", item_id="breakfast",
                             partner_id=PARTNER, value=40, masked_name="张*华",
                             expires_at=expires, code=protocol.new_code())
        token = protocol.sign(v, key)
        tokens.append(token)
        rows.append({"id": v.voucher_id, "code": v.code, "kiosk_id": "k1",
                     "order_id": f"o{n}", "item_id": v.item_id, "partner_id": PARTNER,
                     "value": 40, "masked_name": v.masked_name, "expires_at": expires,
                     "token": token, "sale_state": "sold", "registered_at": now.isoformat(),
                     "voided_at": None})
    with store.db.write() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(vs.vouchers.insert(), rows[start:start + 5000])
    return tokens


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vouchers", type=int, default=100_000)
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--pairs", type=int, default=1000)
    p.add_argument("--postgres", action="store_true",
                   help="a throwaway PostgreSQL cluster (fsync on) instead of an SQLite file")
    args = p.parse_args()
    folder = work_dir("redeem-")
    now = datetime.now(UTC)
    with contextlib.ExitStack() as stack:
        location = str(folder / "district.sqlite")
        if args.postgres:
            location = stack.enter_context(PgCluster(fsync=True)).create_database("bench")
        store = stack.enter_context(Store(location, district="bench"))
        started = time.perf_counter()
        tokens = outstanding(store, args.vouchers, now)
        print(f"{args.vouchers} vouchers outstanding in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        rng = random.Random(13)
        picked = rng.sample(range(args.vouchers), args.samples + args.pairs)
        took = []
        for n in picked[:args.samples]:
            start = time.perf_counter()
            answer = r.redeem(store.db, tokens[n], partner_id=PARTNER, account_id="bench",
                              now=now, method="scan")
            took.append((time.perf_counter() - start) * 1000)
            assert answer.outcome == r.REDEEMED, answer
        doubles = 0
        for n in picked[args.samples:]:
            gate = threading.Barrier(2)
            outcomes: list[str] = []

            def race(text: str, gate: threading.Barrier = gate,
                     outcomes: list[str] = outcomes) -> None:
                gate.wait()
                outcomes.append(r.redeem(store.db, text, partner_id=PARTNER,
                                         account_id="bench", now=now, method="scan").outcome)

            # One by the QR code, one by the typed code: two doors to the same voucher.
            code = protocol.read_token(tokens[n])[0].code
            threads = [threading.Thread(target=race, args=(text,)) for text in (tokens[n], code)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            doubles += outcomes.count(r.REDEEMED) > 1
            assert sorted(outcomes) == [r.ALREADY, r.REDEEMED], outcomes
        rows = store.query("SELECT COUNT(*) FROM voucher_redemptions")[0][0]
        commit = bare_postgres_commit_ms(store) if args.postgres else bare_commit_ms(folder)
    p95 = percentile(took, 95)
    print(json.dumps({
        "engine": "postgresql" if args.postgres else "sqlite",
        "vouchers_outstanding": args.vouchers, "samples": args.samples,
        "redeem_p50_ms": round(percentile(took, 50), 2), "redeem_p95_ms": round(p95, 2),
        "racing_pairs": args.pairs, "double_redemptions": doubles,
        "redemptions_rows": rows, "expected_rows": args.samples + args.pairs,
        "bare_commit_p95_ms": round(commit, 2), "p95_vs_commit": round(p95 / commit, 2)}))


if __name__ == "__main__":
    main()
