"""The worker thread: results come back on the GUI thread; after shutdown new work is dropped
instead of raising inside Qt's event loop (a screen's callback asking for a refresh while the
app closes)."""

from __future__ import annotations

from typing import Any

from kiosk.ui.worker import Worker
from tests.ui.conftest import WAIT_MS


def test_results_arrive_then_work_after_shutdown_is_dropped(qtbot: Any) -> None:
    worker = Worker()
    got: list[int] = []
    worker.submit(lambda: 41 + 1, got.append)
    qtbot.waitUntil(lambda: got == [42], timeout=WAIT_MS)
    worker.shutdown()
    ran: list[bool] = []
    done: list[None] = []
    worker.submit(lambda: ran.append(True), done.append)   # must not raise
    qtbot.wait(50)
    assert not ran and not done and got == [42] and worker.pending == 0
