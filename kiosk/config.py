"""Reads config.toml into the frozen dataclasses of :mod:`kiosk.config_sections` and reports
every mistake in one message: each value against its declaration, then what one setting alone
cannot say (a time zone that exists, the chosen printer's address, a QR key that loads).

The sections are imported from here too: ``kiosk.config`` is the one name the rest of the
code knows for its configuration.
"""

from __future__ import annotations

import dataclasses
import logging
import zoneinfo
from pathlib import Path
from typing import Any

from kiosk.config_sections import (
    PRINTER_KINDS,
    SECTIONS,
    BackupSection,
    CameraSection,
    CheckoutSection,
    Config,
    DatabaseSection,
    DistrictSection,
    KioskSection,
    NfcSection,
    OfflineSection,
    OperatorSection,
    PrinterSection,
    QrSection,
    ScannerSection,
    SyncSection,
    UiSection,
    VoiceSection,
)
from kiosk.config_values import (
    ConfigError,
    check_value,
    parse_toml,
    setting,
    valid_kiosk_id,
)
from kiosk.core.tokens import load_public_key
from points_protocol.card_tokens import valid_district_id

__all__ = [
    "PRINTER_KINDS",
    "SECTIONS",
    "BackupSection",
    "CameraSection",
    "CheckoutSection",
    "Config",
    "ConfigError",
    "DatabaseSection",
    "DistrictSection",
    "KioskSection",
    "NfcSection",
    "OfflineSection",
    "OperatorSection",
    "PrinterSection",
    "QrSection",
    "ScannerSection",
    "SyncSection",
    "UiSection",
    "VoiceSection",
    "load_config",
    "parse_config",
    "setting",
]


log = logging.getLogger("kiosk.config")

# Settings an older config.toml may still hold (the installed one is a conffile, kept across
# upgrades): refusing them would stop an upgraded kiosk at start, so they are accepted,
# ignored, and named once in the log.
RETIRED = {
    "ui.demo_panel": "the demo panel comes only with `kiosk --demo`",
}


def _build_section(name: str, raw: Any, problems: list[str]) -> Any:
    cls = SECTIONS[name]
    if not isinstance(raw, dict):
        problems.append(f"[{name}] must be a table of settings, got {raw!r}")
        return cls()
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        full = f"{name}.{key}"
        if full in RETIRED:
            log.warning("%s is no longer used (%s): delete the line", full, RETIRED[full])
            continue
        if key not in fields:
            problems.append(f"{full}: unknown setting (known: {', '.join(fields)})")
            continue
        problem = check_value(full, value, fields[key])
        if problem:
            problems.append(problem)
        else:   # an integer where a number goes is that number (retry_seconds = 2)
            values[key] = float(value) if str(fields[key].type) == "float" else value
    return cls(**values)


def _check_cross_field(config: Config, problems: list[str]) -> None:
    try:
        zoneinfo.ZoneInfo(config.kiosk.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"kiosk.timezone = {config.kiosk.timezone!r}: not a known time zone "
                        "(e.g. 'Asia/Shanghai')")
    if not valid_kiosk_id(config.kiosk.id):
        problems.append(f"kiosk.id = {config.kiosk.id!r}: must be 1 to 64 letters, digits or "
                        "'._:-' (it is sent in every request and names the backups)")
    _check_printer(config.printer, problems)
    _check_qr(config, problems)


def _check_printer(printer: PrinterSection, problems: list[str]) -> None:
    """The setting that names the chosen printer must be filled in."""
    needed = {"network": ("host", printer.host), "serial": ("serial_device", printer.serial_device),
              "file": ("file_path", printer.file_path)}
    if printer.kind in needed and not needed[printer.kind][1].strip():
        key = needed[printer.kind][0]
        problems.append(f"printer.{key} = '': must be set when printer.kind = {printer.kind!r}")
    if printer.kind == "usb" and not (printer.usb_vendor_id and printer.usb_product_id):
        problems.append("printer.usb_vendor_id / usb_product_id: must be set when "
                        "printer.kind = 'usb'")


def _check_qr(config: Config, problems: list[str]) -> None:
    """A QR key that cannot be read, or a scanner with no key, would refuse every card."""
    qr = config.qr
    if qr.district_id and not valid_district_id(qr.district_id):
        problems.append(f"qr.district_id = {qr.district_id!r}: must be what a card token can "
                        "hold: 1 to 64 bytes of letters, digits or '.:_-'")
    if qr.public_key.strip():
        try:
            load_public_key(qr.public_key, config.base_dir)
        except ValueError as exc:
            problems.append(f"qr.public_key = {qr.public_key!r}: {exc}")
        if not qr.district_id.strip():
            problems.append("qr.district_id = '': must be set when qr.public_key is set")
    elif config.camera.source.strip():
        problems.append(f"camera.source = {config.camera.source!r}: needs qr.public_key "
                        "(without it every QR card is refused)")


def parse_config(data: dict[str, Any], base_dir: Path, source: Path) -> Config:
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for name, raw in data.items():
        if name not in SECTIONS:
            problems.append(f"[{name}]: unknown section (known: {', '.join(SECTIONS)})")
            continue
        sections[name] = _build_section(name, raw, problems)
    config = Config(**sections, base_dir=base_dir)
    _check_cross_field(config, problems)
    if problems:
        raise ConfigError(source, problems)
    return config


def load_config(path: Path | str) -> Config:
    """Read and check a config file; raises ConfigError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, ["file not found (copy config.toml from the project root)"]) \
            from None
    except OSError as exc:
        raise ConfigError(path, [f"cannot be read: {exc.strerror}"]) from None
    return parse_config(parse_toml(path, raw), path.resolve().parent, path)
