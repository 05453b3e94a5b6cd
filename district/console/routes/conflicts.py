"""Conflicts and debts from the ledger checks, and what staff can do about each: note what was
done (append-only), block the volunteer's cards, credit manually (the volunteer's page).

A conflict is in a social worker's scope when its kiosk's site is in their communities, or
its volunteer is."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import and_, func, literal, or_, select

from district.console import audit, web
from district.console import schema as s
from district.console.queries.sql import starts_with
from district.console.scope import STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, NotFound, UserError, ctx_of, render
from district.db import tables as t
from district.records import now_text
from district.vouchers.redeem import unpaid

area = Area()
ACTIONS = ("acknowledged", "contacted", "resolved")

CONFLICT_COLUMNS = (Column("id", "No."), Column("at", "Time (UTC)"),
                    Column("kind", "Kind", translate=True), Column("kiosk_id", "Kiosk"),
                    Column("volunteer_id", "Volunteer number",
                           link="/volunteers/{volunteer_id}"),
                    Column("amount", "Points", numeric=True), Column("detail", "Detail"),
                    Column("last_action", "Done so far"))
DEBT_COLUMNS = (Column("volunteer_id", "Volunteer number", link="/volunteers/{volunteer_id}"),
                Column("masked_name", "Name"), Column("community", "Community"),
                Column("debt", "Debt", numeric=True), Column("balance", "Balance",
                                                             numeric=True))


def _scoped_conflicts(ctx: Ctx) -> object:
    c, k, p = t.conflicts, s.kiosk_sites, s.volunteer_profiles
    join = c.outerjoin(k, k.c.kiosk_id == c.c.kiosk_id).outerjoin(
        p, p.c.volunteer_id == c.c.volunteer_id)
    query = select(c).select_from(join)
    if ctx.principal.communities is not None:
        query = query.where(or_(ctx.principal.community_filter(k.c.community_id),
                                ctx.principal.community_filter(p.c.community_id)))
    return query


@exportable("conflicts", STAFF)
def conflicts_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    query = _scoped_conflicts(ctx).order_by(t.conflicts.c.id.desc()).limit(1000)  # type: ignore[attr-defined]
    a = s.conflict_actions
    with ctx.db.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        done: dict[int, str] = {}
        for r in conn.execute(select(a).where(a.c.conflict_id.in_([r["id"] for r in rows]))
                              .order_by(a.c.id)):
            done[int(r.conflict_id)] = f"{r.action}: {r.note} ({r.account_id})"
    for row in rows:
        row["at"] = row["at"][:19].replace("T", " ")
        row["last_action"] = done.get(int(row["id"]), "")
    return Table("conflicts", "Conflicts", CONFLICT_COLUMNS, rows)


@exportable("debts", STAFF)
def debts_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    b, v, p = t.balances, t.volunteers, s.volunteer_profiles
    person = t.balances.alias("person")
    with ctx.db.read() as conn:
        query = (select(v.c.id.label("volunteer_id"), v.c.masked_name,
                        p.c.community_id.label("community"), (-b.c.balance).label("debt"),
                        func.coalesce(person.c.balance, 0).label("balance"))
                 .select_from(b.join(v, v.c.id == func.substr(b.c.account, 6))
                              .outerjoin(p, p.c.volunteer_id == v.c.id)
                              .outerjoin(person, and_(person.c.account == literal("volunteer:")
                                                      + v.c.id, person.c.shard == 0)))
                 .where(starts_with(conn, b.c.account, "debt:"), b.c.balance < 0,
                        ctx.principal.community_filter(p.c.community_id))
                 .order_by(b.c.balance).limit(2000))
        rows = [dict(r._mapping) for r in conn.execute(query)]
    return Table("debts", "Debts", DEBT_COLUMNS, rows)


UNPAID_COLUMNS = (Column("id", "Voucher"), Column("kiosk_id", "Kiosk"),
                  Column("partner_id", "Partner"), Column("value", "Points", numeric=True),
                  Column("sale_state", "Sale", translate=True),
                  Column("redeemed_at", "Redeemed at"))


@exportable("unpaid_vouchers", STAFF)
def unpaid_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    """Vouchers a partner redeemed whose sale has not reached the district, or was refused
    (district.vouchers.redeem.unpaid); a social worker sees those of their communities'
    kiosks."""
    with ctx.db.read() as conn:
        rows = unpaid(conn)
        if ctx.principal.communities is not None:
            sites = dict(conn.execute(select(s.kiosk_sites.c.kiosk_id,
                                             s.kiosk_sites.c.community_id)).all())
            rows = [r for r in rows if sites.get(r["kiosk_id"]) in ctx.principal.communities]
    return Table("unpaid_vouchers", "Vouchers redeemed without a sale", UNPAID_COLUMNS, rows,
                 note="A voucher redeemed from its QR code before its kiosk synced is listed "
                      "here until its sale arrives; one whose sale was refused stays.")


@area.get("/conflicts", STAFF)
def conflicts(request: Request) -> Response:
    ctx = ctx_of(request)
    return render(ctx, "conflicts.html", title="Conflicts and debts",
                  conflicts=conflicts_table(ctx, {}), debts=debts_table(ctx, {}),
                  unpaid=unpaid_table(ctx, {}), actions=ACTIONS)


@area.post("/conflicts/note", STAFF)
async def note(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    action, text = web.form_text(form, "action", 20), web.form_text(form, "note", 400)
    conflict = web.form_text(form, "conflict", 20)
    if not conflict.isdigit():
        raise NotFound
    conflict_id = int(conflict)
    if action not in ACTIONS or len(text) < 2:
        raise UserError(ctx.t("Choose what was done and write a note."))
    with ctx.db.write() as conn:
        query = _scoped_conflicts(ctx).where(t.conflicts.c.id == conflict_id)  # type: ignore[attr-defined]
        if conn.execute(query).first() is None:
            raise NotFound
        conn.execute(s.conflict_actions.insert().values(
            conflict_id=conflict_id, account_id=ctx.principal.account_id, at=now_text(),
            action=action, note=text))
        audit.record(conn, ctx.principal.account_id, "conflict_note", str(conflict_id),
                     after={"action": action, "note": text}, address=ctx.address)
    return web.redirect(f"{web.PREFIX}/conflicts")
