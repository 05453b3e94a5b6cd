"""Rebuild a receipt (as data) from the stored order: for retries, reprints and the printer."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from kiosk.core.clock import from_db
from kiosk.core.errors import OrderNotFound
from kiosk.core.families import is_family
from kiosk.core.models import KioskInfo, Receipt, ReceiptLine
from kiosk.core.orders import STANDING_SALE_SQL
from kiosk.core.vouchers import VoucherPaper
from kiosk.core.vouchers import for_order as voucher_papers


def make_receipt(kiosk: KioskInfo, *, order_id: str, kind: str, created_at: str,
                 masked_name: str, lines: tuple[ReceiptLine, ...], total: int,
                 balance_after: int, offline: bool, voids_order_id: str | None,
                 vouchers: tuple[VoucherPaper, ...] = (), family: bool = False) -> Receipt:
    """The one way a receipt is put together, from an order as stored (``created_at`` in the
    database's text form), so a fresh sale and its reprint are equal."""
    return Receipt(order_id=order_id, kind=kind, kiosk_id=kiosk.kiosk_id,
                   kiosk_name=kiosk.name, community=kiosk.community,
                   created_at=from_db(created_at).astimezone(kiosk.timezone),
                   masked_name=masked_name, lines=lines, total=total,
                   balance_after=balance_after, offline=offline,
                   voids_order_id=voids_order_id, vouchers=vouchers, family=family)


def receipt_for(conn: sqlite3.Connection, kiosk: KioskInfo, order_id: str) -> Receipt:
    order = conn.execute(
        """SELECT o.*, v.masked_name FROM orders o JOIN volunteers v ON v.id = o.volunteer_id
           WHERE o.id = ?""", (order_id,)).fetchone()
    if order is None:
        raise OrderNotFound(order_id)
    lines = tuple(
        ReceiptLine(item_id=r["item_id"], name_zh=r["name_zh"], name_en=r["name_en"],
                    kind=r["kind"], quantity=int(r["quantity"]),
                    unit_price=int(r["unit_price"]), amount=int(r["amount"]))
        for r in conn.execute(
            "SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no", (order_id,)))
    return make_receipt(
        kiosk, order_id=order["id"], kind=order["kind"], created_at=order["created_at"],
        masked_name=order["masked_name"], lines=lines, total=int(order["total"]),
        balance_after=int(order["balance_after"]), offline=bool(order["offline"]),
        voids_order_id=order["voids_order_id"],
        vouchers=voucher_papers(conn, kiosk.kiosk_id, order_id),
        family=is_family(conn, order["volunteer_id"]))


_RECENT_SALES_SQL = f"""
SELECT o.id, EXISTS (SELECT 1 FROM receipt_prints p WHERE p.order_id = o.id
                     AND p.outcome = 'printed') AS printed
FROM orders o
WHERE o.card_id = ? AND {STANDING_SALE_SQL}
ORDER BY o.created_at DESC, o.id DESC LIMIT ?
"""


def recent_sales(conn: sqlite3.Connection, kiosk: KioskInfo, card_id: str,
                 limit: int) -> tuple[Receipt, ...]:
    """This card's latest sales at this kiosk, newest first ("my records"); voided ones left
    out, since their points came back. Those of which no copy ever printed are marked."""
    rows = conn.execute(_RECENT_SALES_SQL, (card_id, limit)).fetchall()
    return tuple(replace(receipt_for(conn, kiosk, r[0]), unprinted=not r[1]) for r in rows)


def copies_printed(conn: sqlite3.Connection, order_id: str) -> int:
    """How many copies of an order's receipt have come out: the next one is 补打 number N."""
    return int(conn.execute("SELECT COUNT(*) FROM receipt_prints WHERE order_id = ? "
                            "AND outcome = 'printed'", (order_id,)).fetchone()[0])
