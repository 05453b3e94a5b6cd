"""Which schema version a database holds, and bringing it to this program's version.

Alembic keeps the revision in ``alembic_version``. A database with tables but no revision is
foreign (the kiosk's own database is named as such); a revision this program does not know is
newer than this program; both are refused without a write.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NoReturn

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from district.db import tables
from district.db.errors import DatabaseRefused

# Alembic says "Context impl SQLiteImpl." at INFO on every start: noise in a one-line refusal.
logging.getLogger("alembic").setLevel(logging.WARNING)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_KIOSK_TABLES = {"outbox", "sync_status", "balance_snapshots"}
# The first district store (before Alembic) had these and no revision table. Its entries were
# applied unchecked (issue 11), so it is not upgraded in place: it is named for what it is.
_FIRST_STORE_TABLES = {"kiosks", "transfers", "entries", "push_batches"}


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def refuse_unversioned(present: set[str], name: str) -> NoReturn:
    """Refuse a database that has tables but no schema revision, saying what it is."""
    if present & _KIOSK_TABLES:
        raise DatabaseRefused(f"{name} is a kiosk's database, not a district database")
    if present >= _FIRST_STORE_TABLES:
        raise DatabaseRefused(f"{name} was written by the first kiosk-district, before "
                              "schema versions, and cannot be upgraded: keep it, run init "
                              "on a new database and import volunteers, cards and the "
                              "catalogue again")
    shown = ", ".join(sorted(present)[:4])
    raise DatabaseRefused(f"{name} is not a district database (it has tables {shown})")


def check_and_upgrade(conn: Connection, name: str, *, create: bool) -> None:
    present = set(inspect(conn).get_table_names())
    revision = current_revision(conn) if "alembic_version" in present else None
    if revision is None:
        if present:
            refuse_unversioned(present, name)
        if not create:
            raise DatabaseRefused(f"{name} holds no district database yet (run init)")
    else:
        script = ScriptDirectory(str(MIGRATIONS))
        known = {r.revision for r in script.walk_revisions()}
        if revision not in known:
            raise DatabaseRefused(f"{name} was written by a newer kiosk-district (schema "
                                  f"{revision}); this one knows up to {head_revision()}")
        if revision == head_revision():
            return
    command.upgrade(_config(conn), "head")


def ensure_nonce_table(conn: Connection) -> None:
    tables.nonces.create(conn, checkfirst=True)
