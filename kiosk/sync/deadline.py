"""An overall deadline for one HTTP request, however slowly the other side sends.

``requests`` (through urllib3) only bounds each socket operation: an answer that trickles in a
byte at a time never times out. Here every connection ``requests`` uses registers with the
deadline of the request running on its thread; when the deadline passes, a timer shuts those
sockets down, which ends the blocked read at once, and the request fails.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class Deadline:
    """Cuts the registered connections ``seconds`` after :meth:`start`."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def watch(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)
            if self.expired:
                _cut(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                _cut(connection)


def _cut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def watching(deadline: Deadline) -> Iterator[Deadline]:
    """Requests made on this thread inside the block are cut when ``deadline`` passes."""
    _current.deadline = deadline
    deadline.start()
    try:
        yield deadline
    finally:
        deadline.cancel()
        _current.deadline = None


class _Watched:
    """Connection mixin: each request made on it registers with the thread's deadline (a kept
    alive connection is registered again by every request that reuses it)."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        deadline: Deadline | None = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.watch(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """``requests``' adapter with connections a :class:`Deadline` can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """A shop behind an HTTP proxy (``HTTPS_PROXY``) gets the same deadline."""
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
        return manager
