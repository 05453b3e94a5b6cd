"""The touchscreen on Qt's offscreen platform, built by the app's own composition root around
the demo shop in a real SQLite file, a simulated card reader and a real ESC/POS printer
talking to a TCP "printer" on 127.0.0.1 that records the bytes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As the app does before its QApplication: the operator screens' on-screen keyboard.
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk, build_kiosk
from kiosk.config import PrinterSection
from kiosk.core.session_flow import Screen
from kiosk.hardware.printer import EscposReceiptPrinter
from kiosk.hardware.simulated import SimulatedCardReader
from kiosk.services import Services
from kiosk.ui.window import KioskWindow
from tests.conftest import ManualClock, mark_synced
from tests.hardware.tcp_printer import TcpPrinter

ZHANG = "04A1B2C3D4E5F6"   # 张*华, 800 points
LI = "04B7C8D9E0F1A2"      # 李*, 120 points
BLOCKED = "04C3D4E5F6A7B8"
WAIT_MS = 20_000           # generous: a loaded 2-core machine


class RecordingPlayer:
    """The loudspeaker: there is no sound card here, so the sounds are recorded instead of
    played (the WAV files themselves are rendered by the real espeak-ng)."""

    def __init__(self) -> None:
        self.played: list[Path] = []

    def play(self, wav: Path, volume: float) -> None:
        assert wav.exists() and 0 < volume <= 1
        self.played.append(wav)

    def stop(self) -> None:
        pass


@dataclass
class Touchscreen:
    kiosk: Kiosk
    window: KioskWindow
    reader: SimulatedCardReader
    paper: TcpPrinter
    printer: EscposReceiptPrinter
    services: Services
    clock: ManualClock
    qtbot: Any   # pytest-qt's QtBot: its mouse helpers are untyped
    player: RecordingPlayer

    @property
    def screen(self) -> Screen:
        return self.kiosk.controller.state.screen

    def page(self, screen: Screen) -> QWidget:
        return self.window.screens[screen]

    def showing(self, screen: Screen) -> bool:
        page = self.window.pages[self.window.screens[screen]]
        return self.screen == screen and self.window.stack.currentWidget() is page \
            and page.isVisible()

    def wait_for(self, screen: Screen) -> None:
        self.qtbot.waitUntil(lambda: self.showing(screen), timeout=WAIT_MS)

    def click(self, widget: QWidget) -> None:
        """A person's tap: they take a moment to read a screen before pressing (presses in
        the first moment after a screen change are ignored, see SessionFlow.press)."""
        # rows added to a shown screen become visible on the next layout pass
        self.qtbot.waitUntil(widget.isVisible, timeout=WAIT_MS)
        assert widget.isEnabled(), widget
        self.clock.advance(seconds=1)
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def double_tap(self, widget: QWidget, between: Screen, gap_seconds: float = 0.12) -> None:
        """Two quick taps at one spot; by the second, ``between`` shows (the work the first
        started is done in real time, while the clock moves only ``gap_seconds``)."""
        self.qtbot.waitUntil(widget.isVisible, timeout=WAIT_MS)
        self.clock.advance(seconds=1)
        spot = widget.mapTo(self.window, widget.rect().center())
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.wait_for(between)
        self.clock.advance(seconds=gap_seconds)
        target = self.window.childAt(spot)
        if target is not None:
            self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton,
                                  pos=target.mapFrom(self.window, spot))

    def tap(self, card_id: str) -> None:
        self.reader.remove()
        self.reader.present(card_id)
        self.wait_for(Screen.BALANCE)


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of rendered guidance for the whole run: each prompt is rendered once."""
    return tmp_path_factory.mktemp("voice-cache")


@pytest.fixture
def touchscreen_factory(shop: Services, clock: ManualClock, qtbot: QtBot, voice_cache: Path
                        ) -> Iterator[Callable[..., Touchscreen]]:
    made: list[Touchscreen] = []
    paper = TcpPrinter()
    shop.config = replace(shop.config, voice=replace(shop.config.voice,
                                                     cache_dir=str(voice_cache)))

    def make(size: tuple[int, int] = (1920, 1080), synced: bool = True,
             printer_timeout: int = 20, shown: bool = True) -> Touchscreen:
        """A kiosk on the start screen; ``shown=False`` leaves showing it to the test (as the
        app does with ``show_kiosk``)."""
        if synced:
            mark_synced(shop, clock.now())
        reader = SimulatedCardReader("test reader")
        printer = EscposReceiptPrinter(PrinterSection(
            kind="network", host="127.0.0.1", port=paper.port, timeout_seconds=printer_timeout,
            check_status=True))
        player = RecordingPlayer()
        kiosk = build_kiosk(shop, printer, [reader], size=size, player=player)
        assert kiosk.window is not None
        qtbot.addWidget(kiosk.window)
        if shown:
            kiosk.window.show()
        kiosk.start_devices()
        screen = Touchscreen(kiosk, kiosk.window, reader, paper, printer, shop, clock, qtbot,
                             player)
        if shown:
            screen.wait_for(Screen.IDLE)
        made.append(screen)
        return screen

    yield make
    for screen in made:
        screen.kiosk.stop()
    paper.close()


@pytest.fixture
def touch(touchscreen_factory: Callable[..., Touchscreen]) -> Touchscreen:
    return touchscreen_factory()
