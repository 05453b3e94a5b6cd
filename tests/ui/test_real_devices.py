"""The shop's own devices as the app wires them from the config (not the demo's)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiosk.app import real_devices
from kiosk.config import Config, NfcSection, QrSection
from kiosk.hardware.camera import CameraQrScanner
from kiosk.hardware.nfc import PcscCardReader
from kiosk.hardware.printer import EscposReceiptPrinter
from kiosk.ui.wedge import WedgeScanner
from tests.conftest import ManualClock

ROOT = Path(__file__).resolve().parent.parent.parent


def test_wedge_scanner_serves_the_operator_screens_with_qr_cards_off(
        config: Config, clock: ManualClock, qapp: object) -> None:
    printer, sources = real_devices(config, clock)
    assert isinstance(printer, EscposReceiptPrinter)
    assert [type(s) for s in sources] == [PcscCardReader, WedgeScanner]


def test_qr_cards_on_add_the_camera(config: Config, clock: ManualClock, tmp_path: Path,
                                    qapp: object) -> None:
    config = replace(
        config, base_dir=ROOT, nfc=NfcSection(enabled=False),
        qr=QrSection(district_id="demo-district",
                     public_key="assets/demo/demo-district-public.key"),
        camera=replace(config.camera, source=str(tmp_path / "frames.avi")))
    _, sources = real_devices(config, clock)
    assert [type(s) for s in sources] == [CameraQrScanner, WedgeScanner]
