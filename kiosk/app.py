"""kiosk: the touchscreen app's composition root. Reads the config, builds the core services,
the devices (real or simulated), the session flow, the worker thread and the screens, and
wires them together with signals. Nothing else builds objects; nothing here decides anything.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import __version__
from kiosk import demo as demo_shop
from kiosk.config import Config, ConfigError, load_config
from kiosk.core.clock import Clock
from kiosk.core.db import DatabaseError
from kiosk.core.devices import CardSource, ReceiptPrinter
from kiosk.core.ledger import WrongKioskError
from kiosk.core.session_flow import FlowTiming, PrinterChecked, SessionFlow
from kiosk.core.sun_cards import SunVerifier
from kiosk.hardware.simulated import SimulatedCardReader, TextFilePrinter
from kiosk.hardware.speech import EspeakRenderer
from kiosk.operations.operator_printing import OperatorPrinting
from kiosk.operations.operator_work import OperatorWork, PhotoCamera
from kiosk.operations.session_work import SessionWork
from kiosk.services import Services, build, pin_policy, qr_verifier
from kiosk.ui.admin.gate import AdminGate
from kiosk.ui.controller import SessionController
from kiosk.ui.demo_panel import DEMO_QR_SETTINGS, DemoPanel
from kiosk.ui.device_bridge import DeviceBridge
from kiosk.ui.fonts import NoChineseFont
from kiosk.ui.i18n import Language
from kiosk.ui.keyboard import enable_input_method
from kiosk.ui.runner import OpRunner
from kiosk.ui.voice import Player, SoundPlayer, Voice
from kiosk.ui.wedge import WedgeScanner, wedge_from_config
from kiosk.ui.widgets import ShopFront
from kiosk.ui.window import KioskWindow
from kiosk.ui.worker import PRINTER, Worker
from points_protocol import logs

log = logging.getLogger("kiosk.app")

DEMO_DATABASE = "var/demo.sqlite"
DEMO_RECEIPTS = "var/demo-receipts.txt"
# CSV exports when no USB stick is plugged in: in the data folder, beside the database (the
# config's folder is /etc on a kiosk, read-only for the touchscreen).
REPORTS_DIR = "reports"
VOICE_WARM_UP_DELAY_MS = 60_000   # the voice cache is filled a minute after start-up


@dataclass
class Kiosk:
    """Everything the running touchscreen is made of (tests drive it through these)."""

    services: Services
    controller: SessionController
    bridge: DeviceBridge
    worker: Worker
    language: Language
    sources: list[CardSource] = field(default_factory=list)
    window: KioskWindow | None = None
    admin: AdminGate | None = None
    voice: Voice | None = None

    def start_devices(self) -> None:
        for source in self.sources:
            source.start(self.bridge)

    def stop(self) -> None:
        for source in self.sources:
            source.stop()
        self.controller.timer.stop()
        self.worker.shutdown()
        if self.voice is not None:
            self.voice.close()
        self.language.detach()
        if self.window is not None:
            self.window.locked = False  # the program is ending: the window may close now


def flow_timing(config: Config) -> FlowTiming:
    ui = config.ui
    return FlowTiming(inactivity_seconds=ui.inactivity_seconds,
                      countdown_seconds=ui.countdown_seconds, done_seconds=ui.done_seconds,
                      input_pause_seconds=ui.input_pause_ms / 1000)


def build_kiosk(services: Services, printer: ReceiptPrinter, sources: Sequence[CardSource],
                *, side_panel_factory: Callable[[Kiosk], QWidget] | None = None,
                size: tuple[int, int] | None = None, clock: Clock | None = None,
                player: Player | None = None) -> Kiosk:
    """Wire a kiosk around ready services. Needs a QApplication. ``side_panel_factory(kiosk)``
    may return a widget shown beside the screens (the demo panel); ``player`` plays the
    voice's sounds (Qt Multimedia by default)."""
    config = services.config
    clock = clock or services.clock
    language = Language(config.ui.language)
    worker = Worker(devices=[PRINTER])
    flow = SessionFlow(clock, flow_timing(config))
    controller = SessionController(flow, SessionWork(services, printer), worker)
    bridge = DeviceBridge()
    kiosk = Kiosk(services=services, controller=controller, bridge=bridge, worker=worker,
                  language=language, sources=list(sources))
    panel = side_panel_factory(kiosk) if side_panel_factory is not None else None
    window = KioskWindow(controller, language, config.kiosk.name, clock,
                         large_text=config.ui.large_text, side_panel=panel,
                         size=QSize(*size) if size else None,
                         diagonal=config.ui.panel_diagonal_inches, front=shop_front(config))
    window.initial_language = config.ui.language
    kiosk.window = window
    # Every device event passes the operator gate first (operator cards, admin screens).
    camera = next((s for s in sources if isinstance(s, PhotoCamera)), None)
    runner = OpRunner(worker)
    # What an operator changed (a price, a retired item, a delivery) shows on the start
    # screen under the operator's at once, not after the next visit.
    runner.changed.connect(controller.refresh_featured)
    kiosk.admin = AdminGate(window, controller, runner,
                            OperatorWork(services, pin_policy(config), camera),
                            OperatorPrinting(services, printer),
                            idle_seconds=config.operator.idle_signout_seconds,
                            export_dir=config.database_path.parent / REPORTS_DIR)
    bridge.device_event.connect(kiosk.admin.on_device_event)
    kiosk.voice = build_voice(config, player or SoundPlayer(), controller, window, language)
    bridge.device_event.connect(kiosk.voice.device_event)
    for source in sources:
        if isinstance(source, WedgeScanner):
            source.scanned.connect(kiosk.admin.on_scanned)
    window.show_state(controller.state)
    controller.refresh_featured()
    worker.submit(controller.work.printer_state,
                  lambda fault: controller.send(PrinterChecked(fault)))
    return kiosk


def build_voice(config: Config, player: Player, controller: SessionController,
                window: KioskWindow, language: Language) -> Voice:
    """The beep and the spoken prompts, following the visit, the language and the volunteer's
    speaker button."""
    cache = Path(config.voice.cache_dir)
    cache = cache if cache.is_absolute() else config.base_dir / cache
    renderer = EspeakRenderer(config.voice.program, config.voice.rate, cache)
    voice = Voice(config.voice, renderer, player, cache / "beep.wav")
    voice.language = language.code
    controller.changed.connect(voice.state_changed)
    window.reading_changed.connect(lambda on: voice.set_personal(on, controller.state))
    language.changed.connect(lambda code: voice.set_language(code, controller.state))
    return voice


def shop_front(config: Config) -> ShopFront:
    """The ways in this kiosk has, the pictures of where they are, and its phone number."""
    def own(setting: str) -> Path | None:
        if not setting.strip():
            return None
        path = Path(setting)
        return path if path.is_absolute() else config.base_dir / path
    return ShopFront(card=config.nfc.enabled, qr=bool(config.qr.public_key.strip()),
                     card_picture=own(config.ui.card_picture),
                     qr_picture=own(config.ui.qr_picture), phone=config.kiosk.phone)


def real_devices(config: Config, clock: Clock) -> tuple[ReceiptPrinter, list[CardSource]]:
    """The shop's NFC reader, QR scanners (camera, keyboard wedge) and ESC/POS printer.

    Imported here, not at the top: python-escpos loads its printer-capability database on
    import (most of a second) and OpenCV is large; the demo and the tests need neither."""
    from kiosk.hardware.camera import camera_from_config  # noqa: PLC0415 - see above
    from kiosk.hardware.nfc import PcscCardReader  # noqa: PLC0415 - see above
    from kiosk.hardware.printer import EscposReceiptPrinter  # noqa: PLC0415 - see above

    sources: list[CardSource] = []
    if config.nfc.enabled:
        keys = config.nfc.sun_keys_path(config.base_dir)
        sources.append(PcscCardReader(config.nfc.reader, retry_seconds=config.nfc.retry_seconds,
                                      sun=SunVerifier.from_file(keys) if keys else None))
    verifier = qr_verifier(config, clock)
    if verifier is not None:
        camera = camera_from_config(config, verifier.card_event)
        if camera is not None:
            sources.append(camera)
    # The wedge also serves the operator screens (barcodes, order numbers) with QR cards off.
    wedge = wedge_from_config(config, verifier.card_event if verifier else None)
    if wedge is not None:
        sources.append(wedge)
    return EscposReceiptPrinter(config.printer), sources


def demo_config(config: Config, root: Path) -> Config:
    """The demo: its own database, a window rather than the whole screen (the demo panel
    comes with ``demo`` in :func:`run`)."""
    ui = dc_replace(config.ui, fullscreen=config.ui.fullscreen, hide_cursor=False)
    return dc_replace(config, base_dir=root, ui=ui, qr=DEMO_QR_SETTINGS,
                      database=dc_replace(config.database, path=DEMO_DATABASE))


def run(config: Config, *, demo: bool, windowed: bool) -> int:
    if config.ui.on_screen_keyboard:
        enable_input_method()   # before the QApplication: Qt picks its input method once
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        # Only the demo makes its database: a kiosk's is made by `kiosk-admin init` once its
        # id is set (packaging/README.md); until then the app waits for it (the unit's
        # condition) instead of binding a new ledger to the id in the config.
        services = build(config, create=demo)
    except (DatabaseError, WrongKioskError, sqlite3.Error) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)  # e.g. locked by a stuck process: no traceback
        return 2
    factory: Callable[[Kiosk], QWidget] | None = None
    printer: ReceiptPrinter
    sources: list[CardSource]
    if demo:
        demo_shop.seed(services)
        reader = SimulatedCardReader("demo reader")
        paper = TextFilePrinter(config.base_dir / DEMO_RECEIPTS)
        printer, sources = paper, [reader]

        def factory(kiosk: Kiosk) -> QWidget:
            panel = DemoPanel(reader, paper, services.clock, app.quit)
            kiosk.controller.changed.connect(lambda _state: panel.show_last_receipt())
            return panel
    else:
        try:
            printer, sources = real_devices(config, services.clock)
        except Exception as exc:  # a bad key file, a missing decoder, an unknown printer
            log.exception("devices could not be set up")
            print(f"kiosk: devices could not be set up: {exc}", file=sys.stderr)
            return 2
    try:
        kiosk = build_kiosk(services, printer, sources, side_panel_factory=factory)
    except NoChineseFont as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    assert kiosk.window is not None
    if kiosk.voice is not None:
        # Not while the machine boots: ~100 espeak-ng runs would compete with the services
        # starting beside the kiosk; a prompt needed before then is rendered when needed.
        QTimer.singleShot(VOICE_WARM_UP_DELAY_MS, kiosk.voice.warm_cache)
    kiosk.window.show_kiosk(config.ui.fullscreen and not windowed,
                            config.ui.hide_cursor and not windowed)
    kiosk.start_devices()
    log.info("kiosk %s started: kiosk %s, database %s", __version__, config.kiosk.id,
             config.database_path)
    code = app.exec()
    kiosk.stop()
    services.conn.close()
    return int(code)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kiosk", description=__doc__)
    p.add_argument("--config", default="config.toml")
    p.add_argument("--demo", action="store_true",
                   help=f"demo shop in {DEMO_DATABASE}, simulated devices, demo panel")
    p.add_argument("--windowed", action="store_true", help="a window, not the whole screen")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    args = p.parse_args(argv)
    logs.setup()
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    if args.demo:
        config = demo_config(config, Path(args.config).resolve().parent)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and "QT_QPA_PLATFORM" not in os.environ:
        print("kiosk: no display ($DISPLAY is not set); `make demo` runs a scripted visit "
              "under Xvfb instead", file=sys.stderr)
        return 2
    return run(config, demo=args.demo, windowed=args.windowed)

if __name__ == "__main__":
    sys.exit(main())
