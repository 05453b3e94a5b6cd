from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.core import catalogue, stock
from kiosk.core.errors import StockError
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.periods import period_bounds
from kiosk.demo import DEMO_CATALOGUE
from kiosk.services import Services
from points_protocol.catalogue_file import read_catalogue
from points_protocol.names import mask_name
from tests.conftest import ManualClock

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"


def test_demo_catalogue_is_a_real_shop() -> None:
    specs = read_catalogue(DEMO_CATALOGUE)
    assert len(specs) >= 20
    prices = {s.item_id: s.price for s in specs}
    assert (prices["detergent"], prices["schoolbag"], prices["soap"]) == (230, 260, 30)
    assert {s.category.value for s in specs} >= {
        "health", "culture_leisure", "growth_education", "daily_life", "services", "donate"}
    assert {s.kind.value for s in specs} == {"goods", "service", "donation", "fee_offset"}
    for s in specs:
        assert s.image and (ASSETS / s.image).is_file(), s.item_id


def test_price_change_keeps_history_and_old_orders(shop: Services, clock: ManualClock) -> None:
    shop.checkout.checkout("before", PresentedCard("04A1B2C3D4E5F6"), [CartLine("kite", 1)])
    spec = next(s for s in read_catalogue(DEMO_CATALOGUE) if s.item_id == "kite")
    clock.advance(days=1)
    assert catalogue.upsert_items(shop.conn, clock, [replace(spec, price=90)]) == 1
    assert catalogue.upsert_items(shop.conn, clock, [replace(spec, price=90)]) == 0
    assert [p for _, p in catalogue.price_history(shop.conn, "kite")] == [70, 90]
    assert catalogue.current_price(shop.conn, "kite") == 90
    receipt = shop.checkout.checkout(uuid7(), PresentedCard("04A1B2C3D4E5F6"),
                                     [CartLine("kite", 1)])
    assert receipt.total == 90
    old = shop.conn.execute("SELECT unit_price FROM order_lines WHERE order_id = 'before'")
    assert old.fetchone()[0] == 70


def test_catalogue_entries_show_stock_and_retired_items(shop: Services) -> None:
    entries = {e.item_id: e for e in catalogue.entries(shop.conn)}
    assert entries["soap"].stock == 40
    assert entries["haircut"].stock is None
    bag = catalogue.find_by_barcode(shop.conn, "6901234500147")
    assert bag is not None and bag.item_id == "schoolbag"
    catalogue.set_active(shop.conn, "kite", False)
    assert "kite" not in {e.item_id for e in catalogue.entries(shop.conn)}
    assert "kite" in {e.item_id for e in catalogue.entries(shop.conn, include_retired=True)}


def test_restock_with_donor_and_count_adjustments(shop: Services, clock: ManualClock) -> None:
    stock.restock(shop.conn, clock, [stock.Restock("soap", 10), stock.Restock("kite", 2)],
                  donor_id="green-home", note="batch")
    assert stock.on_hand(shop.conn, "soap") == 50
    assert stock.record_count(shop.conn, clock, {"soap": 47, "kite": 7}, "shelf count") == {
        "soap": -3}
    assert stock.on_hand(shop.conn, "soap") == 47
    donated = shop.conn.execute(
        "SELECT SUM(delta) FROM stock_movements WHERE donor_id = 'green-home' "
        "AND item_id = 'soap'").fetchone()[0]
    assert donated == 50
    with pytest.raises(StockError, match="no stock"):
        stock.restock(shop.conn, clock, [stock.Restock("haircut", 1)], donor_id=None)
    with pytest.raises(StockError, match="unknown donor"):
        stock.restock(shop.conn, clock, [stock.Restock("soap", 1)], donor_id="nobody")
    with pytest.raises(StockError, match="0 or more"):
        stock.record_count(shop.conn, clock, {"soap": -1}, "oops")


@pytest.mark.parametrize(("name", "masked"), [
    ("张小华", "张*华"), ("李明", "李*"), ("欧阳明月", "欧**月"), ("王", "*"),
    ("Wang Xiao Hua", "W*** X*** H**"), ("  ", "*"),
])
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_periods_follow_the_shop_clock(shop: Services, clock: ManualClock) -> None:
    tz = shop.kiosk.timezone
    # 2026-11-30T17:30Z is already 01:30 on Tuesday 1 December in Wuhan.
    moment = clock.now().replace(hour=17, minute=30)
    day = period_bounds(moment, "day", tz)
    assert (day[0].isoformat(), day[1].isoformat()) == (
        "2026-12-01T00:00:00+08:00", "2026-12-02T00:00:00+08:00")
    assert period_bounds(moment, "week", tz)[0].isoformat() == "2026-11-30T00:00:00+08:00"
    month = period_bounds(moment, "month", tz)
    assert (month[0].isoformat(), month[1].isoformat()) == (
        "2026-12-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00")


def test_uuid7_is_time_ordered() -> None:
    ids = [uuid7(now_ms=ms) for ms in (1, 2, 10**12)]
    assert ids == sorted(ids)
    assert all(i[14] == "7" for i in ids)
