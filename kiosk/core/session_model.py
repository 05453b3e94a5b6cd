"""The state of a volunteer's visit: the screen it is on, the cart and :class:`FlowState`.
Plain data, no decisions: those are in :mod:`kiosk.core.session_flow`; the events and effects
are in :mod:`kiosk.core.session_events`, the words in :mod:`kiosk.core.session_notices`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.models import (
    CardHolder,
    CartLine,
    PresentedCard,
    Receipt,
    SalesPolicy,
    SpendLimit,
)
from kiosk.core.session_events import Effect
from kiosk.core.session_notices import Notice
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


@dataclass(frozen=True)
class FlowTiming:
    inactivity_seconds: float = 60
    countdown_seconds: float = 15
    done_seconds: float = 20          # key information (success, points left) stays this long
    input_pause_seconds: float = 0.7  # presses this soon after a screen change are ignored


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
    limit: SpendLimit | None = None      # what the card may spend, if less than the balance
    max_per_line: int = SalesPolicy.max_quantity_per_line  # the sale's, read at the look-up
    other_card: PresentedCard | None = None  # another usable card: "end this visit?" asked
    # A usable card tapped while a sale commits or the success screen shows: the next visit,
    # begun when the volunteer taps "next" or when the success screen's time is up.
    next_card: PresentedCard | None = None
    receipt: Receipt | None = None
    printer_notice: Notice | None = None
    printer_down: Notice | None = None   # the last print failed: kept across visits
    records: tuple[Receipt, ...] | None = None
    last_activity: datetime | None = None
    screen_since: datetime | None = None
    shown_since: datetime | None = None  # the screen, or a question or countdown over it
    warning_until: datetime | None = None  # "still there?" countdown runs until then
    effects: tuple[Effect, ...] = ()

    @property
    def balance_after(self) -> int:
        return (self.holder.balance if self.holder else 0) - self.cart.total

    @property
    def spendable(self) -> int:
        """What the card may spend in all (the balance, or a lower daily cap)."""
        balance = self.holder.balance if self.holder else 0
        return min(balance, self.limit.amount) if self.limit is not None else balance

    @property
    def capped(self) -> bool:
        """A daily cap, not the balance, decides what can be spent today."""
        return self.holder is not None and self.spendable < self.holder.balance

    @property
    def spendable_after(self) -> int:
        return self.spendable - self.cart.total

    def entry(self, item_id: str) -> CatalogueEntry | None:
        return next((e for e in self.entries if e.item_id == item_id), None)

    def affordable(self, entry: CatalogueEntry) -> bool:
        return entry.price <= self.spendable_after

    def countdown_left(self, now: datetime) -> int:
        if self.warning_until is None:
            return 0
        return max(0, int((self.warning_until - now).total_seconds() + 0.999))
