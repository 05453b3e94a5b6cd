"""The volunteer's visit as a plain state machine: events in, states out, no Qt.

The screens only render :class:`FlowState` and feed events back; everything that decides what
happens next (which screen, what the cart may hold, when a walk-away ends the session, which
results are stale) lives here so it is tested without a display. Slow work (card look-up,
checkout, records, reprint) is *requested* through ``state.effects``; whoever runs it (a worker
thread in the app, plain calls in tests) answers with a result event carrying the session
``serial``, so an answer that arrives after the volunteer left is dropped.

Time comes from the injected clock: ``Tick`` checks the deadlines, so tests move a manual clock
instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from kiosk.core.clock import Clock
from kiosk.core.ids import uuid7
from kiosk.core.models import PresentedCard

# The values of a visit live in session_events, session_model and session_notices; the screens
# import them from here.
from kiosk.core.session_events import (
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
    Effect,
    Event,
    Finish,
    KeepVisit,
    LoadRecords,
    LookUpCard,
    LookupDone,
    LookupFailed,
    OtherCardChecked,
    Pay,
    PrinterChecked,
    RecordsLoaded,
    Remove,
    Reprint,
    ReprintDone,
    ReprintReceipt,
    RunCheckout,
    ShowCart,
    ShowCatalogue,
    ShowRecords,
    SwitchCard,
    Tick,
    Touch,
)
from kiosk.core.session_model import (
    SESSION_SCREENS,
    Cart,
    CartItem,
    FlowState,
    FlowTiming,
    Screen,
)
from kiosk.core.session_notices import (
    STAFF,
    Notice,
    cart_hint,
)

__all__ = [
    "RESULTS",
    "SESSION_SCREENS",
    "STAFF",
    "Add",
    "Back",
    "CardLifted",
    "CardTapped",
    "CardUnusable",
    "Cart",
    "CartItem",
    "CheckOtherCard",
    "CheckoutDone",
    "CheckoutFailed",
    "Confirm",
    "Decrease",
    "Effect",
    "Event",
    "Finish",
    "FlowState",
    "FlowTiming",
    "KeepVisit",
    "LoadRecords",
    "LookUpCard",
    "LookupDone",
    "LookupFailed",
    "Notice",
    "OtherCardChecked",
    "Pay",
    "PrinterChecked",
    "RecordsLoaded",
    "Remove",
    "Reprint",
    "ReprintDone",
    "ReprintReceipt",
    "RunCheckout",
    "Screen",
    "SessionFlow",
    "ShowCart",
    "ShowCatalogue",
    "ShowRecords",
    "SwitchCard",
    "Tick",
    "Touch",
    "aside",
    "cart_hint",
]

RESULTS = (LookupDone, LookupFailed, OtherCardChecked, CheckoutDone, CheckoutFailed,
           RecordsLoaded, ReprintDone)


# Screens a refused card or a stray code must not take away: a running visit, the volunteer's
# own card being looked up, and the success screen with the points left and the order number
# (key information stays until its time is up or the volunteer taps).
VISIT_SCREENS = SESSION_SCREENS | {Screen.LOOKING_UP, Screen.DONE}
# Screens where another card is checked before anything changes (a refused one is a note;
# while a sale commits and on the success screen a usable one is the next visit, waiting).
NEXT_CARD_SCREENS = SESSION_SCREENS | {Screen.DONE, Screen.CHECKING_OUT}


def aside(notice: Notice) -> Notice:
    """A card refused in the middle of someone's visit (another person's blocked card, a forged
    QR, a product's barcode): said in a line on the screen; the visit and its cart go on."""
    if notice.code == "not_a_card_code":
        return Notice(notice.code, "扫到的不是积分卡，已忽略。您的兑换照常进行。",
                      "That code is not a points card and was ignored. Carry on.")
    return Notice(notice.code, f"{notice.zh}（您这次的兑换不受影响，可以继续。）",
                  f"{notice.en} (Your own exchange is not affected; carry on.)")


_BACK = {Screen.CATALOGUE: Screen.BALANCE, Screen.CART: Screen.CATALOGUE,
         Screen.CONFIRM: Screen.CART, Screen.RECORDS: Screen.BALANCE}


class SessionFlow:
    """Holds the current :class:`FlowState`; :meth:`handle` moves it on."""

    def __init__(self, clock: Clock, timing: FlowTiming | None = None,
                 new_order_id: Callable[[], str] = uuid7) -> None:
        self._clock = clock
        self._timing = timing or FlowTiming()
        self._new_order_id = new_order_id
        self._seen = clock.now()
        self._state = FlowState(screen_since=self._seen)

    @property
    def state(self) -> FlowState:
        return self._state

    @property
    def timing(self) -> FlowTiming:
        return self._timing

    def _now(self) -> datetime:
        """The clock; when it went back (an RTC reset, an NTP step) the state's moments move
        back with it, so what was running goes on from where it was. Otherwise a visit left
        open would not time out, and every tap would be ignored, until the clock caught up."""
        now = self._clock.now()
        if now < self._seen:
            self._state = _moved(self._state, now - self._seen)
        self._seen = now
        return now

    def handle(self, event: Event) -> FlowState:
        now = self._now()
        state = replace(self._state, effects=())
        new = self._step(state, event, now)
        if new.screen != state.screen:
            new = replace(new, screen_since=now)
        if _view(new) != _view(state):
            new = replace(new, shown_since=now)
        self._state = new
        return new

    def press(self, event: Event) -> FlowState:
        """A finger on a button. Ignored for a moment after what is shown changed: a double
        tap on "exchange now" must not also press "finish" on the next screen, which sits
        where the first button was, and a question that pops up must not take a tap meant
        for the screen under it."""
        if self.settling():
            self._state = replace(self._state, effects=())
            return self._state
        return self.handle(event)

    def settling(self) -> bool:
        pause = timedelta(seconds=self._timing.input_pause_seconds)
        now = self._now()
        since = self._state.shown_since
        return since is not None and now - since < pause

    # -- the transitions ------------------------------------------------------------------------

    def _step(self, s: FlowState, event: Event, now: datetime) -> FlowState:  # noqa: PLR0911
        if isinstance(event, Tick):
            return self._tick(s, now)
        if isinstance(event, CardTapped):
            return self._tapped(s, event.card, now)
        if isinstance(event, CardUnusable):
            if s.screen in VISIT_SCREENS or s.screen == Screen.CHECKING_OUT:
                return replace(s, notice=aside(event.notice))  # the visit and the cart go on
            return self._refused(s, event.notice, now)
        if isinstance(event, CardLifted):
            return s
        if isinstance(event, PrinterChecked):
            return replace(s, printer_down=event.fault)
        if isinstance(event, RESULTS):
            return self._result(s, event, now) if event.serial == s.serial else s
        if s.other_card is not None and not isinstance(event, (Touch, SwitchCard, KeepVisit)):
            return s  # the question about the other card is answered first
        if s.screen not in SESSION_SCREENS and not (
                s.screen in (Screen.DONE, Screen.REFUSED) and isinstance(event, Finish)):
            return s  # touches on idle or while busy change nothing
        s = replace(s, last_activity=now, warning_until=None)
        return self._session_event(s, event)

    def _session_event(self, s: FlowState, event: Event) -> FlowState:  # noqa: PLR0911
        if isinstance(event, (Touch, KeepVisit, SwitchCard)):
            return self._answer(s, event)
        if isinstance(event, Finish):
            if s.screen == Screen.DONE and s.next_card is not None:
                return self._look_up(s, s.next_card, s.last_activity or self._seen)
            return self._idle(s)
        if isinstance(event, Back):
            if s.screen == Screen.BALANCE:
                return self._idle(s)
            return replace(s, screen=_BACK[s.screen], notice=None)
        if isinstance(event, ShowCatalogue):
            return replace(s, screen=Screen.CATALOGUE, notice=None,
                           category=event.category or s.category)
        if isinstance(event, ShowCart):
            return replace(s, screen=Screen.CART, notice=None)
        if isinstance(event, ShowRecords) and s.card is not None:
            return replace(s, screen=Screen.RECORDS, records=None, notice=None,
                           effects=(LoadRecords(s.serial, s.card),))
        if isinstance(event, Reprint) and s.screen == Screen.RECORDS:
            return replace(s, notice=None, effects=(ReprintReceipt(s.serial, event.order_id),))
        if isinstance(event, (Add, Decrease, Remove)):
            return self._change_cart(s, event)
        if isinstance(event, Confirm) and s.screen == Screen.CART and s.cart.items:
            return replace(s, screen=Screen.CONFIRM, notice=None,
                           order_id=s.order_id or self._new_order_id())
        if isinstance(event, Pay) and s.screen == Screen.CONFIRM and s.card and s.order_id:
            return replace(s, screen=Screen.CHECKING_OUT, notice=None, effects=(
                RunCheckout(s.serial, s.order_id, s.card, s.cart.lines()),))
        return s

    def _answer(self, s: FlowState, event: Touch | KeepVisit | SwitchCard) -> FlowState:
        """A touch, or the answer to "another card: end this visit?"."""
        if isinstance(event, KeepVisit):
            return replace(s, other_card=None)
        if isinstance(event, SwitchCard) and s.other_card is not None:
            return self._look_up(s, s.other_card, s.last_activity or self._seen)
        return s

    def _change_cart(self, s: FlowState, event: Add | Decrease | Remove) -> FlowState:
        item = s.entry(event.item_id)
        if item is None:
            return s
        have = s.cart.quantity_of(item.item_id)
        if isinstance(event, Add):
            hint = cart_hint(item, have + 1, s.spendable_after, item.price, s.max_per_line,
                             limit=s.limit)
            if hint is not None:
                return replace(s, notice=hint)
            wanted = have + 1
        else:
            wanted = 0 if isinstance(event, Remove) else have - 1
        if not have and wanted <= 0:
            return s
        return replace(s, cart=s.cart.with_quantity(item, wanted), notice=None, order_id=None)

    def _result(self, s: FlowState, event: Event, now: datetime) -> FlowState:  # noqa: PLR0911
        if isinstance(event, LookupDone) and s.screen == Screen.LOOKING_UP:
            return replace(s, screen=Screen.BALANCE, holder=event.holder,
                           entries=event.entries, limit=event.limit,
                           max_per_line=event.max_per_line, last_activity=now)
        if isinstance(event, LookupFailed) and s.screen == Screen.LOOKING_UP:
            return self._refused(s, event.notice, now)
        if isinstance(event, OtherCardChecked) and s.screen in NEXT_CARD_SCREENS:
            if event.notice is not None:
                return replace(s, notice=aside(event.notice))
            if s.screen == Screen.DONE and s.card is not None and s.card.same_card(event.card):
                return self._look_up(s, event.card, now)   # their own card: shopping again
            if s.screen in (Screen.DONE, Screen.CHECKING_OUT):
                # This visit is (nearly) over, and what it shows stays its time: the next
                # one waits for a tap on "next", or for the success screen's time to be up.
                return replace(s, next_card=event.card, notice=None)
            return replace(s, other_card=event.card)
        if isinstance(event, CheckoutDone) and s.screen == Screen.CHECKING_OUT:
            return replace(s, screen=Screen.DONE, receipt=event.receipt,
                           printer_notice=event.printer_notice, cart=Cart(), order_id=None,
                           printer_down=event.printer_notice)
        if isinstance(event, CheckoutFailed) and s.screen == Screen.CHECKING_OUT:
            if event.card_refused:
                return self._refused(s, event.notice, now)
            # A card that arrived meanwhile is asked about, as anywhere else in a visit.
            s = replace(s, other_card=s.next_card, next_card=None)
            keep_id = event.notice.code == STAFF.code  # same basket retried: same order id
            s = replace(s, screen=Screen.CART, notice=event.notice, last_activity=now,
                        order_id=s.order_id if keep_id else None)
            if event.entries is not None:  # show the new prices before asking again
                s = replace(s, entries=event.entries, cart=s.cart.repriced(event.entries))
            return s
        if isinstance(event, RecordsLoaded) and s.screen == Screen.RECORDS:
            return replace(s, records=event.receipts)
        if isinstance(event, ReprintDone) and s.screen == Screen.RECORDS:
            # The list again: a receipt marked "not printed yet" may have come out now.
            again = (LoadRecords(s.serial, s.card),) if s.card is not None else ()
            return replace(s, printer_down=event.printer_notice, effects=again,
                           notice=event.printer_notice or Notice(
                               "reprinted", "小票已打印，请取走。",
                               "The receipt is printed. Please take it."))
        return s

    def _tapped(self, s: FlowState, card: PresentedCard, now: datetime) -> FlowState:
        same = s.card is not None and s.card.same_card(card)
        if same and s.screen in (*SESSION_SCREENS, Screen.LOOKING_UP, Screen.CHECKING_OUT):
            return replace(s, last_activity=now, warning_until=None)  # the same card again
        if s.screen in NEXT_CARD_SCREENS:
            # Someone else's card in the middle of a visit: never take the visit over
            # silently. Checked first (a blocked card only gets a note), then asked about;
            # while a sale commits (never abandoned halfway) or the success screen shows, a
            # usable card is the next visit, begun after a tap or when this one's time is up
            # (on the success screen the volunteer's own card begins their next visit now).
            if any(c is not None and c.same_card(card) for c in (s.other_card, s.next_card)):
                return s
            return replace(s, effects=(CheckOtherCard(s.serial, card),))
        return self._look_up(s, card, now)

    def _look_up(self, s: FlowState, card: PresentedCard, now: datetime) -> FlowState:
        fresh = FlowState(serial=s.serial + 1, card=card, screen=Screen.LOOKING_UP,
                          last_activity=now, screen_since=s.screen_since,
                          shown_since=s.shown_since, category=s.category,
                          printer_down=s.printer_down)
        return replace(fresh, effects=(LookUpCard(fresh.serial, card),))

    def _refused(self, s: FlowState, notice: Notice, now: datetime) -> FlowState:
        return FlowState(serial=s.serial + 1, screen=Screen.REFUSED, notice=notice,
                         last_activity=now, screen_since=s.screen_since,
                         shown_since=s.shown_since, printer_down=s.printer_down)

    def _idle(self, s: FlowState) -> FlowState:
        return FlowState(serial=s.serial + 1, screen_since=s.screen_since,
                         shown_since=s.shown_since, printer_down=s.printer_down)

    def _tick(self, s: FlowState, now: datetime) -> FlowState:
        t = self._timing
        if s.screen in (Screen.DONE, Screen.REFUSED):
            return self._shown_its_time(s, now)
        if s.screen not in SESSION_SCREENS:
            return s
        if s.warning_until is not None:
            return self._idle(s) if now >= s.warning_until else s
        last = s.last_activity or now
        if now - last >= timedelta(seconds=t.inactivity_seconds):
            return replace(s, warning_until=now + timedelta(seconds=t.countdown_seconds))
        return s


    def _shown_its_time(self, s: FlowState, now: datetime) -> FlowState:
        """Key information (the success, the points left, a refusal) stays its whole time;
        then the start screen, or the visit of the card that waited its turn."""
        since = s.screen_since or now
        # A receipt that did not print leaves an order number to note: twice as long.
        stay = self._timing.done_seconds * (2 if s.printer_notice is not None else 1)
        if now - since < timedelta(seconds=stay):
            return s
        if s.next_card is not None:
            return self._look_up(s, s.next_card, now)
        return self._idle(s)


def _view(state: FlowState) -> tuple[Screen, bool, bool, bool]:
    """What a finger could hit: the screen, a question or countdown laid over it, and what
    "finish" does on the success screen (ends the visit, or starts the next one)."""
    return (state.screen, state.other_card is not None, state.warning_until is not None,
            state.next_card is not None)


def _moved(s: FlowState, by: timedelta) -> FlowState:
    def move(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment + by
    return replace(s, last_activity=move(s.last_activity), screen_since=move(s.screen_since),
                   shown_since=move(s.shown_since), warning_until=move(s.warning_until))
