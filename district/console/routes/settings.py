"""District settings: the same keys, ranges and checks as ``kiosk-district set``
(points_protocol.settings), stored through district.admin.set_setting."""

from __future__ import annotations

import json
from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from district.admin import AdminRefused
from district.console import audit, web
from district.console.scope import ADMIN_ONLY
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, UserError, ctx_of, render
from district.db import tables as t
from points_protocol.errors import Invalid
from points_protocol.settings import SETTINGS, parse_setting

area = Area()
COLUMNS = (Column("key", "Setting"), Column("value", "Value"), Column("range", "Allowed"),
           Column("doc", "What it does", translate=True))


def _current(ctx: Ctx) -> dict[str, object]:
    with ctx.db.read() as conn:
        return {r.key: json.loads(r.value) for r in conn.execute(select(t.settings))}


@exportable("settings", ADMIN_ONLY)
def settings_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    held = _current(ctx)
    rows = [{"key": k, "value": held.get(k, ""), "doc": v.doc,
             "range": f"{v.range.minimum:,}..{v.range.maximum:,} {v.range.what}"}
            for k, v in SETTINGS.items()]
    return Table("settings", "District settings", COLUMNS, rows,
                 note="Empty: each kiosk uses its own config.toml.")


@area.get("/settings", ADMIN_ONLY)
def settings(request: Request) -> Response:
    ctx = ctx_of(request)
    return render(ctx, "settings.html", title="Settings", table=settings_table(ctx, {}),
                  keys=list(SETTINGS))


@area.post("/settings", ADMIN_ONLY)
async def save(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    key, text = web.form_text(form, "key", 64), web.form_text(form, "value", 40)
    try:
        value = parse_setting(key, text)
        before = _current(ctx).get(key)
        ctx.store.set_setting(key, value)
    except (Invalid, AdminRefused) as exc:
        raise UserError(str(exc)) from None
    audit.log(ctx.db, ctx.principal.account_id, "setting", key, before={"value": before},
              after={"value": value}, address=ctx.address)
    return web.redirect(f"{web.PREFIX}/settings")
