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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.clock import Clock
from kiosk.core.errors import UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import CardHolder, CartLine, PresentedCard, Receipt
from kiosk.core.periods import PERIOD_ZH
from points_protocol.catalogue import Category


class Screen(StrEnum):
    IDLE = "idle"
    LOOKING_UP = "looking_up"      # card read, look-up running (a few ms)
    REFUSED = "refused"            # unknown, blocked, revoked, forged card: message, then idle
    BALANCE = "balance"            # masked name, balance, what to do next
    CATALOGUE = "catalogue"
    CART = "cart"
    CONFIRM = "confirm"
    CHECKING_OUT = "checking_out"  # commit + print running off the GUI thread
    DONE = "done"
    RECORDS = "records"


#: Screens of a running session: the inactivity countdown applies to these.
SESSION_SCREENS = frozenset({Screen.BALANCE, Screen.CATALOGUE, Screen.CART, Screen.CONFIRM,
                             Screen.RECORDS})
# Refusals that are no reason to end a visit: a card lifted mid-read, a product's barcode or a
# stray QR code in front of the scanner. A forged, expired or revoked card still ends it.
MISREADS = frozenset({"card_unreadable", "not_a_card_code", "card_token_unreadable"})


@dataclass(frozen=True)
class Notice:
    """Words for the volunteer in both languages (a refusal, a cart hint, a printer problem)."""

    code: str
    zh: str
    en: str

    @classmethod
    def of(cls, error: UserFacingError) -> Notice:
        return cls(error.code, error.zh, error.en)

    def text(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


STAFF = Notice("ask_staff", "出了点问题，这次没有兑换，请联系工作人员。",
               "Something went wrong and nothing was exchanged. Please ask staff.")


@dataclass(frozen=True)
class CartItem:
    entry: CatalogueEntry
    quantity: int

    @property
    def amount(self) -> int:
        return self.entry.price * self.quantity


@dataclass(frozen=True)
class Cart:
    items: tuple[CartItem, ...] = ()

    @property
    def total(self) -> int:
        return sum(i.amount for i in self.items)

    @property
    def count(self) -> int:
        return sum(i.quantity for i in self.items)

    def quantity_of(self, item_id: str) -> int:
        return next((i.quantity for i in self.items if i.entry.item_id == item_id), 0)

    def with_quantity(self, entry: CatalogueEntry, quantity: int) -> Cart:
        others = [i for i in self.items if i.entry.item_id != entry.item_id]
        if quantity <= 0:
            return Cart(tuple(others))
        if self.quantity_of(entry.item_id):
            return Cart(tuple(CartItem(entry, quantity) if i.entry.item_id == entry.item_id
                              else i for i in self.items))
        return Cart((*self.items, CartItem(entry, quantity)))

    def lines(self) -> tuple[CartLine, ...]:
        return tuple(CartLine(i.entry.item_id, i.quantity, i.entry.price) for i in self.items)

    def repriced(self, entries: tuple[CatalogueEntry, ...]) -> Cart:
        """The same goods with the catalogue as it is now (items gone from it are dropped)."""
        current = {e.item_id: e for e in entries}
        return Cart(tuple(CartItem(current[i.entry.item_id], i.quantity) for i in self.items
                          if i.entry.item_id in current))


# --- effects: slow work the flow asks its runner to do ---------------------------------------

@dataclass(frozen=True)
class LookUpCard:
    serial: int
    card: PresentedCard


@dataclass(frozen=True)
class RunCheckout:
    serial: int
    order_id: str
    card: PresentedCard
    lines: tuple[CartLine, ...]


@dataclass(frozen=True)
class LoadRecords:
    serial: int
    card: PresentedCard


@dataclass(frozen=True)
class ReprintReceipt:
    serial: int
    order_id: str


Effect = LookUpCard | RunCheckout | LoadRecords | ReprintReceipt


# --- events ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardTapped:
    card: PresentedCard


@dataclass(frozen=True)
class CardUnusable:
    """A reader saw something that is not a usable card (forged or expired QR, unreadable)."""

    notice: Notice


@dataclass(frozen=True)
class CardLifted:
    """The NFC card left the reader: people lift it to look, so this ends nothing."""


@dataclass(frozen=True)
class LookupDone:
    serial: int
    holder: CardHolder
    entries: tuple[CatalogueEntry, ...]


@dataclass(frozen=True)
class LookupFailed:
    serial: int
    notice: Notice


@dataclass(frozen=True)
class Touch:
    """Any touch: keeps the session alive and answers "still there?"."""


@dataclass(frozen=True)
class ShowCatalogue:
    category: Category | None = None


@dataclass(frozen=True)
class ShowCart:
    pass


@dataclass(frozen=True)
class ShowRecords:
    pass


@dataclass(frozen=True)
class Add:
    item_id: str


@dataclass(frozen=True)
class Decrease:
    item_id: str


@dataclass(frozen=True)
class Remove:
    item_id: str


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Confirm:
    """Cart -> the confirm screen."""


@dataclass(frozen=True)
class Pay:
    """The one big button on the confirm screen."""


@dataclass(frozen=True)
class CheckoutDone:
    serial: int
    receipt: Receipt
    printer_notice: Notice | None  # None: printed


@dataclass(frozen=True)
class CheckoutFailed:
    serial: int
    notice: Notice
    card_refused: bool = False  # the card itself was refused (blocked meanwhile)
    entries: tuple[CatalogueEntry, ...] | None = None  # the catalogue now, if prices moved


@dataclass(frozen=True)
class RecordsLoaded:
    serial: int
    receipts: tuple[Receipt, ...]


@dataclass(frozen=True)
class Reprint:
    order_id: str


@dataclass(frozen=True)
class ReprintDone:
    serial: int
    printer_notice: Notice | None


@dataclass(frozen=True)
class Finish:
    """The volunteer says goodbye (or taps "done" on the receipt screen)."""


@dataclass(frozen=True)
class Tick:
    """Time passed: check the deadlines against the clock."""


Event = (CardTapped | CardUnusable | CardLifted | LookupDone | LookupFailed | Touch
         | ShowCatalogue | ShowCart | ShowRecords | Add | Decrease | Remove | Back | Confirm | Pay
         | CheckoutDone | CheckoutFailed | RecordsLoaded | Reprint | ReprintDone | Finish | Tick)


@dataclass(frozen=True)
class FlowTiming:
    inactivity_seconds: float = 60
    countdown_seconds: float = 15
    done_seconds: float = 10
    max_quantity_per_line: int = 20


@dataclass(frozen=True)
class FlowState:
    screen: Screen = Screen.IDLE
    serial: int = 0
    card: PresentedCard | None = None
    holder: CardHolder | None = None
    entries: tuple[CatalogueEntry, ...] = ()
    category: Category = Category.HEALTH
    cart: Cart = field(default_factory=Cart)
    notice: Notice | None = None
    order_id: str | None = None          # kept while the cart is unchanged: a retry reuses it
    receipt: Receipt | None = None
    printer_notice: Notice | None = None
    records: tuple[Receipt, ...] | None = None
    last_activity: datetime | None = None
    screen_since: datetime | None = None
    warning_until: datetime | None = None  # "still there?" countdown runs until then
    effects: tuple[Effect, ...] = ()

    @property
    def balance_after(self) -> int:
        return (self.holder.balance if self.holder else 0) - self.cart.total

    def entry(self, item_id: str) -> CatalogueEntry | None:
        return next((e for e in self.entries if e.item_id == item_id), None)

    def affordable(self, entry: CatalogueEntry) -> bool:
        return entry.price <= self.balance_after

    def countdown_left(self, now: datetime) -> int:
        if self.warning_until is None:
            return 0
        return max(0, int((self.warning_until - now).total_seconds() + 0.999))


def cart_hint(entry: CatalogueEntry, wanted: int, balance_after: int, step_price: int,
              max_per_line: int) -> Notice | None:
    """Why ``wanted`` of ``entry`` cannot be in the cart, or None if it can."""
    zh, en = entry.name_zh, entry.name_en
    if entry.stock is not None and wanted > entry.stock:
        if entry.stock <= 0:
            return Notice("out_of_stock", f"“{zh}”已兑完。", f"“{en}” is out of stock.")
        return Notice("out_of_stock", f"“{zh}”只剩 {entry.stock} 件。",
                      f"Only {entry.stock} of “{en}” left.")
    if entry.limit_count is not None and wanted > entry.limit_count:
        period_zh = PERIOD_ZH.get(entry.limit_period or "", "每次")
        return Notice("limit_reached", f"“{zh}”每人{period_zh}限 {entry.limit_count} 件。",
                      f"“{en}” is limited to {entry.limit_count} per person per "
                      f"{entry.limit_period or 'visit'}.")
    if wanted > max_per_line:
        return Notice("quantity_too_large", f"“{zh}”一次最多兑换 {max_per_line} 件。",
                      f"At most {max_per_line} of “{en}” in one basket.")
    if step_price > balance_after:
        return Notice("not_enough_points",
                      f"积分不够：“{zh}”要 {step_price} 分，还剩 {balance_after} 分可用。",
                      f"Not enough points: “{en}” costs {step_price}, "
                      f"you have {balance_after} left to spend.")
    return None


_BACK = {Screen.CATALOGUE: Screen.BALANCE, Screen.CART: Screen.CATALOGUE,
         Screen.CONFIRM: Screen.CART, Screen.RECORDS: Screen.BALANCE}


class SessionFlow:
    """Holds the current :class:`FlowState`; :meth:`handle` moves it on."""

    def __init__(self, clock: Clock, timing: FlowTiming | None = None,
                 new_order_id: Callable[[], str] = uuid7) -> None:
        self._clock = clock
        self._timing = timing or FlowTiming()
        self._new_order_id = new_order_id
        self._state = FlowState(screen_since=clock.now())

    @property
    def state(self) -> FlowState:
        return self._state

    @property
    def timing(self) -> FlowTiming:
        return self._timing

    def handle(self, event: Event) -> FlowState:
        now = self._clock.now()
        state = replace(self._state, effects=())
        new = self._step(state, event, now)
        if new.screen != state.screen:
            new = replace(new, screen_since=now)
        self._state = new
        return new

    # -- the transitions ------------------------------------------------------------------------

    def _step(self, s: FlowState, event: Event, now: datetime) -> FlowState:  # noqa: PLR0911
        if isinstance(event, Tick):
            return self._tick(s, now)
        if isinstance(event, CardTapped):
            return self._tapped(s, event.card, now)
        if isinstance(event, CardUnusable):
            if s.screen == Screen.CHECKING_OUT:
                return s
            if s.screen in SESSION_SCREENS and event.notice.code in MISREADS:
                return replace(s, notice=event.notice)  # say so; keep the visit and the cart
            return self._refused(s, event.notice, now)
        if isinstance(event, CardLifted):
            return s
        if isinstance(event, (LookupDone, LookupFailed, CheckoutDone, CheckoutFailed,
                              RecordsLoaded, ReprintDone)):
            return self._result(s, event, now) if event.serial == s.serial else s
        if s.screen not in SESSION_SCREENS and not (
                s.screen in (Screen.DONE, Screen.REFUSED) and isinstance(event, Finish)):
            return s  # touches on idle or while busy change nothing
        s = replace(s, last_activity=now, warning_until=None)
        return self._session_event(s, event)

    def _session_event(self, s: FlowState, event: Event) -> FlowState:  # noqa: PLR0911
        if isinstance(event, Touch):
            return s
        if isinstance(event, Finish):
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
            return replace(s, screen=Screen.CHECKING_OUT, effects=(
                RunCheckout(s.serial, s.order_id, s.card, s.cart.lines()),))
        return s

    def _change_cart(self, s: FlowState, event: Add | Decrease | Remove) -> FlowState:
        item = s.entry(event.item_id)
        if item is None:
            return s
        have = s.cart.quantity_of(item.item_id)
        if isinstance(event, Add):
            hint = cart_hint(item, have + 1, s.balance_after, item.price,
                             self._timing.max_quantity_per_line)
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
                           entries=event.entries, last_activity=now)
        if isinstance(event, LookupFailed) and s.screen == Screen.LOOKING_UP:
            return self._refused(s, event.notice, now)
        if isinstance(event, CheckoutDone) and s.screen == Screen.CHECKING_OUT:
            return replace(s, screen=Screen.DONE, receipt=event.receipt,
                           printer_notice=event.printer_notice, cart=Cart(), order_id=None)
        if isinstance(event, CheckoutFailed) and s.screen == Screen.CHECKING_OUT:
            if event.card_refused:
                return self._refused(s, event.notice, now)
            keep_id = event.notice.code == STAFF.code  # same basket retried: same order id
            s = replace(s, screen=Screen.CART, notice=event.notice, last_activity=now,
                        order_id=s.order_id if keep_id else None)
            if event.entries is not None:  # show the new prices before asking again
                s = replace(s, entries=event.entries, cart=s.cart.repriced(event.entries))
            return s
        if isinstance(event, RecordsLoaded) and s.screen == Screen.RECORDS:
            return replace(s, records=event.receipts)
        if isinstance(event, ReprintDone) and s.screen == Screen.RECORDS:
            return replace(s, notice=event.printer_notice or Notice(
                "reprinted", "小票已重新打印，请取走。", "The receipt was printed again."))
        return s

    def _tapped(self, s: FlowState, card: PresentedCard, now: datetime) -> FlowState:
        if s.screen == Screen.CHECKING_OUT:
            return s  # a sale is committing: never abandon it halfway
        if s.card is not None and s.card.same_card(card) \
                and s.screen in (*SESSION_SCREENS, Screen.LOOKING_UP):
            return replace(s, last_activity=now, warning_until=None)  # the same card again
        fresh = FlowState(serial=s.serial + 1, card=card, screen=Screen.LOOKING_UP,
                          last_activity=now, screen_since=s.screen_since, category=s.category)
        return replace(fresh, effects=(LookUpCard(fresh.serial, card),))

    def _refused(self, s: FlowState, notice: Notice, now: datetime) -> FlowState:
        return FlowState(serial=s.serial + 1, screen=Screen.REFUSED, notice=notice,
                         last_activity=now, screen_since=s.screen_since)

    def _idle(self, s: FlowState) -> FlowState:
        return FlowState(serial=s.serial + 1, screen_since=s.screen_since)

    def _tick(self, s: FlowState, now: datetime) -> FlowState:
        t = self._timing
        if s.screen in (Screen.DONE, Screen.REFUSED):
            since = s.screen_since or now
            if now - since >= timedelta(seconds=t.done_seconds):
                return self._idle(s)
            return s
        if s.screen not in SESSION_SCREENS:
            return s
        if s.warning_until is not None:
            return self._idle(s) if now >= s.warning_until else s
        last = s.last_activity or now
        if now - last >= timedelta(seconds=t.inactivity_seconds):
            return replace(s, warning_until=now + timedelta(seconds=t.countdown_seconds))
        return s
