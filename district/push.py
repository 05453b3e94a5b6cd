"""Applying a kiosk's pushed batch: in kiosk-sequence order, each entry checked against the
district's records, in ONE transaction with the batch's idempotency key.

Order of locks (PostgreSQL; SQLite has one writer): the kiosk's row (its pushes queue behind
each other, so its sequence is never raced), then the batch's volunteers in id order, then
balance rows in (account, shard) order, then the change feed's lock at the very end. Every
transaction that touches a volunteer's points takes the same order, so none waits in a cycle;
if one ever does, district.db.engine runs the whole batch again.

The batch's records are read up front and its writes sent at the end (district.batch), so a
batch of 50 sales costs a dozen statements, not 750. Two kiosks racing to use the same id
(PostgreSQL) make the later commit fail on the unique key; the batch then runs again from the
start and finds the id taken.

A refused entry is stored with its reason (``entries`` and ``conflicts``), the kiosk's
sequence moves past it, and the entries after it are judged on their own: one bad entry never
blocks a kiosk.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from district import entry_checks, ledger, push_entries, sun_sync
from district.batch import BatchRecords, SaleRecord
from district.db import tables as t
from district.db.engine import Database
from district.entry_checks import Flags, Policy
from district.entry_shapes import (
    AlertFact,
    AuditFact,
    CardFact,
    CounterFact,
    EntryRejected,
    Fact,
    OrderFact,
    StockFact,
    shape_of,
)
from district.families import pool
from district.feed import mark_changed_and_commit
from district.overspend import check_shortfall, shop_day
from district.push_opening import BatchConflict, UnknownKiosk, open_postgres, record_batch
from district.vouchers import in_push as vouchers
from points_protocol import ids
from points_protocol.errors import Invalid
from points_protocol.messages import EntryResult, EntryStatus

log = logging.getLogger("district.push")

__all__ = ["BatchConflict", "EntryResult", "PushEntry", "UnknownKiosk", "push"]


@dataclass(frozen=True)
class PushEntry:
    seq: int
    entry_id: str
    kind: str
    kiosk_id: str
    payload: Any


def payload_hash(kind: str, payload: Any) -> str:
    text = json.dumps({"kind": kind, "payload": payload}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _hash_and_text(kind: Any, payload: Any) -> tuple[str, str]:
    """(:func:`payload_hash`, the payload as stored) from one encoding of the payload: the
    hashed text is that encoding wrapped as ``{"kind":...,"payload":...}``, exactly what
    :func:`payload_hash` encodes (sorted keys put ``kind`` first)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    kind_text = json.dumps(kind, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    wrapped = f'{{"kind":{kind_text},"payload":{text}}}'
    return hashlib.sha256(wrapped.encode()).hexdigest(), text


@dataclass
class _Batch:
    conn: Connection
    kiosk_id: str
    now: datetime
    policy: Policy
    applied: int
    records: BatchRecords
    changed: set[tuple[str, str]] = field(default_factory=set)
    at: str = ""            # the batch's clock text, written into every row
    item_partners: dict[str, str | None] = field(default_factory=dict)   # voucher items

    def __post_init__(self) -> None:
        self.at = self.now.isoformat(timespec="microseconds")


def push(db: Database, kiosk_id: str, idempotency_key: str, body_hash: str,
         entries: list[PushEntry], *, policy: Policy, clock: Callable[[], datetime]
         ) -> tuple[int, list[EntryResult]]:
    """Apply the batch; returns (the kiosk's applied sequence, one result per entry)."""
    ordered = sorted(entries, key=lambda e: e.seq)
    facts: dict[str, Fact | EntryRejected] = {}
    for entry in ordered:
        try:
            facts[entry.entry_id] = shape_of(entry.kind, entry.entry_id, entry.payload)
        except EntryRejected as exc:
            facts[entry.entry_id] = exc

    def work(conn: Connection) -> tuple[int, list[EntryResult]]:
        now = clock()
        records = BatchRecords(conn, kiosk_id)
        needs = ([e.entry_id for e in ordered],
                 [v for v in (_volunteer(e) for e in ordered) if v is not None],
                 [f for f in facts.values() if not isinstance(f, EntryRejected)])
        if conn.dialect.name == "postgresql":
            applied_seq, partners = open_postgres(records, needs, kiosk_id=kiosk_id,
                                                   key=idempotency_key, body_hash=body_hash,
                                                   now=now)
        else:
            row = conn.execute(select(t.kiosks.c.applied_seq).where(t.kiosks.c.id == kiosk_id)
                               .with_for_update()).first()
            if row is None:
                raise UnknownKiosk(kiosk_id)
            record_batch(conn, kiosk_id, idempotency_key, body_hash, now)
            records.load(*needs)
            applied_seq = int(row.applied_seq)
            partners = vouchers.partners_for(conn, needs[2])
        batch = _Batch(conn, kiosk_id, now, policy, applied_seq, records,
                       item_partners=partners)
        results: list[EntryResult] = []
        stopped: str | None = None
        for entry in ordered:
            if stopped is not None:
                results.append(EntryResult(entry.seq, entry.entry_id, "not_processed", stopped))
                continue
            result = _one(batch, entry, facts[entry.entry_id])
            if result.status == "not_processed":
                stopped = result.reason
            results.append(result)
        if conn.dialect.name == "postgresql":
            # The batch's writes, the kiosk's sequence, the feed and the COMMIT: one round trip.
            mark_changed_and_commit(conn, batch.changed, first=[
                *records.postgres_writes(),
                ("UPDATE kiosks SET applied_seq = %s WHERE id = %s", (batch.applied, kiosk_id))])
        else:
            records.flush()
            conn.execute(t.kiosks.update().where(t.kiosks.c.id == kiosk_id)
                         .values(applied_seq=batch.applied))
            mark_changed_and_commit(conn, batch.changed)
        return batch.applied, results

    return db.run_write(work, retry_integrity=True)


def _one(batch: _Batch, entry: PushEntry, fact: Fact | EntryRejected) -> EntryResult:
    records, kiosk_id = batch.records, batch.kiosk_id
    digest, payload_text = _hash_and_text(entry.kind, entry.payload)
    known = records.known.get(entry.entry_id)
    if known is not None and (known.kiosk_id, known.seq, known.payload_hash) == (
            kiosk_id, entry.seq, digest):
        again: EntryStatus = "duplicate" if known.outcome == "applied" else "rejected"
        return EntryResult(entry.seq, entry.entry_id, again, known.reason)
    if entry.seq > batch.applied + 1:
        return EntryResult(entry.seq, entry.entry_id, "not_processed",
                           f"expected sequence {batch.applied + 1}")
    if known is not None:
        clash = f"entry id {entry.entry_id} already used with different content (never applied)"
        _conflict(batch, "reused_id", entry, None, clash)
        log.error("kiosk %s: %s", kiosk_id, clash)
        if entry.seq == batch.applied + 1:
            # The sequence moves on past a refused entry, or this kiosk could never push again.
            # The id is taken, so no ``entries`` row: a retry meets the same clash.
            _moved_past(batch, entry)
        return EntryResult(entry.seq, entry.entry_id, "rejected", clash)
    if entry.seq <= batch.applied:
        taken = f"sequence {entry.seq} already holds another entry"
        _conflict(batch, "reused_seq", entry, None, taken)
        return EntryResult(entry.seq, entry.entry_id, "rejected", taken)
    outcome: EntryStatus = "applied"
    reason: str | None = None
    flags = Flags()
    try:
        if entry.kiosk_id != kiosk_id:
            raise EntryRejected(f"entry claims kiosk {str(entry.kiosk_id)[:64]!r}, the request "
                                f"is signed by {kiosk_id!r}")
        if isinstance(fact, EntryRejected):
            raise fact
        _apply(batch, entry, fact, flags)
    except EntryRejected as exc:
        outcome, reason = "rejected", str(exc)[:300]
        _conflict(batch, "rejected", entry, None, reason)
        for detail in vouchers.refused_sale(batch.conn, entry.payload):
            _conflict(batch, "voucher_unpaid", entry, None, detail)
        log.warning("kiosk %s seq %d rejected: %s", kiosk_id, entry.seq, reason)
        flags.items.clear()
    for kind, detail in flags.items:
        _conflict(batch, kind, entry, None, detail)
    records.pending.entries.append({
        "entry_id": entry.entry_id, "kiosk_id": kiosk_id, "seq": entry.seq,
        "kind": str(entry.kind)[:16], "payload_hash": digest,
        "payload": payload_text,
        "outcome": outcome, "reason": reason, "received_at": batch.at})
    records.known[entry.entry_id] = _Known(kiosk_id, entry.seq, digest, outcome, reason)
    if outcome == "rejected":
        _moved_past(batch, entry)
    batch.applied = entry.seq
    return EntryResult(entry.seq, entry.entry_id, outcome, reason)


@dataclass(frozen=True)
class _Known:
    kiosk_id: str
    seq: int
    payload_hash: str
    outcome: str
    reason: str | None


def _conflict(batch: _Batch, kind: str, entry: PushEntry, amount: int | None,
              detail: str) -> None:
    batch.records.pending.conflicts.append({
        "kind": kind, "kiosk_id": batch.kiosk_id, "entry_id": entry.entry_id[:100],
        "volunteer_id": _volunteer(entry), "amount": amount, "detail": detail[:400],
        "at": batch.at})


def _volunteer(entry: PushEntry) -> str | None:
    """The entry's volunteer id in normal form, if it names one at all."""
    value = entry.payload.get("volunteer_id") if isinstance(entry.payload, dict) else None
    try:
        return ids.normalize_volunteer_id(value) if value is not None else None
    except Invalid:
        return None


def _moved_past(batch: _Batch, entry: PushEntry) -> None:
    """Move the kiosk's sequence past a refused entry and send its volunteer a fresh balance
    row: the kiosk counts the refused sale until a snapshot covering that sequence arrives,
    and none would come if nothing else changed (I7)."""
    batch.applied = max(batch.applied, entry.seq)
    volunteer_id = _volunteer(entry)
    if volunteer_id is not None and volunteer_id in batch.records.volunteers:
        batch.changed.add(("balance", volunteer_id))


def _apply(batch: _Batch, entry: PushEntry, fact: Fact, flags: Flags) -> None:
    if isinstance(fact, OrderFact):
        _apply_order(batch, entry, fact, flags)
    elif isinstance(fact, StockFact):
        _stock(batch, entry.entry_id, [(i, d, fact.kind, fact.donor_id) for i, d in fact.stock])
    elif isinstance(fact, CardFact):
        push_entries.apply_card(batch, entry.entry_id, fact)
    elif isinstance(fact, AuditFact):
        push_entries.apply_audit(batch, entry.entry_id, fact)
    elif isinstance(fact, CounterFact):
        batch.records.flush()
        if sun_sync.raise_counter(batch.conn, fact.card_id, fact.key_generation, fact.counter,
                                  batch.at):
            batch.changed.add((sun_sync.FEED_ENTITY, fact.card_id))
    elif isinstance(fact, AlertFact):
        _conflict(batch, "card_alert", entry, None,
                  f"{fact.code} card={fact.card_id} at={fact.at}: {fact.detail}")


def _apply_order(batch: _Batch, entry: PushEntry, order: OrderFact, flags: Flags) -> None:
    records, kiosk_id = batch.records, batch.kiosk_id
    if order.kind == "sale":
        entry_checks.check_sale(records, kiosk_id, order, now=batch.now, policy=batch.policy,
                                flags=flags)
    else:
        entry_checks.check_void(records, kiosk_id, order)
    issued = vouchers.check_order(batch.conn, kiosk_id, order, entry.payload,
                                  partners=batch.item_partners, flags=flags)
    if order.order_id in records.taken_orders:
        raise EntryRejected(f"order {order.order_id} is already recorded")
    for move in order.moves:
        if move.transfer_id in records.taken_transfers:
            raise EntryRejected(f"transfer id {move.transfer_id} already applied")
    debt = _debt_after(batch, order)        # may refuse: nothing is written before this
    # A void never takes the pool below zero: what it no longer holds becomes its debt.
    pool_short = pool.cover_void(batch.conn, records, order, batch.at) \
        if order.kind == "void" else 0
    records.pending.orders.append({
        "order_id": order.order_id, "kiosk_id": kiosk_id, "kind": order.kind,
        "volunteer_id": order.volunteer_id, "card_id": order.card_id, "total": order.total,
        "offline": order.offline, "voids_order_id": order.voids_order_id,
        "created_at": order.created_at.astimezone(UTC).isoformat(),
        "shop_day": shop_day(order.created_at, batch.now, batch.policy),
        "received_at": batch.at})
    records.pending.lines.extend(
        {"order_id": order.order_id, "line_no": n, "item_id": x.item_id,
         "quantity": x.quantity, "unit_price": x.unit_price, "amount": x.amount}
        for n, x in enumerate(order.lines, start=1))
    for move in order.moves:
        records.transfer(transfer_id=move.transfer_id, group_id=order.order_id, role="order",
                         src=move.src, dst=move.dst, amount=move.amount, at=batch.at)
    records.taken_orders.add(order.order_id)
    if order.kind == "sale":
        records.sales[order.order_id] = SaleRecord(
            order.order_id, kiosk_id, "sale", order.volunteer_id, order.total,
            [(x.item_id, x.quantity, x.unit_price, x.amount) for x in order.lines],
            [(m.src, m.dst, m.amount) for m in order.moves])
    else:
        assert order.voids_order_id is not None
        records.voided.add(order.voids_order_id)
    batch.changed.update(vouchers.record_order(batch.conn, order, issued, batch.at, flags))
    if pool_short:
        _conflict(batch, "pool_shortfall", entry, pool_short,
                  f"void of {order.voids_order_id}: the donation pool no longer held "
                  f"{pool_short} of its points (allocated to families); booked as the pool's "
                  "debt, repaid from new donations")
    _stock(batch, entry.entry_id, [(i, d, order.kind, None) for i, d in order.stock])
    _settle(batch, entry, order, debt)
    batch.changed.add(("balance", order.volunteer_id))


def _debt_after(batch: _Batch, order: OrderFact) -> int:
    """How far below zero this order leaves the volunteer's points (0: not at all), refused
    where no honest kiosk could have made it (district.overspend)."""
    records = batch.records
    person = ledger.volunteer_account(order.volunteer_id)
    debt = ledger.debt_account(order.volunteer_id)
    change = sum(m.amount if m.dst == person else -m.amount if m.src == person else 0
                 for m in order.moves)
    after = records.balance(person) + change
    if after >= 0:
        return 0
    records.flush()           # the overspend rules read what this batch wrote so far
    check_shortfall(batch.conn, batch.kiosk_id, order, net=after + records.balance(debt),
                    now=batch.now, policy=batch.policy)
    return -after


def _settle(batch: _Batch, entry: PushEntry, order: OrderFact, short: int) -> None:
    """Offline sales are facts: a shortfall becomes visible debt; points a void refunds to
    someone in debt settle the debt first."""
    records, vid = batch.records, order.volunteer_id
    person, debt = ledger.volunteer_account(vid), ledger.debt_account(vid)
    if short == 0:
        settle = min(records.balance(person), -records.balance(debt))
        if settle > 0:
            records.transfer(transfer_id=f"settle:{order.order_id}", group_id=order.order_id,
                             role="settle", src=person, dst=debt, amount=settle, at=batch.at)
        return
    records.pending.overspends.append({
        "entry_id": order.order_id, "kiosk_id": batch.kiosk_id, "volunteer_id": vid,
        "offline": order.offline, "amount": short, "at": batch.at})
    records.transfer(transfer_id=f"debt:{order.order_id}", group_id=order.order_id,
                     role="debt", src=debt, dst=person, amount=short, at=batch.at)
    _conflict(batch, "overspend", entry, short,
              f"offline sales overspent by {short} points; recorded as debt")


def _stock(batch: _Batch, entry_id: str, moves: list[tuple[str, int, str, str | None]]) -> None:
    batch.records.pending.stock.extend(
        {"kiosk_id": batch.kiosk_id, "entry_id": entry_id, "item_id": item, "delta": delta,
         "kind": kind, "donor_id": donor} for item, delta, kind, donor in moves)
