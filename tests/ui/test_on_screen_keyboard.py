"""The operator screens' on-screen keyboard: Qt Virtual Keyboard as the app's input method,
its panel inside the operator layer. A donor's name is typed in pinyin and in English through
the keyboard's own input engine (what a finger on a key does), into the real restock screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, Qt
from PySide6.QtGui import QGuiApplication

from kiosk.ui.admin.restock import RestockScreen
from kiosk.ui.keyboard import OnScreenKeyboard
from tests.ui.conftest import WAIT_MS, Touchscreen
from tests.ui.test_admin_flow import gate, open_screen, sign_in_by_card


def call(keyboard: OnScreenKeyboard, name: str, *args: Any) -> Any:
    root = keyboard.rootObject()
    assert root is not None
    params = [Q_ARG("QVariant", a) for a in args]
    result = QMetaObject.invokeMethod(root, name, Q_RETURN_ARG("QVariant"), *params)
    return result.toVariant() if hasattr(result, "toVariant") else result  # a JS array


def keyboard_of(t: Touchscreen) -> OnScreenKeyboard:
    board = gate(t).panel.keyboard
    assert board is not None and board.ready, "the keyboard's QML did not load"
    return board


def type_keys(t: Touchscreen, board: OnScreenKeyboard, letters: str) -> None:
    for ch in letters:
        call(board, "tap", int(getattr(Qt.Key, f"Key_{ch.upper()}").value), ch)
    t.qtbot.wait(50)


def test_a_donor_name_typed_in_pinyin_and_english(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "restock")
    assert isinstance(screen, RestockScreen)
    board = keyboard_of(touch)
    assert not board.isVisible()   # nothing to type into yet
    touch.click(screen.new_donor)          # the "new donor" form opens
    touch.qtbot.waitUntil(screen.donor_name.isVisible, timeout=WAIT_MS)
    touch.qtbot.mouseClick(screen.donor_name, Qt.MouseButton.LeftButton)  # a finger on it
    touch.qtbot.waitUntil(board.isVisible, timeout=WAIT_MS)
    assert QGuiApplication.inputMethod().isVisible()
    assert board.height() >= 240
    # Chinese (the screen's language): "ni" gives candidates, choosing one commits it.
    type_keys(touch, board, "ni")
    touch.qtbot.waitUntil(lambda: "你" in (call(board, "candidates") or []), timeout=WAIT_MS)
    call(board, "choose", list(call(board, "candidates")).index("你"))
    touch.qtbot.waitUntil(lambda: screen.donor_name.text() == "你", timeout=WAIT_MS)
    # English after the language toggle: letters go straight in.
    assert touch.kiosk.window is not None
    touch.kiosk.window.language.set("en")
    touch.qtbot.waitUntil(lambda: board.rootObject().property("locale") == "en_US",
                          timeout=WAIT_MS)
    screen.donor_name.clear()
    screen.donor_name.setFocus()
    type_keys(touch, board, "hi")
    touch.qtbot.waitUntil(lambda: screen.donor_name.text() == "hi", timeout=WAIT_MS)
    # A field low on the screen: the keyboard moves to the top edge, the field stays in sight.
    panel = gate(touch).panel
    touch.qtbot.mouseClick(screen.note, Qt.MouseButton.LeftButton)
    note_top = screen.note.mapTo(panel, screen.note.rect().topLeft()).y()
    if note_top + screen.note.height() > panel.height() - board.height():
        touch.qtbot.waitUntil(lambda: board.isVisible() and board.y() == 0, timeout=WAIT_MS)
        assert note_top >= board.height()
    else:   # a tall screen: nothing to dodge
        assert board.y() + board.height() == panel.height()
    # Focus leaves the text fields: the keyboard goes away.
    screen.donor_name.setFocus()
    screen.donor_name.clearFocus()
    touch.qtbot.waitUntil(lambda: not board.isVisible(), timeout=WAIT_MS)
