"""Keyboard-wedge scanner: real Qt key events through a real QApplication (offscreen).

Key events carry explicit timestamps (as the window system sets them), so "fast" and "slow"
are decided by the events themselves, not by how quickly this machine runs the test.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Config
from kiosk.core import tokens
from kiosk.core.devices import CardPresented, CardRejected, DeviceEvent
from kiosk.core.errors import CardTokenForged, NotACardCode
from kiosk.ui.wedge import US_KEYCODES, WedgeScanner
from points_protocol import card_tokens

DISTRICT = "test-district"
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
TOKEN = card_tokens.issue(KEY, DISTRICT, "QR-0001", 2, issued_at=datetime(2026, 1, 1, tzinfo=UTC))
FRENCH_DIGITS = "&é\"'(-è_çà"  # what the US digit row types on an AZERTY desktop


class FixedClock:
    def now(self) -> datetime:
        return NOW


class Typist:
    """Sends key presses and releases with chosen timestamps, as a window system would."""

    def __init__(self) -> None:
        self.ms = 1_000_000

    def key(self, widget: QWidget, key: int, text: str = "", *, gap_ms: int,
            shift: bool = False, scan_code: int = 0) -> None:
        self.ms += gap_ms
        mods = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, mods, scan_code, 0, 0, text)
            event.setTimestamp(self.ms)
            QApplication.sendEvent(widget, event)

    def text(self, widget: QWidget, text: str, *, gap_ms: int) -> None:
        for ch in text:
            key = ord(ch.upper()) if ch.isascii() and ch.isalnum() else ord(ch)
            self.key(widget, key, ch, gap_ms=gap_ms, shift=ch.isupper())

    def enter(self, widget: QWidget, *, gap_ms: int) -> None:
        self.key(widget, Qt.Key.Key_Return, "\r", gap_ms=gap_ms)


Form = tuple[QWidget, QLineEdit, QPushButton, list[str]]
Wedge = tuple[WedgeScanner, list[str], list[DeviceEvent]]


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    window = QWidget()
    layout = QVBoxLayout(window)
    field, button = QLineEdit(), QPushButton("OK")
    button.setAutoDefault(True)  # Enter on a focused auto-default button clicks it
    layout.addWidget(field)
    layout.addWidget(button)
    clicks: list[str] = []
    button.clicked.connect(lambda: clicks.append("clicked"))
    qtbot.addWidget(window)
    # Laid out before it shows, as the kiosk's window is: a window whose layout first sets
    # its minimum size once shown passes that on to the platform, which offscreen cannot.
    window.adjustSize()
    window.show()
    qtbot.waitExposed(window)
    return window, field, button, clicks


@pytest.fixture
def wedge(qapp: QApplication) -> Iterator[Wedge]:
    verifier = tokens.TokenVerifier(KEY.public_key(), DISTRICT, FixedClock())
    scanner = WedgeScanner(max_gap_ms=50, min_length=8, to_event=verifier.card_event)
    scans: list[str] = []
    events: list[DeviceEvent] = []
    scanner.scanned.connect(scans.append)
    scanner.start(events.append)
    yield scanner, scans, events
    scanner.stop()


def test_fast_keys_and_enter_are_one_scan_that_never_reaches_the_text_field(
        form: Form, wedge: Wedge, qtbot: QtBot) -> None:
    _, field, _, _ = form
    scanner, scans, events = wedge
    field.setFocus()
    typist = Typist()
    typist.text(field, TOKEN, gap_ms=4)
    typist.enter(field, gap_ms=4)
    assert scans == [TOKEN]
    assert events == [CardPresented(kind="qr", card_id="QR-0001", source=scanner.name,
                                    generation=2, signed=True)]
    qtbot.wait(150)  # longer than max_gap_ms: nothing held back may turn up late
    assert field.text() == ""


def test_enter_of_a_scan_does_not_press_the_focused_button(form: Form, wedge: Wedge,
                                                           qtbot: QtBot) -> None:
    _, _, button, clicks = form
    _, scans, _ = wedge
    button.setFocus()
    typist = Typist()
    typist.text(button, "HELLO-12345", gap_ms=3)
    typist.enter(button, gap_ms=3)
    qtbot.wait(150)
    assert scans == ["HELLO-12345"]
    assert clicks == []
    typist.enter(button, gap_ms=1000)  # a person's Enter still presses it
    assert clicks == ["clicked"]


def test_slow_human_typing_passes_through_untouched(form: Form, wedge: Wedge, qtbot: QtBot) -> None:
    _, field, button, clicks = form
    _, scans, events = wedge
    field.setFocus()
    typist = Typist()
    typist.text(field, "Zhang Xiaohua 123", gap_ms=180)
    qtbot.waitUntil(lambda: field.text() == "Zhang Xiaohua 123", timeout=10_000)
    button.setFocus()
    typist.enter(button, gap_ms=180)
    assert clicks == ["clicked"]
    assert scans == [] and events == []


def test_a_short_fast_burst_is_typing(form: Form, wedge: Wedge, qtbot: QtBot) -> None:
    _, field, _, _ = form
    _, scans, _ = wedge
    field.setFocus()
    typist = Typist()
    typist.text(field, "ok", gap_ms=5)
    typist.enter(field, gap_ms=5)
    qtbot.waitUntil(lambda: field.text() == "ok", timeout=10_000)
    assert scans == []


def test_scans_of_bad_codes_are_refused_with_the_shared_token_check(form: Form,
                                                                   wedge: Wedge) -> None:
    _, field, _, _ = form
    _, scans, events = wedge
    field.setFocus()
    typist = Typist()
    forged = TOKEN[:-4] + ("AAAA" if not TOKEN.endswith("AAAA") else "BBBB")
    for text in ("https://example.com/a", forged):
        typist.text(field, text, gap_ms=2)
        typist.enter(field, gap_ms=2)
    assert scans == ["https://example.com/a", forged]
    assert [type(e) for e in events] == [CardRejected, CardRejected]
    assert isinstance(events[0], CardRejected) and isinstance(events[0].error, NotACardCode)
    assert isinstance(events[1], CardRejected) and isinstance(events[1].error, CardTokenForged)
    assert field.text() == ""


def test_caps_lock_swapped_case_is_still_read(form: Form, wedge: Wedge) -> None:
    _, field, _, _ = form
    _, _, events = wedge
    typist = Typist()
    typist.text(field, TOKEN.swapcase(), gap_ms=2)
    typist.enter(field, gap_ms=2)
    assert [type(e) for e in events] == [CardPresented]


def test_us_scanner_on_a_french_desktop_with_us_scancodes(form: Form, qapp: QApplication
                                                          ) -> None:
    """The scanner presses the US digit keys; the AZERTY desktop makes them & é " ' ( ..."""
    _, field, _, _ = form
    scanner = WedgeScanner(max_gap_ms=50, min_length=8, keymap="us-scancodes")
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    scanner.start()
    try:
        digit_keycodes = {US_KEYCODES[code][0]: code for code in range(10, 20)}
        typist = Typist()
        for digit, french in zip("1234567890", FRENCH_DIGITS, strict=True):
            typist.key(field, ord(french.upper()) if french.isascii() else Qt.Key.Key_unknown,
                       french, gap_ms=3, scan_code=digit_keycodes[digit])
        typist.key(field, Qt.Key.Key_A, "Q", gap_ms=3, shift=True, scan_code=24)  # US "Q"
        typist.enter(field, gap_ms=3)
    finally:
        scanner.stop()
    assert scans == ["1234567890Q"]
    assert field.text() == ""


def test_held_key_auto_repeat_is_not_a_scan(form: Form, wedge: Wedge, qtbot: QtBot) -> None:
    _, field, _, _ = form
    _, scans, _ = wedge
    field.setFocus()
    typist = Typist()
    typist.key(field, Qt.Key.Key_A, "a", gap_ms=500)
    for _ in range(20):
        typist.ms += 30
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier,
                          0, 0, 0, "a", True)
        event.setTimestamp(typist.ms)
        QApplication.sendEvent(field, event)
    typist.enter(field, gap_ms=30)
    qtbot.waitUntil(lambda: field.text() == "a" * 21, timeout=10_000)
    assert scans == []


def test_no_shortcut_fires_for_a_scanned_key(form: Form, wedge: Wedge, qtbot: QtBot) -> None:
    window, _, button, clicks = form
    _, scans, _ = wedge
    fired: list[str] = []
    shortcut = QShortcut(QKeySequence("Q"), window)
    shortcut.activated.connect(lambda: fired.append("Q"))
    window.activateWindow()
    qtbot.waitActive(window)
    button.setFocus()
    typist = Typist()
    typist.text(button, "qqqqqqqqqq", gap_ms=2)
    typist.enter(button, gap_ms=2)
    assert scans == ["qqqqqqqqqq"]
    assert fired == [] and clicks == []
    typist.text(button, "q", gap_ms=1000)  # a person's single key still reaches the shortcut
    qtbot.waitUntil(lambda: fired == ["Q"], timeout=10_000)


def test_wedge_from_config(config: Config, qapp: QApplication) -> None:
    from dataclasses import replace

    from kiosk.config import ScannerSection
    from kiosk.ui.wedge import wedge_from_config
    assert wedge_from_config(replace(config, scanner=ScannerSection(wedge_enabled=False)),
                             None) is None
    scanner = wedge_from_config(replace(config, scanner=ScannerSection(
        max_gap_ms=30, min_length=20, keymap="us-scancodes")), None)
    assert scanner is not None
    assert (scanner.max_gap_ms, scanner.min_length, scanner.keymap) == (30, 20, "us-scancodes")
