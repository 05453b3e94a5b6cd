"""The operator's side as one layer over the kiosk window: the PIN pad, or (signed in) a row
of screen buttons on the left, the chosen screen, and who is signed in with a sign-out button.
It covers the volunteer screens completely while it is open."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.admin.base import AdminContext, AdminScreen, clicked
from kiosk.ui.admin.pin_pad import PinPadScreen
from kiosk.ui.keyboard import OnScreenKeyboard, input_method_enabled
from kiosk.ui.theme import PAPER, Metrics
from kiosk.ui.widgets import ASSETS, button, cover_parent, kinetic_scroll_area, label


def roomy(screen: QWidget, m: Metrics) -> None:
    """8 mm between any two things a finger can press (MIIT), on every operator screen:
    every layout's spacing is raised to it (lists get theirs from touch_list)."""
    for layout in screen.findChildren(QLayout):
        if isinstance(layout, QGridLayout):
            layout.setHorizontalSpacing(max(layout.horizontalSpacing(), m.gap))
            layout.setVerticalSpacing(max(layout.verticalSpacing(), m.gap))
        else:
            layout.setSpacing(max(layout.spacing(), m.gap))
    top = screen.layout()
    if top is not None:  # room from the column of screen buttons beside it, too
        margins = top.contentsMargins()
        top.setContentsMargins(max(margins.left(), m.gap), margins.top(), margins.right(),
                               margins.bottom())


class AdminPanel(QFrame):
    sign_out_clicked = Signal()

    def __init__(self, ctx: AdminContext, screens: dict[str, AdminScreen],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx
        m = ctx.metrics
        self.pin_pad = PinPadScreen(ctx)
        roomy(self.pin_pad, ctx.metrics)
        self.screens = screens
        self.setStyleSheet(f"#AdminPanel {{ background: {PAPER}; }}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        header = self._header(m)
        outer.addWidget(header)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)
        self.keyboard: OnScreenKeyboard | None = None
        self.pin_page = kinetic_scroll_area(self.pin_pad, frameless=True)
        self.pages.addWidget(self.pin_page)
        shell = self._shell(screens, m)
        self.pages.addWidget(shell)
        self.shell = shell
        self.current = next(iter(screens))
        ctx.language.changed.connect(lambda _code: self.retranslate())
        self.retranslate()
        self.hide()

    def _header(self, m: Metrics) -> QFrame:
        """Who is signed in, and the sign-out button."""
        header = QFrame()
        header.setObjectName("TopBar")  # the volunteer screens' red bar, same look
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        header.setMinimumHeight(m.touch + m.unit // 2)  # same height with or without sign-out
        top = QHBoxLayout(header)
        top.setContentsMargins(m.unit, m.unit // 4, m.unit // 2, m.unit // 4)
        self.who = label()
        self.sign_out = button()
        self.sign_out.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        clicked(self.sign_out, self.sign_out_clicked.emit)
        top.addWidget(self.who, 1)
        top.addWidget(self.sign_out)
        return header

    def _shell(self, screens: dict[str, AdminScreen], m: Metrics) -> QWidget:
        """The screen buttons on the left and the chosen screen beside them."""
        shell = QWidget()
        body = QHBoxLayout(shell)
        # 8 mm under the header's sign-out button, the header's own margin included.
        body.setContentsMargins(m.unit, m.gap - m.unit // 4 + 1, m.unit // 2, m.unit // 2)
        body.setSpacing(m.gap)
        nav = QVBoxLayout()
        nav.setSpacing(m.gap)
        self.nav: dict[str, QPushButton] = {}
        self.stack = QStackedWidget()
        self.areas: dict[str, QWidget] = {}
        for key, screen in screens.items():
            b = button(role="tab")
            b.setCheckable(True)
            clicked(b, partial(self.open, key))
            nav.addWidget(b)
            self.nav[key] = b
            roomy(screen, m)
            # A small panel with large text: a screen scrolls under a finger, never squeezes
            # a field or cuts a caption.
            area = kinetic_scroll_area(screen, frameless=True)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            self.areas[key] = area
            self.stack.addWidget(area)
        nav.addStretch(1)
        column = QWidget()
        column.setLayout(nav)
        # Ten screen buttons 8 mm apart need more height than a small panel has: they scroll.
        self.nav_area = kinetic_scroll_area(column, frameless=True)
        body.addWidget(self.nav_area, 1)
        body.addWidget(self.stack, 7)
        return shell

    def retranslate(self) -> None:
        self.pin_pad.retranslate()
        for key, screen in self.screens.items():
            screen.retranslate()
            self.nav[key].setText(screen.title())
        # No button narrower than its words (English is longer): a narrow panel scrolls the
        # screen sideways rather than cut a label.
        pad = self.ctx.metrics.unit * 2
        for screen in (self.pin_pad, *self.screens.values()):
            for b in screen.findChildren(QPushButton):
                if b.text():
                    b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + pad)
        # The screen buttons as wide as their longest label (English is longer).
        widest = max(b.fontMetrics().horizontalAdvance(b.text()) for b in self.nav.values())
        m = self.ctx.metrics
        for b in self.nav.values():
            b.setMinimumWidth(widest + m.unit * 2)
        bar = self.nav_area.verticalScrollBar().sizeHint().width()
        self.nav_area.setMinimumWidth(widest + m.unit * 2 + bar + m.unit // 2)
        self.sign_out.setText(self.tr("Sign out"))
        op = self.ctx.operator()
        self.who.setText(self.pin_pad.title() if op is None
                         else self.tr("Operator: %1").replace("%1", op.name))
        self.sign_out.setVisible(op is not None)
        if self.keyboard is not None:
            self.keyboard.set_language(self.ctx.language.code)

    def _ensure_keyboard(self) -> None:
        """The on-screen keyboard under the screens, made when first needed (QtQuick costs
        start-up time and memory the volunteer screens never need)."""
        if self.keyboard is not None or not input_method_enabled() or \
                not self.ctx.work.services.config.ui.on_screen_keyboard:
            return
        self.keyboard = OnScreenKeyboard(ASSETS / "ui" / "keyboard.qml", self)

    def cover(self) -> None:
        """Over the whole of the screen under it, on top."""
        cover_parent(self)

    def show_pin_pad(self) -> None:
        self.retranslate()
        self.pin_pad.refresh()
        self.pages.setCurrentWidget(self.pin_page)
        self.cover()

    def show_shell(self) -> None:
        self._ensure_keyboard()
        self.retranslate()
        self.pages.setCurrentWidget(self.shell)
        self.cover()
        self.open(self.current)

    def open(self, key: str) -> None:
        self.current = key
        for k, b in self.nav.items():
            b.setChecked(k == key)
        screen = self.screens[key]
        self.stack.setCurrentWidget(self.areas[key])
        screen.refresh()

    def showing(self) -> AdminScreen | None:
        """The operator screen showing now (None on the PIN pad or when closed)."""
        if not self.isVisible() or self.pages.currentWidget() is not self.shell:
            return None
        return self.screens[self.current]
