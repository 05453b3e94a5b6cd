"""Reports for district staff (``kiosk-district report NAME``, later the console)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from district import ledger
from district.db.engine import Database

_QUERIES = {
    "balances": """SELECT v.id AS volunteer_id, v.masked_name,
                       COALESCE(b.balance, 0) AS balance, -COALESCE(d.balance, 0) AS debt
                   FROM volunteers v
                   LEFT JOIN balances b ON b.account = 'volunteer:' || v.id AND b.shard = 0
                   LEFT JOIN balances d ON d.account = 'debt:' || v.id AND d.shard = 0
                   ORDER BY v.id""",
    "debts": """SELECT substr(account, 6) AS volunteer_id, -balance AS debt
                FROM balances WHERE account LIKE 'debt:%' AND balance < 0 ORDER BY account""",
    "conflicts": """SELECT id, kind, kiosk_id, entry_id, volunteer_id, amount, detail, at
                    FROM conflicts ORDER BY id""",
    "refused": """SELECT kiosk_id, seq, entry_id, kind, reason, received_at FROM entries
                  WHERE outcome = 'rejected' ORDER BY kiosk_id, seq""",
    "donors": """SELECT r.donor_id, r.item_id, r.kiosk_id, SUM(r.delta) AS received,
                     (SELECT -COALESCE(SUM(s.delta), 0) FROM stock_movements s
                      WHERE s.item_id = r.item_id AND s.kiosk_id = r.kiosk_id
                        AND s.kind IN ('sale', 'void')) AS sold_at_kiosk
                 FROM stock_movements r WHERE r.kind = 'restock'
                 GROUP BY r.donor_id, r.item_id, r.kiosk_id
                 ORDER BY r.donor_id, r.item_id, r.kiosk_id""",
    "audit": """SELECT kiosk_id, audit_id, at, operator_id, action, subject, before, after
                FROM kiosk_audit ORDER BY kiosk_id, audit_id""",
}
NAMES = tuple(_QUERIES)


def report(db: Database, name: str) -> list[dict[str, Any]]:
    with db.read() as conn:
        result = conn.execute(text(_QUERIES[name]))
        return [dict(row._mapping) for row in result]


def audit_log(db: Database, kiosk_id: str | None = None) -> list[dict[str, Any]]:
    """The kiosks' audit rows as pushed, oldest first per kiosk."""
    rows = [r for r in report(db, "audit") if kiosk_id is None or r["kiosk_id"] == kiosk_id]
    for row in rows:
        for key in ("before", "after"):
            row[key] = None if row[key] is None else json.loads(row[key])
    return rows


def verify(db: Database) -> list[str]:
    with db.read() as conn:
        return ledger.verify(conn)


def balance_of(conn: Connection, volunteer_id: str) -> int:
    return ledger.balance(conn, ledger.volunteer_account(volunteer_id))
