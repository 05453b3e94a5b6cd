"""Accounts and communities (admins only): who may sign in, with which role, which
communities a social worker looks after, which partner a partner account speaks for."""

from __future__ import annotations

import re
from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from district.console import audit, web
from district.console import schema as s
from district.console.accounts import AccountRefused
from district.console.scope import ADMIN_ONLY, Role
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, UserError, ctx_of, render
from district.db.upsert import upsert

area = Area()
COMMUNITY_ID_RE = re.compile(r"[a-z0-9_-]{1,40}")
COLUMNS = (Column("id", "Account"), Column("display_name", "Name"),
           Column("role", "Role", translate=True), Column("communities", "Communities"),
           Column("partner_id", "Partner"), Column("state", "State", translate=True))


@exportable("accounts", ADMIN_ONLY)
def accounts_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    now = ctx.console.clock()
    with ctx.db.read() as conn:
        links: dict[str, list[str]] = {}
        for r in conn.execute(select(s.account_communities)):
            links.setdefault(r.account_id, []).append(r.community_id)
        rows = [{"id": r.id, "display_name": r.display_name, "role": r.role,
                 "partner_id": r.partner_id or "", "communities": " ".join(links.get(r.id, [])),
                 "state": "disabled" if r.disabled else "locked" if r.locked_until > now
                 else "active"}
                for r in conn.execute(select(s.accounts).order_by(s.accounts.c.id))]
    return Table("accounts", "Accounts", COLUMNS, rows)


@exportable("communities", ADMIN_ONLY)
def communities_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    with ctx.db.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(s.communities).order_by(s.communities.c.id))]
    return Table("communities", "Communities", (Column("id", "Community id"),
                                                Column("name", "Community name")), rows)


@area.get("/accounts", ADMIN_ONLY)
def accounts(request: Request) -> Response:
    ctx = ctx_of(request)
    communities = communities_table(ctx, {})
    with ctx.db.read() as conn:
        partners = conn.execute(select(s.partners.c.id, s.partners.c.name)
                                .order_by(s.partners.c.id)).all()
    return render(ctx, "accounts.html", title="Accounts", table=accounts_table(ctx, {}),
                  communities=communities, partners=partners, roles=list(Role))


@area.post("/accounts", ADMIN_ONLY)
async def save_account(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    role_text = web.form_text(form, "role", 20)
    if role_text not in {r.value for r in Role}:
        raise UserError(ctx.t("Choose a role."))
    account_id = web.form_text(form, "account", 40)
    communities = [c for c in form.getlist("communities") if isinstance(c, str)]
    partner = web.form_text(form, "partner", 100) or None
    try:
        ctx.console.accounts.create(
            account_id, str(form.get("password") or ""), Role(role_text),
            display_name=web.form_text(form, "display_name", 100), communities=communities,
            partner_id=partner if role_text == Role.PARTNER else None)
    except AccountRefused as exc:
        raise UserError(str(exc)) from None
    audit.log(ctx.db, ctx.principal.account_id, "account_saved", account_id,
              after={"role": role_text, "communities": communities, "partner": partner},
              address=ctx.address)
    return web.redirect(f"{web.PREFIX}/accounts")


@area.post("/accounts/{account_id}/disable", ADMIN_ONLY)
def disable(account_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    if account_id == ctx.principal.account_id:
        raise UserError(ctx.t("You cannot disable your own account."))
    ctx.console.accounts.set_disabled(account_id[:40], True)
    audit.log(ctx.db, ctx.principal.account_id, "account_disabled", account_id[:40],
              address=ctx.address)
    return web.redirect(f"{web.PREFIX}/accounts")


@area.post("/communities", ADMIN_ONLY)
async def save_community(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    community, name = web.form_text(form, "id", 40), web.form_text(form, "name", 100)
    if not COMMUNITY_ID_RE.fullmatch(community) or not name:
        raise UserError(ctx.t("A community needs an id (a-z, 0-9, '-', '_') and a name."))
    with ctx.db.write() as conn:
        upsert(conn, s.communities, {"id": community, "name": name}, ("id",), ("name",))
        audit.record(conn, ctx.principal.account_id, "community_saved", community,
                     after={"name": name}, address=ctx.address)
    return web.redirect(f"{web.PREFIX}/accounts")
