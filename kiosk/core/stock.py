"""Stock movements: restock with the donor recorded, and shelf counts. Append-only; stock on
hand is their sum. Sales and voids write their own movements in the checkout transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.core import outbox
from kiosk.core.clock import Clock, to_db
from kiosk.core.db import write_transaction
from kiosk.core.errors import StockError
from kiosk.core.ids import uuid7


def on_hand(conn: sqlite3.Connection, item_id: str) -> int:
    row = conn.execute("SELECT on_hand FROM stock_levels WHERE item_id = ?",
                       (item_id,)).fetchone()
    return 0 if row is None else int(row[0])


def levels_match_movements(conn: sqlite3.Connection) -> bool:
    """The trigger-kept levels equal the sum of movements (a check for tests and self-check)."""
    drift = conn.execute(
        """SELECT COUNT(*) FROM (
               SELECT item_id, SUM(delta) AS total FROM stock_movements GROUP BY item_id) m
           LEFT JOIN stock_levels l USING (item_id)
           WHERE l.on_hand IS NOT m.total""").fetchone()[0]
    return int(drift) == 0


def add_donor(conn: sqlite3.Connection, clock: Clock, donor_id: str, name: str,
              contact: str | None = None) -> None:
    with write_transaction(conn):
        conn.execute(
            """INSERT INTO donors (id, name, contact, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact""",
            (donor_id, name, contact, to_db(clock.now())))


def donors(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(id, name) of every donor, by name."""
    return [(r["id"], r["name"]) for r in conn.execute("SELECT id, name FROM donors ORDER BY name")]


def _goods_item(conn: sqlite3.Connection, item_id: str) -> None:
    row = conn.execute("SELECT kind FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise StockError(f"没有这个商品 {item_id!r}", f"unknown item {item_id!r}")
    if row["kind"] != "goods":
        raise StockError(f"商品 {item_id!r} 不上货架，没有库存",
                         f"item {item_id!r} is a {row['kind']}, it has no stock")


@dataclass(frozen=True)
class Restock:
    item_id: str
    quantity: int


def restock(conn: sqlite3.Connection, clock: Clock, lines: list[Restock],
            donor_id: str | None, note: str | None = None) -> str:
    """Receive a donated batch (one or many items) in one transaction; returns the entry id."""
    if not lines or any(type(line.quantity) is not int or line.quantity <= 0
                        for line in lines):
        raise StockError("入库至少要有一行，每行的数量是 1 或以上的整数",
                         "a restock needs at least one line, each a whole number of at least 1")
    entry_id = uuid7()
    now = to_db(clock.now())
    with write_transaction(conn):
        if donor_id is not None and conn.execute(
                "SELECT 1 FROM donors WHERE id = ?", (donor_id,)).fetchone() is None:
            raise StockError(f"没有这个捐赠者 {donor_id!r}", f"unknown donor {donor_id!r}")
        for line in lines:
            _goods_item(conn, line.item_id)
            conn.execute(
                """INSERT INTO stock_movements (item_id, delta, kind, donor_id, note, created_at)
                   VALUES (?, ?, 'restock', ?, ?, ?)""",
                (line.item_id, line.quantity, donor_id, note, now))
        outbox.append(conn, "restock", entry_id, {
            "id": entry_id, "donor_id": donor_id, "note": note, "at": now,
            "lines": [{"item_id": line.item_id, "quantity": line.quantity} for line in lines],
        }, now)
    return entry_id


def record_count(conn: sqlite3.Connection, clock: Clock, counted: Mapping[str, int],
                 reason: str) -> dict[str, int]:
    """Shelf count: each difference becomes an adjustment movement. Returns the adjustments."""
    if any(type(q) is not int or q < 0 for q in counted.values()):
        raise StockError("盘点数量要是 0 或以上的整数",
                         "a counted quantity must be a whole number, 0 or more")
    entry_id = uuid7()
    now = to_db(clock.now())
    adjustments: dict[str, int] = {}
    with write_transaction(conn):
        for item_id, quantity in counted.items():
            _goods_item(conn, item_id)
            delta = quantity - on_hand(conn, item_id)
            if delta:
                conn.execute(
                    """INSERT INTO stock_movements (item_id, delta, kind, note, created_at)
                       VALUES (?, ?, 'count', ?, ?)""", (item_id, delta, reason, now))
                adjustments[item_id] = delta
        if adjustments:
            outbox.append(conn, "count", entry_id, {
                "id": entry_id, "reason": reason, "at": now, "adjustments": adjustments}, now)
    return adjustments
