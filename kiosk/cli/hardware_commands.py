"""kiosk-admin hardware: what an operator checks when a device seems dead.

Lists the PC/SC readers (and whether a card is on each), the cameras that open (the configured
source and video devices 0-3), the printer with its paper status, and on request prints a test
receipt. Each device is looked at on its own: one missing library or dead device never hides
the others.
"""

from __future__ import annotations

import argparse
import glob
from collections.abc import Callable
from typing import Any

from kiosk.cli.printer_commands import cmd_test_print
from kiosk.config import Config


def _readers(config: Config) -> None:
    print("NFC readers (PC/SC):")
    if not config.nfc.enabled:
        print("  disabled in config ([nfc] enabled = false)")
    try:
        from kiosk.hardware.nfc import list_readers  # noqa: PLC0415 (pyscard is optional here)
        readers = list_readers()
    except (ImportError, OSError) as exc:
        print(f"  unavailable: {exc}")
        return
    if not readers:
        print("  none connected")
    wanted = config.nfc.reader.lower()
    for name, card in readers:
        chosen = " (used)" if wanted and wanted in name.lower() else ""
        print(f"  {name}{chosen}: {'card present' if card else 'no card'}")


def _cameras(config: Config) -> None:
    print("Cameras:")
    try:
        from kiosk.hardware.camera import open_capture  # noqa: PLC0415 (cv2 is heavy)
    except ImportError as exc:
        print(f"  unavailable: {exc}")
        return
    cam = config.camera
    sources = [cam.source] if cam.source else []
    sources += [d.removeprefix("/dev/video") for d in sorted(glob.glob("/dev/video[0-3]"))
                if d.removeprefix("/dev/video") not in sources]
    if not sources:
        print("  no camera configured ([camera] source) and no /dev/video0-3")
    for source in sources:
        capture = open_capture(source, config.base_dir, cam.width, cam.height)
        ok, frame = capture.read() if capture.isOpened() else (False, None)
        capture.release()
        used = " (used)" if source == cam.source else ""
        state = f"frames {frame.shape[1]}x{frame.shape[0]}" if ok and frame is not None \
            else "cannot be opened or gives no frames"
        print(f"  {source}{used}: {state}")


def cmd_hardware(config: Config, args: argparse.Namespace) -> int:
    """Needs no database: devices are checked before a kiosk is provisioned, too."""
    _readers(config)
    _cameras(config)
    print("Printer:")
    if args.test_print:
        return cmd_test_print(config, args)
    from kiosk.cli.printer_commands import PAPER_ZH, _printer  # noqa: PLC0415
    printer = _printer(config)
    if printer is None:
        return 2
    print(f"  {printer.describe()}")
    print(f"  paper: {(status := printer.paper_status())} ({PAPER_ZH[status]})")
    return 0


COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {"hardware": cmd_hardware}


def add_parsers(sub: Any) -> None:
    h = sub.add_parser("hardware", help="list readers, cameras and the printer; test print")
    h.add_argument("--test-print", action="store_true", help="also print a sample receipt")
