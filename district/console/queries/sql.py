"""SQL both engines run fast, where the plain spelling would not be."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection


def starts_with(conn: Connection, column: ColumnElement[str], prefix: str
                ) -> ColumnElement[bool]:
    """``column`` starts with ``prefix`` (plain letters and ':' only), as an index range:
    SQLite's LIKE ignores case and so never uses an index, its GLOB does; PostgreSQL uses one
    for a LIKE prefix under the C collation its districts are created with."""
    if conn.dialect.name == "sqlite":
        return column.op("GLOB")(prefix + "*")
    return column.like(prefix + "%")
