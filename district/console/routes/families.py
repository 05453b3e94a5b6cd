"""Families in need (issue 13): registered under a community with who approved them, given
points from the donation pool by a social worker (never more than it holds, with a reason,
audited), and the reports: donated per month, allocated, spent by families and on what.

A family is named (masked household, number, balance) only to the social workers of its
community; the district's admins see the totals, and the reports never name one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import func, select

from district.console import schema as s
from district.console.scope import STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, UserError, ctx_of, form_text, redirect, render
from district.db import tables as t
from district.families import pool as family_pool
from district.families import schema as fs
from district.families import service
from district.ledger import DONATION_POOL

area = Area()

FAMILY_COLUMNS = (Column("volunteer_id", "Family number"), Column("household", "Household"),
                  Column("members", "Members", numeric=True),
                  Column("community", "Community"), Column("balance", "Balance", numeric=True),
                  Column("approved_by", "Approved by"), Column("approved_at", "Approved at"))
MONTH_COLUMNS = (Column("month", "Month"), Column("donated", "Donated", numeric=True),
                 Column("allocated", "Allocated", numeric=True),
                 Column("spent", "Spent by families", numeric=True))
SPENT_COLUMNS = (Column("item", "Item"), Column("category", "Category", translate=True),
                 Column("quantity", "Units", numeric=True),
                 Column("points", "Points", numeric=True))


def _now(ctx: Ctx) -> datetime:
    return datetime.fromtimestamp(ctx.console.clock(), UTC)


@exportable("families", STAFF)
def families_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    with ctx.db.read() as conn:
        names = dict(conn.execute(select(s.communities.c.id, s.communities.c.name)).all())
        rows = service.in_scope(conn, ctx.principal.communities)
    for row in rows:
        row["community"] = names.get(row["community_id"], row["community_id"])
        row["approved_at"] = str(row["approved_at"])[:10]
    note = "" if ctx.principal.communities is not None else \
        "Families are named only to their community's social workers."
    return Table("families", "Families in need", FAMILY_COLUMNS, rows, note=note)


def _family_ids(conn: Any) -> list[str]:
    return list(conn.execute(select(fs.families.c.volunteer_id)).scalars())


@exportable("family_months", STAFF)
def months_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    """Per month: net points donated into the pool (donation sales less their voids),
    allocated out of it to families, and spent by families at the kiosks (less voids). Months
    in the district's time zone, as the other reports count days: a sale's and a void's is
    their shop day's (district.overspend.shop_day), an allocation's is stored with it."""
    tr, o = t.transfers, t.orders
    month = func.substr(o.c.shop_day, 1, 7)
    by_order = tr.join(o, o.c.order_id == tr.c.group_id)
    with ctx.db.read() as conn:
        into = dict(conn.execute(select(month, func.sum(tr.c.amount)).select_from(by_order)
                                 .where(tr.c.to_account == DONATION_POOL, tr.c.role == "order")
                                 .group_by(month)).all())
        back = dict(conn.execute(select(month, func.sum(tr.c.amount)).select_from(by_order)
                                 .where(tr.c.from_account == DONATION_POOL,
                                        tr.c.role == "order").group_by(month)).all())
        allocated = dict(conn.execute(select(fs.allocations.c.month,
                                             func.sum(fs.allocations.c.points))
                                      .group_by(fs.allocations.c.month)).all())
        omonth = month
        spent = dict(conn.execute(select(omonth, func.sum(o.c.total)).where(
            o.c.volunteer_id.in_(select(fs.families.c.volunteer_id))).group_by(omonth)).all())
    months = sorted(set(into) | set(back) | set(allocated) | set(spent), reverse=True)
    rows = [{"month": m, "donated": int(into.get(m) or 0) - int(back.get(m) or 0),
             "allocated": int(allocated.get(m) or 0), "spent": int(spent.get(m) or 0)}
            for m in months]
    return Table("family_months", "Donated, allocated and spent per month", MONTH_COLUMNS, rows)


@exportable("family_spending", STAFF)
def spending_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    """What families took, all families together (no family named)."""
    o, line = t.orders, t.order_lines
    with ctx.db.read() as conn:
        rows = conn.execute(
            select(line.c.item_id, func.sum(line.c.quantity), func.sum(line.c.amount))
            .join(o, o.c.order_id == line.c.order_id)
            .where(o.c.volunteer_id.in_(select(fs.families.c.volunteer_id)))
            .group_by(line.c.item_id)).all()
        specs = {r.id: json.loads(r.spec) for r in conn.execute(
            select(t.items.c.id, t.items.c.spec).where(
                t.items.c.id.in_([r[0] for r in rows])))}
    key = "name_zh" if ctx.lang == "zh" else "name_en"
    out = [{"item": specs.get(i, {}).get(key, i), "category": specs.get(i, {}).get("category"),
            "quantity": int(q), "points": int(p)} for i, q, p in rows if int(q) > 0]
    out.sort(key=lambda r: -r["points"])
    return Table("family_spending", "What families took", SPENT_COLUMNS, out)


@area.get("/families", STAFF)
def families_page(request: Request) -> Response:
    ctx = ctx_of(request)
    with ctx.db.read() as conn:
        pool = service.pool_balance(conn)
        owed = family_pool.owed(conn)
        communities = conn.execute(select(s.communities).where(
            ctx.principal.community_filter(s.communities.c.id))).all()
        count = len(_family_ids(conn))
    return render(ctx, "families.html", title="Families in need", pool=pool, count=count,
                  owed=owed,
                  families=families_table(ctx, {}), months=months_table(ctx, {}),
                  spending=spending_table(ctx, {}), communities=communities,
                  named=ctx.principal.communities is not None)


def _number(ctx: Ctx, form: Any, name: str) -> int:
    try:
        return int(form_text(form, name, 12))
    except ValueError:
        raise UserError(ctx.t("Enter a whole number.")) from None


@area.post("/families", STAFF)
async def register_family(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    community = form_text(form, "community", 40)
    if not ctx.principal.sees_community(community):
        raise UserError(ctx.t("Unknown community."))
    family = service.NewFamily(family_id=form_text(form, "family_id", 24).upper(),
                               household=form_text(form, "household", 40),
                               members=_number(ctx, form, "members"), community_id=community,
                               reason=form_text(form, "reason", 400))
    try:
        service.register(ctx.store.db, family, account_id=ctx.principal.account_id,
                         now=_now(ctx), address=ctx.address)
    except service.FamilyRefused as exc:
        raise UserError(ctx.t(exc.text, **exc.values)) from None
    return redirect(f"/console/families?added={family.family_id}")


@area.post("/families/allocate", STAFF)
async def allocate(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    try:
        service.allocate(ctx.store.db, form_text(form, "family_id", 24).upper(),
                         _number(ctx, form, "points"), form_text(form, "reason", 400),
                         account_id=ctx.principal.account_id,
                         communities=ctx.principal.communities, now=_now(ctx),
                         address=ctx.address, zone=ctx.store.policy.timezone)
    except service.FamilyRefused as exc:
        raise UserError(ctx.t(exc.text, **exc.values)) from None
    return redirect("/console/families?allocated=1")
