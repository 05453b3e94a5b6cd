"""Connects the session flow to the world: device events and touches in, effects out to the
worker threads (the database's, then the printer's for a receipt), results back in, and
every new state out to the window."""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.devices import (
    CardPresented,
    CardRejected,
    CardRemoved,
    DeviceEvent,
    DeviceFound,
    DeviceLost,
    presented_card,
)
from kiosk.core.errors import CardAlert
from kiosk.core.printing import PrintOutcome
from kiosk.core.session_flow import (
    CardLifted,
    CardTapped,
    CardUnusable,
    Event,
    FlowState,
    Notice,
    Screen,
    SessionFlow,
    Tick,
    Touch,
)
from kiosk.operations.session_work import PrintStep, SessionWork
from kiosk.ui.worker import PRINTER, Worker

log = logging.getLogger("kiosk.ui.controller")

TICK_MS = 250


class SessionController(QObject):
    changed = Signal(object)     # FlowState, after every change
    ticked = Signal()            # for countdown texts
    featured = Signal(object)    # list[CatalogueEntry] for the idle screen
    session_ended = Signal()     # a visit is over: the window resets language and text size

    def __init__(self, flow: SessionFlow, work: SessionWork, worker: Worker) -> None:
        super().__init__()
        self.flow = flow
        self.work = work
        self.worker = worker
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    @property
    def state(self) -> FlowState:
        return self.flow.state

    def send(self, event: Event) -> None:
        """An event from the kiosk itself (a device, a result, the clock)."""
        self._moved(self.flow.state, self.flow.handle(event))

    def press(self, event: Event) -> None:
        """An event from a finger on a button: the flow ignores it right after the screen
        changed (see :meth:`SessionFlow.press`)."""
        self._moved(self.flow.state, self.flow.press(event))

    def _moved(self, before: FlowState, state: FlowState) -> None:
        for effect in state.effects:
            self.worker.submit(partial(self.work.begin, effect), self._began)
        if state != before:
            if _visit_ended(before, state):
                self.session_ended.emit()
                self.refresh_featured()
            self.changed.emit(state)

    def _began(self, result: Event | PrintStep) -> None:
        """An effect's database part is done: its event, or its receipt for the printer's
        thread, whose outcome goes back to the database thread to be recorded."""
        if not isinstance(result, PrintStep):
            self.send(result)
            return

        def printed(outcome: PrintOutcome) -> None:
            self.worker.submit(partial(result.finish, outcome), self.send)
        self.worker.submit(partial(self.work.send_to_printer, result), printed, lane=PRINTER)

    def refresh_featured(self) -> None:
        def show(entries: list[CatalogueEntry]) -> None:
            self.featured.emit(entries)
        self.worker.submit(self.work.featured, show)

    def on_device_event(self, event: DeviceEvent) -> None:
        if isinstance(event, CardPresented):
            self.send(CardTapped(presented_card(event)))
        elif isinstance(event, CardRemoved):
            self.send(CardLifted())
        elif isinstance(event, CardRejected):
            self.note_alert(event)
            self.send(CardUnusable(Notice.of(event.error)))
        elif isinstance(event, DeviceLost):
            log.warning("device %s lost: %s", event.source, event.reason)
        elif isinstance(event, DeviceFound):
            log.info("device %s ready", event.source)
        if isinstance(event, (DeviceFound, DeviceLost)):   # for the heartbeat (device_status)
            self.worker.submit(partial(self.work.device_changed, event), lambda _: None)

    def note_alert(self, event: CardRejected) -> None:
        """A forged or copied card (a failed SUN check): keep and push it, on the worker."""
        if isinstance(event.error, CardAlert):
            alert, source = event.error, event.source
            self.worker.submit(lambda: self.work.card_alert(alert, source), lambda _: None)

    def _tick(self) -> None:
        self.send(Tick())
        self.ticked.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Installed on the screens' backgrounds and scroll areas (window.py): a press there
        is activity even when it is no button (scrolling the shelves, reading)."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.send(Touch())
        return False


def _visit_ended(before: FlowState, state: FlowState) -> bool:
    """Back to the start screen, or someone's visit handed to the next card (from the
    success screen, or "use the new card"): the next person starts afresh."""
    if state.screen == Screen.IDLE:
        return before.screen != Screen.IDLE
    return before.holder is not None and state.serial != before.serial \
        and state.screen == Screen.LOOKING_UP
