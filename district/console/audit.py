"""The console's audit log: every action, who did it, when, on what, and the record before
and after. Append-only (the database refuses UPDATE and DELETE, revision d0002); written in
the same transaction as the change where the change is the console's own, and right after the
district's call where the change goes through district.admin (which opens its own)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from district.console import schema as s
from district.db.engine import Database
from district.records import now_text

MAX_JSON = 4000


def _json(value: Any) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= MAX_JSON else text[:MAX_JSON - 20] + '..."(cut)"'


def record(conn: Connection, account_id: str, action: str, subject: str | None = None, *,
           before: Any = None, after: Any = None, address: str | None = None) -> None:
    conn.execute(s.audit.insert().values(
        at=now_text(), account_id=account_id, action=action,
        subject=None if subject is None else subject[:200], before=_json(before),
        after=_json(after), address=address))


def log(db: Database, account_id: str, action: str, subject: str | None = None, *,
        before: Any = None, after: Any = None, address: str | None = None) -> None:
    with db.write() as conn:
        record(conn, account_id, action, subject, before=before, after=after, address=address)


def recent(conn: Connection, limit: int = 500, account_id: str | None = None
           ) -> list[dict[str, Any]]:
    query = select(s.audit).order_by(s.audit.c.id.desc()).limit(limit)
    if account_id is not None:
        query = query.where(s.audit.c.account_id == account_id)
    return [dict(r._mapping) for r in conn.execute(query)]
