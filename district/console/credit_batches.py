"""Crediting from the console: an import's rows, a manual credit with its reason, a
correction. Each is one batch with its own id, credited through the district's one credit
path (district.admin.credit_many: records keyed by record id, a correction reversing the
record it names), with the batch, each record's provenance and the audit row written in the
same transaction."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from district import admin
from district.admin import AdminRefused, Credit
from district.console import audit
from district.console import schema as s
from district.console.imports.service_import import Planned
from district.console.rules import DEFAULT_TYPE, types
from district.console.scope import Principal
from district.db import tables as t
from district.db.engine import Database
from district.db.upsert import copy_rows
from district.records import now_text

MAX_MANUAL_POINTS = 100_000


def new_batch_id(now: datetime) -> str:
    return f"B{now:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _provenance(batch_id: str, kind: str, principal: Principal, *, source: str,
                details: dict[str, tuple[str, str, str, float]], address: str | None,
                subject: str | None = None) -> Callable[[Connection, list[Credit]], None]:
    """The ``also`` hook: the batch, where each new record came from, and the audit row."""
    def write(conn: Connection, new: list[Credit]) -> None:
        points = sum(c.points for c in new)
        conn.execute(s.credit_batches.insert().values(
            id=batch_id, kind=kind, account_id=principal.account_id, at=now_text(),
            source=source[:200], records=len(new), points=points))
        if new:      # COPY on PostgreSQL: psycopg's executemany is a statement per row
            copy_rows(conn, s.credits, [
                {"record_id": c.record_id, "batch_id": batch_id,
                 "volunteer_id": c.volunteer_id, "activity_id": details[c.record_id][0],
                 "activity_type": details[c.record_id][1],
                 "service_date": details[c.record_id][2], "hours": details[c.record_id][3],
                 "points": c.points} for c in new])
        audit.record(conn, principal.account_id, f"credit_{kind}", subject or batch_id,
                     after={"batch": batch_id, "records": len(new), "points": points,
                            "source": source[:200]}, address=address)
    return write


def credit_import(db: Database, principal: Principal, planned: list[Planned], *,
                  file_name: str, now: datetime, address: str | None = None) -> tuple[str, int]:
    """Credit the rows planned as *credit*; (batch id, records credited)."""
    rows = [p for p in planned if p.action == "credit"]
    batch_id = new_batch_id(now)
    credits = [Credit(p.record_id, p.row.volunteer_id, p.counted_hours, p.points)
               for p in rows]
    details = {p.record_id: (p.row.activity_id, p.row.activity_type, p.row.date,
                             p.counted_hours) for p in rows}
    done = admin.credit_many(db, credits, also=_provenance(
        batch_id, "import", principal, source=file_name, details=details, address=address))
    return batch_id, done


def manual_credit(db: Database, principal: Principal, volunteer_id: str, *, points: int,
                  reason: str, now: datetime, address: str | None = None) -> str:
    if not 0 < points <= MAX_MANUAL_POINTS:
        raise AdminRefused(f"a manual credit is 1 to {MAX_MANUAL_POINTS:,} points")
    if len(reason.strip()) < 4:
        raise AdminRefused("a manual credit needs its reason")
    batch_id = new_batch_id(now)
    with db.read() as conn:
        rule = types(conn)[DEFAULT_TYPE]
    record = f"manual/{uuid.uuid4().hex}"
    hours = round(points / rule.points_per_hour, 2) or 0.01
    admin.credit_many(db, [Credit(record, volunteer_id, hours, points)], also=_provenance(
        batch_id, "manual", principal, source=reason.strip(),
        details={record: ("manual", "manual", f"{now.astimezone(UTC):%Y-%m-%d}", hours)},
        address=address, subject=volunteer_id))
    return batch_id


def correct(db: Database, principal: Principal, record_id: str, *, hours: float, reason: str,
            now: datetime, address: str | None = None) -> str:
    """A new record that reverses ``record_id`` and credits ``hours`` under the original's
    activity type (never an edit of the original)."""
    if len(reason.strip()) < 4:
        raise AdminRefused("a correction needs its reason")
    with db.read() as conn:
        original = conn.execute(select(t.service_records, s.credits.c.activity_id,
                                       s.credits.c.activity_type, s.credits.c.service_date)
                                .select_from(t.service_records.outerjoin(
                                    s.credits,
                                    s.credits.c.record_id == t.service_records.c.record_id))
                                .where(t.service_records.c.record_id == record_id)).first()
        rules = types(conn)
    if original is None:
        raise AdminRefused(f"no credited record {record_id}")
    rule = rules.get(original.activity_type or DEFAULT_TYPE, rules[DEFAULT_TYPE])
    if not 0 < hours <= 24:
        raise AdminRefused("corrected hours must be above 0 and at most 24")
    counted, points = rule.points_for(hours)
    if points <= 0:
        raise AdminRefused("these hours earn no points under the rules")
    batch_id = new_batch_id(now)
    new_id = f"{record_id[:88]}~{secrets.token_hex(4)}"
    day = original.service_date or f"{now.astimezone(UTC):%Y-%m-%d}"
    admin.credit_many(db, [Credit(new_id, original.volunteer_id, counted, points,
                                  corrects=record_id)],
                      also=_provenance(batch_id, "correction", principal,
                                       source=reason.strip(),
                                       details={new_id: (original.activity_id or "correction",
                                                         rule.id, day, counted)},
                                       address=address, subject=record_id))
    return batch_id
