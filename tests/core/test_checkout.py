"""Checkout against a real SQLite file with the demo shop."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.core import cards, ledger, stock
from kiosk.core.errors import (
    BadQuantity,
    CardBlocked,
    CardRevoked,
    CardUnknown,
    EmptyBasket,
    ItemUnavailable,
    LedgerConflict,
    LimitReached,
    NotEnoughPoints,
    OfflineCapReached,
    OutOfStock,
    QuantityTooLarge,
)
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services
from tests.conftest import ManualClock, mark_synced

ZHANG = PresentedCard("04A1B2C3D4E5F6")  # 张小华, 800 points
LI = PresentedCard("04B7C8D9E0F1A2")     # 李明, 120 points
BLOCKED = PresentedCard("04C3D4E5F6A7B8")


def count(services: Services, table: str) -> int:
    return int(services.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_sale_moves_points_and_goods_once(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    receipt = shop.checkout.checkout("order-1", ZHANG, [CartLine("soap", 2),
                                                         CartLine("schoolbag", 1)])
    assert receipt.total == 2 * 30 + 260
    assert receipt.balance_after == 800 - 320
    assert receipt.masked_name == "张*华"
    assert [(line.item_id, line.quantity, line.amount) for line in receipt.lines] == [
        ("soap", 2, 60), ("schoolbag", 1, 260)]
    assert not receipt.offline
    assert cards.look_up(shop.conn, ZHANG).balance == 480
    assert stock.on_hand(shop.conn, "soap") == 38
    assert stock.on_hand(shop.conn, "schoolbag") == 5
    fold = ledger.account_fold(shop.conn)
    assert fold["volunteer:V0001"] == -320
    assert fold["sales:demo-kiosk-01"] == 320
    assert sum(fold.values()) == 0
    entry = shop.conn.execute("SELECT * FROM outbox WHERE entry_id = 'order-1'").fetchone()
    assert entry["kind"] == "sale"
    assert entry["seq"] == shop.conn.execute(
        "SELECT seq FROM orders WHERE id = 'order-1'").fetchone()[0]


def test_retry_returns_same_receipt_and_writes_nothing(shop: Services) -> None:
    first = shop.checkout.checkout("order-1", ZHANG, [CartLine("soap", 1)])
    before = {t: count(shop, t) for t in ("orders", "transfers", "stock_movements", "outbox")}
    again = shop.checkout.checkout("order-1", ZHANG, [CartLine("soap", 1)])
    assert again == first
    assert {t: count(shop, t) for t in before} == before


def test_reused_order_id_with_other_content_is_refused(shop: Services) -> None:
    shop.checkout.checkout("order-1", ZHANG, [CartLine("soap", 1)])
    with pytest.raises(LedgerConflict):
        shop.checkout.checkout("order-1", ZHANG, [CartLine("soap", 2)])
    with pytest.raises(LedgerConflict):
        shop.checkout.checkout("order-1", LI, [CartLine("soap", 1)])
    assert count(shop, "orders") == 1


def test_duplicate_lines_are_merged(shop: Services) -> None:
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1),
                                                      CartLine("toothbrush", 2)])
    assert [(line.item_id, line.quantity) for line in receipt.lines] == [("toothbrush", 3)]


def test_not_enough_points_says_how_many_are_missing(shop: Services) -> None:
    with pytest.raises(NotEnoughPoints) as caught:
        shop.checkout.checkout(uuid7(), LI, [CartLine("schoolbag", 1)])
    assert caught.value.missing == 140
    assert "还差 140 分" in caught.value.zh
    assert "140 short" in caught.value.en
    assert count(shop, "orders") == 0


def test_out_of_stock_says_what_is_left(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    with pytest.raises(OutOfStock) as caught:
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("badminton", 5)])
    assert caught.value.available == 4
    assert "只剩 4 件" in caught.value.zh


def test_stock_never_goes_below_zero_even_bypassing_checkout(shop: Services) -> None:
    import sqlite3
    with pytest.raises(sqlite3.IntegrityError, match="below zero"):
        shop.conn.execute(
            "INSERT INTO stock_movements (item_id, delta, kind, note, created_at) "
            "VALUES ('kite', -6, 'count', 'x', '2026-01-01')")


def test_weekly_limit_names_the_reset_time(shop: Services, clock: ManualClock) -> None:
    # 2026-11-30 is a Monday; the soap limit is 2 per week, counted in Asia/Shanghai.
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 2)])
    with pytest.raises(LimitReached) as caught:
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    assert caught.value.resets_at.isoformat() == "2026-12-07T00:00:00+08:00"
    assert "2026-12-07 00:00" in caught.value.zh
    clock.advance(days=7)
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])


def test_voided_purchase_does_not_count_against_the_limit(shop: Services,
                                                          clock: ManualClock) -> None:
    from kiosk.core.voids import void_order
    shop.checkout.checkout("sale-1", ZHANG, [CartLine("soap", 2)])
    void_order(shop.conn, clock, shop.kiosk, shop.policy, void_id="void-1", order_id="sale-1",
               reason="wrong item")
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 2)])


@pytest.mark.parametrize(("card", "error"), [
    (PresentedCard("NOPE"), CardUnknown),
    (BLOCKED, CardBlocked),
])
def test_card_refusals(shop: Services, card: PresentedCard, error: type[Exception]) -> None:
    with pytest.raises(error):
        shop.checkout.checkout(uuid7(), card, [CartLine("soap", 1)])
    with pytest.raises(error):
        cards.look_up(shop.conn, card)


def test_old_card_generation_is_revoked(shop: Services) -> None:
    cards.upsert_cards(shop.conn, [cards.CardRecord("QR-0001", "V0001", kind="qr",
                                                    generation=2)])
    with pytest.raises(CardRevoked):
        shop.checkout.checkout(uuid7(), PresentedCard("QR-0001", generation=1),
                               [CartLine("soap", 1)])
    # A lower generation from the district never brings the old card back.
    cards.upsert_cards(shop.conn, [cards.CardRecord("QR-0001", "V0001", kind="qr",
                                                    generation=1)])
    with pytest.raises(CardRevoked):
        cards.look_up(shop.conn, PresentedCard("QR-0001", generation=1))
    assert shop.checkout.checkout(uuid7(), PresentedCard("QR-0001", generation=2),
                                  [CartLine("soap", 1)]).total == 30


def test_blocked_volunteer_blocks_all_their_cards(shop: Services) -> None:
    cards.upsert_volunteers(shop.conn, [cards.VolunteerRecord("V0001", "张*华", "blocked")])
    with pytest.raises(CardBlocked):
        cards.look_up(shop.conn, PresentedCard("QR-0001"))


def test_retired_item_and_bad_quantities(shop: Services) -> None:
    from kiosk.core.catalogue import set_active
    set_active(shop.conn, "kite", False)
    with pytest.raises(ItemUnavailable):
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("kite", 1)])
    with pytest.raises(ItemUnavailable):
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("no-such-item", 1)])
    with pytest.raises(QuantityTooLarge):
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 21)])
    with pytest.raises(EmptyBasket):
        shop.checkout.checkout(uuid7(), ZHANG, [])
    with pytest.raises(BadQuantity):   # typed and translated now, no bare ValueError
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 0)])


def test_offline_caps_per_volunteer_and_per_kiosk(shop: Services, clock: ManualClock) -> None:
    # Never synced: offline. 张小华 may spend 300 today offline, whatever her balance.
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("schoolbag", 1)])  # 260
    with pytest.raises(OfflineCapReached) as caught:
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("notebooks", 2)])  # 60 > 40 left
    assert caught.value.remaining == 40
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 2)])  # 40: exactly the cap
    # Online again: only the balance counts.
    mark_synced(shop, clock.now())
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("notebooks", 2)])
    assert not receipt.offline
    # The sync goes stale; a new day starts a new offline allowance.
    clock.advance(days=1)
    assert shop.checkout.checkout(uuid7(), ZHANG, [CartLine("notebooks", 1)]).offline


def test_offline_cap_for_the_whole_kiosk(config, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from kiosk import demo
    from kiosk.services import build
    config = replace(config, offline=replace(config.offline, cap_per_kiosk_per_day=100))
    services = build(config, clock, create=True)
    demo.seed(services)
    services.checkout.checkout(uuid7(), ZHANG, [CartLine("notebooks", 2)])  # 60
    with pytest.raises(OfflineCapReached) as caught:
        services.checkout.checkout(uuid7(), LI, [CartLine("notebooks", 2)])
    assert caught.value.remaining == 40


def test_donation_goes_to_the_pool_and_service_has_no_stock(shop: Services) -> None:
    receipt = shop.checkout.checkout("o", ZHANG, [CartLine("donate-10", 3),
                                                  CartLine("haircut", 1)])
    assert receipt.total == 80
    fold = ledger.account_fold(shop.conn)
    assert fold["donation_pool"] == 30
    assert fold["sales:demo-kiosk-01"] == 50
    assert count(shop, "stock_movements WHERE order_id = 'o'") == 0


def test_balance_counts_only_transfers_the_snapshot_has_not_seen(shop: Services,
                                                                 clock: ManualClock) -> None:
    shop.checkout.checkout("a", ZHANG, [CartLine("soap", 1)])        # seq after the restocks
    seq_a = shop.conn.execute("SELECT seq FROM orders WHERE id = 'a'").fetchone()[0]
    shop.checkout.checkout("b", ZHANG, [CartLine("toothbrush", 1)])
    assert cards.look_up(shop.conn, ZHANG).balance == 800 - 30 - 20
    # The district has counted sale a (and a 100-point credit elsewhere) but not yet b.
    clock.advance(minutes=1)
    ledger.apply_snapshots(shop.conn, [ledger.Snapshot("V0001", 800 - 30 + 100, seq_a,
                                                       clock.now())])
    assert cards.look_up(shop.conn, ZHANG).balance == 800 - 30 + 100 - 20
    # An older snapshot arriving late changes nothing.
    ledger.apply_snapshots(shop.conn, [ledger.Snapshot("V0001", 5, 0,
                                                       clock.now() - timedelta(hours=1))])
    assert cards.look_up(shop.conn, ZHANG).balance == 850


def test_snapshot_claiming_unknown_kiosk_seq_is_refused(shop: Services,
                                                        clock: ManualClock) -> None:
    with pytest.raises(ledger.SnapshotError):
        ledger.apply_snapshots(shop.conn, [ledger.Snapshot("V0001", 1, 10_000, clock.now())])


def test_a_price_changed_since_the_screen_is_refused_not_charged(shop: Services,
                                                                 clock: ManualClock) -> None:
    from dataclasses import replace

    from kiosk.core.catalogue import upsert_items
    from kiosk.core.errors import PriceChanged
    from kiosk.demo import DEMO_CATALOGUE
    from points_protocol.catalogue_file import read_catalogue
    soap = next(s for s in read_catalogue(DEMO_CATALOGUE) if s.item_id == "soap")
    upsert_items(shop.conn, clock, [replace(soap, price=90)])  # a sync lands meanwhile
    with pytest.raises(PriceChanged) as caught:
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1, seen_price=30)])
    assert (caught.value.seen, caught.value.now) == (30, 90)
    assert "30 → 90" in caught.value.zh
    assert count(shop, "orders") == 0
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1, seen_price=90)])
    assert receipt.total == 90


def test_spend_limit_is_what_a_sale_would_allow(shop: Services, clock: ManualClock) -> None:
    """What the screens offer (the spend limit read at the tap) is what checkout allows: the
    balance online, the lower offline cap offline, for this volunteer and for the kiosk."""
    limit = shop.checkout.spend_limit(ZHANG, 800)   # never synced: offline
    assert (limit.amount, limit.reason) == (300, "offline")
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("schoolbag", 1)])  # 260
    limit = shop.checkout.spend_limit(ZHANG, 540)
    assert (limit.amount, limit.reason) == (40, "offline")
    with pytest.raises(OfflineCapReached):
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("notebooks", 2)])  # 60 > 40
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 2)])     # 40 is allowed
    assert shop.checkout.spend_limit(ZHANG, 500).amount == 0
    assert shop.checkout.spend_limit(LI, 120).amount == 120   # her own cap is not the limit
    mark_synced(shop, clock.now())
    limit = shop.checkout.spend_limit(ZHANG, 500)
    assert (limit.amount, limit.reason) == (500, "balance")
    with pytest.raises(CardBlocked):
        shop.checkout.spend_limit(BLOCKED, 0)
