"""The ledger's self-audit: is every row still what the checkout wrote?

``quick_check`` (at every start) only looks at the file's structure: a flipped byte inside a
row (an account name, an amount) passes it, and the kiosk went on selling with a balance 40
points off. This audit reads everything: SQLite's full ``integrity_check`` (a row that no
longer matches its indexes), ``foreign_key_check``, and the ledger's own rules, each written
down twice in the file and compared:

- every order's total equals its lines, each line is quantity x unit price, and its
  transfers (double entry, one leg per account) add up to the total, from the volunteer's
  account for a sale and back to it for a void;
- every order's stock movements are its lines' quantities, and each stock level is the sum
  of the item's movements;
- the outbox is gap-free, and each order's outbox entry (what the district receives) says
  the same total, volunteer, lines and transfers as the order's rows.

It runs before each backup (a damaged ledger must not push good backups out of retention),
at night when the kiosk is idle (the sync daemon) and in ``kiosk-admin self-check``; a
failure stops the selling (:mod:`kiosk.core.service_stops`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from kiosk.core import service_stops
from kiosk.core.clock import from_db
from kiosk.core.db import read_transaction, write_transaction

SHOWN = 5   # problems named per check; the count says how many more

# Each check: (what it means, a query returning one row per offending thing, shown as text).
_CHECKS: tuple[tuple[str, str], ...] = (
    ("order total differs from its lines", """
        SELECT o.id FROM orders o
        WHERE o.total <> (SELECT COALESCE(SUM(l.amount), 0) FROM order_lines l
                          WHERE l.order_id = o.id)"""),
    ("order line amount is not quantity x unit price", """
        SELECT order_id || ' line ' || line_no FROM order_lines
        WHERE amount <> quantity * unit_price OR typeof(quantity) <> 'integer'"""),
    ("transfers do not add up to the order total", """
        SELECT o.id FROM orders o
        WHERE abs(o.total) <> (SELECT COALESCE(SUM(t.amount), 0) FROM transfers t
                               WHERE t.group_id = o.id)"""),
    ("transfer does not leave (sale) or reach (void) the order's volunteer", """
        SELECT t.id FROM transfers t JOIN orders o ON o.id = t.group_id
        WHERE (o.kind = 'sale' AND t.from_account <> 'volunteer:' || o.volunteer_id)
           OR (o.kind = 'void' AND t.to_account <> 'volunteer:' || o.volunteer_id)
           OR t.seq <> o.seq"""),
    ("order's stock movements differ from its lines", """
        SELECT o.id FROM orders o
        WHERE (SELECT COALESCE(SUM(m.delta), 0) FROM stock_movements m
               WHERE m.order_id = o.id)
           <> -(SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l
                WHERE l.order_id = o.id AND l.kind = 'goods')"""),
    ("stock level differs from the sum of movements", """
        SELECT m.item_id FROM (SELECT item_id, SUM(delta) AS total FROM stock_movements
                               GROUP BY item_id) m
        LEFT JOIN stock_levels l USING (item_id) WHERE l.on_hand IS NOT m.total
        UNION ALL
        SELECT l.item_id FROM stock_levels l
        WHERE l.on_hand <> 0 AND NOT EXISTS (SELECT 1 FROM stock_movements m
                                             WHERE m.item_id = l.item_id)"""),
    ("outbox is not gap-free", """
        SELECT 'outbox' FROM (SELECT COUNT(*) AS n, MIN(seq) AS low, MAX(seq) AS high
                              FROM outbox)
        WHERE n > 0 AND (n <> high OR low <> 1)"""),
    ("order's outbox entry says something else than its rows", """
        SELECT o.id FROM orders o LEFT JOIN outbox x ON x.seq = o.seq
        WHERE x.seq IS NULL OR x.entry_id <> o.id OR x.kind <> o.kind
           OR NOT json_valid(x.payload)
           OR json_extract(x.payload, '$.total') IS NOT o.total
           OR json_extract(x.payload, '$.volunteer_id') IS NOT o.volunteer_id
           OR json_extract(x.payload, '$.card_id') IS NOT o.card_id
           OR (SELECT group_concat(item_id || ':' || quantity || ':' || amount, ',')
               FROM (SELECT item_id, quantity, amount FROM order_lines
                     WHERE order_id = o.id ORDER BY line_no))
              IS NOT (SELECT group_concat(json_extract(value, '$.item_id') || ':'
                                          || json_extract(value, '$.quantity') || ':'
                                          || json_extract(value, '$.amount'), ',')
                      FROM json_each(x.payload, '$.lines'))
           OR (SELECT group_concat(id || ':' || from_account || ':' || to_account || ':'
                                   || amount, ',')
               FROM (SELECT id, from_account, to_account, amount FROM transfers
                     WHERE group_id = o.id ORDER BY id))
              IS NOT (SELECT group_concat(t, ',') FROM (
                        SELECT json_extract(value, '$.id') || ':'
                               || json_extract(value, '$.from') || ':'
                               || json_extract(value, '$.to') || ':'
                               || json_extract(value, '$.amount') AS t
                        FROM json_each(x.payload, '$.transfers') ORDER BY 1))"""),
)


def audit(conn: sqlite3.Connection, *, integrity: bool = True) -> list[str]:
    """Every problem found, as a line for the operator; empty when the ledger is sound.
    ``integrity`` runs SQLite's full integrity check too (it reads every page)."""
    problems: list[str] = []
    with read_transaction(conn):
        if integrity:
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                problems.append(_named("integrity_check", rows))
        broken = [f"{r[0]} row {r[1]} -> {r[2]}"
                  for r in conn.execute("PRAGMA foreign_key_check")]
        if broken:
            problems.append(_named("foreign key points nowhere", broken))
        for meaning, query in _CHECKS:
            found = [str(r[0]) for r in conn.execute(query)]
            if found:
                problems.append(_named(meaning, found))
    return problems


def _named(meaning: str, things: list[str]) -> str:
    more = f" and {len(things) - SHOWN} more" if len(things) > SHOWN else ""
    return f"{meaning}: {', '.join(things[:SHOWN])}{more}"


def audit_and_record(conn: sqlite3.Connection, now: str) -> list[str]:
    """Audit ``conn``'s ledger and record the outcome in it (see :func:`record`)."""
    problems = audit(conn)
    record(conn, problems, now)
    return problems


def record(conn: sqlite3.Connection, problems: list[str], now: str) -> None:
    """Stop the selling if the audit found anything (or clear an earlier stop), and remember
    when the ledger was last audited (``meta``)."""
    if problems:
        service_stops.stop(conn, service_stops.LEDGER_AUDIT,
                           "the ledger failed its audit (a damaged disk or file?): "
                           + "; ".join(problems)[:1500]
                           + ". Restore the newest backup that passes "
                           "(kiosk-admin backups --verify) and tell the district.", now)
    else:
        service_stops.clear(conn, service_stops.LEDGER_AUDIT)
    with write_transaction(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES ('ledger_audit_at', ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (now,))


def last_audit(conn: sqlite3.Connection) -> datetime | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'ledger_audit_at'").fetchone()
    return None if row is None else from_db(str(row[0]))


@dataclass(frozen=True)
class Nightly:
    """When the sync daemon audits: once a day, in ``hour`` of the shop's night, and only
    when no sale came in the last ``quiet`` (the audit reads the whole file)."""

    hour: int
    zone: tzinfo
    quiet: timedelta = timedelta(minutes=10)

    def due(self, conn: sqlite3.Connection, now: datetime) -> bool:
        if now.astimezone(self.zone).hour != self.hour:
            return False
        last = last_audit(conn)
        if last is not None and timedelta(0) <= now - last < timedelta(hours=20):
            return False
        row = conn.execute("SELECT MAX(created_at) FROM orders").fetchone()
        return row[0] is None or not timedelta(0) <= now - from_db(row[0]) < self.quiet
