"""The kiosk window: top bar, one screen at a time, the countdown overlay and (demo only) the
demo panel. It only draws :class:`FlowState`; decisions live in the session flow."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QHBoxLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.clock import Clock
from kiosk.core.session_flow import FlowState, Screen
from kiosk.ui.chrome import OtherCard, StillThere, TopBar
from kiosk.ui.controller import SessionController
from kiosk.ui.fonts import chinese_font_family
from kiosk.ui.i18n import Language
from kiosk.ui.screens.balance import BalanceScreen
from kiosk.ui.screens.cart import CartScreen
from kiosk.ui.screens.catalogue import CatalogueScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.records import RecordsScreen
from kiosk.ui.screens.refused import RefusedScreen
from kiosk.ui.theme import DEFAULT_DIAGONAL, metrics, panel_dpi, stylesheet
from kiosk.ui.widgets import Screen as ScreenWidget
from kiosk.ui.widgets import ShopFront, UiContext, kinetic_scroll_area


class KioskWindow(QWidget):
    rebuilt = Signal()  # screens built again (text size, panel size): layers re-attach

    def __init__(self, controller: SessionController, language: Language, shop_name: str,
                 clock: Clock,
                 *, large_text: bool = False, side_panel: QWidget | None = None,
                 size: QSize | None = None, diagonal: float = DEFAULT_DIAGONAL,
                 front: ShopFront | None = None) -> None:
        super().__init__()
        self.setObjectName("KioskWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.controller = controller
        self.clock = clock
        self.language = language
        self.shop_name = shop_name
        self.default_large = large_text
        self.large_text = large_text
        self.diagonal = diagonal
        self.front = front or ShopFront()
        self.font_family = chinese_font_family()
        self.side_panel = side_panel
        self.body: QWidget | None = None
        screen = QGuiApplication.primaryScreen()
        self.target = size or (screen.size() if screen is not None else QSize(1920, 1080))
        self.setFixedSize(self.target)  # layouts must fit the panel, never grow past it
        self.screens: dict[Screen, ScreenWidget] = {}
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.outer = outer
        self._build()
        if side_panel is not None:
            outer.addWidget(side_panel)
        controller.changed.connect(self.show_state)
        controller.ticked.connect(self._tick)
        controller.featured.connect(self._featured)
        controller.session_ended.connect(self._reset_preferences)
        language.changed.connect(lambda _code: self.show_state(controller.state))

    # -- building (again when the text size changes) -------------------------------------------

    def _build(self) -> None:
        panel = self.side_panel.sizeHint().width() if self.side_panel else 0
        dpi = panel_dpi(self.target.width(), self.target.height(), self.diagonal)
        m = metrics(self.target.width() - panel, self.target.height(), self.large_text, dpi)
        self.ctx = UiContext(language=self.language, metrics=m, shop_name=self.shop_name,
                             send=self.controller.press, front=self.front)
        self.setStyleSheet(stylesheet(m, self.font_family))
        if self.body is not None:
            self.outer.removeWidget(self.body)
            self.body.deleteLater()
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.top = TopBar(self.ctx)
        self.top.language_clicked.connect(self.language.toggle)
        self.top.large_text_clicked.connect(self.toggle_large_text)
        self.top.speaker_clicked.connect(self.toggle_reading)
        column.addWidget(self.top)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        idle = IdleScreen(self.ctx)
        balance = BalanceScreen(self.ctx)
        confirm = ConfirmScreen(self.ctx)
        refused = RefusedScreen(self.ctx)
        self.screens = {Screen.IDLE: idle, Screen.LOOKING_UP: idle, Screen.BALANCE: balance,
                        Screen.CATALOGUE: CatalogueScreen(self.ctx),
                        Screen.CART: CartScreen(self.ctx), Screen.CONFIRM: confirm,
                        Screen.CHECKING_OUT: confirm, Screen.DONE: DoneScreen(self.ctx),
                        Screen.REFUSED: refused, Screen.RECORDS: RecordsScreen(self.ctx)}
        self.pages: dict[ScreenWidget, QScrollArea] = {}
        for screen in dict.fromkeys(self.screens.values()):
            # A safety net: with large text on a small panel a screen scrolls, never clips.
            page = kinetic_scroll_area(screen, frameless=True)
            self.pages[screen] = page
            self.stack.addWidget(page)
        self.question = OtherCard(self.ctx, body)
        self.overlay = StillThere(self.ctx, body)
        # Presses that reach no button (on a background, while scrolling, on the countdown)
        # still count as activity; buttons send their own events.
        for area in body.findChildren(QAbstractScrollArea):
            area.viewport().installEventFilter(self.controller)
        for widget in (self.overlay, self.question, self.top):
            widget.installEventFilter(self.controller)
        self.outer.insertWidget(0, body, 1)
        self.body = body
        self.idle = idle

    def toggle_large_text(self) -> None:
        self.large_text = not self.large_text
        self.rebuild()

    def rebuild(self) -> None:
        """Build the screens again for a new text size or panel size, keeping the state."""
        entries = list(self.idle._shelf)
        self._build()
        self.idle.set_featured(entries)
        self.show_state(self.controller.state)
        self.rebuilt.emit()

    reading = False      # the volunteer asked for everything to be read aloud, this visit
    reading_changed = Signal(bool)

    def toggle_reading(self) -> None:
        self.reading = not self.reading
        self.reading_changed.emit(self.reading)
        self.show_state(self.controller.state)

    def _reset_preferences(self) -> None:
        """A visit is over: the next person starts in the shop's language and text size, and
        nothing of theirs is read aloud unless they ask."""
        self.language.set(self.initial_language)
        if self.large_text != self.default_large:
            self.toggle_large_text()
        if self.reading:
            self.toggle_reading()

    initial_language = "zh_CN"

    # -- drawing ---------------------------------------------------------------------------------

    def show_state(self, state: FlowState) -> None:
        screen = self.screens[state.screen]
        screen.show_state(state)
        page = self.pages[screen]
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
        self.top.show_state(self.large_text, self.reading)
        self.question.show_state(state)
        self.overlay.show_state(state, self.clock.now())

    def _tick(self) -> None:
        if self.controller.state.warning_until is not None:
            self.overlay.show_state(self.controller.state, self.clock.now())

    def _featured(self, entries: list[CatalogueEntry]) -> None:
        self.idle.set_featured(entries)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for layer in (self.question, self.overlay):
            if layer.isVisible() and self.body is not None:
                layer.setGeometry(self.body.rect())

    def closeEvent(self, event: QCloseEvent) -> None:
        """In full-screen kiosk mode nothing a volunteer does (Alt+F4) closes the window;
        the session manager or an operator stops the service."""
        if self.locked:
            event.ignore()
        else:
            super().closeEvent(event)

    locked = False

    def show_kiosk(self, fullscreen: bool, hide_cursor: bool) -> None:
        """Cover the screen. ``showFullScreen`` alone leaves the window small under a bare X
        server with no window manager, so the geometry is set to the screen's first."""
        screen = QGuiApplication.primaryScreen()
        if fullscreen and screen is not None:
            if screen.size() != self.target:  # laid out for another size: lay out again
                self.target = screen.size()
                self.setFixedSize(self.target)
                self.rebuild()
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setGeometry(screen.geometry())
            self.showFullScreen()
            self.locked = True
        else:
            self.show()
        if hide_cursor:
            QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
