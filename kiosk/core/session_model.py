"""The values of a volunteer's visit: screens, the cart, the events a flow takes, the slow
work it asks for (effects) and the state it is in. Plain data, no decisions: those are in
:mod:`kiosk.core.session_flow`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.errors import UserFacingError
from kiosk.core.language import in_language
from kiosk.core.models import CardHolder, CartLine, PresentedCard, Receipt, SpendLimit
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
        return in_language(language, self.zh, self.en)


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
class CheckOtherCard:
    """Another card came mid-visit: is it usable at all, before the volunteer is asked?"""

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


Effect = LookUpCard | CheckOtherCard | RunCheckout | LoadRecords | ReprintReceipt


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
    limit: SpendLimit | None = None  # None: the balance is all that limits spending


@dataclass(frozen=True)
class OtherCardChecked:
    """The answer to :class:`CheckOtherCard`: ``notice`` says why that card cannot be used."""

    serial: int
    card: PresentedCard
    notice: Notice | None


@dataclass(frozen=True)
class LookupFailed:
    serial: int
    notice: Notice


@dataclass(frozen=True)
class SwitchCard:
    """Asked about another card: "yes, end this visit and start one with that card"."""


@dataclass(frozen=True)
class KeepVisit:
    """Asked about another card: "no, go on with my visit" (that card is forgotten)."""


@dataclass(frozen=True)
class PrinterChecked:
    """What the kiosk knows of its printer outside a sale (start-up, a health check)."""

    fault: Notice | None


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


Event = (CardTapped | CardUnusable | CardLifted | LookupDone | LookupFailed | OtherCardChecked
         | SwitchCard | KeepVisit | PrinterChecked | Touch | ShowCatalogue | ShowCart
         | ShowRecords | Add | Decrease | Remove | Back | Confirm | Pay | CheckoutDone
         | CheckoutFailed | RecordsLoaded | Reprint | ReprintDone | Finish | Tick)


@dataclass(frozen=True)
class FlowTiming:
    inactivity_seconds: float = 60
    countdown_seconds: float = 15
    done_seconds: float = 20          # key information (success, points left) stays this long
    max_quantity_per_line: int = 20
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


def cart_hint(entry: CatalogueEntry, wanted: int, balance_after: int, step_price: int,
              max_per_line: int, *, limit: SpendLimit | None = None) -> Notice | None:
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
    return points_hint(zh, en, step_price, balance_after, limit)


def points_hint(zh: str, en: str, price: int, left: int,
                limit: SpendLimit | None) -> Notice | None:
    if price <= left:
        return None
    if limit is not None and limit.reason != "balance":
        return cap_hint(zh, en, price, left, limit.reason)
    return Notice("not_enough_points",
                  f"积分不够：“{zh}”要 {price} 分，还剩 {left} 分可用。",
                  f"Not enough points: “{en}” costs {price}, you have {left} left to spend.")


CAP_WORDS = {  # why a daily cap, not the balance, decides (zh, en)
    "offline": ("网络暂时中断，今天离线", "the network is down, so today offline"),
    "offline_kiosk": ("网络暂时中断，本机今天离线", "the network is down, so today this "
                      "kiosk offline"),
    "uid_only": ("为了安全，这张卡今天", "for safety, today this card"),
}


def cap_hint(zh: str, en: str, price: int, left: int, reason: str) -> Notice:
    """A tile or + press over a daily cap: say which cap, and how much it still allows."""
    why_zh, why_en = CAP_WORDS.get(reason, CAP_WORDS["offline"])
    code = "uid_only_cap_reached" if reason == "uid_only" else "offline_cap_reached"
    return Notice(code, f"“{zh}”要 {price} 分；{why_zh}最多还能兑换 {left} 分。",
                  f"“{en}” costs {price}; {why_en} can spend at most {left} more points.")
