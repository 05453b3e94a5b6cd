"""A district's worth of data for bench/console.py: the register through the district's bulk
load, communities, kiosks, accounts, and a history of sales and restocks written directly
(orders, lines, transfers, stock movements), as a restore would."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from district.bulk import RegisterRow, load_register
from district.console import schema as s
from district.console.accounts import Accounts
from district.console.scope import Role
from district.db import tables as t
from district.db.upsert import copy_rows, upsert
from district.store import Store
from kiosk import demo
from points_protocol.catalogue_file import read_catalogue
from points_protocol.names import mask_name

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "秀英华明丽伟芳娜敏静强磊军洋勇艳杰娟涛超"
COMMUNITIES = 20
DONORS = 10


def _name(rng: random.Random) -> str:
    return mask_name(rng.choice(FAMILY) + "".join(rng.choice(GIVEN)
                                                  for _ in range(rng.choice((1, 2)))))


def make_district(store: Store, volunteers: int, sales: int, rng: random.Random) -> None:
    load_register(store.db, (RegisterRow(f"V{i:07d}", _name(rng), f"04{i:012X}",
                                         rng.randrange(100, 2000))
                             for i in range(volunteers)))
    items = read_catalogue(demo.DEMO_CATALOGUE)
    store.upsert_items([{"id": i.item_id, "name_zh": i.name_zh, "name_en": i.name_en,
                         "category": i.category.value, "kind": i.kind.value, "price": i.price}
                        for i in items])
    kiosks = [f"k-{c:02d}" for c in range(COMMUNITIES)]
    with store.db.write() as conn:
        upsert(conn, s.communities, [{"id": f"c{c:02d}", "name": f"社区{c:02d}"}
                                     for c in range(COMMUNITIES)], ("id",), ("name",))
        copy_rows(conn, s.volunteer_profiles, [
            {"volunteer_id": f"V{i:07d}", "community_id": f"c{i % COMMUNITIES:02d}"}
            for i in range(volunteers)])
        copy_rows(conn, s.partners, [{"id": f"donor-{d}", "name": f"捐赠单位{d}",
                                      "kind": "donor", "community_id": None}
                                     for d in range(DONORS)])
    for n, kiosk in enumerate(kiosks):
        store.register_kiosk(kiosk, "A" * 43 + "=")
        with store.db.write() as conn:
            upsert(conn, s.kiosk_sites, {"kiosk_id": kiosk, "community_id": f"c{n:02d}"},
                   ("kiosk_id",), ("community_id",))
    _history(store, volunteers, sales, goods=[i for i in items if i.kind.value == "goods"],
             kiosks=kiosks, rng=rng)
    accounts = Accounts(store.db, lambda: 0.0)
    accounts.create("admin", "bench password 1", Role.ADMIN)
    accounts.create("sw", "bench password 1", Role.SOCIAL_WORKER,
                    communities=["c00", "c01"])


def _history(store: Store, volunteers: int, sales: int, *, goods: list[Any],
             kiosks: list[str], rng: random.Random) -> None:
    now = datetime.now(UTC)
    orders, lines, transfers, stock = [], [], [], []
    for kiosk in kiosks:
        for item in goods:
            stock.append({"kiosk_id": kiosk, "entry_id": f"restock-{kiosk}-{item.item_id}",
                          "item_id": item.item_id, "delta": sales // 10,
                          "kind": "restock", "donor_id": f"donor-{rng.randrange(DONORS)}"})
    for n in range(sales):
        person = rng.randrange(volunteers)
        kiosk = kiosks[person % len(kiosks)]
        item = rng.choice(goods)
        at = (now - timedelta(seconds=rng.randrange(90 * 86400))).isoformat()
        order_id = f"o-{n:08d}"
        orders.append({"order_id": order_id, "kiosk_id": kiosk, "kind": "sale",
                       "volunteer_id": f"V{person:07d}", "card_id": f"04{person:012X}",
                       "total": item.price, "offline": False, "voids_order_id": None,
                       "created_at": at, "shop_day": at[:10], "received_at": at})
        lines.append({"order_id": order_id, "line_no": 1, "item_id": item.item_id,
                      "quantity": 1, "unit_price": item.price, "amount": item.price})
        transfers.append({"id": f"t-{n:08d}", "group_id": order_id, "role": "order",
                          "from_account": f"volunteer:V{person:07d}",
                          "to_account": f"sales:{kiosk}", "amount": item.price,
                          "kiosk_id": kiosk, "recorded_at": at})
        stock.append({"kiosk_id": kiosk, "entry_id": order_id, "item_id": item.item_id,
                      "delta": -1, "kind": "sale", "donor_id": None})
    with store.db.write() as conn:
        for table, rows in ((t.orders, orders), (t.order_lines, lines),
                            (t.transfers, transfers), (t.stock_movements, stock)):
            for start in range(0, len(rows), 50_000):
                copy_rows(conn, table, rows[start:start + 50_000])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
