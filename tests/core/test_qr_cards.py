"""The kiosk's side of issuing QR cards, on a real SQLite file: who may be asked for, what the
district's answer does to the card row, and a printer fault that keeps the card for later."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core import audit, cards, qr_cards
from kiosk.core.devices import PrinterFault
from kiosk.core.errors import CardRevoked
from kiosk.core.models import PresentedCard, Slip
from kiosk.services import Services
from tests.conftest import ManualClock

OP = "V0005"
TOKEN, OTHER = "signed-token-a", "signed-token-b"   # opaque here: the sync layer checks them


def test_only_an_active_volunteer_and_one_waiting_request_each(
        shop: Services, clock: ManualClock) -> None:
    with pytest.raises(qr_cards.VolunteerNotActive):
        qr_cards.request(shop.conn, clock, OP, "nobody")
    cards.upsert_volunteers(shop.conn, [cards.VolunteerRecord("V0002", "李*", "blocked")])
    with pytest.raises(qr_cards.VolunteerNotActive):
        qr_cards.request(shop.conn, clock, OP, "V0002")
    first = qr_cards.request(shop.conn, clock, OP, "V0001")
    assert qr_cards.request(shop.conn, clock, OP, "V0001") == first
    assert [r.request_id for r in qr_cards.waiting(shop.conn)] == [first]
    assert [e.action for e in audit.entries(shop.conn)].count("qr_card_request") == 1


def test_the_answer_updates_the_card_and_a_second_answer_changes_nothing(
        shop: Services, clock: ManualClock) -> None:
    request_id = qr_cards.request(shop.conn, clock, OP, "V0001")
    assert qr_cards.record_issued(shop.conn, clock, request_id, card_id="QR-0001",
                                  generation=3, token=TOKEN, expires_at=0)
    with pytest.raises(CardRevoked):
        cards.look_up(shop.conn, PresentedCard("QR-0001", generation=2))
    assert not qr_cards.record_issued(shop.conn, clock, request_id, card_id="QR-0001",
                                      generation=9, token=OTHER, expires_at=0)
    assert qr_cards.issued(shop.conn, request_id).token == TOKEN
    assert cards.look_up(shop.conn, PresentedCard("QR-0001", generation=3)).volunteer_id == \
        "V0001"


def test_a_printer_fault_keeps_the_token_and_a_good_print_forgets_it(
        shop: Services, clock: ManualClock, tmp_path: Path) -> None:
    request_id = qr_cards.request(shop.conn, clock, OP, "V0002")
    qr_cards.record_issued(shop.conn, clock, request_id, card_id="QR9", generation=1,
                           token=TOKEN, expires_at=2_000_000_000)
    slips: list[Slip] = []

    def broken(card: qr_cards.IssuedCard) -> None:
        raise PrinterFault("out of paper")
    with pytest.raises(PrinterFault):
        qr_cards.print_card(shop.conn, clock, request_id, OP, broken)
    assert qr_cards.get(shop.conn, request_id).state == "issued"  # type: ignore[union-attr]

    def good(card: qr_cards.IssuedCard) -> None:
        slips.append(qr_cards.slip(card, shop.kiosk, clock, 32))
    qr_cards.print_card(shop.conn, clock, request_id, OP, good)
    row = shop.conn.execute("SELECT state, token FROM qr_card_requests").fetchone()
    assert tuple(row) == ("printed", None)
    text = "\n".join(slips[0].above + slips[0].below)
    # Shop zone: 2033-05-18T03:33:20Z is 11:33 on the 18th in Wuhan; printed at 10:00 local.
    assert "李*" in text and "QR9" in text and "2033-05-18" in text and "2026-11-30 10:00" in text
    assert slips[0].qr == TOKEN


def test_a_late_answer_never_unblocks_nor_goes_back_a_generation(
        shop: Services, clock: ManualClock) -> None:
    # A block that reached this kiosk while the answer was on its way stands.
    request_id = qr_cards.request(shop.conn, clock, OP, "V0001")
    cards.set_card_status(shop.conn, "QR-0001", "blocked")
    assert qr_cards.record_issued(shop.conn, clock, request_id, card_id="QR-0001",
                                  generation=2, token=TOKEN, expires_at=0)
    row = shop.conn.execute("SELECT status, generation FROM cards WHERE card_id = 'QR-0001'"
                            ).fetchone()
    assert tuple(row) == ("blocked", 2)
    # An answer older than the card this kiosk knows (issued again elsewhere) is refused.
    cards.upsert_cards(shop.conn, [cards.CardRecord("QR9", "V0002", kind="qr", generation=3)])
    late = qr_cards.request(shop.conn, clock, OP, "V0002")
    assert not qr_cards.record_issued(shop.conn, clock, late, card_id="QR9", generation=2,
                                      token=OTHER, expires_at=0)
    refused = qr_cards.get(shop.conn, late)
    assert refused is not None and refused.state == "refused" and "ask again" in (
        refused.detail or "")


def test_an_unprinted_card_is_reused_and_never_drops_off_the_list(
        shop: Services, clock: ManualClock) -> None:
    first = qr_cards.request(shop.conn, clock, OP, "V0002")
    qr_cards.record_issued(shop.conn, clock, first, card_id="QR9", generation=1, token=TOKEN,
                           expires_at=0)
    assert qr_cards.request(shop.conn, clock, OP, "V0002") == first   # print it, not a new one
    for _ in range(10):   # many newer requests (answered and printed elsewhere, say)
        clock.advance(seconds=60)
        other = qr_cards.request(shop.conn, clock, OP, "V0001")
        qr_cards.record_refused(shop.conn, clock, other, "test")
    listed = [r.request_id for r in qr_cards.recent(shop.conn, limit=3)]
    assert first in listed and len(listed) == 4
