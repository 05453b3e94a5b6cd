from __future__ import annotations

import pytest

from kiosk.core import cards, ledger, stock
from kiosk.core.errors import LedgerConflict, VoidRefused
from kiosk.core.models import CartLine, PresentedCard, Receipt
from kiosk.core.voids import void_order
from kiosk.services import Services
from tests.conftest import ManualClock

ZHANG = PresentedCard("04A1B2C3D4E5F6")


def void(shop: Services, clock: ManualClock, void_id: str, order_id: str,
         reason: str = "wrong item") -> Receipt:
    return void_order(shop.conn, clock, shop.kiosk, shop.policy, void_id=void_id,
                      order_id=order_id, reason=reason)


def test_void_reverses_points_and_stock(shop: Services, clock: ManualClock) -> None:
    shop.checkout.checkout("sale", ZHANG, [CartLine("soap", 2), CartLine("donate-10", 1)])
    clock.advance(minutes=5)
    receipt = void(shop, clock, "void", "sale")
    assert receipt.kind == "void"
    assert receipt.voids_order_id == "sale"
    assert receipt.total == -70
    assert receipt.balance_after == 800
    assert cards.look_up(shop.conn, ZHANG).balance == 800
    assert stock.on_hand(shop.conn, "soap") == 40
    fold = ledger.account_fold(shop.conn)
    assert fold["volunteer:V0001"] == 0
    assert fold["donation_pool"] == 0
    # The original is still there, untouched: a void is a new group, not an edit.
    kinds = [r[0] for r in shop.conn.execute("SELECT kind FROM orders ORDER BY seq")]
    assert kinds == ["sale", "void"]
    assert shop.conn.execute(
        "SELECT kind FROM outbox WHERE entry_id = 'void'").fetchone()[0] == "void"


def test_second_void_refused_and_retry_is_a_no_op(shop: Services, clock: ManualClock) -> None:
    shop.checkout.checkout("sale", ZHANG, [CartLine("soap", 1)])
    first = void(shop, clock, "void-1", "sale")
    assert void(shop, clock, "void-1", "sale") == first
    with pytest.raises(VoidRefused, match="already been voided"):
        void(shop, clock, "void-2", "sale")
    with pytest.raises(VoidRefused, match="cannot itself be voided"):
        void(shop, clock, "void-3", "void-1")
    with pytest.raises(LedgerConflict):
        void(shop, clock, "void-1", "sale", reason="another reason")


def test_void_outside_the_window_refused(shop: Services, clock: ManualClock) -> None:
    shop.checkout.checkout("sale", ZHANG, [CartLine("soap", 1)])
    clock.advance(minutes=shop.policy.void_window_minutes + 1)
    with pytest.raises(VoidRefused, match="too old"):
        void(shop, clock, "void", "sale")
    with pytest.raises(VoidRefused, match="No such order"):
        void(shop, clock, "void", "nope")


def test_recent_sales_leave_out_voided_ones(shop: Services, clock: ManualClock) -> None:
    from kiosk.core.receipts import recent_sales
    for order_id in ("a", "b", "c"):
        shop.checkout.checkout(order_id, ZHANG, [CartLine("toothbrush", 1)])
        clock.advance(minutes=1)
    void(shop, clock, "void-b", "b")
    assert [r.order_id for r in recent_sales(shop.conn, shop.kiosk, ZHANG.card_id, 10)] == [
        "c", "a"]
    assert [r.order_id for r in recent_sales(shop.conn, shop.kiosk, ZHANG.card_id, 1)] == ["c"]
    assert recent_sales(shop.conn, shop.kiosk, "04B7C8D9E0F1A2", 10) == ()
