"""The one way a screen runs an operation off the GUI thread and gets its typed outcome back.

Like Anki's ``QueryOp[T]``: an operation (:mod:`kiosk.operations`) runs on the database
thread inside :func:`~kiosk.operations.outcome.attempt`, and its ``Done[T]`` or ``Refused``
comes back on the GUI thread, so mypy checks what each screen does with ``T``. A
:class:`~kiosk.operations.outcome.DeviceOp` goes database thread, the device's own thread,
database thread, each step only after the one before succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from kiosk.operations.outcome import A, B, DeviceOp, Done, Outcome, Refused, attempt
from kiosk.ui.worker import PRINTER, Worker

T = TypeVar("T")


class OpRunner:
    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def run(self, op: Callable[[], T], done: Callable[[Outcome[T]], None]) -> None:
        """``op`` on the database thread; ``done(outcome)`` later on the GUI thread."""
        self.worker.submit(partial(attempt, op), done)

    def run_on_device(self, op: DeviceOp[A, B, T], done: Callable[[Outcome[T]], None], *,
                      device: str = PRINTER) -> None:
        """``op``'s steps on the database thread, ``device``'s thread and the database thread
        again; ``done`` gets the first refusal or the last step's value."""
        def prepared(first: Done[A] | Refused) -> None:
            if isinstance(first, Refused):
                done(first)
                return
            self.worker.submit(partial(attempt, partial(op.device, first.value)), sent,
                               lane=device)

        def sent(second: Done[B] | Refused) -> None:
            if isinstance(second, Refused):
                done(second)
                return
            self.worker.submit(partial(attempt, partial(op.finish, second.value)), done)
        self.worker.submit(partial(attempt, op.prepare), prepared)
