"""Vouchers between a real kiosk and a real district on 127.0.0.1, on both engines: a sold
voucher is registered at sync and redeemed exactly once, whatever races; every refusal says
why; a voucher redeemed from its QR code before its sale arrived is reconciled when it does,
and listed as a conflict while it has not."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from district.console import schema as cs
from district.db.upsert import upsert
from district.store import Store
from district.vouchers import redeem as r
from district.vouchers import schema as vs
from kiosk.core import voids
from kiosk.core.errors import VoidRefused
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard, Receipt
from points_protocol import vouchers as protocol
from tests.conftest import ManualClock
from tests.live_district import Kiosk, LiveServer, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")  # 张小华, 800 points
BREAKFAST, PROPERTY = "zhongjiacun-breakfast", "hanyang-property"


def add_partners(store: Store) -> None:
    with store.db.write() as conn:
        upsert(conn, cs.partners, [
            {"id": BREAKFAST, "name": "钟家村早点铺", "kind": "merchant", "community_id": None},
            {"id": PROPERTY, "name": "汉阳物业", "kind": "property", "community_id": None}],
            ("id",), ("name", "kind", "community_id"))


@pytest.fixture
def kiosk(district: LiveServer, tmp_path: Path, clock: ManualClock) -> Kiosk:
    add_partners(district.store)
    made = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    made.daemon.run_once()          # online: the property fee is over the offline cap
    return made


def sell(kiosk: Kiosk, item: str, quantity: int = 1) -> Receipt:
    return kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine(item, quantity)])


def redeem(store: Store, text: str, clock: ManualClock, partner: str = BREAKFAST,
           method: str = "code") -> r.Answer:
    return r.redeem(store.db, text, partner_id=partner, account_id="acct", now=clock.now(),
                    method=method)


def test_a_sold_voucher_is_registered_at_sync_and_redeemed_once(
        kiosk: Kiosk, district: LiveServer, clock: ManualClock) -> None:
    receipt = sell(kiosk, "breakfast")
    paper = receipt.vouchers[0]
    kiosk.daemon.run_once()
    with district.store.db.read() as conn:
        row = conn.execute(select(vs.vouchers)).mappings().one()
    assert (row["id"], row["order_id"], row["sale_state"]) == (
        paper.voucher.voucher_id, receipt.order_id, "sold")
    code = protocol.show_code(paper.voucher.code)
    seen = r.look(district.store.db, code.lower(), BREAKFAST, clock.now())
    assert seen.outcome == r.VALID and seen.voucher is not None
    assert (seen.voucher["name_zh"], seen.voucher["value"], seen.voucher["masked_name"]) == (
        "合作早餐店早餐", 40, "张*华")
    assert redeem(district.store, code, clock).outcome == r.REDEEMED
    clock.advance(minutes=5)
    again = redeem(district.store, paper.token, clock, method="scan")   # a copy, scanned
    assert (again.outcome, again.redeemed_by) == (r.ALREADY, "钟家村早点铺")
    assert again.redeemed_at is not None and again.redeemed_at.startswith("2026-11-30T02:00")
    other = redeem(district.store, code, clock, partner=PROPERTY)
    assert (other.outcome, other.voucher) == (r.OTHER_PARTNER, None)
    with district.store.db.read() as conn:
        assert conn.execute(select(vs.redemptions)).all().__len__() == 1
    # The kiosk learns it with the feed and refuses to void the sale.
    kiosk.daemon.run_once()
    with pytest.raises(VoidRefused, match="redeemed at 钟家村早点铺"):
        voids.void_order(kiosk.conn, clock, kiosk.services.kiosk, kiosk.services.policy,
                         void_id=uuid7(), order_id=receipt.order_id, reason="mistake")
    kiosk.close()


def test_voided_expired_forged_and_mistyped_vouchers_are_refused_with_their_reason(
        kiosk: Kiosk, district: LiveServer, clock: ManualClock) -> None:
    voided = sell(kiosk, "property-fee")
    kept = sell(kiosk, "breakfast")
    voids.void_order(kiosk.conn, clock, kiosk.services.kiosk, kiosk.services.policy,
                     void_id=uuid7(), order_id=voided.order_id, reason="mistake")
    kiosk.daemon.run_once()
    answer = redeem(district.store, voided.vouchers[0].token, clock, partner=PROPERTY)
    assert answer.outcome == r.VOIDED and answer.redeemed_at is not None
    late = ManualClock(clock.now() + timedelta(days=7))   # the 7th day ended at midnight
    assert redeem(district.store, kept.vouchers[0].token, late).outcome == r.EXPIRED
    forged = protocol.sign(replace(kept.vouchers[0].voucher, value=4000),
                           Ed25519PrivateKey.generate())
    assert redeem(district.store, forged, clock).outcome == r.FORGED
    assert redeem(district.store, "V1.not-a-voucher", clock).outcome == r.FORGED
    code = kept.vouchers[0].voucher.code
    typo = code[:3] + code[4] + code[3] + code[5:] if code[3] != code[4] else code[:-1] + "Z"
    assert redeem(district.store, typo, clock).outcome == r.MISTYPED
    assert redeem(district.store, protocol.new_code(), clock).outcome == r.UNKNOWN
    assert redeem(district.store, code, clock).outcome == r.REDEEMED   # nothing was spent
    kiosk.close()


def test_a_voucher_redeemed_before_its_sale_arrived_is_reconciled(
        kiosk: Kiosk, district: LiveServer, clock: ManualClock) -> None:
    receipt = sell(kiosk, "breakfast")
    token = receipt.vouchers[0].token
    # Not synced: the typed code is unknown, the QR code is checked by the kiosk's key.
    assert redeem(district.store, receipt.vouchers[0].voucher.code, clock).outcome == r.UNKNOWN
    answer = redeem(district.store, token, clock, method="scan")
    assert answer.outcome == r.REDEEMED and answer.voucher is not None
    assert answer.voucher["sale_state"] == "pending"
    with district.store.db.read() as conn:
        assert [u["id"] for u in r.unpaid(conn)] == [receipt.vouchers[0].voucher.voucher_id]
    kiosk.daemon.run_once()
    with district.store.db.read() as conn:
        assert r.unpaid(conn) == []
        row = conn.execute(select(vs.vouchers)).mappings().one()
    assert (row["order_id"], row["sale_state"]) == (receipt.order_id, "sold")
    assert redeem(district.store, receipt.vouchers[0].voucher.code, clock).outcome == r.ALREADY
    kiosk.close()


@pytest.mark.expect_log(r"rejected: card 04A1B2C3D4E5F6 belongs to another volunteer",
                        r"district rejected entry 4 .*: card 04A1B2C3D4E5F6 belongs to another")
def test_a_refused_sale_leaves_its_redeemed_voucher_in_the_conflicts(
        kiosk: Kiosk, district: LiveServer, clock: ManualClock) -> None:
    receipt = sell(kiosk, "breakfast")
    assert redeem(district.store, receipt.vouchers[0].token, clock, method="scan").ok
    # The district gave the card to someone else meanwhile: the sale is refused.
    district.store.upsert_card(ZHANG.card_id, "V0002", "nfc")
    kiosk.daemon.run_once()
    with district.store.db.read() as conn:
        unpaid = r.unpaid(conn)
    assert [(u["id"], u["sale_state"]) for u in unpaid] == [
        (receipt.vouchers[0].voucher.voucher_id, "refused")]
    kinds = [c["kind"] for c in district.store.report("conflicts")]
    assert "voucher_unpaid" in kinds
    kiosk.close()


def test_racing_partners_exactly_one_wins(kiosk: Kiosk, district: LiveServer,
                                          clock: ManualClock) -> None:
    receipt = sell(kiosk, "breakfast", 1)
    more = [sell(kiosk, "property-fee") for _ in range(1)]
    kiosk.daemon.run_once()
    papers = [receipt.vouchers[0], *(m.vouchers[0] for m in more)]
    outcomes: list[str] = []
    lock = threading.Lock()
    for paper in papers:
        partner = paper.voucher.partner_id
        gate = threading.Barrier(4)

        def race(text: str, partner: str = partner, gate: threading.Barrier = gate) -> None:
            gate.wait()
            answer = redeem(district.store, text, clock, partner=partner)
            with lock:
                outcomes.append(answer.outcome)

        # Two by the typed code, two by the QR code (one not yet registered by code lookup).
        threads = [threading.Thread(target=race, args=(text,)) for text in
                   (paper.voucher.code, paper.voucher.code, paper.token, paper.token)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert sorted(outcomes) == sorted([r.REDEEMED, r.ALREADY, r.ALREADY, r.ALREADY] * 2)
    kiosk.close()
