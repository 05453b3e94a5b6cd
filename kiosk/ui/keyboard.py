"""The on-screen keyboard for the operator screens (donor names, notes, card numbers).

Qt Virtual Keyboard does the work: English and pinyin (Chinese names need an input method,
not just keys), with its own candidate list. It runs as the application's input method
(``QT_IM_MODULE=qtvirtualkeyboard``, set before the QApplication exists) with the desktop
window switched off, and its panel lives inside the operator layer in a QQuickWidget, so the
kiosk stays one window (cage shows one). The panel appears while a text field has focus.

It floats over the screen instead of squeezing it (the operator screens need their height):
along the bottom third, or along the top when the field being typed into is down there, so
the field is always in sight.

Hardware keys are not taken by it: a USB keyboard and the keyboard-wedge scanner type as
before. The volunteer screens have no text fields, so volunteers never see it; the QtQuick
side is only loaded when an operator screen first opens.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger("kiosk.ui.keyboard")

IM_MODULE = "qtvirtualkeyboard"
LOCALES = {"zh_CN": "zh_CN", "en": "en_US"}


def enable_input_method() -> None:
    """Route text input through the virtual keyboard; call before the QApplication exists
    (Qt reads these once). An input method chosen by the environment is left alone."""
    os.environ.setdefault("QT_IM_MODULE", IM_MODULE)
    os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")


def input_method_enabled() -> bool:
    return os.environ.get("QT_IM_MODULE") == IM_MODULE


class OnScreenKeyboard(QQuickWidget):
    """The keyboard panel; shown while the input method is visible (a text field has focus)."""

    def __init__(self, qml: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        self.setSource(QUrl.fromLocalFile(str(qml)))
        self.ready = self.status() == QQuickWidget.Status.Ready
        if not self.ready:
            log.error("on-screen keyboard not available: %s",
                      "; ".join(e.toString() for e in self.errors()))
        self.hide()
        QGuiApplication.inputMethod().visibleChanged.connect(self.follow)
        app = QApplication.instance()
        if isinstance(app, QApplication):   # another field: maybe the other edge
            app.focusChanged.connect(self._focus_moved)

    def follow(self) -> None:
        """Show with the input method, over the third of the layer away from the field."""
        visible = self.ready and QGuiApplication.inputMethod().isVisible()
        layer = self.parentWidget()
        if visible and layer is not None:
            height = max(240, layer.height() // 3)
            top = layer.height() - height
            field = QApplication.focusWidget()
            if field is not None and layer.isAncestorOf(field) and \
                    field.mapTo(layer, field.rect().bottomLeft()).y() > top:
                top = 0   # the field is where the keyboard would be: dock at the top
            self.setGeometry(0, top, layer.width(), height)
            self.raise_()
        self.setVisible(visible)

    def _focus_moved(self, _old: QWidget | None, _new: QWidget | None) -> None:
        # A bound slot (not a lambda): Qt drops the connection when this widget is deleted.
        self.follow()

    def set_language(self, code: str) -> None:
        root = self.rootObject()
        if root is not None:
            root.setProperty("locale", LOCALES.get(code, "en_US"))
