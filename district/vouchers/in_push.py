"""What a pushed batch does about vouchers, in the order district.push calls it: the batch's
voucher items read once (:func:`partners_for`), an order's vouchers checked before anything of
it is written (:func:`check_order`), recorded after it (:func:`record_order`), and a refused
sale's already-redeemed vouchers named for the conflicts list (:func:`refused_sale`). The
rules themselves are in district.vouchers.register."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from district.entry_checks import Flags
from district.entry_shapes import OrderFact
from district.vouchers import register
from district.vouchers.register import FEED_ENTITY, Checked

__all__ = ["FEED_ENTITY", "PARTNERS_POSTGRES", "Checked", "check_order", "partners_for",
           "partners_from", "record_order", "refused_sale", "sale_items"]


def sale_items(facts: Iterable[object]) -> list[str]:
    """Every item the batch's sales name, in order."""
    return sorted({line.item_id for f in facts if isinstance(f, OrderFact) and f.kind == "sale"
                   for line in f.lines})


def partners_for(conn: Connection, facts: Iterable[object]) -> dict[str, str | None]:
    """item id -> partner for every item the batch's sales name (one read per batch)."""
    return register.partners_of(conn, sale_items(facts))


# The same read for PostgreSQL's pipeline (district.push sends it with the batch's other
# reads, one round trip): a fixed text, the items as one array.
PARTNERS_POSTGRES = "SELECT id, spec FROM items WHERE id = ANY(%b::text[])"


def partners_from(rows: Iterable[Any]) -> dict[str, str | None]:
    """:func:`partners_for`'s answer from the rows of :data:`PARTNERS_POSTGRES`."""
    return {str(item_id): register.partner_in(spec) for item_id, spec in rows}


def check_order(conn: Connection, kiosk_id: str, order: OrderFact, payload: Any, *,
                partners: dict[str, str | None], flags: Flags) -> list[Checked]:
    """A sale's vouchers checked (raises EntryRejected; a mismatch that is a fact all the same
    becomes a flag); a void of a sale whose voucher was redeemed refused."""
    if order.kind == "sale":
        issued, problems = register.check_sale(conn, kiosk_id, order, payload, partners)
        for problem in problems:
            flags.add("voucher", problem)
        return issued
    assert order.voids_order_id is not None
    register.check_void(conn, order.voids_order_id)
    return []


def record_order(conn: Connection, order: OrderFact, issued: list[Checked], at: str,
                 flags: Flags) -> list[tuple[str, str]]:
    """After the order is recorded: a sale's vouchers registered, a void's vouchers voided;
    returns the change-feed rows to mark."""
    if order.kind == "sale":
        for problem in register.register(conn, order.order_id, issued, at):
            flags.add("voucher", problem)
        return []
    assert order.voids_order_id is not None
    return [(FEED_ENTITY, voucher_id)
            for voucher_id in register.void(conn, order.voids_order_id, at)]


def refused_sale(conn: Connection, payload: Any) -> list[str]:
    """Conflict details for a refused sale's vouchers a partner already redeemed."""
    return [f"voucher {voucher_id} was redeemed but its sale was refused"
            for voucher_id in register.sale_refused(conn, payload)]
