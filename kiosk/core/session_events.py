"""What goes in and out of the visit's state machine (:mod:`kiosk.core.session_flow`): the
events it takes (a tap, a touch, a result) and the effects, slow work it asks its runner to do.
Each effect and each result carries the session ``serial``, so a late answer is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.models import (
    CardHolder,
    CartLine,
    PresentedCard,
    Receipt,
    SalesPolicy,
    SpendLimit,
)
from kiosk.core.session_notices import Notice
from points_protocol.catalogue import Category

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
    # The most of one item the sale will take (Checkout.max_per_line): what "+" stops at.
    max_per_line: int = SalesPolicy.max_quantity_per_line


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
