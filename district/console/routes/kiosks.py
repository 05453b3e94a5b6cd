"""Kiosks: health from the last heartbeat (silent, dead printer or reader, wrong clock,
stopped selling), last push, pending entries; an admin puts each kiosk in its community (which
is what a social worker's scope of kiosks is)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from district.console import audit, web
from district.console import schema as s
from district.console.queries import kiosks as kq
from district.console.scope import ADMIN_ONLY, STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, UserError, ctx_of, render
from district.db import tables as t
from district.db.upsert import upsert

area = Area()

COLUMNS = (Column("kiosk_id", "Kiosk"), Column("name", "Name"),
           Column("community", "Community"), Column("problems", "Needs", translate=True),
           Column("why", "Why (the kiosk's words)"),
           Column("last_heartbeat", "Last heartbeat (UTC)"),
           Column("last_push", "Last sync (UTC)"), Column("pending", "Pending entries",
                                                          numeric=True),
           Column("printer", "Printer", translate=True),
           Column("reader", "Card reader", translate=True),
           Column("last_sale_at", "Last sale"), Column("version", "Version"),
           Column("disk_free_mb", "Free disk (MB)", numeric=True))


@exportable("kiosks", STAFF)
def kiosks_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    rows = kq.health(ctx.store, ctx.principal, ctx.console.clock())
    return Table("kiosks", "Kiosks", COLUMNS, rows)


@area.get("/kiosks", STAFF)
def kiosks(request: Request) -> Response:
    ctx = ctx_of(request)
    table = kiosks_table(ctx, {})
    with ctx.db.read() as conn:
        communities = conn.execute(select(s.communities).order_by(s.communities.c.id)).all()
        all_kiosks = conn.execute(select(t.kiosks.c.id).order_by(t.kiosks.c.id)).scalars() \
            .all() if ctx.principal.is_admin else []
    attention = [r for r in table.rows if r["problems"] != "ok"]
    return render(ctx, "kiosks.html", title="Kiosks", table=table, attention=attention,
                  communities=communities, all_kiosks=all_kiosks)


@area.post("/kiosks/site", ADMIN_ONLY)
async def set_site(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    kiosk_id, community = web.form_text(form, "kiosk_id", 64), web.form_text(form,
                                                                             "community", 40)
    with ctx.db.write() as conn:
        if conn.execute(select(t.kiosks.c.id).where(t.kiosks.c.id == kiosk_id)).first() is None:
            raise UserError(ctx.t("Unknown kiosk."))
        if conn.execute(select(s.communities.c.id).where(
                s.communities.c.id == community)).first() is None:
            raise UserError(ctx.t("Unknown community."))
        before = conn.execute(select(s.kiosk_sites.c.community_id).where(
            s.kiosk_sites.c.kiosk_id == kiosk_id)).scalar()
        upsert(conn, s.kiosk_sites, {"kiosk_id": kiosk_id, "community_id": community},
               ("kiosk_id",), ("community_id",))
        audit.record(conn, ctx.principal.account_id, "kiosk_site", kiosk_id,
                     before={"community": before}, after={"community": community},
                     address=ctx.address)
    return web.redirect(f"{web.PREFIX}/kiosks")
