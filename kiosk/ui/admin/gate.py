"""The door to the operator's side, and who is inside.

Ways in, and only these: an operator card tapped on the start screen, or a long press (3 s) on
the shop's name, which opens the PIN pad. A volunteer's card never opens anything here: while
the start screen shows, each tapped card is first checked for the operator flag on the worker
thread, and any other card goes on to the volunteer screens exactly as before (device events
arriving meanwhile are held and replayed in order). While an operator is signed in, taps and
scans go to the operator screen that shows, never to the volunteer flow. With no touch for the
configured time the operator is signed out (timed by the injected clock, through the
controller's tick).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from kiosk.core.devices import CardPresented, CardRejected, DeviceEvent, DeviceFound, DeviceLost
from kiosk.core.operators import Operator
from kiosk.core.session_flow import Screen
from kiosk.operations.operator_printing import OperatorPrinting
from kiosk.operations.operator_work import OperatorWork
from kiosk.operations.outcome import Done, Outcome
from kiosk.ui.admin.audit_log import AuditScreen
from kiosk.ui.admin.base import AdminContext, AdminScreen
from kiosk.ui.admin.cards import CardsScreen
from kiosk.ui.admin.catalogue import CatalogueAdminScreen
from kiosk.ui.admin.count import CountScreen
from kiosk.ui.admin.health import HealthScreen
from kiosk.ui.admin.orders import OrdersScreen
from kiosk.ui.admin.panel import AdminPanel
from kiosk.ui.admin.reports import ReportsScreen
from kiosk.ui.admin.restock import RestockScreen
from kiosk.ui.controller import SessionController, presented_card
from kiosk.ui.runner import OpRunner
from kiosk.ui.window import KioskWindow

LONG_PRESS_MS = 3000  # long enough that no volunteer does it by accident
ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class AdminGate(QObject):
    signed_in = Signal(object)  # Operator
    signed_out = Signal()

    def __init__(self, window: KioskWindow, controller: SessionController, runner: OpRunner,
                 work: OperatorWork, printing: OperatorPrinting, *, idle_seconds: int,
                 export_dir: Path) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.runner = runner
        self.work = work
        self.idle = timedelta(seconds=idle_seconds)
        self.clock = window.clock
        self.operator: Operator | None = None
        self.last_activity: datetime | None = None
        self.devices: dict[str, bool] = {}
        self._held: list[DeviceEvent] | None = None
        ctx = AdminContext(language=window.language, metrics=window.ctx.metrics, runner=runner,
                           work=work, printing=printing, clock=window.clock,
                           operator=lambda: self.operator)
        screens: dict[str, AdminScreen] = {
            "restock": RestockScreen(ctx), "count": CountScreen(ctx),
            "catalogue": CatalogueAdminScreen(ctx),
            "orders": OrdersScreen(ctx), "cards": CardsScreen(ctx),
            "reports": ReportsScreen(ctx, export_dir), "audit": AuditScreen(ctx),
            "health": HealthScreen(ctx, self.devices)}
        self.panel = AdminPanel(ctx, screens, window)
        self.panel.pin_pad.signed_in.connect(self.sign_in)
        self.panel.pin_pad.cancelled.connect(self.close)
        self.panel.sign_out_clicked.connect(self.sign_out)
        self.press = QTimer(self)
        self.press.setSingleShot(True)
        self.press.setInterval(LONG_PRESS_MS)
        self.press.timeout.connect(self.open_pin_pad)
        window.rebuilt.connect(self._attach)
        controller.ticked.connect(self._tick)
        self._attach()

    # -- ways in ---------------------------------------------------------------------------------

    def _attach(self) -> None:
        """Watch the shop name on the (possibly rebuilt) start screen; keep covering."""
        self.window.idle.shop.installEventFilter(self)
        if self.panel.isVisible():
            self.panel.cover()

    def open_pin_pad(self) -> None:
        if self.controller.state.screen != Screen.IDLE or self.panel.isVisible():
            return
        self._watch(True)
        self.panel.show_pin_pad()

    def sign_in(self, operator: Operator) -> None:
        self.operator = operator
        self._watch(True)
        self.panel.show_shell()
        self.signed_in.emit(operator)

    def sign_out(self) -> None:
        was_in = self.operator is not None
        self.operator = None
        self.close()
        if was_in:
            self.signed_out.emit()

    def close(self) -> None:
        self._watch(False)
        self.operator = None
        self.panel.hide()

    def _watch(self, on: bool) -> None:
        """Count any press anywhere as activity while the operator side is open."""
        app = QCoreApplication.instance()
        self.last_activity = self.clock.now()
        if app is not None:
            app.removeEventFilter(self)
            if on:
                app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.panel.isVisible() and kind in ACTIVITY:
            self.last_activity = self.clock.now()
        if watched is self.window.idle.shop:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
                self.press.start()
            elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                          QEvent.Type.TouchCancel, QEvent.Type.Leave):
                self.press.stop()
        return False

    def _tick(self) -> None:
        if not self.panel.isVisible() or self.last_activity is None:
            return
        now = self.clock.now()
        # A clock that went back counts the idle time from now, or the screens would stay
        # open until it caught up again.
        self.last_activity = min(self.last_activity, now)
        if now - self.last_activity >= self.idle:
            self.sign_out()

    # -- devices ---------------------------------------------------------------------------------

    def on_device_event(self, event: DeviceEvent) -> None:
        if self._held is not None:  # an operator-card check is on its way: keep the order
            self._held.append(event)
            return
        if isinstance(event, DeviceFound | DeviceLost):
            self.devices[event.source] = isinstance(event, DeviceFound)
            self.controller.on_device_event(event)
            return
        if self.panel.isVisible():
            screen = self.panel.showing()
            if isinstance(event, CardPresented):
                if screen is not None:
                    screen.presented(presented_card(event))
                else:  # on the PIN pad: an operator card signs in too
                    self._check_card(event, forward=False)
            elif isinstance(event, CardRejected):
                self.controller.note_alert(event)   # a forged card is news here too
                if screen is not None:
                    screen.refused(event.error)
            return  # nothing reaches the volunteer flow while the operator side is open
        if isinstance(event, CardPresented) and self.controller.state.screen == Screen.IDLE:
            self._check_card(event, forward=True)
            return
        self.controller.on_device_event(event)

    def _check_card(self, event: CardPresented, *, forward: bool) -> None:
        self._held = []
        card = presented_card(event)

        def done(outcome: Outcome[Operator | None]) -> None:
            held, self._held = self._held or [], None
            if isinstance(outcome, Done) and outcome.value is not None:
                self.sign_in(outcome.value)
            elif forward:
                self.controller.on_device_event(event)
            for later in held:
                self.on_device_event(later)
        self.runner.run(lambda: self.work.operator_card(card), done)

    def on_scanned(self, text: str) -> None:
        """A keyboard-wedge scan (item barcode, receipt QR) for the operator screen showing."""
        screen = self.panel.showing()
        if screen is not None:
            screen.scanned(text)
