"""Volunteers: search (number, masked name, card), a volunteer's page, and the import of the
volunteer platform's lists with its preview."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request, UploadFile
from fastapi.responses import Response

from district.console import import_pages, web
from district.console.imports import apply_volunteers, pending, volunteer_import
from district.console.queries import volunteers as q
from district.console.scope import STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, NotFound, ctx_of, render

area = Area()

SEARCH_COLUMNS = (Column("id", "Volunteer number", link="/volunteers/{id}"),
                  Column("masked_name", "Name"), Column("community", "Community"),
                  Column("status", "Status", translate=True),
                  Column("balance", "Balance", numeric=True),
                  Column("debt", "Debt", numeric=True))
HISTORY_COLUMNS = (Column("at", "Time"), Column("kind", "What", translate=True),
                   Column("points", "Points", numeric=True), Column("where", "Where"),
                   Column("detail", "Detail"), Column("date", "Service or sale date"))
PREVIEW_COLUMNS = (Column("line", "Line", numeric=True),
                   Column("action", "Outcome", translate=True),
                   Column("volunteer_id", "Volunteer number"), Column("masked_name", "Name"),
                   Column("community", "Community"),
                   Column("status", "Status", translate=True), Column("card_id", "Card"),
                   Column("reason", "Why / what changes"))


@exportable("volunteers", STAFF)
def search_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    query = params.get("q", "")[:64]
    with ctx.db.read() as conn:
        rows = [f.as_row() for f in q.search(conn, ctx.principal, query)]
    return Table("volunteers", "Volunteers", SEARCH_COLUMNS, rows,
                 params={"q": query} if query else {},
                 note="" if query else "The first volunteers by number; search to find one.")


@exportable("volunteer_history", STAFF)
def history_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    volunteer_id = params.get("id", "")[:64]
    with ctx.db.read() as conn:
        if q.volunteer(conn, ctx.principal, volunteer_id) is None:
            raise NotFound
        rows = q.history(conn, volunteer_id)
    return Table("volunteer_history", "Points history", HISTORY_COLUMNS, rows,
                 params={"id": volunteer_id})


@area.get("/volunteers", STAFF)
def volunteers(request: Request, q: str = "") -> Response:
    ctx = ctx_of(request)
    table = search_table(ctx, {"q": q})
    if "hx-request" in request.headers:
        return render(ctx, "volunteer_results.html", table=table)
    return render(ctx, "volunteers.html", title="Volunteers", table=table, query=q)


@area.get("/volunteers/{volunteer_id}", STAFF)
def volunteer_page(volunteer_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    with ctx.db.read() as conn:
        found = q.volunteer(conn, ctx.principal, volunteer_id[:64])
        if found is None:
            raise NotFound
        cards = q.cards_of(conn, found.volunteer_id)
    history = history_table(ctx, {"id": found.volunteer_id})
    return render(ctx, "volunteer.html", title="Volunteer", v=found, cards=cards,
                  history=history, qr_ready=ctx.console.qr_issuer is not None)


@area.get("/volunteers-import", STAFF)
def import_form(request: Request) -> Response:
    return render(ctx_of(request), "import_volunteers.html", title="Import volunteers",
                  preview=None, message=None)


VOLUNTEER_LISTS = import_pages.ImportKind(
    kind="volunteers", default_name="volunteers",
    read_rows=lambda sheet, _ctx: volunteer_import.read_rows(sheet),
    row=volunteer_import.VolunteerRow, plan=volunteer_import.plan, page="/volunteers-import")


@area.post("/volunteers-import", STAFF)
async def import_upload(request: Request, file: UploadFile) -> Response:
    ctx = ctx_of(request)
    return await import_pages.upload(ctx, file, VOLUNTEER_LISTS, lambda message: render(
        ctx, "import_volunteers.html", status=422, title="Import volunteers", preview=None,
        message=message))


@area.get("/volunteers-import/{import_id}", STAFF)
def import_preview(import_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    file_name, status, planned = import_pages.planned(ctx, import_id, VOLUNTEER_LISTS)
    table = Table("", "Preview", PREVIEW_COLUMNS, [import_pages.shown(ctx, p.as_dict())
                                                   for p in planned if p.action != "same"])
    return render(ctx, "import_volunteers.html", title="Import volunteers", preview=table,
                  summary=volunteer_import.summary(planned), import_id=import_id,
                  file_name=file_name, state=status, message=None)


@area.post("/volunteers-import/{import_id}", STAFF)
def import_confirm(import_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    file_name, status, planned = import_pages.planned(ctx, import_id, VOLUNTEER_LISTS)
    if status == "pending":       # idempotent: a second click changes nothing more
        apply_volunteers.apply(ctx.store, ctx.principal, planned, file_name, ctx.address)
        pending.finish(ctx.db, import_id, "done")
    return web.redirect(f"{web.PREFIX}/volunteers-import/{import_id}")
