"""Carries device events from adapter threads to the GUI thread.

Adapters call the bridge (an ``EventSink``) on their own threads; emitting a Qt signal from a
non-GUI thread to a receiver living in the GUI thread is delivered as a queued call, so slots
run on the GUI thread and never touch a widget from elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk.core.devices import DeviceEvent


class DeviceBridge(QObject):
    # A kiosk.core.devices.DeviceEvent. (Not named `event`: that would hide QObject.event(),
    # through which Qt delivers the bridge's own events, e.g. DeferredDelete.)
    device_event = Signal(object)

    def __call__(self, event: DeviceEvent) -> None:
        self.device_event.emit(event)
