"""What became of a donor's goods: which unit gave what, and where it went.

Kiosks record each delivery with its donor (a restock); a sale does not say whose units it
took. The console attributes sales to deliveries first in, first out, per kiosk and item, in
the order the district received the movements: a sale takes the oldest units still on the
shelf, a void puts back exactly the units its sale took, a negative stock count writes off
the oldest units (damaged, lost), a positive one adds units of no donor. So "your 200 bottles
went to 187 volunteers at these shops" counts each unit once, and what is left is "still on
the shelf".
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from district.db import tables as t

NO_DONOR = ""


@dataclass
class DonorItem:
    """One donor's units of one item at one kiosk."""

    given: int = 0
    sold: int = 0
    written_off: int = 0
    points: int = 0
    taken_by: Counter[str] = field(default_factory=Counter)    # units per volunteer

    @property
    def volunteers(self) -> set[str]:
        """Who holds the donor's units (a voided sale gave them back)."""
        return {v for v, units in self.taken_by.items() if units > 0}

    @property
    def on_shelf(self) -> int:
        return self.given - self.sold - self.written_off


def attribute(conn: Connection, kiosks: Iterable[str], items: Iterable[str] | None = None,
              ) -> dict[tuple[str, str, str], DonorItem]:
    """{(donor, item, kiosk): DonorItem} over the given kiosks (and items, if given)."""
    sm, o, lines = t.stock_movements, t.orders, t.order_lines
    query = (select(sm.c.kiosk_id, sm.c.item_id, sm.c.kind, sm.c.delta, sm.c.donor_id,
                    sm.c.entry_id, o.c.volunteer_id, o.c.voids_order_id, lines.c.unit_price)
             .select_from(sm.outerjoin(o, o.c.order_id == sm.c.entry_id).outerjoin(
                 lines, (lines.c.order_id == sm.c.entry_id) & (lines.c.item_id == sm.c.item_id)))
             .where(sm.c.kiosk_id.in_(sorted(set(kiosks))))
             .order_by(sm.c.id))
    if items is not None:
        query = query.where(sm.c.item_id.in_(sorted(set(items))))
    out: dict[tuple[str, str, str], DonorItem] = defaultdict(DonorItem)
    shelves: dict[tuple[str, str], deque[list[Any]]] = defaultdict(deque)
    taken: dict[str, list[tuple[str, int]]] = {}
    seen: set[tuple[str, str]] = set()
    for row in conn.execute(query):
        if (row.entry_id, row.item_id) in seen:      # an order with two lines of one item
            continue
        seen.add((row.entry_id, row.item_id))
        shelf = shelves[(row.kiosk_id, row.item_id)]
        delta = int(row.delta)
        if row.kind == "restock" or (row.kind == "count" and delta > 0):
            donor = (row.donor_id or NO_DONOR) if row.kind == "restock" else NO_DONOR
            shelf.append([donor, delta])
            out[(donor, row.item_id, row.kiosk_id)].given += delta
        elif row.kind == "sale":
            took = _take(shelf, -delta)
            taken[row.entry_id] = took
            for donor, qty in took:
                share = out[(donor, row.item_id, row.kiosk_id)]
                share.sold += qty
                share.points += qty * int(row.unit_price or 0)
                if row.volunteer_id:
                    share.taken_by[row.volunteer_id] += qty
        elif row.kind == "void":
            for donor, qty in taken.pop(row.voids_order_id or "", []):
                shelf.appendleft([donor, qty])
                share = out[(donor, row.item_id, row.kiosk_id)]
                share.sold -= qty
                share.points -= qty * int(row.unit_price or 0)
                if row.volunteer_id:
                    share.taken_by[row.volunteer_id] -= qty
        elif row.kind == "count" and delta < 0:
            for donor, qty in _take(shelf, -delta):
                out[(donor, row.item_id, row.kiosk_id)].written_off += qty
    return dict(out)


def _take(shelf: deque[list[Any]], quantity: int) -> list[tuple[str, int]]:
    """Take ``quantity`` units from the oldest lots; units beyond the shelf are no donor's."""
    took: list[tuple[str, int]] = []
    while quantity > 0 and shelf:
        lot = shelf[0]
        qty = min(quantity, lot[1])
        took.append((lot[0], qty))
        lot[1] -= qty
        quantity -= qty
        if lot[1] == 0:
            shelf.popleft()
    if quantity > 0:
        took.append((NO_DONOR, quantity))
    return took


def donor_items(conn: Connection, donor_id: str, kiosks: list[str]) -> list[str]:
    return sorted(set(conn.execute(select(t.stock_movements.c.item_id).where(
        t.stock_movements.c.donor_id == donor_id, t.stock_movements.c.kind == "restock",
        t.stock_movements.c.kiosk_id.in_(kiosks))).scalars()))


def report(conn: Connection, donor_id: str, kiosks: list[str]) -> list[dict[str, Any]]:
    """Per item of the donor: given, sold, to how many volunteers, at which kiosks, the points
    volunteers spent on them, written off and still on the shelf."""
    items = donor_items(conn, donor_id, kiosks)
    if not items:
        return []
    shares = attribute(conn, kiosks, items)
    names = _item_names(conn, items)
    per_item: dict[str, dict[str, Any]] = {}
    for (donor, item, kiosk), share in sorted(shares.items()):
        if donor != donor_id or share.given == 0:
            continue
        row = per_item.setdefault(item, {"item_id": item, "name_zh": names[item][0],
                                         "name_en": names[item][1], "given": 0, "sold": 0,
                                         "volunteers": set(), "kiosks": [], "points": 0,
                                         "written_off": 0, "on_shelf": 0})
        row["given"] += share.given
        row["sold"] += share.sold
        row["volunteers"] |= share.volunteers
        row["points"] += share.points
        row["written_off"] += share.written_off
        row["on_shelf"] += share.on_shelf
        if share.sold:
            row["kiosks"].append(f"{kiosk} ({share.sold})")
    rows = list(per_item.values())
    for row in rows:
        row["volunteer_count"] = len(row.pop("volunteers"))
        row["kiosks"] = ", ".join(row["kiosks"]) or "—"
    return rows


def _item_names(conn: Connection, items: list[str]) -> dict[str, tuple[str, str]]:
    names = {i: (i, i) for i in items}
    for r in conn.execute(select(t.items.c.id, t.items.c.spec).where(t.items.c.id.in_(items))):
        spec = json.loads(r.spec)
        names[r.id] = (spec.get("name_zh", r.id), spec.get("name_en", r.id))
    return names
