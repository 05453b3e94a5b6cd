"""What the operator asks of the printer: a reprint, a test page, a QR card, the paper sensor.

Each is a :class:`~kiosk.operations.outcome.DeviceOp`: what to print is read from the
database on the database thread, the printer is talked to on the printer's own thread (the
one the volunteers' receipts use), and the outcome is recorded on the database thread again.
A printer stuck for its whole timeout then holds none of the operator's other work, and no
sale, behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core import audit, clock_check, printing, qr_cards, service_stops, sync_status
from kiosk.core.devices import PrinterFault, ReceiptPrinter
from kiosk.core.models import Receipt, Slip
from kiosk.operations.outcome import DeviceOp
from kiosk.services import Services


@dataclass(frozen=True)
class HealthInfo:
    sync: sync_status.SyncHealth
    paper: str  # ok / low / out / unknown / offline
    clock: clock_check.ClockProblem | None = None   # the clock is wrong: sales count offline
    stops: tuple[service_stops.Stop, ...] = ()       # why the kiosk does not sell now


@dataclass(frozen=True)
class _HealthRead:
    """The database's part of the health screen, waiting for the paper sensor."""

    sync: sync_status.SyncHealth
    clock: clock_check.ClockProblem | None
    stops: tuple[service_stops.Stop, ...]


PrintOp = DeviceOp[Receipt, printing.PrintOutcome, printing.PrintOutcome]


class OperatorPrinting:
    def __init__(self, services: Services, printer: ReceiptPrinter) -> None:
        self.services = services
        self.printer = printer

    def _send(self, receipt: Receipt) -> printing.PrintOutcome:
        return printing.send_to_printer(self.printer, receipt)   # never raises

    def reprint(self, operator_id: str, order_id: str) -> PrintOp:
        """A past receipt again (raises OrderNotFound in its first step), recorded as
        printed or failed and audited."""
        s = self.services
        return DeviceOp(
            prepare=lambda: printing.reprint_receipt(s.conn, s.kiosk, order_id),
            device=self._send,
            finish=lambda outcome: audit.record_reprint(s.conn, s.clock, operator_id, outcome))

    def test_print(self, operator_id: str) -> PrintOp:
        s = self.services
        return DeviceOp(
            prepare=lambda: printing.sample_receipt(s.kiosk, s.clock),
            device=self._send,
            finish=lambda outcome: audit.record_test_print(s.conn, s.clock, operator_id,
                                                           outcome))

    def print_qr_card(self, operator_id: str, request_id: str) -> DeviceOp[
            tuple[qr_cards.IssuedCard, Slip], tuple[qr_cards.IssuedCard, str | None],
            qr_cards.IssuedCard]:
        """The issued card printed, then its token forgotten; a printer fault keeps the card
        for another try (refused with :class:`~kiosk.core.qr_cards.CardNotPrinted`)."""
        s = self.services
        width = s.config.printer.columns

        def prepare() -> tuple[qr_cards.IssuedCard, Slip]:
            card = qr_cards.issued(s.conn, request_id)
            return card, qr_cards.slip(card, s.kiosk, s.clock, width)

        def send(job: tuple[qr_cards.IssuedCard, Slip]) -> tuple[qr_cards.IssuedCard,
                                                                  str | None]:
            card, paper = job
            try:
                self.printer.print_slip(paper)
            except PrinterFault as fault:
                return card, fault.detail
            return card, None

        def finish(sent: tuple[qr_cards.IssuedCard, str | None]) -> qr_cards.IssuedCard:
            card, fault = sent
            if fault is not None:   # the printer's own words are about a sale's receipt
                raise qr_cards.CardNotPrinted(fault)
            return qr_cards.mark_printed(s.conn, s.clock, card, operator_id)
        return DeviceOp(prepare, send, finish)

    def health(self) -> DeviceOp[_HealthRead, HealthInfo, HealthInfo]:
        """The kiosk's state for the health screen; the paper sensor is asked on the
        printer's thread (an unplugged printer answers only after its timeout)."""
        s = self.services

        def read() -> _HealthRead:
            conn = s.conn
            return _HealthRead(sync_status.sync_health(conn),
                               clock_check.clock_problem(conn, s.clock.now()),
                               tuple(service_stops.current(conn)))

        def with_paper(db: _HealthRead) -> HealthInfo:
            try:
                paper: str = self.printer.paper_status()
            except PrinterFault:
                paper = "offline"
            return HealthInfo(db.sync, paper, db.clock, db.stops)
        return DeviceOp(read, with_paper, lambda info: info)
