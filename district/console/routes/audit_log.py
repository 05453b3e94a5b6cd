"""The audit logs (admins only): the console's own (every action with before and after) and
the kiosks' operator actions as they were pushed."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response

from district.console import audit
from district.console.scope import ADMIN_ONLY
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, ctx_of, render

area = Area()
COLUMNS = (Column("id", "No."), Column("at", "Time (UTC)"), Column("account_id", "Who"),
           Column("action", "Action"), Column("subject", "On what"),
           Column("before", "Before"), Column("after", "After"), Column("address", "From"))
KIOSK_COLUMNS = (Column("kiosk_id", "Kiosk"), Column("at", "Time (UTC)"),
                 Column("operator_id", "Operator"), Column("action", "Action"),
                 Column("subject", "On what"), Column("before", "Before"),
                 Column("after", "After"))


@exportable("audit", ADMIN_ONLY)
def audit_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    with ctx.db.read() as conn:
        rows = audit.recent(conn, 2000)
    for row in rows:
        row["at"] = row["at"][:19].replace("T", " ")
    return Table("audit", "Console audit log", COLUMNS, rows)


@exportable("kiosk_audit", ADMIN_ONLY)
def kiosk_audit_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    rows = ctx.store.report("audit")[-2000:][::-1]
    return Table("kiosk_audit", "Kiosk operators' audit log", KIOSK_COLUMNS, rows)


@area.get("/audit", ADMIN_ONLY)
def audit_page(request: Request) -> Response:
    ctx = ctx_of(request)
    return render(ctx, "tables.html", title="Audit log",
                  tables=[audit_table(ctx, {}), kiosk_audit_table(ctx, {})])
