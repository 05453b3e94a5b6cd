"""Reports for a period: what the shop sold, what each donor gave and what became of it.

Everything is read from the ledger (orders, lines, stock movements) in one consistent read, so
the figures agree with each other. A period is [start, end) in the shop's time zone.

Goods per donor: sales do not name a donor (a soap is a soap on the shelf), so what was given
out is attributed first-in first-out: each sale takes from the oldest delivery of that item
still on the shelf. A sale that was later voided, and its void, are left out (the goods came
back), and shelf-count losses take from the oldest delivery too, as "written off".
"""

from __future__ import annotations

import sqlite3
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.core import catalogue, sync_status
from kiosk.core.clock import to_db
from kiosk.core.db import read_transaction
from kiosk.core.orders import VOIDED_SQL
from kiosk.core.periods import period_bounds


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        last = self.end - timedelta(microseconds=1)
        return f"{self.start.date().isoformat()}..{last.date().isoformat()}"


def today(now: datetime, tz: ZoneInfo) -> Period:
    return Period(*period_bounds(now, "day", tz))


def this_week(now: datetime, tz: ZoneInfo) -> Period:
    return Period(*period_bounds(now, "week", tz))


def between(first: date, last: date, tz: ZoneInfo) -> Period:
    """From the start of ``first`` to the end of ``last`` (both days included)."""
    if last < first:
        raise ValueError("the period ends before it starts")
    end_day = last + timedelta(days=1)
    return Period(datetime.combine(first, time(), tz), datetime.combine(end_day, time(), tz))


@dataclass(frozen=True)
class TopItem:
    item_id: str
    name_zh: str
    name_en: str
    quantity: int
    points: int


@dataclass(frozen=True)
class DonorLine:
    donor_id: str | None  # None: goods with no recorded donor (found in a count, old stock)
    donor_name: str
    item_id: str
    name_zh: str
    name_en: str
    received: int
    given_out: int
    written_off: int


@dataclass(frozen=True)
class LowStock:
    item_id: str
    name_zh: str
    name_en: str
    on_hand: int
    threshold: int


@dataclass(frozen=True)
class OfflineDebt:
    offline_sales: int             # sales in the period made while offline
    offline_points: int            # their net points (after voids in the period)
    unconfirmed_entries: int       # outbox entries the district has not yet answered for
    volunteers_below_zero: int     # balances the district found overspent
    points_below_zero: int         # how far below zero they are, together


@dataclass(frozen=True)
class Report:
    period: Period
    sales: int
    voids: int
    points_redeemed: int   # net: sales minus voids in the period
    items_out: int         # net quantity over every line (goods, services, donations)
    top_items: list[TopItem]
    points_per_day: list[tuple[str, int]]
    items_per_category: list[tuple[str, int]]
    donors: list[DonorLine]
    low_stock: list[LowStock]
    offline: OfflineDebt
    notes: list[str] = field(default_factory=list)


def report(conn: sqlite3.Connection, period: Period, tz: ZoneInfo, top: int = 10) -> Report:
    start, end = to_db(period.start), to_db(period.end)
    with read_transaction(conn):
        counts = conn.execute(
            """SELECT COALESCE(SUM(kind = 'sale'), 0), COALESCE(SUM(kind = 'void'), 0),
                      COALESCE(SUM(total), 0)
               FROM orders WHERE created_at >= ? AND created_at < ?""", (start, end)).fetchone()
        lines = conn.execute(
            """SELECT l.item_id, l.name_zh, l.name_en, i.category, SUM(l.quantity) AS qty,
                      SUM(l.amount) AS points
               FROM order_lines l JOIN orders o ON o.id = l.order_id
               JOIN items i ON i.id = l.item_id
               WHERE o.created_at >= ? AND o.created_at < ?
               GROUP BY l.item_id ORDER BY qty DESC, points DESC, l.item_id""",
            (start, end)).fetchall()
        days = conn.execute(
            "SELECT created_at, total FROM orders WHERE created_at >= ? AND created_at < ?",
            (start, end)).fetchall()
        donors = _donor_lines(conn, start, end)
        low = [LowStock(e.item_id, e.name_zh, e.name_en, e.stock, e.low_stock_threshold)
               for e in catalogue.entries(conn)
               if e.stock is not None and e.stock <= e.low_stock_threshold]
        offline = _offline(conn, start, end)
    per_day: dict[str, int] = {}
    day = period.start.astimezone(tz).date()
    while datetime.combine(day, time(), tz) < period.end:
        per_day[day.isoformat()] = 0
        day += timedelta(days=1)
    for row in days:
        key = datetime.fromisoformat(row["created_at"]).astimezone(tz).date().isoformat()
        per_day[key] = per_day.get(key, 0) + int(row["total"])
    per_category: dict[str, int] = {}
    for row in lines:
        per_category[row["category"]] = per_category.get(row["category"], 0) + int(row["qty"])
    return Report(
        period=period, sales=int(counts[0]), voids=int(counts[1]),
        points_redeemed=int(counts[2]), items_out=sum(int(r["qty"]) for r in lines),
        top_items=[TopItem(r["item_id"], r["name_zh"], r["name_en"], int(r["qty"]),
                           int(r["points"])) for r in lines if int(r["qty"]) > 0][:top],
        points_per_day=sorted(per_day.items()),
        items_per_category=sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0])),
        donors=donors, low_stock=low, offline=offline)


def _offline(conn: sqlite3.Connection, start: str, end: str) -> OfflineDebt:
    sales = conn.execute(
        """SELECT COUNT(*) FILTER (WHERE o.kind = 'sale'), COALESCE(SUM(o.total), 0)
           FROM orders o WHERE o.offline = 1 AND o.created_at >= ? AND o.created_at < ?""",
        (start, end)).fetchone()
    below = conn.execute(
        "SELECT COUNT(*), COALESCE(-SUM(balance), 0) FROM balance_snapshots "
        "WHERE balance < 0").fetchone()
    return OfflineDebt(int(sales[0]), int(sales[1]), sync_status.waiting(conn), int(below[0]),
                       int(below[1]))


_MOVEMENTS = f"""
SELECT m.item_id, m.delta, m.kind, m.donor_id, m.created_at, d.name AS donor_name,
       i.name_zh, i.name_en
FROM stock_movements m JOIN items i ON i.id = m.item_id
LEFT JOIN donors d ON d.id = m.donor_id
LEFT JOIN orders o ON o.id = m.order_id
WHERE m.created_at < :end
  AND m.kind <> 'void'
  AND NOT (m.kind = 'sale' AND {VOIDED_SQL})
ORDER BY m.item_id, m.id
"""


@dataclass
class _Batch:
    key: tuple[str | None, str]
    left: int


def _donor_lines(conn: sqlite3.Connection, start: str, end: str) -> list[DonorLine]:
    """Received, given out and written off per (donor, item) in [start, end), FIFO."""
    totals: dict[tuple[str | None, str], list[int]] = {}
    names: dict[tuple[str | None, str], tuple[str, str, str]] = {}
    shelves: dict[str, deque[_Batch]] = {}
    for m in conn.execute(_MOVEMENTS, {"end": end}):
        item, delta, inside = m["item_id"], int(m["delta"]), m["created_at"] >= start
        shelf = shelves.setdefault(item, deque())
        if delta > 0:
            key = (m["donor_id"] if m["kind"] == "restock" else None, item)
            names.setdefault(key, (m["donor_name"] or "", m["name_zh"], m["name_en"]))
            shelf.append(_Batch(key, delta))
            if inside and m["kind"] == "restock":
                totals.setdefault(key, [0, 0, 0])[0] += delta
            continue
        out = -delta
        slot = 1 if m["kind"] == "sale" else 2
        while out > 0 and shelf:
            batch = shelf[0]
            taken = min(out, batch.left)
            batch.left -= taken
            out -= taken
            if inside:
                totals.setdefault(batch.key, [0, 0, 0])[slot] += taken
            if batch.left == 0:
                shelf.popleft()
    return [DonorLine(key[0], names[key][0], key[1], names[key][1], names[key][2], *values)
            for key, values in sorted(totals.items(),
                                      key=lambda kv: (kv[0][0] is None, kv[0][0] or "",
                                                      kv[0][1]))]
