"""Forward migrations, versioned with ``PRAGMA user_version``: the first schema
(kiosk.core.schema_v1) and each change after it (kiosk.core.schema_changes), applied in order.

A migration is appended, never edited: databases in the field were made by the old text.
Ledger tables (orders, lines, transfers, stock movements, prices, outbox) are append-only and
the schema itself enforces it with triggers, so no code path, tool or bug can rewrite history.
"""

from __future__ import annotations

import sqlite3

from kiosk.core.schema_changes import V2, V3, V4, V5, V6, V7, V8, V9, V_VOUCHERS
from kiosk.core.schema_v1 import APPEND_ONLY_TABLES_V1, V1

__all__ = ["APPEND_ONLY_TABLES_V1", "LATEST_VERSION", "MIGRATIONS", "SchemaTooNewError",
           "current_version", "migrate"]

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6, V7, V8, V9, V_VOUCHERS)
LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNewError(Exception):
    pass


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _split_statements(script: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN ... END)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Apply the missing migrations, each in its own BEGIN IMMEDIATE transaction.

    The version is re-read inside the write lock, so when the app and the sync daemon start
    together only one of them migrates. Returns the version reached.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = current_version(conn)
            if version > LATEST_VERSION:
                raise SchemaTooNewError(
                    f"database schema v{version} is newer than this program (v{LATEST_VERSION});"
                    " install the newer kiosk version or restore a backup")
            if version >= target:
                conn.execute("COMMIT")
                return version
            # executescript would COMMIT our transaction first; run statements one by one.
            for statement in _split_statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
