"""The catalogue: items, their prices (with history) and what is on the shelf."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.core.clock import Clock, to_db
from kiosk.core.db import read_transaction, write_transaction
from points_protocol.catalogue import (
    Category,
    ItemKind,
    ItemSpec,
    barcode_clashes,
    check_spec,
)
from points_protocol.errors import Invalid


@dataclass(frozen=True)
class CatalogueEntry:
    """An item as the screens show it: current price and what is left."""

    item_id: str
    name_zh: str
    name_en: str
    category: Category
    kind: ItemKind
    price: int
    stock: int | None  # None: not a shelf item (service, donation, fee offset)
    image: str | None
    barcode: str | None
    limit_count: int | None
    limit_points: int | None
    limit_period: str | None
    low_stock_threshold: int
    active: bool
    partner: str | None = None       # a voucher item: who redeems it
    valid_days: int | None = None


_ITEM_UPSERT = """INSERT INTO items (id, name_zh, name_en, category, kind, image, barcode,
        limit_count, limit_points, limit_period, low_stock_threshold, active, partner_id,
        valid_days)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET
        name_zh = excluded.name_zh, name_en = excluded.name_en, category = excluded.category,
        kind = excluded.kind, image = excluded.image, barcode = excluded.barcode,
        limit_count = excluded.limit_count, limit_points = excluded.limit_points,
        limit_period = excluded.limit_period,
        low_stock_threshold = excluded.low_stock_threshold, active = excluded.active,
        partner_id = excluded.partner_id, valid_days = excluded.valid_days"""


def store_item(conn: sqlite3.Connection, spec: ItemSpec, now: str) -> bool:
    """Add or edit one item inside the caller's write transaction; a changed price is appended
    to the price history (effective from ``now``), never overwritten. True if it changed."""
    if not conn.in_transaction:
        raise RuntimeError("store_item must run inside a write transaction")
    s = spec
    conn.execute(_ITEM_UPSERT, (
        s.item_id, s.name_zh, s.name_en, s.category.value, s.kind.value, s.image, s.barcode,
        s.limit_count, s.limit_points, s.limit_period, s.low_stock_threshold, int(s.active),
        s.partner, s.valid_days))
    if current_price(conn, s.item_id) == s.price:
        return False
    conn.execute("INSERT INTO item_prices (item_id, price, effective_from) VALUES (?, ?, ?)",
                 (s.item_id, s.price, now))
    return True


def upsert_items(conn: sqlite3.Connection, clock: Clock, specs: Iterable[ItemSpec]) -> int:
    """Add or edit items; a changed price is appended to the price history, never overwritten.
    Every item passes the protocol's rules first (``points_protocol.catalogue``, raising its
    Invalid), so no door can store what the district or another kiosk would refuse; the
    picture is the exception, since this kiosk may have placed it in its own folder."""
    specs = list(specs)
    for spec in specs:
        check_spec(spec, local_image=True)
    now = to_db(clock.now())
    with write_transaction(conn):
        current = dict(conn.execute("SELECT id, barcode FROM items WHERE barcode IS NOT NULL"))
        clashes = barcode_clashes(current, specs)
        if clashes:
            raise Invalid(clashes)
        # Barcodes may move between the items of one import: let go of them first, or the
        # UNIQUE column refuses a state on the way that the end state does not have.
        conn.executemany("UPDATE items SET barcode = NULL WHERE id = ? AND barcode IS NOT ?",
                         [(s.item_id, s.barcode) for s in specs])
        return sum(store_item(conn, s, now) for s in specs)


def has_items(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None


def set_active(conn: sqlite3.Connection, item_id: str, active: bool) -> None:
    """Retire or bring back an item; items are never deleted (old orders point at them)."""
    with write_transaction(conn):
        conn.execute("UPDATE items SET active = ? WHERE id = ?", (int(active), item_id))


def current_price(conn: sqlite3.Connection, item_id: str) -> int | None:
    row = conn.execute(
        "SELECT price FROM item_prices WHERE item_id = ? ORDER BY id DESC LIMIT 1",
        (item_id,)).fetchone()
    return None if row is None else int(row[0])


def price_history(conn: sqlite3.Connection, item_id: str) -> list[tuple[str, int]]:
    return [(r[0], int(r[1])) for r in conn.execute(
        "SELECT effective_from, price FROM item_prices WHERE item_id = ? ORDER BY id",
        (item_id,))]


_ENTRY_SQL = """
SELECT i.*,
       (SELECT price FROM item_prices p WHERE p.item_id = i.id ORDER BY p.id DESC LIMIT 1)
           AS price,
       COALESCE(l.on_hand, 0) AS stock
FROM items i LEFT JOIN stock_levels l ON l.item_id = i.id
"""


def _entry(row: sqlite3.Row) -> CatalogueEntry:
    kind = ItemKind(row["kind"])
    return CatalogueEntry(
        item_id=row["id"], name_zh=row["name_zh"], name_en=row["name_en"],
        category=Category(row["category"]), kind=kind, price=int(row["price"] or 0),
        stock=int(row["stock"]) if kind.has_stock else None, image=row["image"],
        barcode=row["barcode"], limit_count=row["limit_count"],
        limit_points=row["limit_points"], limit_period=row["limit_period"],
        low_stock_threshold=int(row["low_stock_threshold"]), active=bool(row["active"]),
        partner=row["partner_id"], valid_days=row["valid_days"])


def entries(conn: sqlite3.Connection, *, include_retired: bool = False) -> list[CatalogueEntry]:
    where = "" if include_retired else " WHERE i.active = 1"
    with read_transaction(conn):
        rows = conn.execute(_ENTRY_SQL + where + " ORDER BY i.category, i.id").fetchall()
    return [_entry(r) for r in rows]


def entry(conn: sqlite3.Connection, item_id: str) -> CatalogueEntry | None:
    row = conn.execute(_ENTRY_SQL + " WHERE i.id = ?", (item_id,)).fetchone()
    return None if row is None else _entry(row)


def entries_by_id(conn: sqlite3.Connection, item_ids: list[str]) -> dict[str, CatalogueEntry]:
    """The given items (retired ones included) in one query; unknown ids are simply absent."""
    marks = ", ".join("?" * len(item_ids))
    rows = conn.execute(_ENTRY_SQL + f" WHERE i.id IN ({marks})", item_ids).fetchall()
    return {row["id"]: _entry(row) for row in rows}


def find_by_barcode(conn: sqlite3.Connection, barcode: str) -> CatalogueEntry | None:
    row = conn.execute(_ENTRY_SQL + " WHERE i.barcode = ?", (barcode,)).fetchone()
    return None if row is None else _entry(row)
