"""The district's catalogue: items with their pictures, prices with their history, per-person
limits. Changes go through district.admin.upsert_items, which checks every item with the
protocol's catalogue rules (the same a kiosk applies), and reach the kiosks with their next
sync; a new price is a new price version, never an edit of the old one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from district.admin import AdminRefused
from district.console import audit, web
from district.console.scope import ADMIN_ONLY, STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, NotFound, UserError, ctx_of, render
from district.db import tables as t
from points_protocol.catalogue import LIMIT_PERIODS
from points_protocol.pictures import picture_format

area = Area()
MAX_IMAGE_BYTES = 8 << 20       # as kiosk-district add-image
COLUMNS = (Column("id", "Item", link="/catalogue/{id}"), Column("name_zh", "Name (zh)"),
           Column("name_en", "Name (en)"), Column("category", "Category", translate=True),
           Column("kind", "Kind", translate=True), Column("price", "Price", numeric=True),
           Column("limit", "Limit per person"), Column("price_versions", "Price versions",
                                                       numeric=True))
PRICE_COLUMNS = (Column("published_at", "Since (UTC)"), Column("price", "Price",
                                                                numeric=True))


def _items(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        specs = [json.loads(r.spec) for r in conn.execute(select(t.items.c.spec)
                                                         .order_by(t.items.c.id))]
        versions: dict[str, int] = {}
        for item_id in conn.execute(select(t.item_prices.c.item_id)).scalars():
            versions[item_id] = versions.get(item_id, 0) + 1
    for spec in specs:
        spec["price_versions"] = versions.get(spec["id"], 0)
        spec["limit"] = (f"{spec['limit_count']} / {spec['limit_period']}"
                         if spec.get("limit_count") else "")
    return specs


@exportable("catalogue", STAFF)
def catalogue_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    return Table("catalogue", "Catalogue", COLUMNS, _items(ctx))


@exportable("price_history", STAFF)
def price_history(ctx: Ctx, params: Mapping[str, str]) -> Table:
    item_id = params.get("id", "")[:64]
    with ctx.db.read() as conn:
        rows = [{"published_at": r.published_at[:19].replace("T", " "), "price": r.price}
                for r in conn.execute(select(t.item_prices).where(
                    t.item_prices.c.item_id == item_id).order_by(
                    t.item_prices.c.published_at.desc()))]
    return Table("price_history", "Price history", PRICE_COLUMNS, rows,
                 params={"id": item_id})


@area.get("/catalogue", STAFF)
def catalogue(request: Request) -> Response:
    ctx = ctx_of(request)
    table = catalogue_table(ctx, {})
    return render(ctx, "catalogue.html", title="Catalogue", table=table, items=table.rows)


def _spec(ctx: Ctx, item_id: str) -> dict[str, Any]:
    with ctx.db.read() as conn:
        spec = conn.execute(select(t.items.c.spec).where(t.items.c.id == item_id[:64])
                            ).scalar()
    if spec is None:
        raise NotFound
    return dict(json.loads(spec))


@area.get("/catalogue/{item_id}", STAFF)
def item_page(item_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    spec = _spec(ctx, item_id)
    return render(ctx, "item.html", title="Catalogue", item=spec,
                  prices=price_history(ctx, {"id": spec["id"]}), periods=LIMIT_PERIODS)


@area.post("/catalogue/{item_id}", ADMIN_ONLY)
async def save_item(item_id: str, request: Request) -> Response:
    ctx = ctx_of(request)
    before = _spec(ctx, item_id)
    form = await request.form()
    spec = dict(before)
    spec["name_zh"] = web.form_text(form, "name_zh", 100)
    spec["name_en"] = web.form_text(form, "name_en", 100)
    try:
        spec["price"] = int(web.form_text(form, "price", 12))
        count = web.form_text(form, "limit_count", 12)
        spec["limit_count"] = int(count) if count else None
    except ValueError:
        raise UserError(ctx.t("Price and limit are whole numbers.")) from None
    spec["limit_period"] = web.form_text(form, "limit_period", 10) or None \
        if spec["limit_count"] else None
    spec = {k: v for k, v in spec.items() if v is not None}
    try:
        ctx.store.upsert_items([spec])
    except AdminRefused as exc:
        raise UserError(str(exc)) from None
    audit.log(ctx.db, ctx.principal.account_id, "item_saved", before["id"], before=before,
              after=spec, address=ctx.address)
    return web.redirect(f"{web.PREFIX}/catalogue/{before['id']}")


@area.post("/catalogue/{item_id}/picture", ADMIN_ONLY)
async def picture(item_id: str, request: Request, file: UploadFile) -> Response:
    ctx = ctx_of(request)
    before = _spec(ctx, item_id)
    data = await file.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise UserError(ctx.t("The picture is over 8 MB."))
    if picture_format(data) is None:
        raise UserError(ctx.t("This is not a PNG, JPEG, GIF or WebP picture."))
    sha = ctx.store.add_image(data)
    ctx.store.set_item_image(before["id"], sha)
    audit.log(ctx.db, ctx.principal.account_id, "item_picture", before["id"],
              before={"image_sha256": before.get("image_sha256")},
              after={"image_sha256": sha}, address=ctx.address)
    return web.redirect(f"{web.PREFIX}/catalogue/{before['id']}")


@area.get("/images/{sha256}", STAFF)
def image(sha256: str, request: Request) -> Response:
    ctx = ctx_of(request)
    data = ctx.store.image(sha256[:64]) if len(sha256) == 64 else None
    if data is None:
        raise NotFound
    kind = picture_format(data) or "png"
    return Response(data, media_type=f"image/{kind}",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"})
