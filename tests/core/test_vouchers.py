"""Vouchers at the kiosk: a voucher item sold through the real checkout makes one signed
voucher per unit, kept with the order, carried by its outbox entry, printed (and reprinted as
the same voucher), and a void refused once the district says it was redeemed."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.core import district_feed, printing, sync_status, voids
from kiosk.core.checkout import Checkout
from kiosk.core.devices import PaperStatus
from kiosk.core.errors import VoidRefused, VoucherUnavailable
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard, Receipt, Slip
from kiosk.core.voucher_text import voucher_slip
from kiosk.services import Services
from points_protocol import signing
from points_protocol import vouchers as protocol
from points_protocol.errors import Invalid
from points_protocol.messages import ChangePage
from tests.conftest import ManualClock, mark_synced

ZHANG = PresentedCard("04A1B2C3D4E5F6")  # 张小华, 800 points


class PaperTray:
    """A printer that keeps what it was given (the TCP printer tests read real bytes)."""

    def __init__(self) -> None:
        self.receipts: list[Receipt] = []

    def print_receipt(self, receipt: Receipt) -> None:
        self.receipts.append(receipt)

    def print_slip(self, slip: Slip) -> None:
        raise AssertionError("vouchers print with their receipt")

    def paper_status(self) -> PaperStatus:
        return "ok"


@pytest.fixture(autouse=True)
def online(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())   # the property fee is over the offline cap


def kiosk_key(shop: Services) -> Ed25519PrivateKey:
    return signing.load_key_file(shop.config.base_dir / shop.config.district.key_path)


def test_a_voucher_sale_makes_one_signed_voucher_per_unit(shop: Services) -> None:
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("breakfast", 1),
                                                      CartLine("property-fee", 1),
                                                      CartLine("soap", 1)])
    assert [p.voucher.item_id for p in receipt.vouchers] == ["breakfast", "property-fee"]
    public = kiosk_key(shop).public_key()
    for paper in receipt.vouchers:
        assert protocol.verify(paper.token, public) == paper.voucher
        assert protocol.normalize_code(paper.voucher.code) == paper.voucher.code
        assert paper.voucher.masked_name == "张*华"
        assert paper.voucher.kiosk_id == shop.kiosk.kiosk_id
    breakfast = receipt.vouchers[0].voucher
    assert (breakfast.partner_id, breakfast.value) == ("zhongjiacun-breakfast", 40)
    # Valid 7 days including today, to the end of the last day in the kiosk's time zone.
    assert breakfast.expires_at == "2026-12-06T23:59:59+08:00"
    payload = json.loads(shop.conn.execute(
        "SELECT payload FROM outbox WHERE entry_id = ?", (receipt.order_id,)).fetchone()[0])
    assert [v["token"] for v in payload["vouchers"]] == [p.token for p in receipt.vouchers]
    with pytest.raises(Exception, match="append-only"):
        shop.conn.execute("UPDATE vouchers SET value = 1")


def test_a_retry_returns_the_same_vouchers(shop: Services) -> None:
    order_id = uuid7()
    first = shop.checkout.checkout(order_id, ZHANG, [CartLine("breakfast", 1)])
    again = shop.checkout.checkout(order_id, ZHANG, [CartLine("breakfast", 1)])
    assert again.vouchers == first.vouchers
    assert shop.conn.execute("SELECT COUNT(*) FROM vouchers").fetchone()[0] == 1


def test_without_the_kiosk_key_a_voucher_item_is_refused_and_nothing_is_written(
        shop: Services) -> None:
    keyless = Checkout(shop.conn, shop.clock, shop.kiosk, shop.policy)
    with pytest.raises(VoucherUnavailable) as refused:
        keyless.checkout(uuid7(), ZHANG, [CartLine("soap", 1), CartLine("breakfast", 1)])
    assert "合作早餐店早餐" in refused.value.zh and "Breakfast" in refused.value.en
    assert shop.conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0
    keyless.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])   # goods still sell


def test_a_reprint_is_marked_and_is_the_same_voucher(shop: Services) -> None:
    tray = PaperTray()
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("breakfast", 1)])
    printing.print_and_record(shop.conn, shop.clock, tray, receipt)
    printing.reprint(shop.conn, shop.clock, tray, shop.kiosk, receipt.order_id)
    printing.reprint(shop.conn, shop.clock, tray, shop.kiosk, receipt.order_id)
    first, second, third = (voucher_slip(r, r.vouchers[0]) for r in tray.receipts)
    assert "服务兑换券" in "".join(first.above)
    assert "补打" not in "".join(first.above)
    assert any("补打（第1次）" in line for line in second.above)
    assert any("补打（第2次）" in line for line in third.above)
    assert first.qr == second.qr == third.qr
    code = protocol.show_code(receipt.vouchers[0].voucher.code)
    assert code in "".join(first.below) and code in "".join(third.below)


def test_a_void_is_refused_once_the_district_says_it_was_redeemed(
        shop: Services, clock: ManualClock) -> None:
    sold = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("breakfast", 1)])
    other = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("property-fee", 1)])
    page = ChangePage(cursor=1, more=False, volunteers=[], cards=[], balances=[], items=[],
                      settings=[], vouchers=[
                          (sold.vouchers[0].voucher.voucher_id, "redeemed",
                           "2026-11-30T03:00:00+00:00", "钟家村早点铺"),
                          ("someone-elses-voucher", "redeemed", "2026-11-30T03:00:00+00:00",
                           "x")])
    district_feed.apply_page(shop.conn, page, sync_status.pull_cursor(shop.conn),
                             "2026-11-30T03:00:00+00:00")
    assert shop.conn.execute("SELECT COUNT(*) FROM voucher_states").fetchone()[0] == 1
    with pytest.raises(VoidRefused) as refused:
        voids.void_order(shop.conn, clock, shop.kiosk, shop.policy, void_id=uuid7(),
                         order_id=sold.order_id, reason="mistake")
    assert "钟家村早点铺" in refused.value.zh and "核销" in refused.value.zh
    assert "redeemed" in refused.value.en
    # A voucher nobody redeemed is voided with its sale (the district voids it at sync).
    voided = voids.void_order(shop.conn, clock, shop.kiosk, shop.policy, void_id=uuid7(),
                              order_id=other.order_id, reason="mistake")
    assert voided.total == -500


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDE-FGHJO", "0123456789", "ABCDEFGHJ*"])
def test_mistyped_codes_are_named_before_any_look_up(typed: str) -> None:
    with pytest.raises(Invalid):
        protocol.normalize_code(typed)


def test_every_single_mistake_and_neighbour_swap_is_caught() -> None:
    code = protocol.new_code()
    assert protocol.normalize_code(code.lower()[:5] + " - " + code[5:]) == code
    for n in range(len(code)):
        for ch in protocol.ALPHABET:
            if ch != code[n]:
                wrong = code[:n] + ch + code[n + 1:]
                with pytest.raises(Invalid):
                    protocol.normalize_code(wrong)
        if n + 1 < len(code) and code[n] != code[n + 1]:
            swapped = code[:n] + code[n + 1] + code[n] + code[n + 2:]
            with pytest.raises(Invalid):
                protocol.normalize_code(swapped)


def test_a_changed_voucher_fails_its_signature(shop: Services) -> None:
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("breakfast", 1)])
    paper = receipt.vouchers[0]
    forged = protocol.sign(replace(paper.voucher, value=4000), Ed25519PrivateKey.generate())
    with pytest.raises(Invalid, match="signature"):
        protocol.verify(forged, kiosk_key(shop).public_key())
    with pytest.raises(Invalid):
        protocol.verify(paper.token[:-8] + "AAAAAAAA", kiosk_key(shop).public_key())


def test_the_feed_rows_of_vouchers_and_families_are_checked_like_every_other_row() -> None:
    from kiosk.sync.protocol import ProtocolError, parse_change_page
    base = {"cursor": 2, "more": False, "volunteers": [], "cards": [], "balances": [],
            "items": [], "settings": [], "as_of": "2026-11-30T03:00:00+00:00"}
    page = parse_change_page({**base, "vouchers": [["v1", "redeemed", "2026-11-30", "店"]],
                              "families": [["F0001"]]}, 1)
    # (The rows are lists, as executemany takes them; the dataclass names them as tuples.)
    assert [tuple(r) for r in page.vouchers] == [("v1", "redeemed", "2026-11-30", "店")]
    assert [tuple(r) for r in page.families] == [("F0001",)]
    assert parse_change_page(base, 1).vouchers == []    # a district from before: none
    for bad in ({"vouchers": [["v1", "eaten", "2026-11-30", ""]]},
                {"vouchers": [["v1", "redeemed", 5, ""]]}, {"families": [[7]]},
                {"families": "F0001"}):
        with pytest.raises(ProtocolError):
            parse_change_page({**base, **bad}, 1)
