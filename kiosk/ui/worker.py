"""One background thread for all database and printer work (Anki's pattern), results back on
the GUI thread by a queued signal. The GUI thread never waits on the disk or the printer, and
one thread means the shared SQLite connection is never used by two threads at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("kiosk.ui.worker")


class Worker(QObject):
    _finished = Signal(object, object)  # callback, result: delivered on the GUI thread

    def __init__(self) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-work")
        self._finished.connect(self._deliver)
        self.pending = 0
        self._closed = False

    def submit(self, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run ``job`` on the worker thread; ``done(result)`` runs later on the GUI thread.
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

        self._pool.submit(run)

    def _deliver(self, done: Callable[[Any], None], result: Any) -> None:
        self.pending -= 1
        if result is not None:
            done(result)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True)
