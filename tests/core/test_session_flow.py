"""The volunteer's visit as a state machine, without Qt: every screen, every way out, and the
timeouts driven by a manual clock (no sleeping)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.errors import CardBlocked, CardUnknown, LimitReached, NotEnoughPoints
from kiosk.core.models import CardHolder, PresentedCard, Receipt, SpendLimit
from kiosk.core.session_flow import (
    STAFF,
    Add,
    Back,
    CardLifted,
    CardTapped,
    CardUnusable,
    CheckOtherCard,
    CheckoutDone,
    CheckoutFailed,
    Confirm,
    Decrease,
    Finish,
    FlowState,
    FlowTiming,
    KeepVisit,
    LoadRecords,
    LookUpCard,
    LookupDone,
    LookupFailed,
    Notice,
    OtherCardChecked,
    Pay,
    PrinterChecked,
    RecordsLoaded,
    Remove,
    Reprint,
    ReprintDone,
    ReprintReceipt,
    RunCheckout,
    Screen,
    SessionFlow,
    ShowCart,
    ShowCatalogue,
    ShowRecords,
    SwitchCard,
    Tick,
    Touch,
)
from points_protocol.catalogue import Category, ItemKind
from tests.conftest import ManualClock

CARD = PresentedCard("04A1B2C3D4E5F6")
OTHER = PresentedCard("04B7C8D9E0F1A2")
TIMING = FlowTiming(inactivity_seconds=60, countdown_seconds=15, done_seconds=10)
MAX_PER_LINE = 5          # what the checkout says at the look-up


def item(item_id: str, price: int, stock: int | None = 10, *, limit: int | None = None,
         kind: ItemKind = ItemKind.GOODS) -> CatalogueEntry:
    return CatalogueEntry(item_id=item_id, name_zh=item_id + "zh", name_en=item_id,
                          category=Category.HEALTH, kind=kind, price=price, stock=stock,
                          image=None, barcode=None, limit_count=limit, limit_points=None,
                          limit_period="week" if limit else None, low_stock_threshold=0,
                          active=True)


ENTRIES = (item("soap", 30, limit=2), item("rice", 100, stock=1), item("gone", 5, stock=0),
           item("bag", 260), item("pen", 1, stock=None, kind=ItemKind.SERVICE))


def holder(card: PresentedCard = CARD, balance: int = 300) -> CardHolder:
    return CardHolder(card_id=card.card_id, volunteer_id="V1", masked_name="张*华",
                      balance=balance, is_operator=False)


def receipt(order_id: str = "order-1") -> Receipt:
    return Receipt(order_id=order_id, kind="sale", kiosk_id="k", kiosk_name="shop",
                   community="c", created_at=datetime(2026, 11, 30, tzinfo=UTC),
                   masked_name="张*华", lines=(), total=30, balance_after=270, offline=False)


@pytest.fixture
def flow(clock: ManualClock) -> SessionFlow:
    ids = iter(f"order-{n}" for n in range(1, 100))
    return SessionFlow(clock, TIMING, new_order_id=lambda: next(ids))


def tap(flow: SessionFlow, card: PresentedCard = CARD, balance: int = 300) -> None:
    state = flow.handle(CardTapped(card))
    assert state.screen == Screen.LOOKING_UP
    assert state.effects == (LookUpCard(state.serial, card),)
    state = flow.handle(LookupDone(state.serial, holder(card, balance), ENTRIES,
                                   max_per_line=MAX_PER_LINE))
    assert state.screen == Screen.BALANCE


def pay_for_soap(flow: SessionFlow) -> int:
    """A visit up to the moment the checkout starts; the checkout's serial."""
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    flow.handle(ShowCart())
    flow.handle(Confirm())
    return flow.handle(Pay()).serial


def test_starts_idle_and_ignores_touches(flow: SessionFlow) -> None:
    assert flow.state.screen == Screen.IDLE
    for event in (Touch(), Back(), Add("soap"), Pay(), ShowCart(), Finish(), CardLifted()):
        assert flow.handle(event).screen == Screen.IDLE


def test_card_accepted_shows_balance(flow: SessionFlow) -> None:
    tap(flow)
    assert flow.state.holder is not None and flow.state.holder.masked_name == "张*华"
    assert flow.state.balance_after == 300


@pytest.mark.parametrize("error", [CardUnknown(), CardBlocked()])
def test_refused_card_shows_message_then_idle(flow: SessionFlow, clock: ManualClock,
                                              error: CardUnknown) -> None:
    serial = flow.handle(CardTapped(CARD)).serial
    state = flow.handle(LookupFailed(serial, Notice.of(error)))
    assert state.screen == Screen.REFUSED and state.notice == Notice.of(error)
    clock.advance(seconds=9)
    assert flow.handle(Tick()).screen == Screen.REFUSED
    clock.advance(seconds=1)
    assert flow.handle(Tick()).screen == Screen.IDLE


@pytest.mark.parametrize("code", ["card_unreadable", "not_a_card_code",
                                  "card_token_unreadable", "card_token_forged",
                                  "card_token_expired", "card_token_unsupported",
                                  "card_token_wrong_district"])
@pytest.mark.parametrize("screen", [ShowCatalogue, ShowCart, Confirm, ShowRecords])
def test_an_unusable_code_mid_visit_is_a_note_and_the_visit_goes_on(
        flow: SessionFlow, code: str, screen: type) -> None:
    """A forged QR, a stray barcode, someone else's expired card: whoever shows it, the
    volunteer in the middle of a visit keeps their screen and cart and reads one line."""
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    flow.handle(ShowCart())
    if screen is ShowRecords:
        flow.handle(Back())
        flow.handle(Back())
    elif screen is ShowCatalogue:
        flow.handle(Back())
    before = flow.handle(screen())
    state = flow.handle(CardUnusable(Notice(code, "不能用", "unusable")))
    assert state.screen == before.screen and state.cart.count == 1
    assert state.card == CARD and state.serial == before.serial
    assert state.notice is not None and state.notice.code == code
    assert "不受影响" in state.notice.zh or "忽略" in state.notice.zh


def test_a_stray_code_mid_visit_gets_a_short_note(flow: SessionFlow) -> None:
    tap(flow)
    state = flow.handle(CardUnusable(Notice("not_a_card_code", "这不是积分卡", "not a card")))
    assert state.screen == Screen.BALANCE
    assert state.notice is not None
    assert state.notice.zh == "扫到的不是积分卡，已忽略。您的兑换照常进行。"


def test_a_misread_on_idle_is_still_explained(flow: SessionFlow) -> None:
    state = flow.handle(CardUnusable(Notice("card_unreadable", "读不到", "misread")))
    assert state.screen == Screen.REFUSED


def test_lifting_the_card_ends_nothing(flow: SessionFlow) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    state = flow.handle(CardLifted())
    assert state.screen == Screen.CATALOGUE and state.cart.count == 1


def test_same_card_again_keeps_the_session(flow: SessionFlow) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    state = flow.handle(CardTapped(CARD))
    assert state.screen == Screen.CATALOGUE and state.cart.count == 1 and not state.effects


def other_card(flow: SessionFlow, refusal: Notice | None = None) -> None:
    """Another card tapped in the middle of a visit, checked by the runner."""
    state = flow.handle(CardTapped(OTHER))
    assert state.effects == (CheckOtherCard(state.serial, OTHER),)
    assert state.screen == Screen.CATALOGUE and state.other_card is None
    flow.handle(OtherCardChecked(state.serial, OTHER, refusal))


def test_another_card_mid_visit_asks_and_keeps_the_cart_until_answered(
        flow: SessionFlow) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    other_card(flow)
    state = flow.state
    assert state.other_card == OTHER and state.card == CARD and state.cart.count == 1
    # Until the question is answered, the screen under it takes nothing.
    assert flow.handle(Add("soap")).cart.count == 1
    assert flow.handle(ShowCart()).screen == Screen.CATALOGUE
    state = flow.handle(KeepVisit())
    assert state.other_card is None and state.cart.count == 1 and state.card == CARD
    assert flow.handle(Add("soap")).cart.count == 2


def test_another_card_question_times_out_with_the_visit(flow: SessionFlow,
                                                        clock: ManualClock) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    other_card(flow)
    clock.advance(seconds=60)
    assert flow.handle(Tick()).warning_until is not None
    assert flow.state.cart.count == 1 and flow.state.other_card == OTHER
    clock.advance(seconds=15)
    state = flow.handle(Tick())
    assert state.screen == Screen.IDLE and state.cart.items == () and state.other_card is None


@pytest.mark.parametrize("error", [CardBlocked(), CardUnknown()])
def test_another_card_that_is_refused_is_only_a_note(flow: SessionFlow,
                                                     error: CardBlocked) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    other_card(flow, Notice.of(error))
    state = flow.state
    assert state.screen == Screen.CATALOGUE and state.card == CARD and state.cart.count == 1
    assert state.other_card is None
    assert state.notice is not None and state.notice.code == error.code
    assert error.zh in state.notice.zh and "不受影响" in state.notice.zh


def test_different_card_starts_a_new_session_and_old_answers_are_dropped(
        flow: SessionFlow) -> None:
    tap(flow)
    old_serial = flow.state.serial
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    other_card(flow)
    state = flow.handle(SwitchCard())
    assert state.screen == Screen.LOOKING_UP and state.cart.items == ()
    assert state.card == OTHER and state.other_card is None
    assert state.effects == (LookUpCard(state.serial, OTHER),)
    assert state.serial != old_serial
    # the old session's look-up answering late changes nothing
    assert flow.handle(LookupDone(old_serial, holder(), ENTRIES)).screen == Screen.LOOKING_UP
    state = flow.handle(LookupDone(state.serial, holder(OTHER, 50), ENTRIES))
    assert state.holder is not None and state.holder.balance == 50


def test_catalogue_tabs_and_back_buttons(flow: SessionFlow) -> None:
    tap(flow)
    assert flow.handle(ShowCatalogue(Category.DONATE)).category == Category.DONATE
    assert flow.handle(ShowCatalogue(Category.SERVICES)).category == Category.SERVICES
    assert flow.handle(ShowCart()).screen == Screen.CART
    assert flow.handle(Back()).screen == Screen.CATALOGUE
    assert flow.handle(Back()).screen == Screen.BALANCE
    assert flow.handle(Back()).screen == Screen.IDLE


def test_cart_plus_minus_remove_and_totals(flow: SessionFlow) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    flow.handle(Add("soap"))
    state = flow.handle(Add("pen"))
    assert state.cart.total == 61 and state.balance_after == 239
    state = flow.handle(Decrease("soap"))
    assert state.cart.quantity_of("soap") == 1
    state = flow.handle(Remove("soap"))
    assert [i.entry.item_id for i in state.cart.items] == ["pen"]
    state = flow.handle(Decrease("pen"))
    assert state.cart.items == ()
    assert flow.handle(Decrease("pen")).cart.items == ()
    assert flow.handle(Add("no-such-item")).cart.items == ()


@pytest.mark.parametrize(("adds", "item_id", "code"), [
    (1, "gone", "out_of_stock"),          # nothing on the shelf
    (2, "rice", "out_of_stock"),          # only one left
    (3, "soap", "limit_reached"),         # 2 per week
    (6, "pen", "quantity_too_large"),     # at most 5 per line
    (2, "bag", "not_enough_points"),      # 300 points buys one bag, not two
])
def test_cart_refuses_what_cannot_be_had_and_says_why(flow: SessionFlow, adds: int,
                                                      item_id: str, code: str) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    for _ in range(adds):
        state = flow.handle(Add(item_id))
    assert state.notice is not None and state.notice.code == code
    assert state.cart.quantity_of(item_id) == adds - 1
    assert state.notice.zh and state.notice.en
    # the next successful change clears the hint
    other = "pen" if item_id == "soap" else "soap"
    assert flow.handle(Add(other)).notice is None


def test_the_carts_limit_per_line_is_the_one_the_sale_checks(flow: SessionFlow) -> None:
    """The checkout's limit per line (the district's once synced), read at the look-up, is
    what "+" stops at: before, the cart offered config's limit and the sale refused at Pay."""
    state = flow.handle(CardTapped(CARD))
    flow.handle(LookupDone(state.serial, holder(), ENTRIES, max_per_line=2))
    flow.handle(ShowCatalogue())
    for _ in range(3):
        state = flow.handle(Add("pen"))
    assert state.cart.quantity_of("pen") == 2
    assert state.notice is not None and state.notice.code == "quantity_too_large"
    assert "最多兑换 2 件" in state.notice.zh


def test_affordable_reflects_what_the_cart_already_spends(flow: SessionFlow) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    bag = flow.state.entry("bag")
    assert bag is not None and flow.state.affordable(bag)
    state = flow.handle(Add("rice"))
    assert not state.affordable(bag)


def test_checkout_happy_path(flow: SessionFlow, clock: ManualClock) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    flow.handle(ShowCart())
    assert flow.handle(Pay()).screen == Screen.CART          # pay only from confirm
    state = flow.handle(Confirm())
    assert state.screen == Screen.CONFIRM and state.order_id == "order-1"
    state = flow.handle(Pay())
    assert state.screen == Screen.CHECKING_OUT
    assert state.effects == (RunCheckout(state.serial, "order-1", CARD, state.cart.lines()),)
    # taps and touches while committing change nothing
    assert flow.handle(CardTapped(OTHER)).screen == Screen.CHECKING_OUT
    assert flow.handle(Back()).screen == Screen.CHECKING_OUT
    clock.advance(seconds=600)
    assert flow.handle(Tick()).screen == Screen.CHECKING_OUT
    state = flow.handle(CheckoutDone(state.serial, receipt(), None))
    assert state.screen == Screen.DONE and state.receipt == receipt()
    assert state.printer_notice is None and state.cart.items == ()
    clock.advance(seconds=10)
    assert flow.handle(Tick()).screen == Screen.IDLE


def test_done_with_printer_problem_and_finish_early(flow: SessionFlow) -> None:
    serial = pay_for_soap(flow)
    problem = Notice("printer_fault", "没打印", "not printed")
    state = flow.handle(CheckoutDone(serial, receipt(), problem))
    assert state.screen == Screen.DONE and state.printer_notice == problem
    assert flow.handle(Finish()).screen == Screen.IDLE


def test_an_unprinted_receipt_stays_longer_and_the_printer_stays_down(
        flow: SessionFlow, clock: ManualClock) -> None:
    serial = pay_for_soap(flow)
    problem = Notice("printer_fault", "没打印", "not printed")
    flow.handle(CheckoutDone(serial, receipt(), problem))
    clock.advance(seconds=TIMING.done_seconds)
    assert flow.handle(Tick()).screen == Screen.DONE   # an order number to write down
    clock.advance(seconds=TIMING.done_seconds)
    state = flow.handle(Tick())
    assert state.screen == Screen.IDLE and state.printer_down == problem  # the next one is told
    tap(flow)
    assert flow.state.printer_down == problem
    assert flow.handle(PrinterChecked(None)).printer_down is None


def to_done(flow: SessionFlow) -> FlowState:
    serial = pay_for_soap(flow)
    return flow.handle(CheckoutDone(serial, receipt(), None))


def test_the_volunteers_own_card_on_the_done_screen_starts_their_next_visit(
        flow: SessionFlow) -> None:
    """Checked first (a refused card must not take the success screen away), then looked up:
    the volunteer tapped their own card to shop again."""
    to_done(flow)
    state = flow.handle(CardTapped(CARD))
    assert state.screen == Screen.DONE and state.effects == (CheckOtherCard(state.serial, CARD),)
    state = flow.handle(OtherCardChecked(state.serial, CARD, None))
    assert state.screen == Screen.LOOKING_UP and state.effects == (LookUpCard(state.serial, CARD),)
    state = flow.handle(LookupDone(state.serial, holder(CARD), ENTRIES))
    assert state.screen == Screen.BALANCE and state.card == CARD and state.cart.items == ()


@pytest.mark.parametrize("how", ["next", "time"])
def test_another_card_on_the_done_screen_is_the_next_visit_after_a_tap_or_its_time(
        flow: SessionFlow, clock: ManualClock, how: str) -> None:
    """The next in line: checked first, then it waits. 兑换成功, the points left and the order
    number stay until the volunteer taps "next" or their time is up (the card used to end the
    screen at once), then the next visit begins with nobody asked."""
    card = OTHER
    done = to_done(flow)
    state = flow.handle(CardTapped(card))
    assert state.screen == Screen.DONE and state.effects == (CheckOtherCard(state.serial, card),)
    state = flow.handle(OtherCardChecked(state.serial, card, None))
    assert state.screen == Screen.DONE and state.next_card == card and state.effects == ()
    assert state.receipt == done.receipt and state.screen_since == done.screen_since
    assert flow.handle(CardTapped(card)).effects == ()   # tapped again: still one waiting
    clock.advance(seconds=TIMING.done_seconds - 1)
    assert flow.handle(Tick()).screen == Screen.DONE
    if how == "next":
        clock.advance(seconds=0.5)
        state = flow.press(Finish())
    else:
        clock.advance(seconds=1)
        state = flow.handle(Tick())
    assert state.screen == Screen.LOOKING_UP and state.effects == (LookUpCard(state.serial, card),)
    state = flow.handle(LookupDone(state.serial, holder(card), ENTRIES))
    assert state.screen == Screen.BALANCE and state.card == card and state.cart.items == ()
    assert state.next_card is None


def test_finish_right_after_a_card_arrives_does_not_start_the_next_visit(
        flow: SessionFlow, clock: ManualClock) -> None:
    """The card turns 完成 into 下一位 under a finger already on its way: that press is
    ignored, as after any change of what a press does."""
    to_done(flow)
    clock.advance(seconds=3)
    state = flow.handle(CardTapped(OTHER))
    flow.handle(OtherCardChecked(state.serial, OTHER, None))
    assert flow.press(Finish()).screen == Screen.DONE
    clock.advance(seconds=1)
    assert flow.press(Finish()).screen == Screen.LOOKING_UP


def test_a_refused_card_or_stray_code_on_the_done_screen_is_a_note(
        flow: SessionFlow, clock: ManualClock) -> None:
    """兑换成功, the points left and the order number stay their full time: someone's blocked
    card or a product's barcode is a line on the screen, not the refused screen."""
    done = to_done(flow)
    clock.advance(seconds=5)
    state = flow.handle(CardUnusable(Notice("not_a_card_code", "这不是积分卡", "not a card")))
    assert state.screen == Screen.DONE and state.receipt == done.receipt
    assert state.notice is not None and "已忽略" in state.notice.zh
    state = flow.handle(CardTapped(OTHER))
    state = flow.handle(OtherCardChecked(state.serial, OTHER, Notice.of(CardBlocked())))
    assert state.screen == Screen.DONE and state.receipt == done.receipt
    assert state.notice is not None and state.notice.code == "card_blocked"
    assert state.screen_since == done.screen_since   # the done screen's time is not reset
    clock.advance(seconds=TIMING.done_seconds - 5)
    assert flow.handle(Tick()).screen == Screen.IDLE


def test_a_stray_code_while_the_card_is_looked_up_is_a_note(flow: SessionFlow) -> None:
    state = flow.handle(CardTapped(CARD))
    state = flow.handle(CardUnusable(Notice("not_a_card_code", "这不是积分卡", "not a card")))
    assert state.screen == Screen.LOOKING_UP and state.card == CARD
    state = flow.handle(LookupDone(state.serial, holder(), ENTRIES))
    assert state.screen == Screen.BALANCE and state.card == CARD
    assert state.notice is not None and "已忽略" in state.notice.zh


def test_cards_and_codes_while_the_sale_commits_are_not_lost(flow: SessionFlow) -> None:
    """The sale is never abandoned halfway, and nothing shown meanwhile is dropped without a
    word: a stray code is a note (carried to the success screen), another usable card is the
    next visit, the volunteer's own card lying on the reader changes nothing."""
    serial = pay_for_soap(flow)
    state = flow.handle(CardUnusable(Notice("not_a_card_code", "这不是积分卡", "not a card")))
    assert state.screen == Screen.CHECKING_OUT and state.effects == ()
    assert state.notice is not None and "已忽略" in state.notice.zh
    assert flow.handle(CardTapped(CARD)).effects == ()
    state = flow.handle(CardTapped(OTHER))
    assert state.screen == Screen.CHECKING_OUT
    assert state.effects == (CheckOtherCard(serial, OTHER),)
    state = flow.handle(OtherCardChecked(serial, OTHER, None))
    assert state.screen == Screen.CHECKING_OUT and state.next_card == OTHER
    state = flow.handle(CheckoutDone(serial, receipt(), None))
    assert state.screen == Screen.DONE and state.next_card == OTHER
    state = flow.handle(Finish())
    assert state.screen == Screen.LOOKING_UP and state.card == OTHER


def test_a_stray_code_while_committing_is_a_note_on_the_success_screen(
        flow: SessionFlow) -> None:
    serial = pay_for_soap(flow)
    flow.handle(CardUnusable(Notice("not_a_card_code", "这不是积分卡", "not a card")))
    state = flow.handle(CheckoutDone(serial, receipt(), None))
    assert state.screen == Screen.DONE and state.notice is not None
    assert state.notice.code == "not_a_card_code"


def test_a_card_waiting_when_the_sale_fails_is_asked_about(flow: SessionFlow) -> None:
    """The sale did not go through: the visit goes on, so the other card is the usual
    question, not a takeover."""
    serial = pay_for_soap(flow)
    flow.handle(CardTapped(OTHER))
    flow.handle(OtherCardChecked(serial, OTHER, None))
    state = flow.handle(CheckoutFailed(serial, STAFF))
    assert state.screen == Screen.CART and state.other_card == OTHER
    assert state.next_card is None and state.cart.items != ()


def test_a_note_on_the_confirm_screen_goes_with_the_press(flow: SessionFlow) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    flow.handle(ShowCart())
    flow.handle(Confirm())
    state = flow.handle(CardUnusable(Notice("not_a_card_code", "这不是积分卡", "not a card")))
    assert state.screen == Screen.CONFIRM and state.notice is not None
    assert flow.handle(Pay()).notice is None


def test_refused_checkout_goes_back_to_cart_with_a_new_order_id(flow: SessionFlow) -> None:
    serial = pay_for_soap(flow)
    refusal = Notice.of(NotEnoughPoints(20, 30))
    state = flow.handle(CheckoutFailed(serial, refusal))
    assert state.screen == Screen.CART and state.notice == refusal and state.order_id is None
    assert flow.handle(Confirm()).order_id == "order-2"


def test_fault_keeps_the_order_id_so_a_retry_is_the_same_order(flow: SessionFlow) -> None:
    serial = pay_for_soap(flow)
    state = flow.handle(CheckoutFailed(serial, STAFF))
    assert state.screen == Screen.CART and state.order_id == "order-1"
    assert flow.handle(Confirm()).order_id == "order-1"
    flow.handle(Back())
    flow.handle(Back())
    flow.handle(Add("soap"))  # a changed cart is a different order
    flow.handle(ShowCart())
    assert flow.handle(Confirm()).order_id == "order-2"


def test_limit_reached_at_checkout_is_explained(flow: SessionFlow, clock: ManualClock) -> None:
    serial = pay_for_soap(flow)
    error = LimitReached("香皂", "Soap", "每周限 2 件", "2 per week", clock.now())
    state = flow.handle(CheckoutFailed(serial, Notice.of(error)))
    assert state.notice is not None and state.notice.code == "limit_reached"


def test_card_blocked_meanwhile_ends_the_session(flow: SessionFlow) -> None:
    serial = pay_for_soap(flow)
    state = flow.handle(CheckoutFailed(serial, Notice.of(CardBlocked()), card_refused=True))
    assert state.screen == Screen.REFUSED and state.card is None


def test_inactivity_warning_countdown_then_idle(flow: SessionFlow, clock: ManualClock) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    clock.advance(seconds=59)
    assert flow.handle(Tick()).warning_until is None
    clock.advance(seconds=1)
    state = flow.handle(Tick())
    assert state.warning_until is not None and state.countdown_left(clock.now()) == 15
    clock.advance(seconds=10)
    state = flow.handle(Tick())
    assert state.screen == Screen.CATALOGUE and state.countdown_left(clock.now()) == 5
    clock.advance(seconds=5)
    state = flow.handle(Tick())
    assert state.screen == Screen.IDLE and state.cart.items == () and state.card is None


def test_a_clock_that_goes_back_neither_keeps_a_visit_open_nor_freezes_the_buttons(
        flow: SessionFlow, clock: ManualClock) -> None:
    """An RTC reset or an NTP step back by an hour mid-visit: the visit still times out after
    the inactivity and the countdown, not an hour later; taps still work after the pause."""
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    clock.advance(seconds=30)
    clock.advance(hours=-1)
    flow.handle(Tick())                                    # the screen's timer, every second
    clock.advance(seconds=TIMING.input_pause_seconds)
    assert flow.press(ShowCart()).screen == Screen.CART    # not ignored for an hour
    clock.advance(seconds=60)
    assert flow.handle(Tick()).warning_until is not None
    clock.advance(seconds=15)
    state = flow.handle(Tick())
    assert state.screen == Screen.IDLE and state.card is None and state.cart.items == ()


def test_a_clock_that_goes_back_on_the_done_screen_still_returns_to_the_start(
        flow: SessionFlow, clock: ManualClock) -> None:
    serial = pay_for_soap(flow)
    assert flow.handle(CheckoutDone(serial, receipt(), None)).screen == Screen.DONE
    clock.advance(hours=-2)
    assert flow.handle(Tick()).screen == Screen.DONE
    clock.advance(seconds=TIMING.done_seconds)
    assert flow.handle(Tick()).screen == Screen.IDLE      # not two hours later


def test_a_touch_answers_still_there(flow: SessionFlow, clock: ManualClock) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    clock.advance(seconds=61)
    assert flow.handle(Tick()).warning_until is not None
    state = flow.handle(Touch())
    assert state.warning_until is None and state.countdown_left(clock.now()) == 0
    clock.advance(seconds=59)
    state = flow.handle(Tick())
    assert state.screen == Screen.CATALOGUE and state.cart.count == 1


def test_every_session_screen_times_out(flow: SessionFlow, clock: ManualClock) -> None:
    for go in (Back, ShowCatalogue, ShowCart, ShowRecords):
        tap(flow)
        flow.handle(ShowCatalogue())
        flow.handle(Add("soap"))
        flow.handle(ShowCart())
        if go is not Back:
            flow.handle(Back())
            flow.handle(Back())
            flow.handle(go())
        clock.advance(seconds=60)
        flow.handle(Tick())
        clock.advance(seconds=15)
        assert flow.handle(Tick()).screen == Screen.IDLE, go


def test_records_and_reprint(flow: SessionFlow) -> None:
    tap(flow)
    state = flow.handle(ShowRecords())
    assert state.screen == Screen.RECORDS and state.records is None
    assert state.effects == (LoadRecords(state.serial, CARD),)
    state = flow.handle(RecordsLoaded(state.serial, (receipt(),)))
    assert state.records == (receipt(),)
    state = flow.handle(Reprint("order-1"))
    assert state.effects == (ReprintReceipt(state.serial, "order-1"),)
    state = flow.handle(ReprintDone(state.serial, None))
    assert state.notice is not None and state.notice.code == "reprinted"
    fault = Notice("printer_fault", "坏", "broken")
    assert flow.handle(ReprintDone(state.serial, fault)).notice == fault
    assert flow.handle(Back()).screen == Screen.BALANCE


def test_results_for_the_wrong_screen_are_ignored(flow: SessionFlow) -> None:
    tap(flow)
    serial = flow.state.serial
    for event in (CheckoutDone(serial, receipt(), None), CheckoutFailed(serial, STAFF),
                  RecordsLoaded(serial, ()), ReprintDone(serial, None),
                  LookupDone(serial, holder(), ())):
        state = flow.handle(event)
        assert state.screen == Screen.BALANCE and state.notice is None


def test_presses_right_after_a_screen_change_are_ignored(flow: SessionFlow,
                                                       clock: ManualClock) -> None:
    """The double tap on "exchange now": its second tap lands on "finish" of the success
    screen, which sits where the first button was. It must not skip the success screen."""
    tap(flow)
    clock.advance(seconds=1)
    flow.press(ShowCatalogue())
    clock.advance(seconds=1)
    flow.press(Add("soap"))
    flow.press(Add("soap"))  # the same screen: a quick second tap counts
    assert flow.state.cart.count == 2
    clock.advance(seconds=1)
    flow.press(ShowCart())
    clock.advance(seconds=1)
    flow.press(Confirm())
    clock.advance(seconds=1)
    serial = flow.press(Pay()).serial
    clock.advance(seconds=0.05)
    flow.handle(CheckoutDone(serial, receipt(), None))
    clock.advance(seconds=0.07)
    assert flow.press(Finish()).screen == Screen.DONE   # 120 ms after the first tap
    assert flow.press(Finish()).effects == ()
    clock.advance(seconds=TIMING.input_pause_seconds)
    assert flow.press(Finish()).screen == Screen.IDLE


def test_a_question_popping_up_takes_no_press_meant_for_the_screen(
        flow: SessionFlow, clock: ManualClock) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    clock.advance(seconds=5)
    other_card(flow)
    assert flow.press(SwitchCard()).card == CARD   # a finger already on its way
    clock.advance(seconds=1)
    assert flow.press(SwitchCard()).card == OTHER


def test_daily_caps_lower_what_can_be_spent_and_say_why(flow: SessionFlow) -> None:
    """Offline, the volunteer may spend less than their balance: the tiles and the cart say
    so before the final confirm, not after it."""
    state = flow.handle(CardTapped(CARD))
    flow.handle(LookupDone(state.serial, holder(CARD, 300), ENTRIES,
                           SpendLimit(250, "offline")))
    state = flow.state
    assert state.spendable == 250 and state.capped
    bag = state.entry("bag")
    assert bag is not None and not state.affordable(bag)
    flow.handle(ShowCatalogue())
    state = flow.handle(Add("bag"))
    assert state.cart.items == ()
    assert state.notice is not None and state.notice.code == "offline_cap_reached"
    assert "250" in state.notice.zh and "离线" in state.notice.zh
    state = flow.handle(Add("rice"))
    assert state.spendable_after == 150 and state.balance_after == 200


def test_screen_since_moves_only_on_a_screen_change(flow: SessionFlow,
                                                    clock: ManualClock) -> None:
    tap(flow)
    entered = flow.state.screen_since
    clock.advance(seconds=3)
    assert flow.handle(Touch()).screen_since == entered
    assert flow.handle(ShowCatalogue()).screen_since == clock.now()


def test_a_price_change_at_checkout_shows_the_new_prices_in_the_cart(flow: SessionFlow) -> None:
    tap(flow)
    flow.handle(ShowCatalogue())
    flow.handle(Add("soap"))
    flow.handle(ShowCart())
    flow.handle(Confirm())
    state = flow.handle(Pay())
    run = state.effects[0]
    assert isinstance(run, RunCheckout)
    soap = state.entry("soap")
    assert soap is not None and run.lines[0].seen_price == soap.price
    dearer = tuple(replace(e, price=e.price + 5) if e.item_id == "soap" else e
                   for e in state.entries)
    notice = Notice("price_changed", "价格更新", "price changed")
    state = flow.handle(CheckoutFailed(state.serial, notice, entries=dearer))
    assert state.screen == Screen.CART and state.notice == notice
    assert state.cart.items[0].entry.price == soap.price + 5
    assert state.cart.total == soap.price + 5
