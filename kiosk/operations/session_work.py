"""Runs the session flow's effects against the core: card look-up, checkout and printing,
records, reprints. Plain calls with no Qt, so the worker threads and the tests use the same
code; every outcome, including a crash in the core, comes back as a flow event.

An effect that prints is run in three steps on two threads: :meth:`SessionWork.begin` (the
database thread: the sale commits, or the receipt is rebuilt) hands back a
:class:`PrintStep`; :meth:`SessionWork.send_to_printer` (the printer's own thread, no
database); :meth:`PrintStep.finish` (the database thread again: the print is recorded, the
flow event made). A printer stuck for its whole timeout then holds no other sale behind it.
:meth:`SessionWork.run` does all three in the calling thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from kiosk.core import cards, catalogue, device_status, printing, service_stops, sun_taps
from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.db import StorageError
from kiosk.core.devices import DeviceFound, DeviceLost, PrinterFault, ReceiptPrinter
from kiosk.core.errors import (
    CardAlert,
    CardBlocked,
    CardRevoked,
    CardUnknown,
    OutOfService,
    PriceChanged,
    UserFacingError,
)
from kiosk.core.models import PresentedCard, Receipt
from kiosk.core.receipts import recent_sales
from kiosk.core.session_flow import (
    STAFF,
    CheckOtherCard,
    CheckoutDone,
    CheckoutFailed,
    Effect,
    Event,
    LoadRecords,
    LookUpCard,
    LookupDone,
    LookupFailed,
    Notice,
    OtherCardChecked,
    RecordsLoaded,
    ReprintDone,
    RunCheckout,
)
from kiosk.services import Services

log = logging.getLogger("kiosk.session")

RECORDS_SHOWN = 10


@dataclass(frozen=True)
class PrintStep:
    """What is left of an effect once its database part is done: print ``receipt`` (on the
    printer's thread), then ``finish`` with the outcome (on the database thread)."""

    receipt: Receipt
    finish: Callable[[printing.PrintOutcome], Event]


class SessionWork:
    def __init__(self, services: Services, printer: ReceiptPrinter) -> None:
        self.services = services
        self.printer = printer
        self._checked: PresentedCard | None = None  # another card checked mid-visit

    def run(self, effect: Effect) -> Event:
        """Every step of ``effect`` in this thread (the tests, the scripted sale)."""
        step = self.begin(effect)
        if isinstance(step, PrintStep):
            return step.finish(self.send_to_printer(step))
        return step

    def send_to_printer(self, step: PrintStep) -> printing.PrintOutcome:
        """The printer's part of an effect; never raises, touches no database."""
        return printing.send_to_printer(self.printer, step.receipt)

    def begin(self, effect: Effect) -> Event | PrintStep:
        """The database part of ``effect``: its event, or the print still to do."""
        try:
            return self._run(effect)
        except Exception as exc:
            return _failed(effect, _notice_for(exc, type(effect).__name__))

    def _run(self, effect: Effect) -> Event | PrintStep:
        s = self.services
        if isinstance(effect, LookUpCard):
            service_stops.refuse_if_stopped(s.conn)   # say so before goods are picked
            card = effect.card
            if card == self._checked:  # its signed tap was recorded when it was checked
                card = replace(card, sun=None)
            self._checked = None
            try:
                holder = cards.look_up(s.conn, card, s.clock)
            except CardAlert as alert:   # a copied or replayed card: the district hears of it
                self.card_alert(alert)
                raise
            limit = s.checkout.spend_limit(effect.card, holder.balance)
            return LookupDone(effect.serial, holder, tuple(catalogue.entries(s.conn)), limit,
                              s.checkout.max_per_line())
        if isinstance(effect, CheckOtherCard):
            return self._check_other(effect)
        if isinstance(effect, RunCheckout):
            return self._checkout(effect)
        if isinstance(effect, LoadRecords):
            return RecordsLoaded(effect.serial, self.recent(effect.card.card_id))
        serial = effect.serial

        def reprinted(outcome: printing.PrintOutcome) -> Event:
            try:
                return ReprintDone(serial, self._recorded(outcome))
            except Exception as exc:
                return ReprintDone(serial, _notice_for(exc, "Reprint"))
        return PrintStep(printing.reprint_receipt(s.conn, s.kiosk, effect.order_id), reprinted)

    def _checkout(self, effect: RunCheckout) -> Event | PrintStep:
        s = self.services
        try:
            receipt = s.checkout.checkout(effect.order_id, effect.card, effect.lines)
        except (CardUnknown, CardBlocked, CardRevoked) as refusal:
            return CheckoutFailed(effect.serial, Notice.of(refusal), card_refused=True)
        except PriceChanged as refusal:
            return CheckoutFailed(effect.serial, Notice.of(refusal),
                                  entries=tuple(catalogue.entries(s.conn)))
        # Committed: from here on the sale stands whatever the printer does.
        serial = effect.serial

        def printed(outcome: printing.PrintOutcome) -> Event:
            try:
                notice = self._recorded(outcome)
            except Exception as exc:  # e.g. the print record could not be written: still sold
                log.exception("printing order %s failed", receipt.order_id)
                notice = _fault_text(str(exc))
            return CheckoutDone(serial, receipt, notice)
        return PrintStep(receipt, printed)

    def _check_other(self, effect: CheckOtherCard) -> Event:
        """Another card mid-visit: usable, or the refusal to show as a note. A signed tap is
        recorded now (a replay is refused here), so the look-up after "use the new card"
        does not count the same tap twice."""
        s = self.services
        try:
            cards.look_up(s.conn, effect.card, s.clock)
        except CardAlert as alert:
            self.card_alert(alert)
            return OtherCardChecked(effect.serial, effect.card, Notice.of(alert))
        except UserFacingError as refusal:
            return OtherCardChecked(effect.serial, effect.card, Notice.of(refusal))
        self._checked = effect.card
        return OtherCardChecked(effect.serial, effect.card, None)

    def _recorded(self, outcome: printing.PrintOutcome) -> Notice | None:
        """Record a print's outcome (database thread); the volunteer's words for a fault."""
        printing.record_print(self.services.conn, self.services.clock, outcome)
        self._note_printer(outcome)
        return None if outcome.printed else _fault(outcome)

    def _note_printer(self, outcome: printing.PrintOutcome) -> None:
        self.note_device(device_status.PRINTER, outcome.printed, outcome.detail)

    def device_changed(self, event: DeviceFound | DeviceLost) -> None:
        """A reader or camera came or went (worker thread: the write may wait for a lock)."""
        reason = event.reason if isinstance(event, DeviceLost) else None
        self.note_device(device_status.reader(event.source), reason is None, reason)

    def note_device(self, device: str, ok: bool, detail: str | None) -> None:
        """For the sync daemon's heartbeat; a failure to write it never reaches the screen."""
        try:
            device_status.record(self.services.conn, self.services.clock, device,
                                 "ok" if ok else "fault", detail)
        except Exception:
            log.exception("could not record the state of %s", device)

    def card_alert(self, alert: CardAlert, source: str | None = None) -> None:
        """Keep and push a refusal worth the district's attention; failing to write it is
        logged and never reaches the screen."""
        try:
            sun_taps.record_alert(self.services.conn, self.services.clock, alert, source)
        except Exception:
            log.exception("could not record the refused card %s", alert.card_id)

    def printer_state(self) -> Notice | None:
        """What the kiosk last learnt of its printer (before a restart, too): a fault keeps
        the start screen's banner up until a receipt prints again."""
        for device in device_status.latest(self.services.conn):
            if device.device == device_status.PRINTER and device.status == "fault":
                return _fault_text(device.detail or "")
        return None

    def recent(self, card_id: str) -> tuple[Receipt, ...]:
        return recent_sales(self.services.conn, self.services.kiosk, card_id, RECORDS_SHOWN)

    def featured(self) -> list[CatalogueEntry]:
        return catalogue.entries(self.services.conn)


def _notice_for(exc: Exception, what: str) -> Notice:
    """The volunteer's words for a step that raised: a refusal's own, out of service for a
    full or read-only disk, otherwise "ask staff" (and the traceback in the log)."""
    if isinstance(exc, UserFacingError):
        return Notice.of(exc)
    if isinstance(exc, StorageError):
        log.error("%s: %s", what, exc)
        return Notice.of(OutOfService(str(exc)))
    log.exception("%s failed", what, exc_info=exc)
    return STAFF


def _fault(outcome: printing.PrintOutcome) -> Notice:
    if outcome.fault is not None:
        return Notice.of(outcome.fault)
    return _fault_text(outcome.detail or "")


def _fault_text(detail: str) -> Notice:
    return Notice.of(PrinterFault(detail))


def _failed(effect: Effect, notice: Notice) -> Event:
    if isinstance(effect, LookUpCard):
        return LookupFailed(effect.serial, notice)
    if isinstance(effect, CheckOtherCard):
        return OtherCardChecked(effect.serial, effect.card, notice)
    if isinstance(effect, RunCheckout):
        return CheckoutFailed(effect.serial, notice)
    if isinstance(effect, LoadRecords):
        return RecordsLoaded(effect.serial, ())
    return ReprintDone(effect.serial, notice)
