"""Earning points: the points rules, service-record imports (preview, then one batch), the
batches credited, manual credits and corrections. Every credit goes through
district.console.credit_batches into the district's one credit path."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from fastapi import Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from district.admin import AdminRefused
from district.console import credit_batches, import_pages, rules, web
from district.console import schema as s
from district.console.imports import pending, service_import
from district.console.queries import volunteers as vq
from district.console.scope import ADMIN_ONLY, STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, NotFound, UserError, ctx_of, render
from district.db import tables as t

area = Area()

PREVIEW_COLUMNS = (Column("line", "Line", numeric=True),
                   Column("action", "Outcome", translate=True),
                   Column("volunteer_id", "Volunteer number"),
                   Column("activity_id", "Activity"), Column("activity_type", "Activity type"),
                   Column("date", "Date"), Column("hours", "Hours"),
                   Column("points", "Points", numeric=True),
                   Column("reason", "Why / what applied"))
BATCH_COLUMNS = (Column("id", "Batch", link="/credits/batches/{id}"),
                 Column("kind", "Kind", translate=True), Column("at", "Time"),
                 Column("account_id", "By"), Column("source", "File or reason"),
                 Column("records", "Records", numeric=True),
                 Column("points", "Points", numeric=True))
RECORD_COLUMNS = (Column("record_id", "Record"),
                  Column("volunteer_id", "Volunteer number", link="/volunteers/{volunteer_id}"),
                  Column("activity_id", "Activity"), Column("activity_type", "Activity type"),
                  Column("service_date", "Date"), Column("hours", "Hours"),
                  Column("points", "Points", numeric=True), Column("corrected_by", "Corrected by"))
RULE_COLUMNS = (Column("id", "Activity type"), Column("name", "Name"),
                Column("points_per_hour", "Points per hour", numeric=True),
                Column("max_hours", "Hours counted per activity"),
                Column("max_points_per_month", "Monthly cap (0: none)", numeric=True),
                Column("counts", "Earns points"))


def _now(ctx: Ctx) -> datetime:
    return datetime.fromtimestamp(ctx.console.clock(), UTC)


@exportable("rules", STAFF)
def rules_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    with ctx.db.read() as conn:
        rows = rules.as_rows(rules.types(conn))
    return Table("rules", "Points rules", RULE_COLUMNS, rows)


@exportable("batches", STAFF)
def batches_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    """Batches credited; a social worker sees the ones they made themselves."""
    query = select(s.credit_batches).order_by(s.credit_batches.c.at.desc()).limit(500)
    if not ctx.principal.is_admin:
        query = query.where(s.credit_batches.c.account_id == ctx.principal.account_id)
    with ctx.db.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["at"] = row["at"][:19].replace("T", " ")
    return Table("batches", "Credit batches", BATCH_COLUMNS, rows)


@area.get("/credits", STAFF)
def credits_home(request: Request) -> Response:
    ctx = ctx_of(request)
    return render(ctx, "credits.html", title="Points", rules=rules_table(ctx, {}),
                  batches=batches_table(ctx, {}), message=None)


@area.post("/credits/rules", ADMIN_ONLY)
async def save_rule(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    fields = {k: web.form_text(form, k) for k in ("id", "name", "points_per_hour",
                                                   "max_hours", "max_points_per_month",
                                                   "counts")}
    try:
        rule = rules.parse(fields)
    except rules.RuleRefused as exc:
        raise UserError(str(exc)) from None
    rules.save(ctx.db, rule, ctx.principal.account_id)
    return web.redirect(f"{web.PREFIX}/credits")


SERVICE_RECORDS = import_pages.ImportKind(
    kind="service", default_name="records",
    read_rows=lambda sheet, ctx: service_import.read_rows(sheet, _now(ctx).date()),
    row=service_import.ServiceRow, plan=service_import.plan, page="/credits/import")


@area.post("/credits/import", STAFF)
async def import_upload(request: Request, file: UploadFile) -> Response:
    ctx = ctx_of(request)
    return await import_pages.upload(ctx, file, SERVICE_RECORDS, lambda message: render(
        ctx, "credits.html", status=422, title="Points", rules=rules_table(ctx, {}),
        batches=batches_table(ctx, {}), message=message))


@area.get("/credits/import/{import_id}", STAFF)
def import_preview(import_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    file_name, status, planned = import_pages.planned(ctx, import_id, SERVICE_RECORDS)
    shown = [import_pages.shown(ctx, p.as_dict()) for p in planned]
    # The preview lists the rows that need a look first; a 50,000-row file shows its first
    # 2,000 (the counts above it cover every row).
    shown.sort(key=lambda r: {"refuse": 0, "skip": 1, "credit": 2}[r["action"]])
    table = Table("", "Preview", PREVIEW_COLUMNS, shown[:2000])
    batch_id = None
    if status == "done":
        with ctx.db.read() as conn:
            batch_id = conn.execute(select(s.imports.c.batch_id).where(
                s.imports.c.id == import_id)).scalar()
    return render(ctx, "import_service.html", title="Import service records", preview=table,
                  summary=service_import.summary(planned), import_id=import_id,
                  file_name=file_name, state=status, batch_id=batch_id,
                  total=len(planned))


@area.post("/credits/import/{import_id}", STAFF)
def import_confirm(import_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    file_name, status, planned = import_pages.planned(ctx, import_id, SERVICE_RECORDS)
    if status != "pending":
        return web.redirect(f"{web.PREFIX}/credits/import/{import_id}")
    batch_id, _ = credit_batches.credit_import(ctx.db, ctx.principal, planned,
                                               file_name=file_name, now=_now(ctx),
                                               address=ctx.address)
    pending.finish(ctx.db, import_id, "done", batch_id)
    return web.redirect(f"{web.PREFIX}/credits/batches/{batch_id}")


@exportable("batch_records", STAFF)
def batch_records(ctx: Ctx, params: Mapping[str, str]) -> Table:
    batch_id = params.get("id", "")[:40]
    c = s.credits
    with ctx.db.read() as conn:
        batch = conn.execute(select(s.credit_batches).where(
            s.credit_batches.c.id == batch_id)).first()
        if batch is None or not (ctx.principal.is_admin
                                 or batch.account_id == ctx.principal.account_id):
            raise NotFound
        fix = t.service_records.alias("fix")
        rows = [dict(r._mapping) for r in conn.execute(
            select(c, fix.c.record_id.label("corrected_by")).select_from(
                c.outerjoin(fix, fix.c.corrects == c.c.record_id))
            .where(c.c.batch_id == batch_id).order_by(c.c.volunteer_id).limit(100_000))]
    return Table("batch_records", "Records of the batch", RECORD_COLUMNS, rows,
                 params={"id": batch_id})


@area.get("/credits/batches/{batch_id}", STAFF)
def batch_page(batch_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    table = batch_records(ctx, {"id": batch_id})
    with ctx.db.read() as conn:
        batch = conn.execute(select(s.credit_batches).where(
            s.credit_batches.c.id == batch_id)).first()
    return render(ctx, "batch.html", title="Credit batch", batch=batch, table=table)


def _volunteer(ctx: Ctx, volunteer_id: str) -> vq.Found:
    with ctx.db.read() as conn:
        found = vq.volunteer(conn, ctx.principal, volunteer_id)
    if found is None:
        raise NotFound
    return found


@area.post("/credits/manual", STAFF)
async def manual(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    owner = _volunteer(ctx, web.form_text(form, "volunteer_id", 64))
    try:
        points = int(web.form_text(form, "points", 12))
    except ValueError:
        raise UserError(ctx.t("Points must be a whole number.")) from None
    try:
        credit_batches.manual_credit(ctx.db, ctx.principal, owner.volunteer_id,
                                     points=points, reason=web.form_text(form, "reason", 200),
                                     now=_now(ctx), address=ctx.address)
    except AdminRefused as exc:
        raise UserError(str(exc)) from None
    return web.redirect(f"{web.PREFIX}/volunteers/{owner.volunteer_id}")


@area.post("/credits/correct", STAFF)
async def correct(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    record_id = web.form_text(form, "record_id", 100)
    with ctx.db.read() as conn:
        owner = conn.execute(select(t.service_records.c.volunteer_id).where(
            t.service_records.c.record_id == record_id)).scalar()
    if owner is None:
        raise NotFound
    _volunteer(ctx, owner)
    try:
        hours = float(web.form_text(form, "hours", 12))
        batch_id = credit_batches.correct(ctx.db, ctx.principal, record_id, hours=hours,
                                          reason=web.form_text(form, "reason", 200),
                                          now=_now(ctx), address=ctx.address)
    except ValueError as exc:     # AdminRefused, or hours that are not a number
        raise UserError(str(exc) if isinstance(exc, AdminRefused)
                        else ctx.t("Hours must be a number.")) from None
    return web.redirect(f"{web.PREFIX}/credits/batches/{batch_id}")


