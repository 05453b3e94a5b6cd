"""The door to the operator's side, as Qt sees it: the screens, the long press, the watch for
touches. Where each card tap goes is decided in :mod:`kiosk.core.operator_gate`; this only
does what it says (shows the operator screens, hands a tap to the visit or to the screen
showing, runs the operator-card check off the GUI thread).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from kiosk.core.devices import DeviceEvent
from kiosk.core.operator_gate import (
    CheckOperatorCard,
    Ignored,
    OperatorGate,
    RefusedOnOperatorSide,
    Route,
    SignedIn,
    ToOperatorScreen,
    ToVisit,
)
from kiosk.core.operators import Operator
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
from kiosk.ui.controller import SessionController
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
        self.clock = window.clock
        self.door = OperatorGate(controller.flow, timedelta(seconds=idle_seconds))
        ctx = AdminContext(language=window.language, metrics=window.ctx.metrics, runner=runner,
                           work=work, printing=printing, clock=window.clock,
                           operator=lambda: self.door.operator)
        screens: dict[str, AdminScreen] = {
            "restock": RestockScreen(ctx), "count": CountScreen(ctx),
            "catalogue": CatalogueAdminScreen(ctx),
            "orders": OrdersScreen(ctx), "cards": CardsScreen(ctx),
            "reports": ReportsScreen(ctx, export_dir), "audit": AuditScreen(ctx),
            "health": HealthScreen(ctx, self.door.devices)}
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

    @property
    def operator(self) -> Operator | None:
        return self.door.operator

    @property
    def last_activity(self) -> datetime | None:
        return self.door.last_touch

    # -- ways in ---------------------------------------------------------------------------------

    def _attach(self) -> None:
        """Watch the shop name on the (possibly rebuilt) start screen; keep covering."""
        self.window.idle.shop.installEventFilter(self)
        if self.panel.isVisible():
            self.panel.cover()

    def open_pin_pad(self) -> None:
        if self.door.open_pin_pad(self.clock.now()):
            self._watch(True)
            self.panel.show_pin_pad()

    def sign_in(self, operator: Operator) -> None:
        """Signed in with the PIN pad."""
        self._signed_in(self.door.sign_in(operator, self.clock.now()))

    def _signed_in(self, route: SignedIn) -> None:
        self._watch(True)
        self.panel.show_shell()
        self.signed_in.emit(route.operator)

    def sign_out(self) -> None:
        was_in = self.door.operator is not None
        self.close()
        if was_in:
            self.signed_out.emit()

    def close(self) -> None:
        self.door.close()
        self._watch(False)
        self.panel.hide()

    def _watch(self, on: bool) -> None:
        """Count any press anywhere as activity while the operator side is open."""
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            if on:
                app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in ACTIVITY:
            self.door.touched(self.clock.now())
        if watched is self.window.idle.shop:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
                self.press.start()
            elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                          QEvent.Type.TouchCancel, QEvent.Type.Leave):
                self.press.stop()
        return False

    def _tick(self) -> None:
        if self.door.idle_out(self.clock.now()):
            self.sign_out()

    # -- devices ---------------------------------------------------------------------------------

    def on_device_event(self, event: DeviceEvent) -> None:
        for route in self.door.route(event):
            self._follow(route)

    def _follow(self, route: Route) -> None:
        """Do what the core decided for one event."""
        if isinstance(route, ToVisit):
            self.controller.on_device_event(route.event)
        elif isinstance(route, CheckOperatorCard):
            self._check_card(route)
        elif isinstance(route, SignedIn):
            self._signed_in(route)
        elif isinstance(route, ToOperatorScreen):
            screen = self.panel.showing()
            if screen is not None:
                screen.presented(route.card)
        elif isinstance(route, RefusedOnOperatorSide):
            self.controller.note_alert(route.event)   # a forged card is news here too
            screen = self.panel.showing()
            if screen is not None:
                screen.refused(route.event.error)
        else:
            assert isinstance(route, Ignored)

    def _check_card(self, check: CheckOperatorCard) -> None:
        def done(outcome: Outcome[Operator | None]) -> None:
            operator = outcome.value if isinstance(outcome, Done) else None
            for route in self.door.checked(operator, self.clock.now()):
                self._follow(route)
        self.runner.run(lambda: self.work.operator_card(check.card), done)

    def on_scanned(self, text: str) -> None:
        """A keyboard-wedge scan (item barcode, receipt QR) for the operator screen showing."""
        screen = self.panel.showing()
        if screen is not None:
            screen.scanned(text)
