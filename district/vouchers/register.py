"""Vouchers arriving with a kiosk's pushed sale, and what a void or a refusal does to them.

Called from district.push inside the batch's write transaction. A sale's vouchers are checked
before anything of the sale is written (:func:`check_sale`, raising EntryRejected, so a bad
voucher refuses its sale like any other bad field); :func:`register` then records them, or
reconciles a voucher a partner already redeemed from its signed QR before the sale arrived.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from district.db import tables as t
from district.entry_shapes import EntryRejected, OrderFact, integer, objects
from district.vouchers import schema as s
from points_protocol import signing
from points_protocol import vouchers as protocol
from points_protocol.errors import Invalid
from points_protocol.vouchers import Voucher

FEED_ENTITY = "voucher"


@dataclass(frozen=True)
class Checked:
    voucher: Voucher
    token: str


def _kiosk_key(conn: Connection, kiosk_id: str) -> Any:
    text = conn.execute(select(t.kiosks.c.public_key).where(t.kiosks.c.id == kiosk_id)).scalar()
    if text is None:
        raise EntryRejected(f"kiosk {kiosk_id} is not registered")
    return signing.load_public_key(text)


def partners_of(conn: Connection, item_ids: list[str]) -> dict[str, str | None]:
    """item id -> the partner its spec names (None: not a voucher item). Read once per pushed
    batch for all its sales' items: one query per sale would slow every push."""
    found: dict[str, str | None] = {}
    for start in range(0, len(item_ids), 500):
        rows = conn.execute(select(t.items.c.id, t.items.c.spec).where(
            t.items.c.id.in_(item_ids[start:start + 500])))
        found.update({r.id: partner_in(r.spec) for r in rows})
    return found


def partner_in(spec: str) -> str | None:
    """The partner an item's spec (its JSON text) names; None: not a voucher item."""
    partner: str | None = json.loads(spec).get("partner")
    return partner


def check_sale(conn: Connection, kiosk_id: str, order: OrderFact, payload: dict[str, Any],
               partners: dict[str, str | None]) -> tuple[list[Checked], list[str]]:
    """The sale's vouchers, each signed by this kiosk's key and matching its order line: the
    item, a value equal to the unit price, the partner the district publishes for the item.
    A voucher item sold with fewer vouchers than units (a kiosk that sold it before it knew
    it as a voucher item) is a fact all the same: returned as a problem for the conflicts
    list, not refused."""
    raw = payload.get("vouchers")
    listed = [] if raw is None else objects(payload, "vouchers")
    key: Any = _kiosk_key(conn, kiosk_id) if listed else None
    checked: list[Checked] = []
    per_line: Counter[int] = Counter()
    for entry in listed:
        token = entry.get("token")
        line_no = integer(entry.get("line_no"), "voucher line_no", 1, len(order.lines) or 1)
        if not isinstance(token, str):
            raise EntryRejected("a voucher's token must be text")
        try:
            # An unsigned voucher (its kiosk's daemon did not answer at the sale) comes with
            # the sale in a push the kiosk's key signed: the push vouches for it.
            voucher = protocol.verify(token, key) if protocol.is_signed(token) \
                else protocol.read_token(token)[0]
        except Invalid as exc:
            raise EntryRejected(f"voucher {str(entry.get('id'))[:40]}: {exc}") from None
        line = order.lines[line_no - 1]
        if voucher.voucher_id != entry.get("id") or voucher.kiosk_id != kiosk_id:
            raise EntryRejected(f"voucher {voucher.voucher_id}: its id or kiosk does not match")
        if (voucher.item_id, voucher.value) != (line.item_id, line.unit_price):
            raise EntryRejected(f"voucher {voucher.voucher_id} is not for line {line_no} "
                                f"({line.item_id} at {line.unit_price} points)")
        wanted = partners.get(line.item_id)
        if wanted is not None and voucher.partner_id != wanted:
            raise EntryRejected(f"voucher {voucher.voucher_id} names partner "
                                f"{voucher.partner_id}, the item's partner is {wanted}")
        per_line[line_no] += 1
        checked.append(Checked(voucher, token))
    problems = []
    for n, line in enumerate(order.lines, start=1):
        if per_line[n] > line.quantity:
            raise EntryRejected(f"line {n} carries more vouchers than its quantity")
        if partners.get(line.item_id) is not None and per_line[n] != line.quantity:
            problems.append(f"line {n} ({line.item_id}) is a voucher item: {line.quantity} "
                            f"voucher(s) expected, {per_line[n]} sent")
    return checked, problems


def code_free(conn: Connection, voucher: Voucher) -> str | None:
    """The voucher's code, or None when another voucher already has it (two kiosks drew the
    same 9 random symbols): that voucher is then redeemed by its QR code alone."""
    holder = conn.execute(select(s.vouchers.c.id).where(s.vouchers.c.code == voucher.code)
                          ).scalar()
    return voucher.code if holder in (None, voucher.voucher_id) else None


def register(conn: Connection, order_id: str, checked: list[Checked], at: str) -> list[str]:
    """Record the sale's vouchers; returns problems worth a conflict row (a code clash)."""
    problems = []
    for c in checked:
        v = c.voucher
        known = conn.execute(select(s.vouchers.c.sale_state).where(
            s.vouchers.c.id == v.voucher_id)).first()
        if known is not None:    # redeemed from its QR before the sale arrived: reconciled
            conn.execute(s.vouchers.update().where(s.vouchers.c.id == v.voucher_id)
                         .values(order_id=order_id, sale_state="sold", code=code_free(conn, v)))
            continue
        code = code_free(conn, v)
        if code is None:
            problems.append(f"voucher {v.voucher_id}: its code {v.code} is another voucher's; "
                            "it can be redeemed by its QR code only")
        conn.execute(s.vouchers.insert().values(**row_of(v, c.token, code), order_id=order_id,
                                                sale_state="sold", registered_at=at))
    return problems


def row_of(v: Voucher, token: str, code: str | None) -> dict[str, Any]:
    return {"id": v.voucher_id, "code": code, "kiosk_id": v.kiosk_id, "item_id": v.item_id,
            "partner_id": v.partner_id, "value": v.value, "masked_name": v.masked_name,
            "expires_at": v.expires_at, "token": token}


def check_void(conn: Connection, sale_id: str) -> None:
    """A void of a sale whose voucher a partner redeemed is refused: the service was given.
    (The kiosk refuses it itself once a sync told it; this catches the void that raced.)"""
    row = conn.execute(
        select(s.redemptions.c.redeemed_at, s.redemptions.c.partner_id)
        .join(s.vouchers, s.vouchers.c.id == s.redemptions.c.voucher_id)
        .where(s.vouchers.c.order_id == sale_id)).first()
    if row is not None:
        raise EntryRejected(f"sale {sale_id}: its voucher was redeemed by {row.partner_id} at "
                            f"{row.redeemed_at}; a redeemed voucher's sale cannot be voided")


def void(conn: Connection, sale_id: str, at: str) -> list[str]:
    """Void the sale's vouchers; returns their ids (for the change feed)."""
    ids = list(conn.execute(select(s.vouchers.c.id).where(s.vouchers.c.order_id == sale_id))
               .scalars())
    if ids:
        conn.execute(s.vouchers.update().where(s.vouchers.c.id.in_(ids)).values(voided_at=at))
    return ids


def sale_refused(conn: Connection, payload: Any) -> list[str]:
    """A refused sale's vouchers that a partner already redeemed from their QR: marked
    'refused' and returned, for the conflicts list (the service was given, the points never
    moved)."""
    raw = payload.get("vouchers") if isinstance(payload, dict) else None
    ids = [v.get("id") for v in raw if isinstance(v, dict) and isinstance(v.get("id"), str)] \
        if isinstance(raw, list) else []
    if not ids:
        return []
    conn.execute(s.vouchers.update().where(s.vouchers.c.id.in_(ids[:200]))
                 .values(sale_state="refused"))
    return list(conn.execute(select(s.vouchers.c.id).where(s.vouchers.c.id.in_(ids[:200])))
                .scalars())
