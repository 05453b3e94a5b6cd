"""Card numbers typed or copied by an operator reach the card the reader knows: registering,
blocking, looking up and finding orders take any common spelling of a UID (or a QR id in lower
case); anything that is no card number is refused in words, and nothing is written."""

from __future__ import annotations

import pytest

from kiosk.core import audit, order_search
from kiosk.core.errors import CardIdInvalid
from kiosk.core.models import CartLine, PresentedCard
from kiosk.operations.operator_work import OperatorWork
from kiosk.operations.outcome import Done, Refused, attempt
from kiosk.services import Services, pin_policy
from tests.conftest import ManualClock

OP = "op1"
ZHANG = "04A1B2C3D4E5F6"


def count(shop: Services, table: str) -> int:
    return int(shop.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_a_new_card_is_registered_in_the_readers_form(shop: Services,
                                                      clock: ManualClock) -> None:
    assert audit.register_card(shop.conn, clock, OP, "04:aa:bb:cc:dd", "V0002")
    row = shop.conn.execute("SELECT volunteer_id, kind FROM cards WHERE card_id = "
                            "'04AABBCCDD'").fetchone()
    assert tuple(row) == ("V0002", "nfc")
    assert not audit.register_card(shop.conn, clock, OP, "0x04AABBCCDD", "V0002")   # the same


@pytest.mark.parametrize("typed", ["", "  ", "nope", "💳", "04A1", "QR-0001"])
def test_what_is_no_uid_is_refused_in_words_and_nothing_written(
        shop: Services, clock: ManualClock, typed: str) -> None:
    before = count(shop, "cards"), count(shop, "audit_log"), count(shop, "outbox")
    with pytest.raises(CardIdInvalid) as caught:
        audit.register_card(shop.conn, clock, OP, typed, "V0002")
    assert "不是卡号" in caught.value.zh and "is not a card number" in caught.value.en
    assert (count(shop, "cards"), count(shop, "audit_log"), count(shop, "outbox")) == before


def test_block_and_unblock_take_any_spelling(shop: Services, clock: ManualClock) -> None:
    audit.set_card_status(shop.conn, clock, OP, "04 a1 b2 c3 d4 e5 f6", "blocked")
    assert shop.conn.execute("SELECT status FROM cards WHERE card_id = ?",
                             (ZHANG,)).fetchone()[0] == "blocked"
    audit.set_card_status(shop.conn, clock, OP, "qr-0001", "blocked")
    assert shop.conn.execute("SELECT status FROM cards WHERE card_id = 'QR-0001'"
                             ).fetchone()[0] == "blocked"
    with pytest.raises(CardIdInvalid):
        audit.set_card_status(shop.conn, clock, OP, "04A1B2C3D4E5F6💳", "blocked")


def test_the_operator_screens_look_up_by_any_spelling(shop: Services) -> None:
    work = OperatorWork(shop, pin_policy(shop.config))
    found = work.card("04-a1-b2-c3-d4-e5-f6")
    assert found is not None and found.card_id == ZHANG and found.volunteer_id == "V0001"
    refused = attempt(lambda: work.card("💳"))   # as the screens' runner runs it
    assert isinstance(refused, Refused)
    assert refused.notice.code == "card_id_invalid" and "💳" in refused.notice.en
    assert attempt(lambda: work.register_card(OP, "04:BB:CC:DD:EE", "V0003")) == Done(True)
    again = work.card("04bbccddee")
    assert again is not None and again.volunteer_id == "V0003"


def test_orders_are_found_by_a_card_number_in_any_spelling(shop: Services) -> None:
    receipt = shop.checkout.checkout("0190d000-0000-7000-8000-00000000c1d5",
                                     PresentedCard(ZHANG), [CartLine("soap", 1)])
    found = order_search.find(shop.conn, "04:a1:b2:c3:d4:e5:f6")
    assert [o.order_id for o in found] == [receipt.order_id]
