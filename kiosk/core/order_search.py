"""Finding orders for the operator: by id (typed, or scanned from the receipt's QR), by card,
or the most recent, with whether each was voided and whether its receipt printed."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from points_protocol.errors import Invalid
from points_protocol.ids import normalize_card_id


@dataclass(frozen=True)
class OrderSummary:
    order_id: str
    kind: str
    created_at: str
    card_id: str
    masked_name: str
    total: int
    voided_by: str | None
    voids_order_id: str | None
    printed: bool


_SQL = """
SELECT o.id, o.kind, o.created_at, o.card_id, o.total, o.voids_order_id, v.masked_name,
       (SELECT x.id FROM orders x WHERE x.voids_order_id = o.id) AS voided_by,
       EXISTS (SELECT 1 FROM receipt_prints p WHERE p.order_id = o.id
               AND p.id = (SELECT MAX(l.id) FROM receipt_prints l WHERE l.order_id = o.id)
               AND p.outcome = 'printed') AS printed
FROM orders o JOIN volunteers v ON v.id = o.volunteer_id
"""


def _summary(r: sqlite3.Row) -> OrderSummary:
    return OrderSummary(order_id=r["id"], kind=r["kind"], created_at=r["created_at"],
                        card_id=r["card_id"], masked_name=r["masked_name"],
                        total=int(r["total"]), voided_by=r["voided_by"],
                        voids_order_id=r["voids_order_id"], printed=bool(r["printed"]))


def find(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[OrderSummary]:
    """An order id (whole, or its last characters as printed short on a receipt), else a
    card id; an empty ``text`` gives the most recent orders. Newest first."""
    text = text.strip()
    if not text:
        rows = conn.execute(_SQL + " ORDER BY o.seq DESC LIMIT ?", (limit,)).fetchall()
        return [_summary(r) for r in rows]
    try:   # a card number typed in any spelling finds the card's orders
        card_id = normalize_card_id(text)
    except Invalid:
        card_id = text
    rows = conn.execute(_SQL + " WHERE o.id = ? OR o.card_id = ? ORDER BY o.seq DESC LIMIT ?",
                        (text, card_id, limit)).fetchall()
    short = "".join(text.split())   # "C3D4 E5F6" as printed on the receipt and the screen
    if not rows and len(short) >= 6:
        rows = conn.execute(_SQL + " WHERE o.id LIKE ? ESCAPE '\\' ORDER BY o.seq DESC LIMIT ?",
                            ("%" + short.replace("%", "\\%").replace("_", "\\_"),
                             limit)).fetchall()
    return [_summary(r) for r in rows]
