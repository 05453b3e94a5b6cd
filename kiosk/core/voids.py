"""Voiding a mistaken sale: a reversing order (transfers back, goods back on the shelf) linked
to the original. Never an edit; the schema allows one void per sale."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from kiosk.core import ledger, service_stops, vouchers
from kiosk.core.clock import Clock, from_db, to_db
from kiosk.core.db import write_transaction
from kiosk.core.errors import LedgerConflict, VoidRefused
from kiosk.core.models import KioskInfo, Receipt, ReceiptLine, SalesPolicy
from kiosk.core.orders import NewOrder, Transfer, fingerprint, write_order
from kiosk.core.receipts import receipt_for
from points_protocol.catalogue import ItemKind


def void_order(conn: sqlite3.Connection, clock: Clock, kiosk: KioskInfo, policy: SalesPolicy, *,
               void_id: str, order_id: str, reason: str) -> Receipt:
    """Reverse ``order_id`` under the new id ``void_id`` (a retry with the same id is a no-op)."""
    request_hash = fingerprint({"voids": order_id, "reason": reason})
    now = clock.now()
    with write_transaction(conn):
        existing = conn.execute(
            "SELECT request_hash FROM orders WHERE id = ?", (void_id,)).fetchone()
        if existing is not None:
            if existing["request_hash"] != request_hash:
                raise LedgerConflict(f"void id {void_id} reused with different content")
            return receipt_for(conn, kiosk, void_id)
        service_stops.refuse_if_stopped(conn)
        original = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        if original is None:
            raise VoidRefused("找不到这笔订单。", "No such order.")
        if original["kind"] != "sale":
            raise VoidRefused("撤销记录不能再撤销。", "A void cannot itself be voided.")
        if conn.execute("SELECT 1 FROM orders WHERE voids_order_id = ?",
                        (order_id,)).fetchone():
            raise VoidRefused("这笔订单已经撤销过了。", "This order has already been voided.")
        if now - from_db(original["created_at"]) > timedelta(
                minutes=policy.void_window_minutes):
            raise VoidRefused("这笔订单已超过可撤销的时间。",
                              "This order is too old to be voided.")
        redeemed = vouchers.redeemed_of_order(conn, order_id)
        if redeemed is not None:
            # The partner already gave the service for it (the district said so at the last
            # sync); the district's own check refuses such a void that raced past this one.
            at = datetime.fromisoformat(redeemed["at"]).astimezone(kiosk.timezone) \
                .strftime("%Y-%m-%d %H:%M")
            place = redeemed["place"]
            raise VoidRefused(f"这笔订单的兑换券已于 {at} 在{place}核销，不能撤销。",
                              f"This order's voucher was redeemed at {place} on {at}: "
                              "it cannot be voided.")
        lines = tuple(
            ReceiptLine(item_id=r["item_id"], name_zh=r["name_zh"], name_en=r["name_en"],
                        kind=r["kind"], quantity=-int(r["quantity"]),
                        unit_price=int(r["unit_price"]), amount=-int(r["amount"]))
            for r in conn.execute(
                "SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no", (order_id,)))
        reversed_transfers = tuple(
            Transfer(r["to_account"], r["from_account"], int(r["amount"]))
            for r in conn.execute(
                "SELECT * FROM transfers WHERE group_id = ? ORDER BY rowid", (order_id,)))
        volunteer_id = original["volunteer_id"]
        refund = int(original["total"])
        write_order(conn, NewOrder(
            order_id=void_id, kind="void", card_id=original["card_id"],
            volunteer_id=volunteer_id, created_at=to_db(now), total=-refund,
            balance_after=ledger.balance(conn, volunteer_id) + refund,
            offline=bool(original["offline"]), request_hash=request_hash, lines=lines,
            transfers=reversed_transfers,
            stock_deltas=tuple((line.item_id, -line.quantity) for line in lines
                               if ItemKind(line.kind).has_stock),
            voids_order_id=order_id, reason=reason))
        return receipt_for(conn, kiosk, void_id)
