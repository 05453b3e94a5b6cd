"""Background threads, results back on the GUI thread by a queued signal (Anki's pattern).

One thread for all database work, so the shared SQLite connection is never used by two
threads at once; and one thread of its own for each device that can stall (the printer waits
up to its timeout), the way Electrum runs every hardware-wallet call on its own thread. A
printer stuck on one volunteer's receipt then holds no other volunteer's sale behind it. The
GUI thread never waits on the disk or a device.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("kiosk.ui.worker")

DATABASE = "database"
PRINTER = "printer"

R = TypeVar("R")


class Worker(QObject):
    _finished = Signal(object, object)  # callback, result: delivered on the GUI thread

    def __init__(self, devices: Iterable[str] = ()) -> None:
        """One thread for the database and one for each of ``devices`` (a lane each)."""
        super().__init__()
        self._lanes = {lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kiosk-{lane}")
                       for lane in (DATABASE, *devices)}
        self._finished.connect(self._deliver)
        self.pending = 0   # jobs of every lane not yet delivered (tests and demo runs wait on it)
        self._closed = False

    def submit(self, job: Callable[[], R], done: Callable[[R], None], *,
               lane: str = DATABASE) -> None:
        """Run ``job`` on ``lane``'s thread; ``done(result)`` runs later on the GUI thread.
        ``job`` must not raise (the session work turns every failure into an event). After
        :meth:`shutdown` (the app is closing) new work is dropped: a screen's callback that
        asks for more, e.g. a refresh after a print, must not raise inside Qt's event loop."""
        if self._closed:
            log.debug("worker closed: dropped a job")
            return
        self.pending += 1

        def run() -> None:
            try:
                result = job()
            except Exception:  # a bug: log it, never lose the GUI thread's bookkeeping
                log.exception("background job failed")
                result = None
            self._finished.emit(done, result)

        self._lanes[lane].submit(run)

    def _deliver(self, done: Callable[[Any], None], result: Any) -> None:
        # Counted down after ``done``: work it hands on to another lane (a receipt to print
        # once the sale committed) is counted before this job stops being.
        try:
            if result is not None:
                done(result)
        finally:
            self.pending -= 1

    def shutdown(self) -> None:
        self._closed = True
        for pool in self._lanes.values():
            pool.shutdown(wait=True)
