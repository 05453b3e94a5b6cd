"""The ESC/POS receipt printer (python-escpos), behind the core's ``ReceiptPrinter``.

Each receipt opens a fresh connection (``kiosk.hardware.escpos_connections``, one class per
way of reaching a printer), sends the whole job in one write and closes it.

Every failure becomes :class:`~kiosk.core.devices.PrinterFault` with a detail for the operator.
Seen with python-escpos on a network printer: nothing listening -> ``DeviceNotFoundError``;
the printer closing mid-job -> ``ConnectionResetError`` / ``BrokenPipeError``; a printer that
stops reading -> ``TimeoutError``. A small job fits in the socket buffers even when the printer
reads nothing, so with ``check_status`` the printer is also asked for its paper status before
and after the job (``DLE EOT 4``): a silent printer then times out instead of looking fine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from escpos.exceptions import DeviceNotFoundError

from kiosk.config import PrinterSection
from kiosk.core.devices import PaperStatus, PrinterFault
from kiosk.core.models import Receipt, Slip
from kiosk.hardware.escpos_connections import connection_for
from kiosk.hardware.escpos_job import new_job, render_job, render_slip

log = logging.getLogger("kiosk.hardware.printer")

DLE_EOT_PAPER = b"\x10\x04\x04"   # real-time status, n=4: roll paper sensor
_STATUS_FIXED = 0x12              # bits 1 and 4 are always set in a status byte
_STATUS_NEAR_END = 0x0C
_STATUS_PAPER_END = 0x60


def decode_paper_status(reply: bytes) -> PaperStatus:
    """Read the first byte of a ``DLE EOT 4`` answer (Epson ESC/POS layout)."""
    if not reply or reply[0] & 0x93 != _STATUS_FIXED:
        return "unknown"
    if reply[0] & _STATUS_PAPER_END:
        return "out"
    if reply[0] & _STATUS_NEAR_END:
        return "low"
    return "ok"


class EscposReceiptPrinter:
    """A ``ReceiptPrinter`` for any printer python-escpos can reach, chosen by ``[printer]``."""

    def __init__(self, settings: PrinterSection) -> None:
        new_job(settings.profile)  # an unknown profile is a configuration error: fail at start
        self.settings = settings
        self.connection = connection_for(settings)
        self._lock = threading.Lock()  # one connection at a time (printers take one client)

    def describe(self) -> str:
        return self.connection.describe()

    @property
    def can_report_status(self) -> bool:
        return self.connection.readable

    def render(self, receipt: Receipt) -> bytes:
        s = self.settings
        return render_job(receipt, columns=s.columns, footer=s.footer, profile=s.profile,
                          native_qr=s.native_qr)

    def print_receipt(self, receipt: Receipt) -> None:
        self._send(self.render(receipt), "print the receipt")
        log.info("receipt for order %s printed on %s", receipt.order_id, self.describe())

    def print_slip(self, slip: Slip) -> None:
        s = self.settings
        self._send(render_slip(slip, profile=s.profile, native_qr=s.native_qr), "print")

    def _send(self, payload: bytes, what: str) -> None:
        """One job in one write, with the paper checked before and after where it can be."""
        check = self.settings.check_status and self.can_report_status
        with self._session(what) as device:
            if check and self._query_paper(device) == "out":
                raise PrinterFault(f"{self.describe()}: out of paper")
            device._raw(payload)
            if check:
                after = self._query_paper(device)
                if after == "out":
                    raise PrinterFault(f"{self.describe()}: paper ran out during printing")
                if after == "low":
                    log.warning("%s: paper is nearly finished", self.describe())

    def paper_status(self) -> PaperStatus:
        """Ask the printer about its paper roll, for the health screens; 'unknown' where the
        transport cannot answer (file, CUPS, dummy). Raises PrinterFault when unreachable."""
        if not self.can_report_status:
            return "unknown"
        with self._session("read the paper status") as device:
            return self._query_paper(device)

    def _query_paper(self, device: Any) -> PaperStatus:
        device._raw(DLE_EOT_PAPER)
        reply = bytes(device._read())
        if not reply:
            raise PrinterFault(f"{self.describe()}: closed the connection instead of answering "
                               "a status query")
        status = decode_paper_status(reply)
        log.debug("%s: paper status %s (%r)", self.describe(), status, reply[:1])
        return status

    @contextmanager
    def _session(self, what: str) -> Iterator[Any]:
        """An open escpos printer for one job; every failure inside becomes PrinterFault."""
        with self._lock:
            try:
                device = self.connection.open()
                try:
                    yield device
                except BaseException:
                    _close_quietly(device)
                    raise
                device.close()  # CUPS submits the job here: its errors count
            except PrinterFault as fault:
                log.warning("could not %s: %s", what, fault.detail)
                raise
            except Exception as exc:
                detail = f"{self.describe()}: {_reason(exc, self.settings.timeout_seconds)}"
                log.warning("could not %s: %s", what, detail)
                raise PrinterFault(detail) from exc


def _close_quietly(device: Any) -> None:
    try:
        device.close()
    except Exception as exc:  # already failing: the first error is the one to report
        log.debug("closing the printer after a failure: %r", exc)


def _reason(exc: BaseException, timeout: int) -> str:
    """One line an operator can act on."""
    if isinstance(exc, DeviceNotFoundError):
        cause = str(exc).replace("\n", " ").strip()
        return f"not reachable ({cause})"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return f"connection lost mid-job, the printer closed it ({type(exc).__name__})"
    if isinstance(exc, TimeoutError):
        return f"the printer stopped responding (no progress for {timeout} s)"
    if isinstance(exc, AssertionError):
        return "the connection to the printer is not open"
    text = str(exc).replace("\n", " ").strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
