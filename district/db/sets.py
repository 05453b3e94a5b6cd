"""``column IN (many values)`` as each engine answers it fastest."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Connection, any_, bindparam
from sqlalchemy.dialects import postgresql


def one_of(conn: Connection, column: ColumnElement[Any], values: Sequence[Any]
           ) -> ColumnElement[bool]:
    """``column`` is one of ``values``. On PostgreSQL one array parameter (``= ANY``): an IN
    list of 5,000 values cost SQLAlchemy and psycopg more to build and take apart than the
    server took to answer it (a 50,000-record credit reads ~60 such lists)."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), unique=True,
                                        type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


_BY_KEY = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")


@contextmanager
def looked_up_by_key(conn: Connection) -> Iterator[None]:
    """Inside: PostgreSQL answers a batch's reads (thousands of keys of tables that grow
    without end: service records, credits, balances) by looking each key up. Its planner
    preferred scanning and hashing the whole table once the batch held a few thousand keys:
    230 ms a read at 600,000 service records, growing with the history. Until the block
    ends, in the caller's transaction only."""
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        for setting in _BY_KEY:
            conn.exec_driver_sql(f"SET LOCAL {setting} = off")
    try:
        yield
    finally:
        if postgres and not conn.closed and conn.in_transaction():
            for setting in _BY_KEY:
                conn.exec_driver_sql(f"SET LOCAL {setting} = DEFAULT")
