"""The operator gate decides where every card tap goes, before the visit sees it: an operator
card opens the operator's side, any other card goes on to the visit as if nothing was
checked, and what arrives during the check follows in order. Driven here as the touchscreen
drives it, with the real session flow and the operator check run against the demo shop's
SQLite file; each route is applied before the next is asked for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from kiosk.core.devices import (
    CardPresented,
    CardRejected,
    CardRemoved,
    DeviceEvent,
    DeviceFound,
    DeviceLost,
    presented_card,
)
from kiosk.core.errors import CardNotGenuine
from kiosk.core.operator_gate import (
    CheckOperatorCard,
    Ignored,
    OperatorGate,
    RefusedOnOperatorSide,
    Route,
    SignedIn,
    ToOperatorScreen,
    ToVisit,
)
from kiosk.core.session_flow import CardLifted, CardTapped, Screen, SessionFlow
from kiosk.operations.operator_work import OperatorWork
from kiosk.services import Services, pin_policy
from tests.conftest import ManualClock

OPERATOR_CARD = "04D9E8F7A6B5C4"   # flagged as operator in the demo shop
ZHANG = "04A1B2C3D4E5F6"           # volunteers
LI = "04B2C3D4E5F6A7"
IDLE = timedelta(minutes=5)


def tap(card_id: str) -> CardPresented:
    return CardPresented("nfc", card_id, "reader")


LIFT = CardRemoved("reader")


class Touchscreen:
    """What the UI does with each route, minus the drawing: the visit gets its events, the
    check runs against the database, and every route is written down."""

    def __init__(self, shop: Services, clock: ManualClock) -> None:
        self.clock = clock
        self.flow = SessionFlow(clock)
        self.gate = OperatorGate(self.flow, IDLE)
        self.work = OperatorWork(shop, pin_policy(shop.config))
        self.checks: list[CheckOperatorCard] = []
        self.seen: list[Route] = []

    def device(self, event: DeviceEvent) -> None:
        self.follow(self.gate.route(event))

    def answer_check(self) -> None:
        check = self.checks.pop(0)
        self.follow(self.gate.checked(self.work.operator_card(check.card), self.clock.now()))

    def follow(self, routes: Iterator[Route]) -> None:
        for route in routes:   # one at a time: the visit moves on before the next is decided
            self.seen.append(route)
            if isinstance(route, CheckOperatorCard):
                self.checks.append(route)
            elif isinstance(route, ToVisit) and isinstance(route.event, CardPresented):
                self.flow.handle(CardTapped(presented_card(route.event)))
            elif isinstance(route, ToVisit) and isinstance(route.event, CardRemoved):
                self.flow.handle(CardLifted())

    def screen(self) -> Screen:
        return self.flow.state.screen

    def taken(self) -> list[Route]:
        seen, self.seen = self.seen, []
        return seen


def test_a_volunteer_card_is_checked_then_goes_to_the_visit(shop: Services,
                                                            clock: ManualClock) -> None:
    t = Touchscreen(shop, clock)
    t.device(tap(ZHANG))
    assert t.taken() == [CheckOperatorCard(presented_card(tap(ZHANG)))]
    assert t.screen() == Screen.IDLE and t.gate.checking
    t.answer_check()
    assert t.taken() == [ToVisit(tap(ZHANG))]
    assert t.screen() == Screen.LOOKING_UP
    assert not t.gate.is_open and t.gate.operator is None


def test_what_arrives_during_a_check_follows_in_order_by_the_state_it_finds(
        shop: Services, clock: ManualClock) -> None:
    """The second tap arrives while the first card is being checked; once the first went to
    the visit the start screen is gone, so the second goes straight on, unchecked."""
    t = Touchscreen(shop, clock)
    t.device(tap(ZHANG))
    t.taken()
    for later in (LIFT, DeviceLost("camera", "unplugged"), tap(LI)):
        t.device(later)
    assert t.taken() == []          # all held behind the check
    t.answer_check()
    assert t.taken() == [ToVisit(tap(ZHANG)), ToVisit(LIFT),
                         ToVisit(DeviceLost("camera", "unplugged")), ToVisit(tap(LI))]
    assert t.checks == [] and t.gate.devices == {"camera": False}


def test_an_operator_card_opens_the_operator_side_and_keeps_the_next_taps(
        shop: Services, clock: ManualClock) -> None:
    t = Touchscreen(shop, clock)
    t.device(tap(OPERATOR_CARD))
    t.device(LIFT)
    t.device(tap(ZHANG))           # tapped on the operator's screen, e.g. to block it
    t.answer_check()
    [check, signed_in, lifted, zhang] = t.taken()
    assert isinstance(check, CheckOperatorCard)
    assert isinstance(signed_in, SignedIn) and signed_in.operator.via == "card"
    assert t.gate.operator == signed_in.operator and t.gate.is_open
    assert lifted == Ignored(LIFT)
    assert zhang == ToOperatorScreen(presented_card(tap(ZHANG)))
    assert t.screen() == Screen.IDLE   # the visit saw none of it
    forged = CardRejected("nfc", "reader", CardNotGenuine(ZHANG))
    t.device(forged)
    t.device(DeviceFound("camera"))
    assert t.taken() == [RefusedOnOperatorSide(forged), ToVisit(DeviceFound("camera"))]


def test_on_the_pin_pad_a_volunteer_card_opens_nothing_and_goes_nowhere(
        shop: Services, clock: ManualClock) -> None:
    t = Touchscreen(shop, clock)
    assert t.gate.open_pin_pad(clock.now())
    t.device(tap(ZHANG))
    t.answer_check()
    assert t.taken() == [CheckOperatorCard(presented_card(tap(ZHANG)))]
    assert t.gate.is_open and t.gate.operator is None
    assert t.screen() == Screen.IDLE
    t.device(tap(OPERATOR_CARD))   # an operator card signs in from the PIN pad too
    t.answer_check()
    assert isinstance(t.taken()[-1], SignedIn) and not t.gate.pin_pad


def test_the_pin_pad_opens_only_over_the_start_screen(shop: Services,
                                                      clock: ManualClock) -> None:
    t = Touchscreen(shop, clock)
    t.device(tap(ZHANG))
    t.answer_check()
    assert t.screen() != Screen.IDLE
    assert not t.gate.open_pin_pad(clock.now())
    assert not t.gate.is_open


def test_idle_sign_out_counts_from_the_last_touch_even_when_the_clock_goes_back(
        shop: Services, clock: ManualClock) -> None:
    t = Touchscreen(shop, clock)
    t.device(tap(OPERATOR_CARD))
    t.answer_check()
    clock.advance(minutes=4)
    t.gate.touched(clock.now())
    clock.advance(minutes=4)
    assert not t.gate.idle_out(clock.now())
    clock.advance(minutes=1)
    assert t.gate.idle_out(clock.now())
    clock.advance(days=-1)         # the clock went back a day: idle time counts from now
    assert not t.gate.idle_out(clock.now())
    clock.advance(minutes=5)
    assert t.gate.idle_out(clock.now())
    t.gate.close()
    assert not t.gate.is_open and not t.gate.idle_out(clock.now())
