"""What every part of a sync round talks through: the signed-request transport, the error a
round fails with, and the round's deadline. Its own module so the engine and the modules it
drives (pictures, QR card requests, the heartbeat) import it without importing each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class SyncError(Exception):
    """A round that could not finish; the daemon logs it, records it and retries later."""


class Transport(Protocol):
    def request(self, method: str, path: str, body: bytes | None, *,
                deadline: float | None = None) -> tuple[int, bytes]:
        """Send a signed request; returns (HTTP status, body). Raises SyncError when there
        is no answer at all (refused, reset, timeout, too large, a redirect, or no whole
        answer before ``deadline``, a ``time.monotonic()`` moment)."""
        ...

    def clock_skew(self) -> float | None:
        """The district's clock minus this machine's (seconds) at the last answer, if the
        transport can tell (an HTTP ``Date``)."""
        ...


class RoundDeadline:
    """The transport as one round sees it: no request starts after the round's deadline, and
    each request is told the deadline, so a district that answers every request slowly (or
    says "more" for ever) cannot hold the daemon in one round."""

    def __init__(self, inner: Transport, seconds: float | None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._inner = inner
        self._monotonic = monotonic
        self._seconds = seconds
        self._ends = None if seconds is None else monotonic() + seconds

    def request(self, method: str, path: str, body: bytes | None, *,
                deadline: float | None = None) -> tuple[int, bytes]:
        if self._ends is not None and self._monotonic() >= self._ends:
            raise SyncError(f"round stopped after {self._seconds:.0f} s (the round's deadline);"
                            " what was applied so far is kept, the next round goes on")
        ends = [d for d in (deadline, self._ends) if d is not None]
        return self._inner.request(method, path, body, deadline=min(ends) if ends else None)

    def clock_skew(self) -> float | None:
        return self._inner.clock_skew()
