"""History is never edited: triggers refuse UPDATE and DELETE on the ledger tables (I6), in the
dialect of each engine."""

from __future__ import annotations

from sqlalchemy import Connection

from district.db.tables import APPEND_ONLY

# "%%": psycopg reads "%" as a placeholder; the server sees one "%".
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_history_edit() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql
"""


def install_append_only(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_FUNCTION)
        for table in APPEND_ONLY:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_history_edit()")
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
