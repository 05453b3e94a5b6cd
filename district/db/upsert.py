"""Upserts, the one place where the two engines' SQL differs in syntax only: both dialects have
``INSERT ... ON CONFLICT``, reached through their own ``insert`` constructs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def _insert(conn: Connection, table: Table) -> Any:
    return (postgresql.insert(table) if conn.dialect.name == "postgresql"
            else sqlite.insert(table))


# Above this many rows an upsert reaches PostgreSQL as one array per column
# (:func:`insert_arrays`) and SQLite as one prepared statement run per row by sqlite3 itself
# (``executemany``): 1000-row VALUES statements cost more to build in SQLAlchemy than to run
# (a 50,000-record credit's 50,000 change-feed rows: ~5 s of Python).
ARRAYS_FROM = 50


def upsert(conn: Connection, table: Table, rows: dict[str, Any] | list[dict[str, Any]],
           keys: Sequence[str], update: Sequence[str]) -> None:
    """Insert, or on a key clash set ``update`` columns to the new values."""
    batch = rows if isinstance(rows, list) else [rows]
    if len(batch) >= ARRAYS_FROM:
        _upsert_many(conn, table, batch, keys, update)
        return
    # Many VALUES rows per statement (psycopg's executemany sends a statement per row).
    for start in range(0, len(batch), 1000):
        stmt = _insert(conn, table).values(batch[start:start + 1000])
        if update:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                              set_={c: stmt.excluded[c] for c in update})
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        conn.execute(stmt)


def _upsert_many(conn: Connection, table: Table, rows: list[dict[str, Any]],
                 keys: Sequence[str], update: Sequence[str]) -> None:
    """:func:`upsert` of many rows in one statement, its rows taken in the order given."""
    conflict = f"ON CONFLICT ({', '.join(keys)}) " + (
        "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update) if update
        else "DO NOTHING")
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            cur.execute(*insert_arrays(conn, table, rows, conflict), binary=True)
        return
    stmt = sqlite.insert(table)
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_={
        c: stmt.excluded[c] for c in update}) if update else
        stmt.on_conflict_do_nothing(index_elements=list(keys)), rows)


def insert_ignore(conn: Connection, table: Table, row: dict[str, Any],
                  keys: Sequence[str]) -> bool:
    """Insert one row unless its key is taken; True if it went in."""
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT here.
    stmt = _insert(conn, table).values(**row).on_conflict_do_nothing(
        index_elements=list(keys)).returning(table.c[keys[0]])
    return conn.execute(stmt).first() is not None


def insert_missing(conn: Connection, table: Table, rows: list[dict[str, Any]],
                   keys: Sequence[str]) -> None:
    """Insert the rows whose key is not taken yet, in one statement per batch."""
    if rows:
        conn.execute(_insert(conn, table).on_conflict_do_nothing(index_elements=list(keys)),
                     rows)


def upsert_add(conn: Connection, table: Table, row: dict[str, Any], keys: Sequence[str],
               column: str) -> None:
    """Insert, or add the new value to ``column`` on a key clash (a balance fold)."""
    stmt = _insert(conn, table).values(**row)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={column: table.c[column] + stmt.excluded[column]})
    conn.execute(stmt)


def upsert_add_many(conn: Connection, table: Table, rows: list[dict[str, Any]],
                    keys: Sequence[str], column: str) -> None:
    """:func:`upsert_add` for many rows in one statement (the caller sorts them: locks are
    taken in that order)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _upsert_add_arrays(conn, table, rows, keys, column)
        return
    if len(rows) >= ARRAYS_FROM:       # SQLite: one prepared statement, rows in order
        stmt = sqlite.insert(table)
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_={
            column: table.c[column] + stmt.excluded[column]}), rows)
        return
    # One statement with many VALUES rows (not executemany: psycopg would send one statement
    # per row). Its rows are taken in the order given.
    for start in range(0, len(rows), 1000):
        stmt = _insert(conn, table).values(rows[start:start + 1000])
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={column: table.c[column] + stmt.excluded[column]})
        conn.execute(stmt)


def insert_arrays(conn: Connection, table: Table, rows: list[dict[str, Any]],
                  tail: str = "") -> tuple[str, dict[str, list[Any]]]:
    """PostgreSQL: an INSERT of ``rows`` as one array per column (``unnest``), taken in the
    order given, as (SQL, parameters) for a psycopg cursor. Its text is the same whatever the
    number of rows, so psycopg prepares it once per connection instead of SQLAlchemy
    compiling a new VALUES list each time. The arrays go in binary (``%b``): in text psycopg
    quotes every element with a regular expression, which cost more than the rest of a push
    (a stored payload is JSON full of quotes). ``tail``: an ``ON CONFLICT`` clause."""
    columns = list(rows[0])
    types = [table.c[c].type.compile(dialect=conn.dialect) for c in columns]
    arrays = ", ".join(f"%(a{n})b::{kind}[]" for n, kind in enumerate(types))
    names = ", ".join(columns)
    sql = (f"INSERT INTO {table.name} ({names}) SELECT {names} FROM unnest({arrays}) "
           f"WITH ORDINALITY AS u({names}, n) ORDER BY n {tail}")
    return sql, {f"a{n}": [row[c] for row in rows] for n, c in enumerate(columns)}


def _upsert_add_arrays(conn: Connection, table: Table, rows: list[dict[str, Any]],
                       keys: Sequence[str], column: str) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(*upsert_add_arrays(conn, table, rows, keys, column), binary=True)


def upsert_add_arrays(conn: Connection, table: Table, rows: list[dict[str, Any]],
                      keys: Sequence[str], column: str) -> tuple[str, dict[str, list[Any]]]:
    """:func:`upsert_add_many` on PostgreSQL as (SQL, parameters) (see :func:`insert_arrays`)."""
    return insert_arrays(conn, table, rows,
                         f"ON CONFLICT ({', '.join(keys)}) DO UPDATE "
                         f"SET {column} = {table.name}.{column} + excluded.{column}")


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Append rows: ``COPY`` on PostgreSQL (several times faster than an INSERT per row; a key
    clash fails the whole transaction, as an INSERT would), ``executemany`` on SQLite. Columns
    not given take NULL (or, for an auto-numbered id, the next number)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
