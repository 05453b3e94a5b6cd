"""Loading a whole register at once (a district's or a city's volunteers, cards and opening
balances): PostgreSQL ``COPY``, SQLite ``executemany``, in one transaction.

The rows are the same ones the per-row admin calls write (volunteers, cards, service records
with their credit transfers and balances, and the change-feed rows every kiosk pulls), so a
district loaded in bulk is indistinguishable from one imported row by row. It is only for an
empty district (it refuses one that already has volunteers): a district's first import of the
volunteer platform's export, and the benchmarks' city.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, func, select

from district import ledger
from district.admin import AdminRefused
from district.db import tables as t
from district.db.engine import Database
from district.records import now_text

CHUNK = 50_000


@dataclass(frozen=True)
class RegisterRow:
    volunteer_id: str
    masked_name: str
    card_id: str | None
    opening_points: int          # credited as service record ``opening-<id>``; 0: none


def _chunks(rows: Iterable[RegisterRow]) -> Iterator[list[RegisterRow]]:
    it = iter(rows)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _copy(conn: Connection, table: Table, columns: list[str], rows: list[tuple[Any, ...]]
          ) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":       # sqlite3's own executemany, in C
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                             f"VALUES ({marks})", rows)
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_register(db: Database, rows: Iterable[RegisterRow]) -> int:
    """Load an empty district's register; returns the number of volunteers."""
    with db.write() as conn:
        if conn.execute(select(func.count()).select_from(t.volunteers)).scalar_one():
            raise AdminRefused("the district already has volunteers: import them instead")
        at = now_text()
        next_change = int(conn.execute(select(func.coalesce(func.max(t.changes.c.id), 0))
                                       ).scalar_one()) + 1
        issued = 0
        count = 0
        for chunk in _chunks(rows):
            count += len(chunk)
            _copy(conn, t.volunteers, ["id", "masked_name", "status"],
                  [(r.volunteer_id, r.masked_name, "active") for r in chunk])
            _copy(conn, t.cards, ["card_id", "volunteer_id", "kind", "status", "generation",
                                  "is_operator"],
                  [(r.card_id, r.volunteer_id, "nfc", "active", 1, False) for r in chunk
                   if r.card_id])
            credited = [r for r in chunk if r.opening_points > 0]
            _copy(conn, t.service_records, ["record_id", "volunteer_id", "hours", "points",
                                            "at"],
                  [(f"opening-{r.volunteer_id}", r.volunteer_id, 1.0, r.opening_points, at)
                   for r in credited])
            _copy(conn, t.transfers, ["id", "group_id", "role", "from_account", "to_account",
                                      "amount", "recorded_at"],
                  [(f"credit:opening-{r.volunteer_id}", f"credit:opening-{r.volunteer_id}",
                    "credit", ledger.ISSUANCE, ledger.volunteer_account(r.volunteer_id),
                    r.opening_points, at) for r in credited])
            _copy(conn, t.balances, ["account", "shard", "balance"],
                  [(ledger.volunteer_account(r.volunteer_id), 0, r.opening_points)
                   for r in credited])
            issued += sum(r.opening_points for r in credited)
            marks: list[tuple[str, str, int]] = []
            for r in chunk:
                marks.append(("volunteer", r.volunteer_id, next_change))
                marks.append(("balance", r.volunteer_id, next_change + 1))
                next_change += 2
                if r.card_id:
                    marks.append(("card", r.card_id, next_change))
                    next_change += 1
            _copy(conn, t.changes, ["entity", "key", "id"], marks)
        if issued:
            ledger.add_to_balances(conn, [(ledger.ISSUANCE,
                                           ledger.shard_for(ledger.ISSUANCE, "district"),
                                           -issued)])
        if conn.dialect.name == "postgresql":
            # Fresh statistics: the planner must know these tables hold millions of rows now,
            # before the first kiosk's sync asks for them page by page.
            for table in (t.volunteers, t.cards, t.balances, t.changes, t.transfers,
                          t.service_records):
                conn.exec_driver_sql(f"ANALYZE {table.name}")
    return count
