"""Cards: find a card and where it was last used, register an NFC card, issue a QR card as a
printable page, block and unblock (every kiosk after its next sync). All through the
district's own calls (district.admin), which normalise and check the card id."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from district.console import audit, web
from district.console.queries import volunteers as vq
from district.console.scope import STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, NotFound, UserError, ctx_of, render
from district.db import tables as t
from points_protocol import card_tokens, ids
from points_protocol.errors import Invalid

area = Area()

CARD_COLUMNS = (Column("card_id", "Card"), Column("kind", "Kind"),
                Column("status", "Status", translate=True),
                Column("volunteer_id", "Volunteer number", link="/volunteers/{volunteer_id}"),
                Column("masked_name", "Name"), Column("last_kiosk", "Last kiosk"),
                Column("last_used_at", "Last used"), Column("blocked_at", "Blocked at"))


def _card_volunteer(ctx: Ctx, card_id: str) -> tuple[str, vq.Found]:
    """(normal card id, its volunteer) if the card is in the person's scope, else 404."""
    try:
        card_id = ids.normalize_card_id(card_id)
    except Invalid:
        raise NotFound from None
    with ctx.db.read() as conn:
        owner = conn.execute(select(t.cards.c.volunteer_id).where(
            t.cards.c.card_id == card_id)).scalar()
        found = None if owner is None else vq.volunteer(conn, ctx.principal, owner)
    if found is None:
        raise NotFound
    return card_id, found


@exportable("cards", STAFF)
def cards_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    """The card searched for, or the cards blocked most recently (in scope)."""
    query = params.get("q", "").strip()[:64]
    rows = []
    with ctx.db.read() as conn:
        if query:
            owners = vq.search(conn, ctx.principal, query, limit=20)
        else:
            blocked = conn.execute(select(t.cards.c.volunteer_id).where(
                t.cards.c.status == "blocked").order_by(t.cards.c.blocked_at.desc())
                .limit(200)).scalars().all()
            owners = [f for v in dict.fromkeys(blocked)
                      if (f := vq.volunteer(conn, ctx.principal, v)) is not None][:50]
        for owner in owners:
            for card in vq.cards_of(conn, owner.volunteer_id):
                if query or card["status"] == "blocked":
                    rows.append({**card, "volunteer_id": owner.volunteer_id,
                                 "masked_name": owner.masked_name})
    return Table("cards", "Cards" if query else "Blocked cards", CARD_COLUMNS, rows,
                 params={"q": query} if query else {})


@area.get("/cards", STAFF)
def cards(request: Request, q: str = "") -> Response:
    ctx = ctx_of(request)
    return render(ctx, "cards.html", title="Cards", table=cards_table(ctx, {"q": q}), query=q)


def _set_status(request: Request, card_id: str, status: str) -> Response:
    ctx = ctx_of(request)
    card_id, owner = _card_volunteer(ctx, card_id)
    with ctx.db.read() as conn:
        before = next(c for c in vq.cards_of(conn, owner.volunteer_id)
                      if c["card_id"] == card_id)
    # A QR card blocked is also revoked (its generation bumped): the paper in the
    # volunteer's hand stays dead even if the card is unblocked and re-issued.
    ctx.store.set_card_status(card_id, status, revoke=status == "blocked"
                              and before["kind"] == "qr")
    with ctx.db.read() as conn:
        after = next(c for c in vq.cards_of(conn, owner.volunteer_id)
                     if c["card_id"] == card_id)
    audit.log(ctx.db, ctx.principal.account_id, f"card_{status}", card_id,
              before={"status": before["status"]}, after={"status": after["status"]},
              address=ctx.address)
    if "hx-request" in request.headers:
        return render(ctx, "card_row.html", c=after)
    return web.redirect(f"{web.PREFIX}/volunteers/{owner.volunteer_id}")


@area.post("/cards/{card_id}/block", STAFF)
def block(card_id: str, request: Request) -> Response:
    return _set_status(request, card_id, "blocked")


@area.post("/cards/{card_id}/unblock", STAFF)
def unblock(card_id: str, request: Request) -> Response:
    return _set_status(request, card_id, "active")


def _volunteer_in_scope(ctx: Ctx, volunteer_id: str) -> vq.Found:
    with ctx.db.read() as conn:
        found = vq.volunteer(conn, ctx.principal, volunteer_id[:64])
    if found is None:
        raise NotFound
    return found


@area.post("/cards/register", STAFF)
async def register(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    owner = _volunteer_in_scope(ctx, web.form_text(form, "volunteer_id", 64))
    try:
        card_id = ids.normalize_nfc_uid(web.form_text(form, "card_id", 64))
    except Invalid as exc:
        raise UserError(str(exc)) from None
    with ctx.db.read() as conn:
        holder = conn.execute(select(t.cards.c.volunteer_id).where(
            t.cards.c.card_id == card_id)).scalar()
    if holder is not None and holder != owner.volunteer_id:
        raise UserError(ctx.t("This card is registered to another volunteer."))
    ctx.store.upsert_card(card_id, owner.volunteer_id, "nfc")
    audit.log(ctx.db, ctx.principal.account_id, "card_registered", card_id,
              after={"volunteer": owner.volunteer_id, "kind": "nfc"}, address=ctx.address)
    return web.redirect(f"{web.PREFIX}/volunteers/{owner.volunteer_id}")


@area.post("/cards/issue-qr", STAFF)
async def issue_qr(request: Request) -> Response:
    """A new QR card (a fresh id) for the volunteer, signed by the district's key, shown as a
    page to print. The token is not kept: printing again means issuing again."""
    ctx = ctx_of(request)
    form = await request.form()
    owner = _volunteer_in_scope(ctx, web.form_text(form, "volunteer_id", 64))
    issuer = ctx.console.qr_issuer
    if issuer is None:
        raise UserError(ctx.t("This district server has no QR signing key."))
    card_id = "QR" + secrets.token_hex(6).upper()
    ctx.store.upsert_card(card_id, owner.volunteer_id, "qr")
    held = ctx.store.card(card_id)
    assert held is not None
    now = datetime.fromtimestamp(ctx.console.clock(), UTC)
    expires = now + timedelta(days=issuer.valid_days) if issuer.valid_days else None
    token = card_tokens.issue(issuer.key, issuer.district_id, card_id, held[1],
                              issued_at=now, expires_at=expires)
    audit.log(ctx.db, ctx.principal.account_id, "qr_card_issued", card_id,
              after={"volunteer": owner.volunteer_id, "generation": held[1]},
              address=ctx.address)
    import segno  # noqa: PLC0415 (only for this page)

    svg = segno.make(token, error="m").svg_inline(scale=4, border=2)
    return render(ctx, "qr_card.html", title="QR card", svg=svg, card_id=card_id,
                  v=owner, expires=expires.date().isoformat() if expires else None)
