"""The district console at a district's size: volunteer search, a service-record import from
.xlsx to credited, and the reports page, each timed on the server (the console's ASGI app
called in-process, as uvicorn would call it, page rendering included).

    python bench/console.py --volunteers 450000              # the district on SQLite
    python bench/console.py --volunteers 450000 --postgres   # on a throwaway PostgreSQL

The district: ``--volunteers`` volunteers (masked names drawn from common family names) with a
card and opening points each, in 20 communities with a kiosk each, and ``--sales`` sales over
the last 90 days with their lines, transfers and stock movements (written directly, like a
restore: the push path is bench/district_push.py's business), restocks from 10 donors.

Figures (last line, JSON): ``search_p95_ms`` (GET /console/volunteers?q=..., number, masked
or full name, card; an admin and a social worker of two communities), ``import_rows_per_s``
(50,000 service records: upload, preview, confirm = credited as one batch), ``report_p95_ms``
(GET /console/reports, by day, week and month, each with the history cache emptied first:
the figure after any new sale or credit, whose sums the database keeps as they arrive;
``report_warm_p95_ms`` without; ``report_after_move_ms``, the first page after a volunteer
moved community, which rebuilds the earned sums). The physical
limits measured in the same run: ``search_bare_p95_ms`` (the search's own SQL, no page)
and ``import_bare_rows_per_s`` (the same number of rows appended to a table, nothing
checked), with their ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import Column, MetaData, Table  # noqa: E402

from bench.common import percentile  # noqa: E402
from bench.console_data import make_district  # noqa: E402
from district.console import schema as s  # noqa: E402
from district.console.app import create_console  # noqa: E402
from district.console.cache import HistoryCache  # noqa: E402
from district.console.queries import volunteers as vq  # noqa: E402
from district.console.scope import Principal, Role  # noqa: E402
from district.console.sessions import COOKIE  # noqa: E402
from district.db import tables as t  # noqa: E402
from district.db.upsert import copy_rows  # noqa: E402
from district.store import Store  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402


class InProcess:
    """Calls the console's ASGI app directly and times each request on the server side."""

    def __init__(self, app: Any, cookie: str) -> None:
        self.app = app
        self.cookie = cookie
        self.loop = asyncio.new_event_loop()

    def call(self, method: str, path: str, body: bytes = b"",
             content_type: str = "") -> tuple[int, bytes, float]:
        return self.loop.run_until_complete(self._call(method, path, body, content_type))

    async def _call(self, method: str, path: str, body: bytes,
                    content_type: str) -> tuple[int, bytes, float]:
        bare, _, query = path.partition("?")
        headers = [(b"cookie", f"{COOKIE}={self.cookie}".encode()), (b"host", b"district")]
        if content_type:
            headers += [(b"content-type", content_type.encode()),
                        (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": bare, "raw_path": bare.encode(),
                 "query_string": query.encode(), "root_path": "", "headers": headers,
                 "client": ("127.0.0.1", 1), "server": ("district", 80)}
        sent = False
        status, chunks = 0, []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        started = time.perf_counter()
        await self.app(scope, receive, send)
        return status, b"".join(chunks), (time.perf_counter() - started) * 1000


def signed_in(app: Any, store: Store, account: str) -> tuple[InProcess, str]:
    console = app.state.console
    token = console.sessions.start(account)
    csrf = store.query("SELECT csrf FROM console_sessions ORDER BY created_at DESC LIMIT 1")[0][0]
    return InProcess(app, token), csrf


def multipart(fields: dict[str, str], file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "----bench" + "x" * 16
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             .encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def bench_search(app: Any, store: Store, volunteers: int, rng: random.Random
                 ) -> tuple[float, float]:
    admin, _ = signed_in(app, store, "admin")
    worker, _ = signed_in(app, store, "sw")
    queries = []
    for _ in range(60):
        n = rng.randrange(volunteers)
        queries += [f"V{n:07d}", f"V{n // 100:05d}", f"04{n:012X}", "张*华", "王秀英"]
    times, bare = [], []
    for n, q in enumerate(queries):
        client = admin if n % 2 else worker
        status, _, ms = client.call("GET", "/console/volunteers?" + urlencode({"q": q}))
        assert status == 200, status
        times.append(ms)
    # The same searches as the same people: a social worker's scope plans differently.
    people = (Principal("sw", "sw", Role.SOCIAL_WORKER, frozenset({"c00", "c01"})),
              Principal("admin", "admin", Role.ADMIN, None))
    for n, q in enumerate(queries):
        started = time.perf_counter()
        with store.db.read() as conn:
            vq.search(conn, people[n % 2], q)
        bare.append((time.perf_counter() - started) * 1000)
    return percentile(times, 95), percentile(bare, 95)


def service_file(volunteers: int, rows: int, rng: random.Random, today: datetime) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("服务记录")
    sheet.append(["志愿者统一编号", "活动编号", "服务日期", "服务时长"])
    people = rng.sample(range(volunteers), rows)
    for n, person in enumerate(people):
        day = (today - timedelta(days=rng.randrange(0, 20))).date().isoformat()
        sheet.append([f"V{person:07d}", f"ACT-{n // 40:05d}", day,
                      rng.choice((0.5, 1, 1.5, 2, 3))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bench_import(app: Any, store: Store, volunteers: int, rows: int, rng: random.Random
                 ) -> tuple[float, float, int]:
    client, csrf = signed_in(app, store, "admin")
    data = service_file(volunteers, rows, rng, datetime.now(UTC))
    body, kind = multipart({"csrf": csrf}, "服务记录.xlsx", data)
    started = time.perf_counter()
    status, _, upload_ms = client.call("POST", "/console/credits/import", body, kind)
    assert status == 303, status
    import_id = store.query("SELECT id FROM console_imports ORDER BY created_at DESC "
                            "LIMIT 1")[0][0]
    status, _, preview_ms = client.call("GET", f"/console/credits/import/{import_id}")
    assert status == 200, status
    status, _, confirm_ms = client.call(
        "POST", f"/console/credits/import/{import_id}", urlencode({"csrf": csrf}).encode(),
        "application/x-www-form-urlencoded")
    assert status == 303, status
    total_s = time.perf_counter() - started
    credited = store.query("SELECT records FROM console_credit_batches ORDER BY at DESC "
                           "LIMIT 1")[0][0]
    print(f"import: upload {upload_ms:.0f} ms, preview {preview_ms:.0f} ms, confirm "
          f"{confirm_ms:.0f} ms; {credited} credited", flush=True)
    return rows / total_s, bare_append(store, rows), int(credited)


def bare_append(store: Store, rows: int) -> float:
    """The same number of rows appended to a table of the same shape, nothing checked: the
    floor any import of these rows has on this engine and disk."""
    table = Table("bench_bare_records", MetaData(),
                  *(Column(c.name, c.type, primary_key=c.primary_key)
                    for c in t.service_records.columns))
    batch = [{"record_id": f"bare-{n}", "volunteer_id": f"V{n:07d}", "hours": 1.0,
              "points": 10, "corrects": None, "at": "2026-01-01T00:00:00"} for n in range(rows)]
    with store.db.write() as conn:
        table.create(conn)
    started = time.perf_counter()
    with store.db.write() as conn:
        copy_rows(conn, table, batch)
    rate = rows / (time.perf_counter() - started)
    with store.db.write() as conn:
        table.drop(conn)
    return rate


def bench_reports(app: Any, store: Store) -> tuple[float, float, float]:
    """(p95 cold, p95 warm, the per-donor part cold) in ms. Cold: the console's history cache
    emptied before each request, as after any new sale or credit; warm: nothing new since."""
    admin, _ = signed_in(app, store, "admin")
    worker, _ = signed_in(app, store, "sw")
    console = app.state.console
    today = datetime.now(UTC).date()
    paths = ["/console/reports", "/console/reports?by=week",
             "/console/reports?" + urlencode({"by": "month",
                                              "from": (today - timedelta(days=89)).isoformat(),
                                              "to": today.isoformat()})]
    cold, warm, donors = [], [], []
    for n in range(6):
        client = admin if n % 2 else worker
        for path in paths:
            console.cache = HistoryCache()
            status, _, ms = client.call("GET", path)
            assert status == 200, status
            cold.append(ms)
            warm.append(client.call("GET", path)[2])
        console.cache = HistoryCache()
        donors.append(client.call("GET", "/console/reports/donors")[2])
    return percentile(cold, 95), percentile(warm, 95), max(donors)


def bench_report_after_move(app: Any, store: Store) -> float:
    """The first reports page after a volunteer moves to another community, in ms: the move
    drops the kept earned sums (district.console.rollups) and this page rebuilds them from
    every credit, the worst a page meets."""
    admin, _ = signed_in(app, store, "admin")
    with store.db.write() as conn:
        conn.execute(s.volunteer_profiles.update().where(
            s.volunteer_profiles.c.volunteer_id == "V0000001").values(community_id="c02"))
    app.state.console.cache = HistoryCache()
    status, _, ms = admin.call("GET", "/console/reports")
    assert status == 200, status
    return ms


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--volunteers", type=int, default=450_000)
    p.add_argument("--sales", type=int, default=200_000)
    p.add_argument("--records", type=int, default=50_000)
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--workdir")
    args = p.parse_args(argv)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-console-", dir=args.workdir) as tmp, \
            contextlib.ExitStack() as stack:
        database = str(Path(tmp) / "district.sqlite")
        if args.postgres:
            database = stack.enter_context(PgCluster()).create_database("console")
        store = stack.enter_context(Store(database, district="hanyang"))
        started = time.perf_counter()
        make_district(store, args.volunteers, args.sales, rng)
        print(f"district made in {time.perf_counter() - started:.0f} s", flush=True)
        app = create_console(store)
        search_p95, search_bare = bench_search(app, store, args.volunteers, rng)
        print(f"search p95 {search_p95:.1f} ms (bare SQL {search_bare:.1f} ms)", flush=True)
        report_p95, report_warm, donor_ms = bench_reports(app, store)
        print(f"reports p95 {report_p95:.0f} ms cold, {report_warm:.0f} ms warm; per donor "
              f"{donor_ms:.0f} ms", flush=True)
        after_move = bench_report_after_move(app, store)
        print(f"reports after a volunteer moved community {after_move:.0f} ms", flush=True)
        rate, bare_rate, credited = bench_import(app, store, args.volunteers, args.records, rng)
        print(f"import {rate:.0f} rows/s (bare append {bare_rate:.0f} rows/s)", flush=True)
        figures = {"engine": "postgresql" if args.postgres else "sqlite",
                   "volunteers": args.volunteers, "sales": args.sales,
                   "search_p95_ms": round(search_p95, 1),
                   "search_bare_p95_ms": round(search_bare, 1),
                   "search_ratio": round(search_p95 / max(search_bare, 0.01), 2),
                   "import_rows": args.records, "import_credited": credited,
                   "import_rows_per_s": round(rate), "import_s": round(args.records / rate, 1),
                   "import_bare_rows_per_s": round(bare_rate),
                   "import_ratio": round(rate / bare_rate, 3),
                   "report_p95_ms": round(report_p95, 1),
                   "report_warm_p95_ms": round(report_warm, 1),
                   "report_donors_max_ms": round(donor_ms, 1),
                   "report_after_move_ms": round(after_move, 1)}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
