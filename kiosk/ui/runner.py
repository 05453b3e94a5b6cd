"""The one way a screen runs an operation off the GUI thread and gets its typed outcome back.

Like Anki's ``QueryOp[T]``: an operation (:mod:`kiosk.operations`) runs on the database
thread inside :func:`~kiosk.operations.outcome.attempt`, and its ``Done[T]`` or ``Refused``
comes back on the GUI thread, so mypy checks what each screen does with ``T``. A
:class:`~kiosk.operations.outcome.DeviceOp` goes database thread, the device's own thread,
database thread, each step only after the one before succeeded.

An operation that changes something (``changes=True``, Anki's ``CollectionOp``) announces it
once, by :attr:`OpRunner.changed`, after it succeeded; whoever shows what it may have changed
(the start screen's goods, under the operator's screens) redraws then, not at the end of
the next visit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from kiosk.operations.outcome import A, B, DeviceOp, Done, Outcome, Refused, attempt
from kiosk.ui.worker import PRINTER, Worker

T = TypeVar("T")


class OpRunner(QObject):
    changed = Signal()   # an operation with changes=True succeeded

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.worker = worker

    def run(self, op: Callable[[], T], done: Callable[[Outcome[T]], None], *,
            changes: bool = False) -> None:
        """``op`` on the database thread; ``done(outcome)`` later on the GUI thread."""
        self.worker.submit(partial(attempt, op), self._announcing(done, changes))

    def run_on_device(self, op: DeviceOp[A, B, T], done: Callable[[Outcome[T]], None], *,
                      changes: bool = False, device: str = PRINTER) -> None:
        """``op``'s steps on the database thread, ``device``'s thread and the database thread
        again; ``done`` gets the first refusal or the last step's value."""
        done = self._announcing(done, changes)

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

    def _announcing(self, done: Callable[[Outcome[T]], None],
                    changes: bool) -> Callable[[Outcome[T]], None]:
        if not changes:
            return done

        def then_announce(outcome: Outcome[T]) -> None:
            try:
                done(outcome)
            finally:
                if isinstance(outcome, Done):
                    self.changed.emit()
        return then_announce
