"""Plain values passed between the core and its callers (screens, printer, sync)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.vouchers import VoucherPaper


@dataclass(frozen=True)
class KioskInfo:
    """Who this kiosk is, for receipts and the ledger's sales account."""

    kiosk_id: str
    name: str
    community: str
    timezone: ZoneInfo


@dataclass(frozen=True)
class SalesPolicy:
    offline_after_seconds: int = 900
    offline_cap_per_volunteer_per_day: int = 300
    offline_cap_per_kiosk_per_day: int = 5000
    max_quantity_per_line: int = 20
    void_window_minutes: int = 1440
    uid_only_cap_per_day: int = 0  # points per volunteer per day with unsigned cards; 0 = none


@dataclass(frozen=True, order=True)
class SunCounter:
    """Where a tap of a card that signs its taps (NTAG 424 DNA, SUN) stands: the key
    generation that verified it, then the card's read counter. Ordered that way, so a card
    re-keyed to a newer generation (its counter may start again) is still "higher"."""

    key_generation: int
    counter: int


@dataclass(frozen=True)
class PresentedCard:
    """A card as read at the kiosk. ``generation`` comes from a signed QR token; NFC has none.
    ``signed`` is True only when the id came from a verified signature: a bare NFC UID can be
    cloned, so unsigned cards may be held to a daily cap. ``sun`` is the counter of a tap
    signed by an NTAG 424 DNA (its replay check is made when the tap is looked up)."""

    card_id: str
    generation: int | None = None
    signed: bool = False
    sun: SunCounter | None = None

    def same_card(self, other: PresentedCard) -> bool:
        """The same card shown the same way (each SUN tap has its own counter)."""
        return (self.card_id, self.generation, self.signed) == (
            other.card_id, other.generation, other.signed)


@dataclass(frozen=True)
class CartLine:
    item_id: str
    quantity: int
    seen_price: int | None = None  # the unit price the volunteer was shown, if any


@dataclass(frozen=True)
class CardHolder:
    """What the balance screen needs after a tap, and no more."""

    card_id: str
    volunteer_id: str
    masked_name: str
    balance: int
    is_operator: bool


@dataclass(frozen=True)
class SpendLimit:
    """What a card may spend now and why: "balance", or a daily cap that is lower ("offline"
    for this volunteer, "offline_kiosk" for the whole kiosk, "uid_only" for cloneable cards)."""

    amount: int
    reason: str = "balance"

    def lower(self, amount: int, reason: str) -> SpendLimit:
        amount = max(amount, 0)
        return SpendLimit(amount, reason) if amount < self.amount else self


@dataclass(frozen=True)
class ReceiptLine:
    item_id: str
    name_zh: str
    name_en: str
    kind: str
    quantity: int
    unit_price: int
    amount: int


@dataclass(frozen=True)
class Receipt:
    """A sale (or void) as data: the printer, the screens and reprints all render this."""

    order_id: str
    kind: str
    kiosk_id: str
    kiosk_name: str
    community: str
    created_at: datetime
    masked_name: str
    lines: tuple[ReceiptLine, ...]
    total: int
    balance_after: int
    offline: bool
    voids_order_id: str | None = None
    reprint: int = 0          # 0: the original; N: the Nth copy printed after it (补打)
    unprinted: bool = False   # no copy has come out yet ("my records" marks it)
    # The order's vouchers, each printed on its own paper; a reprint marks them 补打（第N次）
    # like the receipt (``reprint``): still the same vouchers.
    vouchers: tuple[VoucherPaper, ...] = ()
    family: bool = False      # a family in need: addressed as a family, never a volunteer


@dataclass(frozen=True)
class Slip:
    """Paper laid out as text lines, a QR code, then more text lines: how every receipt
    prints, and what a printed QR card is. Lines are already fitted to the paper's columns."""

    above: tuple[str, ...]
    qr: str
    below: tuple[str, ...]
    qr_module_dots: int = 6   # a long code (a card token) needs smaller modules to fit 58 mm
    double: tuple[int, ...] = ()  # indexes of ``above`` printed at double size, centred
