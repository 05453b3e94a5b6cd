"""USB keyboard-wedge QR scanners: a scanner "types" the code and Enter faster than any person.

An application-wide Qt event filter holds back printable keystrokes for a moment. Keystrokes
that arrive less than ``max_gap_ms`` apart and end in Enter, at least ``min_length`` of them,
are one scan: they are swallowed together with the Enter (so the scan never lands in a focused
text field and the Enter never presses a focused button or a dialog's default button), and the
text is emitted through :attr:`WedgeScanner.scanned` and judged by the same token check as the
camera (``kiosk.core.tokens.TokenVerifier.card_event``). Anything else is replayed, unchanged
and in order, to the widget it was meant for: a person's typing is only delayed by
``max_gap_ms``.

Pitfalls handled, and how:

* Keyboard layout. The character is taken from the key event's text (what the desktop's layout
  produced), falling back to the key code for letters and digits when a platform gives no text.
  A scanner set to a US layout on a kiosk whose desktop uses another one (French AZERTY: the
  scanner's "1" arrives as "&", "q" as "a") mangles the code; ``keymap = "us-scancodes"`` then
  reads the physical key position (X11/Wayland native scan code = evdev code + 8) as a US
  keyboard with the Shift state, ignoring the desktop layout, its dead keys and Caps Lock.
  The better fix, where the scanner allows it, is to set the scanner to the kiosk's layout.
* Caps Lock in "text" mode turns the scanner's letters to the other case; base64url tokens are
  case sensitive, so a refused code is tried once more with its case swapped (the signature
  still has to verify, so this accepts nothing that was not issued).
* Key auto-repeat (a person holding a key down) is as fast as a scanner: auto-repeated keys
  are never part of a scan. Keys with Ctrl, Alt or Meta are shortcuts, not scans.
* Event timing comes from the key events' own timestamps (the window system's clock), so a
  busy GUI thread that delivers queued keys late does not split a scan; a late flush timer is
  given one more round for the same reason.
* Scanners must send Enter (their factory default) after the code; a fast burst without it
  is treated as typing.
* A single-key shortcut (QShortcut "Q") would fire on a scanned "q" before any key press is
  delivered: the filter claims the ShortcutOverride of every key it may hold back, and the
  replay of typing triggers the shortcut as usual.
* An input method (Chinese pinyin IME) in Chinese mode turns keys into composition text, not
  key presses: the kiosk session runs without an IME, or with it in English mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from kiosk.config import Config
from kiosk.core.devices import CardPresented, CardRejected, DeviceEvent, EventSink

log = logging.getLogger("kiosk.ui.wedge")

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_SHORTCUT_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                       | Qt.KeyboardModifier.MetaModifier)

# US layout by X11/Wayland keycode (evdev code + 8): (unshifted, shifted).
_US_ROWS = {10: "1234567890-=", 24: "qwertyuiop[]", 38: "asdfghjkl;'`", 52: "zxcvbnm,./"}
_US_SHIFTED = {10: "!@#$%^&*()_+", 24: "QWERTYUIOP{}", 38: 'ASDFGHJKL:"~', 52: "ZXCVBNM<>?"}
US_KEYCODES: dict[int, tuple[str, str]] = {
    start + i: (plain, _US_SHIFTED[start][i])
    for start, row in _US_ROWS.items() for i, plain in enumerate(row)}
US_KEYCODES.update({51: ("\\", "|"), 65: (" ", " ")})
US_KEYCODES.update({code: (ch, ch) for code, ch in {
    79: "7", 80: "8", 81: "9", 82: "-", 83: "4", 84: "5", 85: "6", 86: "+", 87: "1", 88: "2",
    89: "3", 90: "0", 91: ".", 106: "/", 63: "*"}.items()})


@dataclass
class _Held:
    """A key event held back while it might belong to a scan."""

    receiver: QObject
    event: QKeyEvent


def _copy(event: QKeyEvent) -> QKeyEvent:
    copy = QKeyEvent(event.type(), event.key(), event.modifiers(), event.nativeScanCode(),
                     event.nativeVirtualKey(), event.nativeModifiers(), event.text(),
                     event.isAutoRepeat(), event.count())
    copy.setTimestamp(event.timestamp())
    return copy


class WedgeScanner(QObject):
    """A :class:`kiosk.core.devices.CardSource` for keyboard-wedge scanners (events arrive on
    the GUI thread, where the key events are), and a plain ``scanned`` signal for any code."""

    scanned = Signal(str)

    def __init__(self, *, max_gap_ms: int = 50, min_length: int = 8, keymap: str = "text",
                 to_event: Callable[[str, str], DeviceEvent] | None = None,
                 name: str = "barcode scanner", parent: QObject | None = None) -> None:
        super().__init__(parent)
        if keymap not in ("text", "us-scancodes"):
            raise ValueError(f"unknown keymap {keymap!r}")
        self.name = name
        self.max_gap_ms = max_gap_ms
        self.min_length = min_length
        self.keymap = keymap
        self._to_event = to_event
        self._sink: EventSink | None = None
        self._held: list[_Held] = []
        self._chars: list[str] = []
        self._last_ms = 0
        self._releases: dict[int, str] = {}  # key -> "hold" | "swallow" for its coming release
        self._replaying = False
        self._armed_at = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max_gap_ms)
        self._timer.timeout.connect(self._on_timeout)

    # --- CardSource ---------------------------------------------------------------------------

    def start(self, sink: EventSink | None = None) -> None:
        """Watch every key event of the application (call on the GUI thread)."""
        self._sink = sink
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("the wedge scanner needs a running QApplication")
        app.installEventFilter(self)

    def stop(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._flush()
        self._sink = None

    # --- the filter -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._replaying or kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
                                           QEvent.Type.ShortcutOverride):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.ShortcutOverride:
            # Claim keys we may hold back, so no shortcut fires on them before we decide.
            if self._char(event) is not None or (self._held and event.key() in _ENTER):
                event.accept()
                return True
            return False
        if kind == QEvent.Type.KeyRelease:
            return self._release(watched, event)
        return self._press(watched, event)

    def _press(self, watched: QObject, event: QKeyEvent) -> bool:
        now = event.timestamp() or int(time.monotonic() * 1000)
        fast = bool(self._held) and 0 <= now - self._last_ms <= self.max_gap_ms
        self._releases.pop(event.key(), None)  # a new press supersedes a stale pending release
        if event.key() in _ENTER and not event.isAutoRepeat():
            if fast and len(self._chars) >= self.min_length:
                self._complete(event.key())
                return True
            self._flush()
            return False
        char = self._char(event)
        if char is None:
            if event.key() in (Qt.Key.Key_Shift, Qt.Key.Key_CapsLock):
                return False  # scanners press Shift for capitals: part of a scan, not the end
            self._flush()
            return False
        if self._held and not fast:
            self._flush()
        self._held.append(_Held(watched, _copy(event)))
        self._chars.append(char)
        self._releases[event.key()] = "hold"
        self._last_ms = now
        self._armed_at = time.monotonic()
        self._timer.start()
        return True

    def _release(self, watched: QObject, event: QKeyEvent) -> bool:
        action = None if event.isAutoRepeat() else self._releases.pop(event.key(), None)
        if action == "hold" and self._held:
            self._held.append(_Held(watched, _copy(event)))
            return True
        return action == "swallow"

    def _char(self, event: QKeyEvent) -> str | None:
        """The character a key stands for in a scan, or None for keys that end any scan."""
        if event.isAutoRepeat() or event.modifiers() & _SHORTCUT_MODIFIERS:
            return None
        if self.keymap == "us-scancodes":
            pair = US_KEYCODES.get(event.nativeScanCode())
            if pair is not None:
                return pair[bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)]
        text = event.text()
        if len(text) == 1 and text.isprintable():
            return text
        key = event.key()
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            return chr(key)
        if Qt.Key.Key_A <= key <= Qt.Key.Key_Z:
            shifted = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            return chr(key) if shifted else chr(key).lower()
        return None

    # --- outcomes ---------------------------------------------------------------------------

    def _complete(self, enter_key: int) -> None:
        text = "".join(self._chars)
        for key, action in self._releases.items():
            if action == "hold":
                self._releases[key] = "swallow"
        self._releases[enter_key] = "swallow"
        self._held.clear()
        self._chars.clear()
        self._timer.stop()
        log.info("scan of %d characters", len(text))
        self.scanned.emit(text)
        if self._sink is not None and self._to_event is not None:
            self._sink(self._judge(text))

    def _judge(self, text: str) -> DeviceEvent:
        assert self._to_event is not None
        event = self._to_event(text, self.name)
        if isinstance(event, CardRejected) and text.swapcase() != text:
            retry = self._to_event(text.swapcase(), self.name)
            if isinstance(retry, CardPresented):
                log.info("scan read with Caps Lock on: accepted with its case swapped")
                return retry
        return event

    def _on_timeout(self) -> None:
        late = time.monotonic() - self._armed_at > 3 * self.max_gap_ms / 1000 + 0.05
        if late and self._held:
            # The GUI thread was busy: queued keys of the same scan may still be waiting.
            self._armed_at = time.monotonic()
            self._timer.start()
            return
        self._flush()

    def _flush(self) -> None:
        """Not a scan: hand the held keys on, in order, to the widgets they were meant for."""
        self._timer.stop()
        held, self._held = self._held, []
        self._chars.clear()
        for key, action in list(self._releases.items()):
            if action == "hold":
                del self._releases[key]  # its release, when it comes, goes through as usual
        self._replaying = True
        try:
            for item in held:
                QCoreApplication.sendEvent(item.receiver, item.event)
        finally:
            self._replaying = False


def wedge_from_config(config: Config, to_event: Callable[[str, str], DeviceEvent] | None,
                      parent: QObject | None = None) -> WedgeScanner | None:
    """The ``[scanner]`` keyboard wedge, or None when it is switched off. ``to_event`` is the
    shared token check (``TokenVerifier.card_event``), None when QR cards are off: scans are
    then only emitted as text (an operator screen may still read an order number)."""
    s = config.scanner
    if not s.wedge_enabled:
        return None
    return WedgeScanner(max_gap_ms=s.max_gap_ms, min_length=s.min_length, keymap=s.keymap,
                        to_event=to_event, parent=parent)
