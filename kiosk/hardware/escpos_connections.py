"""One small class per way of reaching a printer, chosen by ``[printer] kind`` (the way
python-escpos has one class per transport). Each says what it is for the operator, whether the
printer's answers come back over it (for the paper status), and opens a fresh python-escpos
printer object for one job.

A fresh object per job, because one that once failed to open is poisoned (its ``device`` stays
``None`` and the next call dies on a bare ``AssertionError``): a printer that comes back simply
works again, with no reconnect logic here.
"""

from __future__ import annotations

import socket
from typing import Any, ClassVar

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

from kiosk.config import PrinterSection
from kiosk.core.devices import PrinterFault


class _Network(Network):  # type: ignore[misc]
    """python-escpos 3.1's ``Network.open`` drops its socket unclosed when the connect fails:
    one leaked descriptor (and a ResourceWarning) per receipt while the printer is off."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise DeviceNotFoundError(f"could not connect to {self.host}:{self.port}: {exc}") \
                from exc


class Connection:
    """How one printer is reached; subclasses fill in ``describe`` and ``_device``."""

    readable: ClassVar[bool] = False   # the printer's answers come back (DLE EOT status)

    def __init__(self, settings: PrinterSection) -> None:
        self.settings = settings

    def describe(self) -> str:
        raise NotImplementedError

    def open(self) -> Any:
        """An open python-escpos printer for one job (the caller closes it)."""
        device = self._device()
        device.open()
        return device

    def _device(self) -> Any:
        raise NotImplementedError


class NoPrinter(Connection):
    def describe(self) -> str:
        return "no receipt printer (printer.kind = 'none')"

    def open(self) -> Any:
        raise PrinterFault(self.describe())


class DummyConnection(Connection):
    def describe(self) -> str:
        return "dummy printer (discards receipts)"

    def _device(self) -> Any:
        return Dummy(profile=self.settings.profile)


class NetworkConnection(Connection):
    readable = True

    def describe(self) -> str:
        return f"network printer {self.settings.host}:{self.settings.port}"

    def _device(self) -> Any:
        s = self.settings
        return _Network(s.host, s.port, timeout=s.timeout_seconds, profile=s.profile)


class UsbConnection(Connection):
    readable = True

    def describe(self) -> str:
        s = self.settings
        return f"USB printer {s.usb_vendor_id:04x}:{s.usb_product_id:04x}"

    def _device(self) -> Any:
        s = self.settings
        return Usb(s.usb_vendor_id, s.usb_product_id, timeout=s.timeout_seconds * 1000,
                   profile=s.profile)


class SerialConnection(Connection):
    readable = True

    def describe(self) -> str:
        s = self.settings
        return f"serial printer {s.serial_device} at {s.serial_baudrate} baud"

    def _device(self) -> Any:
        s = self.settings
        return Serial(s.serial_device, s.serial_baudrate, timeout=s.timeout_seconds,
                      profile=s.profile)


class FileConnection(Connection):
    def describe(self) -> str:
        return f"printer device {self.settings.file_path}"

    def _device(self) -> Any:
        return File(self.settings.file_path, profile=self.settings.profile)


class CupsConnection(Connection):
    def describe(self) -> str:
        return f"CUPS printer {self.settings.cups_name or '(default queue)'}"

    def _device(self) -> Any:
        if not CupsPrinter.is_usable():
            raise PrinterFault(
                f"{self.describe()}: pycups is not installed (pip install "
                "'points-kiosk[cups]'; it builds against Debian's libcups2-dev)")
        return CupsPrinter(self.settings.cups_name, profile=self.settings.profile)


CONNECTIONS: dict[str, type[Connection]] = {
    "none": NoPrinter, "dummy": DummyConnection, "network": NetworkConnection,
    "usb": UsbConnection, "serial": SerialConnection, "file": FileConnection,
    "cups": CupsConnection,
}


def connection_for(settings: PrinterSection) -> Connection:
    """The connection ``[printer] kind`` names (the config loader lets only these through)."""
    return CONNECTIONS[settings.kind](settings)
