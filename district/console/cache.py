"""Results that are a pure function of append-only history, kept while that history has not
grown: the key carries the largest id of each history it reads, so nothing goes stale.

* Stock movements are never updated or deleted (I6); a sale's orders and lines are written in
  the same transaction as its movements.
* Every transaction that appends transfers (a push, a credit) moves the changed balances in
  the change feed to new, larger ids (district.feed).
* Every change the console makes to what reports group by (communities, kiosk sites,
  volunteers' communities, partners) writes an audit row in the same transaction.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Connection, func, select

from district.console import schema as s
from district.db import tables as t

T = TypeVar("T")


class HistoryCache:
    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._held: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def version(conn: Connection) -> tuple[int, int, int]:
        def top(column: Any) -> int:
            return int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one())
        return (top(t.changes.c.id), top(t.stock_movements.c.id), top(s.audit.c.id))

    def get(self, conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``'s value for ``key`` while no history it may read has grown."""
        full = (key, self.version(conn))
        with self._lock:
            if full in self._held:
                self._held.move_to_end(full)
                return copy.deepcopy(self._held[full])  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._held[full] = copy.deepcopy(value)
            while len(self._held) > self.size:
                self._held.popitem(last=False)
        return value
