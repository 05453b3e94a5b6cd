"""Device events raised on an adapter's own thread reach their slot on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Slot
from pytestqt.qtbot import QtBot

from kiosk.core.devices import CardPresented, DeviceEvent
from kiosk.hardware.simulated import SimulatedCardReader
from kiosk.ui.device_bridge import DeviceBridge


class Screen(QObject):
    """Stands for the controller: a QObject living on the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[tuple[DeviceEvent, threading.Thread]] = []

    @Slot(object)
    def on_device_event(self, event: DeviceEvent) -> None:
        self.received.append((event, threading.current_thread()))


def test_events_from_another_thread_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    bridge, screen = DeviceBridge(), Screen()
    received = screen.received
    bridge.device_event.connect(screen.on_device_event)
    reader = SimulatedCardReader("reader on a thread")
    reader.start(bridge)
    worker = threading.Thread(target=reader.present, args=("04A1B2C3D4E5F6",))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(received) == 2, timeout=5000)  # DeviceFound, CardPresented
    event, thread = received[1]
    assert event == CardPresented(kind="nfc", card_id="04A1B2C3D4E5F6",
                                  source="reader on a thread")
    assert thread is threading.main_thread()
    assert worker is not threading.main_thread()
