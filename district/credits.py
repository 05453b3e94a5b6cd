"""Crediting service records as one batch: the district's one path for points earned
(``kiosk-district credit``, the console's imports, manual credits and corrections).

Each record is credited once, by its record id; a record sent again with the same content is
skipped, with other content refused (a correction is a new record that names the one it
reverses). A correction reverses its original's points and credits its own; whatever debt the
volunteer has is settled first, and a correction that takes back more than is left becomes
visible debt.

The whole batch is read up front (records, corrections, balances: a few statements per
thousand records), worked out in memory in file order, and written at the end with one
statement per table and thousand rows (``COPY`` on PostgreSQL): 50,000 records are one
transaction of a few seconds, not 300,000 statements. Locks are taken in the district's
fixed order: the volunteers in id order, then the balance rows in (account, shard) order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Connection, func, select

from district import ledger
from district.db import tables as t
from district.db.sets import looked_up_by_key, one_of
from district.db.upsert import copy_rows, upsert_add_many
from district.feed import mark_changed
from district.records import now_text

MAX_CREDIT_POINTS = 10**7       # one service record; far above any real day of service
CHUNK = 5000
T = TypeVar("T")


class CreditRefused(ValueError):
    """A batch the district will not credit; ``str()`` says why, naming the record."""


@dataclass(frozen=True)
class Credit:
    record_id: str
    volunteer_id: str
    hours: float
    points: int
    corrects: str | None = None     # the record this one reverses (a correction)


class _Held(NamedTuple):
    volunteer_id: str
    points: int
    corrects: str | None


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def check(records: list[Credit]) -> None:
    """The batch's own form, before anything is read."""
    for r in records:
        if not r.hours > 0 or not 0 < r.points <= MAX_CREDIT_POINTS:
            raise CreditRefused(f"record {r.record_id}: hours must be positive and points "
                                f"1..{MAX_CREDIT_POINTS} (a correction is a new record with "
                                "'corrects')")
    if len({r.record_id for r in records}) != len(records):
        raise CreditRefused("the same record id appears twice in one file")


class _Batch:
    """The batch's records read up front, its balances as it goes, its writes at the end."""

    def __init__(self, conn: Connection, records: list[Credit]) -> None:
        self.conn = conn
        self.at = now_text()
        vids = sorted({r.volunteer_id for r in records})
        known: set[str] = set()
        for ids in _chunks(vids):
            # Lock the volunteers in id order, like a push does (district.push).
            known.update(conn.execute(select(t.volunteers.c.id).where(
                one_of(conn, t.volunteers.c.id, ids)).order_by(t.volunteers.c.id)
                .with_for_update()).scalars())
        for r in records:
            if r.volunteer_id not in known:
                raise CreditRefused(f"record {r.record_id}: unknown volunteer "
                                    f"{r.volunteer_id}")
        wanted = sorted({r.record_id for r in records} |
                        {r.corrects for r in records if r.corrects})
        self.held: dict[str, _Held] = {}
        self.corrected: set[str] = set()
        sr = t.service_records
        for ids in _chunks(wanted):
            for row in conn.execute(select(sr.c.record_id, sr.c.volunteer_id, sr.c.points,
                                           sr.c.corrects).where(one_of(conn, sr.c.record_id, ids))):
                self.held[row.record_id] = _Held(row.volunteer_id, int(row.points),
                                                 row.corrects)
            self.corrected.update(conn.execute(select(sr.c.corrects).where(
                one_of(conn, sr.c.corrects, ids))).scalars())
        accounts = sorted({a for v in vids for a in (ledger.volunteer_account(v),
                                                     ledger.debt_account(v))})
        self.balance: dict[str, int] = defaultdict(int)
        for names in _chunks(accounts):
            for account, value in conn.execute(
                    select(t.balances.c.account, func.sum(t.balances.c.balance))
                    .where(one_of(conn, t.balances.c.account, names))
                    .group_by(t.balances.c.account)):
                self.balance[str(account)] = int(value)
        self.rows: list[dict[str, Any]] = []
        self.transfers: list[dict[str, Any]] = []
        self.deltas: dict[tuple[str, int], int] = defaultdict(int)

    def move(self, transfer_id: str, group: str, role: str, *, src: str, dst: str,
             amount: int) -> None:
        self.transfers.append({"id": transfer_id, "group_id": group, "role": role,
                               "from_account": src, "to_account": dst, "amount": amount,
                               "kiosk_id": None, "recorded_at": self.at})
        for account, delta in ((src, -amount), (dst, amount)):
            self.deltas[(account, ledger.shard_for(account, "district"))] += delta
            self.balance[account] += delta

    def credit(self, r: Credit) -> bool:
        old = self.held.get(r.record_id)
        if old is not None:
            if old != (r.volunteer_id, r.points, r.corrects):
                raise CreditRefused(f"record {r.record_id} was credited before with other "
                                    "content; send a correction record instead")
            return False
        person, debt = ledger.volunteer_account(r.volunteer_id), \
            ledger.debt_account(r.volunteer_id)
        group = f"credit:{r.record_id}"
        if r.corrects is not None:
            original = self.held.get(r.corrects)
            if original is None or original.volunteer_id != r.volunteer_id:
                raise CreditRefused(f"record {r.record_id} corrects {r.corrects}, which is "
                                    "not a credited record of the same volunteer")
            if r.corrects in self.corrected:
                raise CreditRefused(f"record {r.corrects} is already corrected")
            self.corrected.add(r.corrects)
            self.move(f"reverse:{r.corrects}", group, "reversal", src=person,
                      dst=ledger.ISSUANCE, amount=original.points)
        self.held[r.record_id] = _Held(r.volunteer_id, r.points, r.corrects)
        self.rows.append({"record_id": r.record_id, "volunteer_id": r.volunteer_id,
                          "hours": r.hours, "points": r.points, "corrects": r.corrects,
                          "at": self.at})
        self.move(group, group, "credit", src=ledger.ISSUANCE, dst=person, amount=r.points)
        if self.balance[person] < 0:    # a correction took back more than is left: debt
            self.move(f"debt:{r.record_id}", group, "debt", src=debt, dst=person,
                      amount=-self.balance[person])
        else:
            settle = min(self.balance[person], -self.balance[debt])
            if settle > 0:
                self.move(f"settle:{r.record_id}", group, "settle", src=person, dst=debt,
                          amount=settle)
        return True

    def write(self) -> None:
        copy_rows(self.conn, t.service_records, self.rows)
        copy_rows(self.conn, t.transfers, self.transfers)
        deltas = [{"account": a, "shard": s, "balance": d}
                  for (a, s), d in sorted(self.deltas.items()) if d]
        if not deltas:
            return
        # One statement for the lot (district.db.upsert.ARRAYS_FROM), in (account, shard) order.
        upsert_add_many(self.conn, t.balances, deltas, ("account", "shard"), "balance")


def credit(conn: Connection, records: list[Credit],
           also: Callable[[Connection, list[Credit]], None] | None = None) -> int:
    """Credit ``records`` in the caller's write transaction; returns how many were new.
    ``also`` runs in the same transaction with the new records (the console writes where
    they came from)."""
    check(records)
    with looked_up_by_key(conn):
        batch = _Batch(conn, records)
    new = [r for r in records if batch.credit(r)]
    batch.write()
    if also is not None:
        also(conn, new)
    mark_changed(conn, [("balance", v) for v in sorted({r.volunteer_id for r in records})])
    return len(new)
