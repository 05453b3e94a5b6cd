"""The daily cap on spending with UID-only (unsigned, cloneable) cards, on the demo shop."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.config import NfcSection
from kiosk.core import cards
from kiosk.core.checkout import Checkout
from kiosk.core.errors import UidOnlyCapReached
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.voids import void_order
from kiosk.services import Services, sales_policy
from tests.conftest import ManualClock, mark_synced

ZHANG_NFC = PresentedCard("04A1B2C3D4E5F6")                        # 张小华, 800 points
ZHANG_QR = PresentedCard("QR-0001", generation=1, signed=True)   # the same volunteer, signed
LI_NFC = PresentedCard("04B7C8D9E0F1A2")                          # 李明, 120 points


def capped(shop: Services, cap: int) -> Checkout:
    return Checkout(shop.conn, shop.clock, shop.kiosk,
                    replace(shop.policy, uid_only_cap_per_day=cap))


def count_orders(shop: Services) -> int:
    return int(shop.conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])


def test_unsigned_card_stops_at_the_daily_cap(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    checkout = capped(shop, 300)
    checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("schoolbag", 1)])  # 260
    checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 1)])       # 290
    before = count_orders(shop)
    with pytest.raises(UidOnlyCapReached) as refused:
        checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 1)])
    assert refused.value.remaining == 10
    assert "10" in refused.value.zh
    assert count_orders(shop) == before
    assert cards.look_up(shop.conn, ZHANG_NFC).balance == 800 - 290


def test_signed_card_is_not_capped_and_does_not_use_up_the_cap(
        shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    checkout = capped(shop, 100)
    checkout.checkout(uuid7(), ZHANG_QR, [CartLine("schoolbag", 1)])  # 260, signed
    checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 3)])      # 90 of 100 unsigned
    with pytest.raises(UidOnlyCapReached) as refused:
        checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 1)])
    assert refused.value.remaining == 10


def test_cap_is_per_volunteer(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    checkout = capped(shop, 100)
    checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 3)])
    receipt = checkout.checkout(uuid7(), LI_NFC, [CartLine("notebooks", 3)])
    assert receipt.total == 90


def test_cap_resets_next_day_and_voids_give_it_back(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    checkout = capped(shop, 100)
    sale = uuid7()
    checkout.checkout(sale, ZHANG_NFC, [CartLine("notebooks", 3)])
    with pytest.raises(UidOnlyCapReached):
        checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 1)])
    void_order(shop.conn, clock, shop.kiosk, shop.policy, void_id=uuid7(), order_id=sale,
               reason="wrong item")
    checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 3)])
    with pytest.raises(UidOnlyCapReached):
        checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 1)])
    clock.advance(days=1)
    mark_synced(shop, clock.now())
    assert checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("notebooks", 3)]).total == 90


def test_zero_means_no_cap(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    assert shop.policy.uid_only_cap_per_day == 0  # the shipped default
    receipt = shop.checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("schoolbag", 2)])
    assert receipt.total == 520


def test_config_sets_the_cap(shop: Services) -> None:
    config = replace(shop.config, nfc=NfcSection(uid_only_cap_per_day=150))
    assert sales_policy(config).uid_only_cap_per_day == 150


def test_spend_limit_names_the_uid_only_cap(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    checkout = capped(shop, 300)
    checkout.checkout(uuid7(), ZHANG_NFC, [CartLine("schoolbag", 1)])  # 260
    limit = checkout.spend_limit(ZHANG_NFC, 540)
    assert (limit.amount, limit.reason) == (40, "uid_only")
    assert checkout.spend_limit(ZHANG_QR, 540).reason == "balance"
