"""An operation's outcome as a type: its value, or the words of its refusal.

An operation is a plain call that returns its value or raises. :func:`attempt` runs it (on a
worker thread) and turns what it raised into what a person is told, so the screen that asked
gets either ``Done[T]`` (mypy knows ``T``) or :class:`Refused` -- never an exception on a
thread nobody watches, never an ``Any`` read back with isinstance. Anki's ``QueryOp[T]``
hands its result to the main thread the same way.

:class:`DeviceOp` is an operation that needs a device in the middle (a print, the paper
sensor): a database part, the device's part on the device's own thread, a database part
again. A printer stuck for its whole timeout then holds no database work behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from kiosk.core.db import StorageError
from kiosk.core.errors import UserFacingError
from kiosk.core.session_flow import STAFF, Notice

log = logging.getLogger("kiosk.operations")

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")


@dataclass(frozen=True)
class Done(Generic[T]):
    value: T


@dataclass(frozen=True)
class Refused:
    notice: Notice


Outcome = Done[T] | Refused


def attempt(op: Callable[[], T]) -> Done[T] | Refused:
    """Run ``op``; a refusal becomes its words, anything else is logged and "ask staff"."""
    try:
        return Done(op())
    except UserFacingError as refusal:
        return Refused(Notice.of(refusal))
    except StorageError as exc:   # a full or read-only disk: say so, nothing was changed
        log.error("operation refused by the disk: %s", exc)
        return Refused(Notice("storage", f"本机存储出错，什么也没有改：{exc}",
                              f"The kiosk's disk refused; nothing was changed: {exc}"))
    except Exception:
        log.exception("operation failed")
        return Refused(STAFF)


@dataclass(frozen=True)
class DeviceOp(Generic[A, B, T]):
    """Three steps on two threads: ``prepare`` (database thread), ``device`` (the device's
    own thread: it must not touch the database), ``finish`` (database thread again). Each
    step may refuse; a refusal ends the operation there."""

    prepare: Callable[[], A]
    device: Callable[[A], B]
    finish: Callable[[B], T]

    def run_here(self) -> T:
        """Every step in the calling thread (the tests, the command line)."""
        return self.finish(self.device(self.prepare()))
