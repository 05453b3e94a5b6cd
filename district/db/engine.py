"""Opening a district database on either engine, checking what it is first, and running
transactions the same way on both.

* SQLite (a path): WAL, ``synchronous=FULL``, every write transaction ``BEGIN IMMEDIATE`` (one
  writer at a time, so checks and writes never race), nonces in a file of their own so a long
  import never holds up request signing.
* PostgreSQL (``postgresql://...``): one schema per district on a shared server (``search_path``
  set on every connection), READ COMMITTED with row locks taken in a fixed order (see
  district.push), and any transaction that still meets a deadlock or a serialization failure
  (SQLSTATE 40P01, 40001) is run again from the start.

A database is checked before anything is written to it: a directory, random bytes, a damaged
or truncated file, the kiosk's own database, any other foreign database, or one written by a
newer version of this program is refused with one line (:class:`DatabaseRefused`).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from district.db import migrate
from district.db.errors import DatabaseRefused

log = logging.getLogger("district.db")

T = TypeVar("T")
DISTRICT_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_RETRY_STATES = {"40001", "40P01"}
_SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_ATTEMPTS = 8


def is_postgres_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


@dataclass(frozen=True)
class Location:
    url: str
    schema: str | None          # PostgreSQL: this district's schema
    sqlite_path: Path | None


def parse_location(location: str | Path, district: str = "district") -> Location:
    text_location = str(location)
    if is_postgres_url(text_location):
        if not DISTRICT_NAME_RE.match(district):
            raise DatabaseRefused(f"district name {district!r}: use a-z, 0-9 and _, "
                                  "starting with a letter, up to 40 characters")
        url = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", text_location)
        return Location(url, f"d_{district}", None)
    path = Path(text_location.removeprefix("sqlite:///"))
    return Location(f"sqlite:///{path}", None, path)


def _sqlite_preflight(path: Path) -> None:
    if path.is_dir():
        raise DatabaseRefused(f"{path} is a directory, not a district database")
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        header = fh.read(20)
    if header[:16] != _SQLITE_MAGIC:
        raise DatabaseRefused(f"{path} is not an SQLite database (unknown bytes)")
    if header[18:20] == b"\x01\x01":
        _refuse_unversioned_file(path)


def _refuse_unversioned_file(path: Path) -> None:
    """A file still in rollback-journal mode is looked at read-only first: opening it for use
    switches it to WAL, a write a foreign file must not get. (A WAL file is already one; a
    district file always is.) Any doubt is left to the full check that follows."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            present = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return
    if present and "alembic_version" not in present:
        migrate.refuse_unversioned(present, str(path))


def _sqlite_engine(path: Path, synchronous: str = "FULL") -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30,
                                                              "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None        # we say BEGIN ourselves
        cur = dbapi.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute(f"PRAGMA synchronous = {synchronous}")
        cur.execute("PRAGMA foreign_keys = OFF")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("district_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _postgres_engine(url: str, schema: str, pool_size: int) -> Engine:
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False,
                         connect_args={"options": f"-csearch_path={schema}",
                                       "connect_timeout": 10})


def _retryable(exc: DBAPIError | psycopg.Error) -> bool:
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(cause, "sqlstate", None) in _RETRY_STATES


def _key_clash(exc: DBAPIError | psycopg.Error) -> bool:
    return isinstance(exc, IntegrityError | psycopg.IntegrityError)


class Database:
    """One district's database: its engine(s) and how transactions run on them."""

    def __init__(self, location: str | Path, *, district: str = "district",
                 create: bool = True, pool_size: int = 10) -> None:
        where = parse_location(location, district)
        self.location = where
        self.is_postgres = where.schema is not None
        if where.sqlite_path is not None:
            _sqlite_preflight(where.sqlite_path)
            if not create and not where.sqlite_path.exists():
                raise DatabaseRefused(f"{where.sqlite_path}: no such district database")
            self.engine = _sqlite_engine(where.sqlite_path)
            nonce_path = where.sqlite_path.with_name(where.sqlite_path.name + "-nonces")
            _sqlite_preflight(nonce_path)
            # Nonces need no durable commit (see district.kiosks.use_nonce).
            self.nonce_engine = _sqlite_engine(nonce_path, synchronous="NORMAL")
        else:
            assert where.schema is not None
            self.engine = _postgres_engine(where.url, where.schema, pool_size)
            self.nonce_engine = self.engine
        try:
            self._prepare(create)
        except BaseException:
            self.close()
            raise

    @property
    def name(self) -> str:
        return str(self.location.sqlite_path or self.location.url.split("@")[-1])

    def _prepare(self, create: bool) -> None:
        try:
            with self.engine.connect() as raw:
                conn = raw.execution_options(district_write=True)
                with conn.begin():
                    if self.location.schema is not None:
                        self._ensure_schema(conn, self.location.schema, create)
                    else:
                        _sqlite_integrity(conn, self.name)
                    migrate.check_and_upgrade(conn, self.name, create=create)
            if self.nonce_engine is not self.engine:
                with self.nonce_engine.connect() as raw:
                    conn = raw.execution_options(district_write=True)
                    with conn.begin():
                        _sqlite_integrity(conn, self.name + "-nonces")
                        migrate.ensure_nonce_table(conn)
        except DatabaseRefused:
            raise
        except DBAPIError as exc:
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseRefused(f"{self.name}: cannot be used as a district database "
                                  f"({first})") from None

    @staticmethod
    def _ensure_schema(conn: Connection, schema: str, create: bool) -> None:
        exists = conn.execute(text("SELECT 1 FROM information_schema.schemata "
                                   "WHERE schema_name = :s"), {"s": schema}).first()
        if exists is None:
            if not create:
                raise DatabaseRefused(f"no district schema {schema} on this server")
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')

    def close(self) -> None:
        self.engine.dispose()
        if self.nonce_engine is not self.engine:
            self.nonce_engine.dispose()

    # -- transactions --------------------------------------------------------------------------
    def run_write(self, work: Callable[[Connection], T], *, engine: Engine | None = None,
                  retry_integrity: bool = False) -> T:
        """Run ``work`` in one write transaction, again from the start after a deadlock or a
        serialization failure (PostgreSQL), so callers never see either. With
        ``retry_integrity`` a unique-key clash at commit (a concurrent writer took the same id
        first) runs it again too: ``work`` then sees the id taken and decides for itself."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with (engine or self.engine).connect() as raw:
                    conn = raw.execution_options(district_write=True)
                    with conn.begin():
                        return work(conn)
            # psycopg's own errors too: the busiest writers send statements through the
            # driver's pipeline (district.batch, district.feed), past SQLAlchemy's wrapping.
            except (DBAPIError, psycopg.Error) as exc:
                clash = retry_integrity and _key_clash(exc)
                if not (_retryable(exc) or clash) or attempt == MAX_ATTEMPTS:
                    raise
                cause = exc.orig if isinstance(exc, DBAPIError) else exc
                log.info("transaction retried after %s (attempt %d)",
                         getattr(cause, "sqlstate", "?"), attempt)
                time.sleep(0.002 * attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction without retries: for admin commands run alone."""
        with self.engine.connect() as raw:
            conn = raw.execution_options(district_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One consistent snapshot for every statement inside."""
        with self.engine.connect() as raw:
            conn = raw
            if self.is_postgres:
                conn = raw.execution_options(isolation_level="REPEATABLE READ",
                                             postgresql_readonly=True)
            with conn.begin():
                yield conn


def _sqlite_integrity(conn: Connection, name: str) -> None:
    try:
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
    except OperationalError as exc:
        raise DatabaseRefused(f"{name} is damaged ({str(exc.orig).strip()})") from None
    if rows != ["ok"]:
        raise DatabaseRefused(f"{name} is damaged ({rows[0][:120]})")


def table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())
