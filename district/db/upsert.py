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


def upsert(conn: Connection, table: Table, rows: dict[str, Any] | list[dict[str, Any]],
           keys: Sequence[str], update: Sequence[str]) -> None:
    """Insert, or on a key clash set ``update`` columns to the new values."""
    if isinstance(rows, list) and not rows:
        return
    stmt = _insert(conn, table)
    if update:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                          set_={c: stmt.excluded[c] for c in update})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt, rows)


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
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={column: table.c[column] + stmt.excluded[column]})
    conn.execute(stmt, rows)
