"""The overview: what needs attention in the person's communities."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from district.console.queries import overview
from district.console.scope import STAFF
from district.console.web import Area, ctx_of, render

area = Area()


@area.get("/", STAFF)
def home(request: Request) -> Response:
    ctx = ctx_of(request)
    with ctx.db.read() as conn:
        tiles = overview.tiles(conn, ctx.principal, ctx.console.clock())
    return render(ctx, "home.html", title="Overview", tiles=tiles)
