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
