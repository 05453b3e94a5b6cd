"""Donors and deliveries: which unit gave what to which kiosk, and each donor's report of what
became of their goods (district.console.queries.donors)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import func, select

from district.console import audit, web
from district.console import schema as s
from district.console.queries import donors as dq
from district.console.queries import kiosks as kq
from district.console.scope import ALL_ROLES, STAFF, Role
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, NotFound, UserError, ctx_of, render
from district.db import tables as t
from district.db.upsert import upsert

area = Area()
PARTNER_ID_RE = re.compile(r"[!-~]{1,100}")
KINDS = ("donor", "merchant", "property")
DONOR_COLUMNS = (Column("id", "Donor", link="/donors/{id}"), Column("name", "Partner name"),
                 Column("kind", "Kind", translate=True), Column("community", "Community"),
                 Column("received", "Units delivered", numeric=True))
DELIVERY_COLUMNS = (Column("donor_id", "Donor", link="/donors/{donor_id}"),
                    Column("item_id", "Item"), Column("kiosk_id", "Kiosk"),
                    Column("received", "Units delivered", numeric=True),
                    Column("deliveries", "Deliveries", numeric=True))
REPORT_COLUMNS = (Column("item_id", "Item"), Column("name", "Item name"),
                  Column("given", "Given", numeric=True), Column("sold", "Taken", numeric=True),
                  Column("volunteer_count", "Volunteers", numeric=True),
                  Column("kiosks", "At kiosks (units)"),
                  Column("points", "Points spent on them", numeric=True),
                  Column("written_off", "Written off", numeric=True),
                  Column("on_shelf", "Still on the shelf", numeric=True))


def _deliveries(ctx: Ctx) -> list[dict[str, Any]]:
    sm = t.stock_movements
    with ctx.db.read() as conn:
        kiosks = kq.in_scope(conn, ctx.principal)
        return [dict(r._mapping) for r in conn.execute(
            select(sm.c.donor_id, sm.c.item_id, sm.c.kiosk_id,
                   func.sum(sm.c.delta).label("received"), func.count().label("deliveries"))
            .where(sm.c.kind == "restock", sm.c.donor_id.is_not(None),
                   sm.c.kiosk_id.in_(kiosks))
            .group_by(sm.c.donor_id, sm.c.item_id, sm.c.kiosk_id)
            .order_by(sm.c.donor_id, sm.c.item_id, sm.c.kiosk_id))]


@exportable("deliveries", STAFF)
def deliveries_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    return Table("deliveries", "Deliveries", DELIVERY_COLUMNS, _deliveries(ctx))


@exportable("donors", STAFF)
def donors_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    received: dict[str, int] = {}
    for row in _deliveries(ctx):
        received[row["donor_id"]] = received.get(row["donor_id"], 0) + int(row["received"])
    with ctx.db.read() as conn:
        known = {r.id: r for r in conn.execute(select(s.partners).order_by(s.partners.c.id))}
    rows = [{"id": p.id, "name": p.name, "kind": p.kind, "community": p.community_id or "",
             "received": received.get(p.id, 0)}
            for p in known.values() if ctx.principal.sees_partner(p.id, p.community_id)]
    # Donors kiosks named in deliveries but nobody registered yet: shown by their id.
    rows += [{"id": d, "name": "", "kind": "donor", "community": "", "received": n}
             for d, n in sorted(received.items()) if d not in known]
    return Table("donors", "Donors and partners", DONOR_COLUMNS, rows)


def _report_rows(ctx: Ctx, donor_id: str) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        kiosks = kq.in_scope(conn, ctx.principal) if ctx.principal.role is not Role.PARTNER \
            else list(conn.execute(select(t.kiosks.c.id)).scalars())
        rows = dq.report(conn, donor_id, kiosks)
    for row in rows:
        row["name"] = row["name_zh"] if ctx.lang == "zh" else row["name_en"]
    return rows


def _partner_in_scope(ctx: Ctx, donor_id: str) -> Any:
    with ctx.db.read() as conn:
        partner = conn.execute(select(s.partners).where(s.partners.c.id == donor_id)).first()
    if partner is None:
        if not ctx.principal.is_admin:
            raise NotFound
        return None
    if not ctx.principal.sees_partner(partner.id, partner.community_id):
        raise NotFound
    return partner


@exportable("donor_report", ALL_ROLES)
def donor_report(ctx: Ctx, params: Mapping[str, str]) -> Table:
    donor_id = params.get("id", "")[:100]
    if ctx.principal.role is Role.PARTNER:
        donor_id = ctx.principal.partner_id or ""
    _partner_in_scope(ctx, donor_id)
    return Table("donor_report", "What became of the goods", REPORT_COLUMNS,
                 _report_rows(ctx, donor_id), params={"id": donor_id})


@area.get("/donors", STAFF)
def donors(request: Request) -> Response:
    ctx = ctx_of(request)
    with ctx.db.read() as conn:
        communities = conn.execute(select(s.communities).where(
            ctx.principal.community_filter(s.communities.c.id))).all()
    return render(ctx, "donors.html", title="Donors", donors=donors_table(ctx, {}),
                  deliveries=deliveries_table(ctx, {}), communities=communities, kinds=KINDS)


@area.get("/donors/{donor_id}", STAFF)
def donor_page(donor_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    partner = _partner_in_scope(ctx, donor_id[:100])
    table = donor_report(ctx, {"id": donor_id[:100]})
    return render(ctx, "donor.html", title="Donors", donor_id=donor_id[:100],
                  partner=partner, table=table)


@area.post("/donors", STAFF)
async def save_donor(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    donor_id, name = web.form_text(form, "id", 100), web.form_text(form, "name", 200)
    kind, community = web.form_text(form, "kind", 16), web.form_text(form, "community", 40)
    if not PARTNER_ID_RE.fullmatch(donor_id) or not name or kind not in KINDS:
        raise UserError(ctx.t("A partner needs an id (as the kiosks record the donor), a "
                              "name and a kind."))
    if not ctx.principal.is_admin and not ctx.principal.sees_community(community):
        raise UserError(ctx.t("Choose one of your communities."))
    with ctx.db.write() as conn:
        before = conn.execute(select(s.partners).where(s.partners.c.id == donor_id)).first()
        if before is not None and not ctx.principal.sees_partner(before.id,
                                                                 before.community_id):
            raise NotFound
        row = {"id": donor_id, "name": name, "kind": kind, "community_id": community or None}
        upsert(conn, s.partners, row, ("id",), ("name", "kind", "community_id"))
        audit.record(conn, ctx.principal.account_id, "partner_saved", donor_id,
                     before=None if before is None else dict(before._mapping), after=row,
                     address=ctx.address)
    return web.redirect(f"{web.PREFIX}/donors")
