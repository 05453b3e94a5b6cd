"""An import between its preview and its confirmation: the rows as read from the file, kept
in the database (any server process may get the confirmation), visible only to the person who
uploaded them, confirmed once."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from district.console import schema as s
from district.console.scope import Principal
from district.db.engine import Database
from district.records import now_text


def save(db: Database, kind: str, principal: Principal, file_name: str,
         rows: list[Any]) -> str:
    import_id = secrets.token_hex(8)
    with db.write() as conn:
        conn.execute(s.imports.insert().values(
            id=import_id, kind=kind, account_id=principal.account_id, created_at=now_text(),
            file_name=file_name[:200], status="pending",
            preview=json.dumps([asdict(r) for r in rows], ensure_ascii=False)))
    return import_id


def load(db: Database, import_id: str, principal: Principal, kind: str
         ) -> tuple[str, str, list[dict[str, Any]]] | None:
    """(file name, status, rows) of this person's import, or None."""
    with db.read() as conn:
        row = conn.execute(select(s.imports).where(
            s.imports.c.id == import_id[:40], s.imports.c.kind == kind,
            s.imports.c.account_id == principal.account_id)).first()
    if row is None:
        return None
    return row.file_name, row.status, json.loads(row.preview)


def finish(db: Database, import_id: str, status: str, batch_id: str | None = None) -> bool:
    """Mark it done or cancelled; False if it was not pending (confirmed twice)."""
    with db.write() as conn:
        done = conn.execute(s.imports.update().where(
            s.imports.c.id == import_id, s.imports.c.status == "pending").values(
            status=status, batch_id=batch_id))
        return bool(done.rowcount)
