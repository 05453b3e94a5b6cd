"""What card readers, scanners and printers say, in the core's terms.

Adapters under ``kiosk/hardware`` turn pyscard callbacks, camera frames and key strokes into
these plain values and hand them to an :class:`EventSink`; the UI receives them through a Qt
signal on the GUI thread (``kiosk/ui/device_bridge.py``). Nothing here knows about Qt or a
device library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from kiosk.core.errors import UserFacingError
from kiosk.core.models import PresentedCard, Receipt, Slip, SunCounter

CardKind = Literal["nfc", "qr"]


@dataclass(frozen=True)
class CardPresented:
    """A card was put on a reader or shown to a scanner (once per presentation, not per frame)."""

    kind: CardKind
    card_id: str
    source: str                    # reader or camera name, for the operator's screens
    generation: int | None = None  # from a signed QR token; NFC UIDs carry none
    signed: bool = False           # True when the id came from a verified signature
    sun: SunCounter | None = None  # an NTAG 424 DNA's verified tap: checked for replay later


@dataclass(frozen=True)
class CardRemoved:
    source: str


@dataclass(frozen=True)
class CardRejected:
    """Something was presented but is not a usable card (forged, expired, unreadable)."""

    kind: CardKind
    source: str
    error: UserFacingError


@dataclass(frozen=True)
class DeviceFound:
    source: str


@dataclass(frozen=True)
class DeviceLost:
    """A reader or camera went away or cannot be opened; the adapter keeps retrying."""

    source: str
    reason: str


DeviceEvent = CardPresented | CardRemoved | CardRejected | DeviceFound | DeviceLost


def presented_card(event: CardPresented) -> PresentedCard:
    """The card as checkout sees it. ``signed`` must survive the trip: a QR card verified by
    its signature is not held to the cap for cloneable UID-only cards."""
    return PresentedCard(event.card_id, event.generation, signed=event.signed, sun=event.sun)


class EventSink(Protocol):
    def __call__(self, event: DeviceEvent, /) -> None: ...  # list.append is a sink too


class CardSource(Protocol):
    """A card reader or scanner. ``start`` returns at once; events arrive on the adapter's own
    thread through the sink until ``stop`` (which joins that thread)."""

    def start(self, sink: EventSink) -> None: ...

    def stop(self) -> None: ...


class PrinterFault(UserFacingError):
    """The receipt could not be printed. The sale stands; ``detail`` is for the operator."""

    code = "printer_fault"

    def __init__(self, detail: str) -> None:
        super().__init__(
            "小票没有打印出来。积分已经扣除，兑换有效；装好纸后可在“我的记录”里补打。",
            "The receipt could not be printed. Your points were deducted and the exchange "
            "stands; once there is paper, reprint it from \"My records\".")
        self.detail = detail


# What a printer says about its paper roll; 'unknown' where it cannot say (a file, CUPS, or a
# printer whose answers do not come back).
PaperStatus = Literal["ok", "low", "out", "unknown"]


class ReceiptPrinter(Protocol):
    def print_receipt(self, receipt: Receipt) -> None:
        """Print or raise :class:`PrinterFault`; never called before the sale committed."""
        ...

    def print_slip(self, slip: Slip) -> None:
        """Print other paper (a QR card) or raise :class:`PrinterFault`."""
        ...

    def paper_status(self) -> PaperStatus:
        """The paper roll, for the health screens; raises :class:`PrinterFault` when the
        printer cannot be reached."""
        ...
