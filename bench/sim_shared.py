"""What the seeds of one simulator process share, so a seed pays for its own story and not for
making databases: one district store for the whole process, its schema made by its Alembic
migrations once and reset to that fresh state before every seed, and one empty kiosk database
migrated once that every kiosk of every seed starts as a copy of.

The reset leaves exactly what a freshly migrated district holds (the migrations write a few
rows themselves, such as the report sums' sentinel), taken from a pristine copy made once and
never written:

* SQLite: the pristine files are copied over the live ones through SQLite's backup API (page by
  page, through the district's own connection pool, which stays open).
* PostgreSQL: ``TRUNCATE ... RESTART IDENTITY`` (the append-only triggers are row triggers and
  do not stop it), then the pristine schema's rows copied back.

Before each seed every table is compared with the pristine copy, row for row, both ways: a
seed starts from a fresh district or the run stops. The store, its engine, pooled connections
and compiled statements carry over; the district's app (and with it every in-memory cache,
such as kiosk keys) is made anew per seed by the simulator, as are the kiosks.

The event loop the in-process requests run on is shared too (with it the worker threads that
run the district's handlers): a seed that left a task behind stops the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import shutil
import signal
import sqlite3
import tempfile
import time
from pathlib import Path

from sqlalchemy import Connection, Engine

from district.db.engine import Database
from district.store import Store
from kiosk.core.db import open_database


class Shared:
    def __init__(self, database: str | None = None, scratch: str | None = None, *,
                 district: str = "sim") -> None:
        """``district`` names the PostgreSQL schemas (d_NAME, and d_NAME_pristine: migrated
        once, never written, what "fresh" means); they are dropped first if an earlier run
        left them, and at :meth:`close`."""
        self.database = database
        self.districts = (district, f"{district}_pristine")
        self.loop = asyncio.new_event_loop()
        self.folder = Path(tempfile.mkdtemp(prefix="sim-shared-", dir=scratch))
        self.kiosk_template = self.folder / "kiosk.sqlite"
        open_database(self.kiosk_template, startup_check="none", create=True).close()
        if database:
            for name in self.districts:
                _drop_schema(database, name)
            Store(database, district=self.districts[1], pool_size=1).close()
            self.store = Store(database, district=self.districts[0], pool_size=2)
        else:
            live = self.folder / "district.sqlite"
            pristine = self.folder / "pristine.sqlite"
            Store(pristine).close()
            for suffix in ("", "-nonces"):
                shutil.copyfile(f"{pristine}{suffix}", f"{live}{suffix}")
            self.store = Store(live, pool_size=2)
            self.pristine = {self.store.db.engine: pristine,
                             self.store.db.nonce_engine: Path(f"{pristine}-nonces")}
        self.tables = _tables(self.store.db.engine)

    def district(self) -> Store:
        """The district, as fresh as after its migrations, for one seed."""
        if self.database:
            _reset_postgres(self.store.db, self.tables, f"d_{self.districts[1]}")
        else:
            for engine, pristine in self.pristine.items():
                _reset_sqlite(engine, pristine)
        stale = self.stale_tables()
        if stale:
            raise RuntimeError(f"the district is not fresh at a seed's start: {stale}")
        return self.store

    def stale_tables(self) -> list[str]:
        """The district's tables whose rows are not exactly the pristine copy's."""
        if self.database:
            with self.store.db.read() as conn:
                return _differing(conn, self.tables, f"d_{self.districts[1]}")
        stale: list[str] = []
        for engine, pristine in self.pristine.items():
            with engine.connect() as conn:
                live = conn.connection.driver_connection
                assert isinstance(live, sqlite3.Connection)
                live.execute("ATTACH DATABASE ? AS pristine", (str(pristine),))
                try:
                    stale += _differing(conn, _tables(engine), "pristine")
                finally:
                    conn.rollback()
                    live.execute("DETACH DATABASE pristine")
        return stale

    def release(self) -> None:
        """The seed is over: nothing of it may still run."""
        left = asyncio.all_tasks(self.loop)
        if left:
            raise RuntimeError(f"a seed left {len(left)} tasks on the event loop")

    def kiosk_database(self, path: Path) -> None:
        shutil.copyfile(self.kiosk_template, path)

    def close(self) -> None:
        self.store.close()
        if self.database:
            for name in self.districts:
                _drop_schema(self.database, name)
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _tables(engine: Engine) -> list[str]:
    if engine.dialect.name == "postgresql":
        sql = ("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
               "AND tablename <> 'alembic_version' ORDER BY tablename")
    else:
        sql = ("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN "
               "('alembic_version', 'sqlite_sequence') ORDER BY name")
    with engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql(sql)]


def _differing(conn: Connection, tables: list[str], pristine: str) -> list[str]:
    """The tables whose rows are not exactly those of the pristine copy (a multiset compare)."""
    union = " UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT * FROM \"{t}\" EXCEPT {_ALL[conn.dialect.name]}"
        f"SELECT * FROM {pristine}.\"{t}\") OR EXISTS (SELECT * FROM {pristine}.\"{t}\" "
        f"EXCEPT {_ALL[conn.dialect.name]}SELECT * FROM \"{t}\")" for t in tables)
    return [r[0] for r in conn.exec_driver_sql(union)]


# SQLite has no EXCEPT ALL; its plain EXCEPT compares sets, enough for tables with a primary
# key (all of the district's have one) and for the empty tables a fresh district has.
_ALL = {"postgresql": "ALL ", "sqlite": ""}


def _reset_postgres(db: Database, tables: list[str], pristine: str) -> None:
    with db.write() as conn:
        conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                             + " RESTART IDENTITY")
        for t in tables:
            conn.exec_driver_sql(f'INSERT INTO "{t}" SELECT * FROM {pristine}."{t}"')


def _reset_sqlite(engine: Engine, pristine: Path) -> None:
    with engine.connect() as conn:
        live = conn.connection.driver_connection
        assert isinstance(live, sqlite3.Connection)
        with contextlib.closing(sqlite3.connect(pristine)) as source:
            source.backup(live)


def _drop_schema(database: str, district: str) -> None:
    import psycopg

    with psycopg.connect(database.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS d_{district} CASCADE")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else -1


def rss_mb() -> float:
    """Resident memory now (the peak where /proc is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def progress(done: int, violations: int, started: float) -> dict[str, object]:
    """The figures a long run prints at each mark: a leak shows as fds or RSS that climb."""
    seconds = time.perf_counter() - started
    return {"progress": done, "violations": violations, "open_fds": open_fds(),
            "rss_mb": rss_mb(), "seconds": round(seconds, 1),
            "seconds_per_seed": round(seconds / max(done, 1), 3),
            "load_average": round(os.getloadavg()[0], 1)}


class StopAfterSeed:
    """SIGTERM or SIGINT asks a run to stop after the seed under way, so a run stopped at a
    deadline still prints how far it got and stops its PostgreSQL cluster."""

    def __init__(self) -> None:
        self.asked = False
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, self._ask)

    def _ask(self, number: int, _frame: object) -> None:
        self.asked = True
