"""A partner's own pages. A donor partner sees what became of its goods; the vouchers issue
adds the merchants' and property companies' redemption pages here."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from district.console import schema as s
from district.console.routes.donors import donor_report
from district.console.scope import Role
from district.console.web import Area, ctx_of, render

area = Area()
PARTNER = frozenset({Role.PARTNER})


@area.get("/partner", PARTNER)
def partner_home(request: Request) -> Response:
    ctx = ctx_of(request)
    with ctx.db.read() as conn:
        partner = conn.execute(select(s.partners).where(
            s.partners.c.id == ctx.principal.partner_id)).first()
    table = donor_report(ctx, {})
    return render(ctx, "donor.html", title="My goods", donor_id=ctx.principal.partner_id,
                  partner=partner, table=table)
