"""Writing one order (sale or void) with its lines, transfers, stock movements and outbox
entry. Called only inside the caller's BEGIN IMMEDIATE transaction, so a basket is all or
nothing: the moment the COMMIT returns, every part is durable together."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from kiosk.core import outbox, vouchers
from kiosk.core.ids import uuid7
from kiosk.core.models import ReceiptLine

# The one way a query says which orders count. Every query that sums, lists or reprints sales
# aliases ``orders`` as ``o`` and uses these, so a voided sale is left out the same way
# everywhere (limits, offline caps, reports, receipts, the unprinted list).
VOIDED_SQL = "EXISTS (SELECT 1 FROM orders voiding WHERE voiding.voids_order_id = o.id)"
STANDING_SALE_SQL = f"(o.kind = 'sale' AND NOT {VOIDED_SQL})"


@dataclass(frozen=True)
class Transfer:
    from_account: str
    to_account: str
    amount: int


@dataclass(frozen=True)
class NewOrder:
    order_id: str
    kind: str                   # 'sale' or 'void'
    card_id: str
    volunteer_id: str
    created_at: str
    total: int
    balance_after: int
    offline: bool
    request_hash: str
    lines: tuple[ReceiptLine, ...]
    transfers: tuple[Transfer, ...]
    stock_deltas: tuple[tuple[str, int], ...]   # (item_id, delta)
    voids_order_id: str | None = None
    reason: str | None = None
    vouchers: tuple[vouchers.IssuedVoucher, ...] = ()


def last_sale_at(conn: sqlite3.Connection) -> str | None:
    """The time of the latest sale in the ledger (the heartbeat reports it)."""
    row = conn.execute("SELECT MAX(created_at) FROM orders WHERE kind = 'sale'").fetchone()
    return None if row is None or row[0] is None else str(row[0])


def fingerprint(payload: Any) -> str:
    """A stable digest of a request, to tell a retry (same content) from a reused id."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def write_order(conn: sqlite3.Connection, order: NewOrder) -> int:
    """Insert every part of the order and its outbox entry; returns the outbox sequence."""
    seq = outbox.next_seq(conn)
    conn.execute(
        """INSERT INTO orders (id, seq, kind, voids_order_id, card_id, volunteer_id, created_at,
               total, balance_after, offline, request_hash, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (order.order_id, seq, order.kind, order.voids_order_id, order.card_id,
         order.volunteer_id, order.created_at, order.total, order.balance_after,
         int(order.offline), order.request_hash, order.reason))
    conn.executemany(
        """INSERT INTO order_lines (order_id, line_no, item_id, name_zh, name_en, kind,
               quantity, unit_price, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(order.order_id, n, line.item_id, line.name_zh, line.name_en, line.kind,
          line.quantity, line.unit_price, line.amount)
         for n, line in enumerate(order.lines, start=1)])
    transfer_rows = [(uuid7(), order.order_id, seq, t.from_account, t.to_account, t.amount,
                      order.created_at) for t in order.transfers]
    conn.executemany(
        """INSERT INTO transfers (id, group_id, seq, from_account, to_account, amount, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""", transfer_rows)
    stock_kind = "sale" if order.kind == "sale" else "void"
    conn.executemany(
        """INSERT INTO stock_movements (item_id, delta, kind, order_id, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        [(item_id, delta, stock_kind, order.order_id, order.created_at)
         for item_id, delta in order.stock_deltas])
    vouchers.store(conn, order.order_id, order.vouchers)
    # Only a sale with vouchers carries the key: a district from before them sees no change.
    extra = {"vouchers": [{"id": v.voucher.voucher_id, "line_no": v.line_no, "token": v.token}
                          for v in order.vouchers]} if order.vouchers else {}
    outbox.append(conn, order.kind, order.order_id, {
        "order_id": order.order_id, "kind": order.kind, "voids_order_id": order.voids_order_id,
        "card_id": order.card_id, "volunteer_id": order.volunteer_id,
        "created_at": order.created_at, "total": order.total, "offline": order.offline,
        "reason": order.reason,
        "lines": [{"item_id": line.item_id, "quantity": line.quantity,
                   "unit_price": line.unit_price, "amount": line.amount}
                  for line in order.lines],
        "transfers": [{"id": r[0], "from": r[3], "to": r[4], "amount": r[5]}
                      for r in transfer_rows],
        "stock": [{"item_id": item_id, "delta": delta} for item_id, delta in order.stock_deltas],
        **extra,
    }, order.created_at, seq=seq)
    return seq
