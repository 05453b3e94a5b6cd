"""What a basket may hold: whole quantities of at least 1, each line on its own. 1.5
toothbrushes were sold for 30 points (a REAL quantity in the ledger, a stock movement of
-1.5), lines (3, -2) of one item were merged and sold as 1, and 0, negatives, strings and None
raised bare ValueError or TypeError. Every refusal is now a typed, translated error, and the
schema refuses a number that is not whole, whoever writes it."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.core import stock
from kiosk.core.errors import (
    BadBasketLine,
    BadQuantity,
    QuantityTooLarge,
    StockError,
    UserFacingError,
)
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services
from tests.conftest import ManualClock, mark_synced

ZHANG = PresentedCard("04A1B2C3D4E5F6")


def written(shop: Services) -> tuple[int, ...]:
    return tuple(shop.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                 for t in ("orders", "order_lines", "transfers", "stock_movements", "outbox"))


@pytest.mark.parametrize("lines", [
    [CartLine("toothbrush", 1.5)],            # type: ignore[arg-type]
    [CartLine("toothbrush", 0.5)],            # type: ignore[arg-type]
    [CartLine("toothbrush", 1.0)],            # type: ignore[arg-type]
    [CartLine("toothbrush", True)],
    [CartLine("toothbrush", 0)],
    [CartLine("toothbrush", -1)],
    [CartLine("toothbrush", "3")],            # type: ignore[arg-type]
    [CartLine("toothbrush", None)],           # type: ignore[arg-type]
    [CartLine("toothbrush", 3), CartLine("toothbrush", -2)],   # merged, it looked like 1
    [CartLine("soap", 1), CartLine("toothbrush", 0)],
], ids=["1.5", "0.5", "1.0", "True", "0", "-1", "'3'", "None", "3 and -2", "0 after 1"])
def test_a_quantity_that_is_not_a_whole_number_of_at_least_1_is_refused(
        lines: list[CartLine], shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    before, on_shelf = written(shop), stock.on_hand(shop.conn, "toothbrush")
    with pytest.raises(BadQuantity) as refused:
        shop.checkout.checkout(uuid7(), ZHANG, lines)
    assert refused.value.zh == "每样商品的数量要是 1 或以上的整数。"
    assert refused.value.en.startswith("Each item's quantity must be a whole number")
    assert written(shop) == before and stock.on_hand(shop.conn, "toothbrush") == on_shelf


@pytest.mark.parametrize("line", [CartLine("", 1), CartLine(None, 1),  # type: ignore[arg-type]
                                  CartLine("soap", 1, seen_price=29.5),  # type: ignore[arg-type]
                                  CartLine("soap", 1, seen_price=-30)])
def test_a_line_naming_no_item_or_no_price_is_refused(line: CartLine, shop: Services) -> None:
    with pytest.raises(BadBasketLine):
        shop.checkout.checkout(uuid7(), ZHANG, [line])


def test_a_huge_whole_quantity_is_too_large_not_an_overflow(shop: Services) -> None:
    with pytest.raises(QuantityTooLarge):
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 2**70)])
    with pytest.raises(QuantityTooLarge):    # many small lines of one item, merged
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 19)] * 3)


def test_every_refusal_is_typed_and_translated(shop: Services) -> None:
    for lines in ([CartLine("toothbrush", 1.5)], [CartLine("", 1)],  # type: ignore[arg-type]
                  [CartLine("toothbrush", 999)]):
        with pytest.raises(UserFacingError) as refused:
            shop.checkout.checkout(uuid7(), ZHANG, lines)
        assert refused.value.zh and refused.value.en and refused.value.code != "refused"


@pytest.mark.parametrize("quantity", [1.5, True, 0, -3, "2"])
def test_restock_and_count_take_whole_numbers_only(quantity: object, shop: Services,
                                                   clock: ManualClock) -> None:
    before = stock.on_hand(shop.conn, "soap")
    with pytest.raises(StockError, match="whole number"):
        stock.restock(shop.conn, clock, [stock.Restock("soap", quantity)],  # type: ignore[arg-type]
                      donor_id=None)
    if quantity not in (0,):   # counting 0 on the shelf is a real count
        with pytest.raises(StockError, match="whole number"):
            stock.record_count(shop.conn, clock, {"soap": quantity}, "count")  # type: ignore[dict-item]
    assert stock.on_hand(shop.conn, "soap") == before


@pytest.mark.parametrize(("table", "row"), [
    ("order_lines", "INSERT INTO order_lines VALUES "
                    "('o', 1, 'soap', 'a', 'a', 'goods', 1.5, 20, 30)"),
    ("stock_movements", "INSERT INTO stock_movements (item_id, delta, kind, created_at) "
                        "VALUES ('soap', 2.5, 'restock', '2026')"),
    ("item_prices", "INSERT INTO item_prices (item_id, price, effective_from) "
                    "VALUES ('soap', 'thirty', '2026')"),
])
def test_the_schema_refuses_numbers_that_are_not_whole(table: str, row: str,
                                                       shop: Services) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="whole numbers"):
        shop.conn.execute(row)
