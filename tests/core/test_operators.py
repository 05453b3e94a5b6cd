"""Operator sign-in: PINs as salted scrypt hashes, a lockout that grows, operator cards only."""

from __future__ import annotations

import pytest

from kiosk.core import audit, cards, operators
from kiosk.core.errors import CardBlocked
from kiosk.core.models import PresentedCard
from kiosk.core.operators import NotAnOperatorCard, PinLocked, PinPolicy, PinRejected, WrongPin
from kiosk.services import Services
from tests.conftest import ManualClock

POLICY = PinPolicy(pin_min_length=6, free_tries=3, lockout_seconds=30, lockout_max_seconds=100)


def _add(shop: Services, clock: ManualClock, op: str = "op1", pin: str = "246810") -> None:
    operators.set_operator(shop.conn, clock, POLICY, op, name="王社工", pin=pin)


def test_pin_is_stored_only_as_a_salted_hash(shop: Services, clock: ManualClock) -> None:
    _add(shop, clock, "op1", "246810")
    _add(shop, clock, "op2", "135790")
    rows = shop.conn.execute("SELECT * FROM operators WHERE id LIKE 'op%' ORDER BY id").fetchall()
    for row in rows:
        assert b"246810" not in bytes(row["pin_hash"]) and len(bytes(row["pin_salt"])) == 16
        assert "246810" not in " ".join(str(v) for v in tuple(row))
    assert rows[0]["pin_salt"] != rows[1]["pin_salt"]
    # The hash is scrypt over the salt, so the same PIN under another salt differs.
    assert bytes(rows[0]["pin_hash"]) == operators.hash_pin("246810", bytes(rows[0]["pin_salt"]))
    assert bytes(rows[0]["pin_hash"]) != operators.hash_pin("246810", b"0" * 16)
    signed = operators.sign_in_with_pin(shop.conn, clock, POLICY, "135790")
    assert (signed.operator_id, signed.via) == ("op2", "pin")
    # The audit log says a PIN changed, never which.
    assert all("246810" not in str(e.after) for e in audit.entries(shop.conn))


def test_weak_or_shared_pins_are_refused(shop: Services, clock: ManualClock) -> None:
    with pytest.raises(PinRejected):
        _add(shop, clock, "op1", "1234")
    with pytest.raises(PinRejected):
        _add(shop, clock, "op1", "12345a")
    _add(shop, clock, "op1", "246810")
    with pytest.raises(PinRejected):
        _add(shop, clock, "op2", "246810")
    _add(shop, clock, "op1", "246810")  # the same operator may keep their PIN


def test_lockout_grows_with_each_wrong_pin_and_resets(shop: Services,
                                                      clock: ManualClock) -> None:
    _add(shop, clock)
    for tries_left in (2, 1):
        with pytest.raises(WrongPin) as wrong:
            operators.sign_in_with_pin(shop.conn, clock, POLICY, "000000")
        assert wrong.value.tries_left == tries_left
    with pytest.raises(PinLocked) as locked:
        operators.sign_in_with_pin(shop.conn, clock, POLICY, "000000")
    assert locked.value.seconds_left == 30
    # While locked even the right PIN is not tried.
    clock.advance(seconds=29)
    with pytest.raises(PinLocked) as locked:
        operators.sign_in_with_pin(shop.conn, clock, POLICY, "246810")
    assert locked.value.seconds_left == 1
    clock.advance(seconds=1)
    assert operators.lockout_left(shop.conn, clock, POLICY) == 0
    with pytest.raises(PinLocked) as locked:  # fourth wrong PIN: twice as long
        operators.sign_in_with_pin(shop.conn, clock, POLICY, "000000")
    assert locked.value.seconds_left == 60
    clock.advance(seconds=60)
    with pytest.raises(PinLocked) as locked:  # capped at the ceiling
        operators.sign_in_with_pin(shop.conn, clock, POLICY, "000000")
    assert locked.value.seconds_left == 100
    clock.advance(seconds=100)
    assert operators.sign_in_with_pin(shop.conn, clock, POLICY, "246810").operator_id == "op1"
    with pytest.raises(WrongPin) as wrong:  # a right PIN starts the count again
        operators.sign_in_with_pin(shop.conn, clock, POLICY, "000000")
    assert wrong.value.tries_left == 2


def test_only_operator_cards_get_in(shop: Services, clock: ManualClock) -> None:
    """The demo binds 王*国's card to operator S0001 (this kiosk's own list)."""
    signed = operators.sign_in_with_card(shop.conn, clock, PresentedCard("04D9E8F7A6B5C4"))
    assert signed.via == "card" and signed.operator_id == "S0001"
    assert signed.name == "王*国"
    with pytest.raises(NotAnOperatorCard):
        operators.sign_in_with_card(shop.conn, clock, PresentedCard("04A1B2C3D4E5F6"))
    with pytest.raises(CardBlocked):
        operators.sign_in_with_card(shop.conn, clock, PresentedCard("04C3D4E5F6A7B8"))
    actions = [(e.operator_id, e.action) for e in audit.entries(shop.conn)]
    assert actions == [("S0001", "sign_in")]


def test_operator_rights_come_from_this_kiosk_not_the_card_row(shop: Services,
                                                                clock: ManualClock) -> None:
    """A card row saying "operator" (as the district's feed may send it) opens nothing; a
    card this kiosk bound does, until it is unbound or its operator retired."""
    cards.upsert_cards(shop.conn, [cards.CardRecord("04A1B2C3D4E5F6", "V0001",
                                                    is_operator=True)])
    with pytest.raises(NotAnOperatorCard):
        operators.sign_in_with_card(shop.conn, clock, PresentedCard("04A1B2C3D4E5F6"))
    assert not cards.look_up(shop.conn, PresentedCard("04A1B2C3D4E5F6")).is_operator
    with pytest.raises(operators.OperatorCardRefused):   # a new operator needs a name
        operators.bind_card(shop.conn, clock, "04A1B2C3D4E5F6", "op9")
    with pytest.raises(operators.OperatorCardRefused):   # and a card this kiosk knows
        operators.bind_card(shop.conn, clock, "NO-SUCH-CARD", "op9", name="李社工")
    operators.bind_card(shop.conn, clock, "04A1B2C3D4E5F6", "op9", name="李社工")
    assert operators.sign_in_with_card(shop.conn, clock,
                                       PresentedCard("04A1B2C3D4E5F6")).operator_id == "op9"
    assert cards.look_up(shop.conn, PresentedCard("04A1B2C3D4E5F6")).is_operator
    with pytest.raises(WrongPin):   # a card-only operator has no PIN that could match
        operators.sign_in_with_pin(shop.conn, clock, POLICY, "")
    assert operators.unbind_card(shop.conn, clock, "04A1B2C3D4E5F6")
    with pytest.raises(NotAnOperatorCard):
        operators.sign_in_with_card(shop.conn, clock, PresentedCard("04A1B2C3D4E5F6"))
