"""Simulated devices that ship with the app: the demo panel and tests drive them by hand.

They honour the same interfaces as the real adapters (``CardSource``, ``ReceiptPrinter``), so
the screens cannot tell the difference.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kiosk.core.devices import (
    CardKind,
    CardPresented,
    CardRemoved,
    DeviceEvent,
    DeviceFound,
    EventSink,
    PaperStatus,
    PrinterFault,
)
from kiosk.core.models import Receipt, Slip
from kiosk.core.receipt_text import receipt_lines


class SimulatedCardReader:
    """A reader whose cards are put on and taken off by calling :meth:`present` / :meth:`remove`."""

    def __init__(self, name: str = "simulated reader") -> None:
        self.name = name
        self._sink: EventSink | None = None
        self._lock = threading.Lock()
        self._present: str | None = None

    def start(self, sink: EventSink) -> None:
        self._sink = sink
        self._emit(DeviceFound(self.name))

    def stop(self) -> None:
        self._sink = None

    def present(self, card_id: str, kind: CardKind = "nfc", generation: int | None = None,
                *, signed: bool = False) -> None:
        with self._lock:
            if self._present == card_id:
                return  # the same card left on the reader is one presentation
            self._present = card_id
        self._emit(CardPresented(kind=kind, card_id=card_id, source=self.name,
                                 generation=generation, signed=signed))

    def remove(self) -> None:
        with self._lock:
            if self._present is None:
                return
            self._present = None
        self._emit(CardRemoved(self.name))

    def inject(self, event: DeviceEvent) -> None:
        """Deliver any event (a forged QR's rejection, a lost reader) as a real adapter would."""
        self._emit(event)

    def _emit(self, event: DeviceEvent) -> None:
        if self._sink is not None:
            self._sink(event)


class TextFilePrinter:
    """Prints receipts as text into a file (the demo's printer); can be told to fail."""

    def __init__(self, path: Path, width: int = 32, footer: str = "") -> None:
        self.path = path
        self.width = width
        self.footer = footer
        self.fail_with: str | None = None
        self.printed: list[Receipt] = []
        self.slips: list[Slip] = []

    def print_receipt(self, receipt: Receipt) -> None:
        if self.fail_with is not None:
            raise PrinterFault(self.fail_with)
        self._write(receipt_lines(receipt, self.width, self.footer))
        self.printed.append(receipt)

    def print_slip(self, slip: Slip) -> None:
        """A QR card: its text with the code's content where the printer puts the picture."""
        if self.fail_with is not None:
            raise PrinterFault(self.fail_with)
        self._write([*slip.above, f"[QR {slip.qr}]", *slip.below])
        self.slips.append(slip)

    def paper_status(self) -> PaperStatus:
        return "unknown"   # a file has no paper roll to ask about

    def _write(self, lines: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n\n")
