"""The donation pool never goes below zero.

Points leave the pool two ways: a social worker's allocation to a family, and the void of a
donation sale (the volunteer gets the points back). An allocation is the district's own
decision, so it is refused beyond what the pool holds (district.families.service). A void is
a fact from a kiosk (the volunteer was told "voided" at the glass, maybe days ago while the
kiosk was offline), and may arrive after the donation's points were allocated and spent: it
is honoured, and what the pool no longer holds is booked as the pool's debt
(:data:`POOL_DEBT`, a debt account like a volunteer's ``debt:``), with a ``pool_shortfall``
conflict for staff. The next allocation repays the debt from new donations first: what a
social worker can give out is the pool less what it owes (:func:`available`).

Locks (PostgreSQL): the pool's debt row, then the pool's shard rows, in (account, shard)
order like every balance row; a donation sale adds to one shard without reading the others,
so only voids of donations and allocations wait here.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from district import ledger
from district.batch import BatchRecords
from district.db import tables as t
from district.entry_shapes import OrderFact

POOL_DEBT = ledger.debt_account(ledger.DONATION_POOL)


def locked(conn: Connection) -> tuple[int, int]:
    """(what the pool holds, what it owes: >= 0), its rows locked until the transaction ends."""
    rows = conn.execute(
        select(t.balances.c.account, t.balances.c.balance)
        .where(t.balances.c.account.in_([POOL_DEBT, ledger.DONATION_POOL]))
        .order_by(t.balances.c.account, t.balances.c.shard).with_for_update()).all()
    held = sum(int(b) for a, b in rows if a == ledger.DONATION_POOL)
    owed = -sum(int(b) for a, b in rows if a == POOL_DEBT)
    return held, owed


def available(conn: Connection) -> int:
    """What an allocation may give out now: the pool less its debt (never below zero)."""
    held = ledger.balance(conn, ledger.DONATION_POOL)
    return max(0, held + ledger.balance(conn, POOL_DEBT))


def owed(conn: Connection) -> int:
    return -ledger.balance(conn, POOL_DEBT)


def shortfall_of_void(conn: Connection, taken: int, pending: int) -> int:
    """How much of a void's ``taken`` points the pool does not hold: the pool's rows are
    locked and read, plus ``pending`` (what the same pushed batch moved into or out of the
    pool and has not written yet). 0 when the pool covers it."""
    held, _ = locked(conn)
    return max(0, taken - max(0, held + pending))


def cover_void(conn: Connection, records: BatchRecords, order: OrderFact, at: str) -> int:
    """Before a void's transfers are recorded: if it takes back from the pool more than the
    pool holds, book the difference from the pool's debt into the pool (so the void leaves it
    at zero, not below) and return it, for a conflict row; 0 otherwise (the usual case: no
    read, no lock, when the void does not touch the pool)."""
    taken = sum(m.amount for m in order.moves if m.src == ledger.DONATION_POOL)
    if taken <= 0:
        return 0
    pending = sum(d for (account, _), d in records.pending.deltas.items()
                  if account == ledger.DONATION_POOL)
    short = shortfall_of_void(conn, taken, pending)
    if short:
        records.transfer(transfer_id=f"pool-debt:{order.order_id}", group_id=order.order_id,
                         role="pool_debt", src=POOL_DEBT, dst=ledger.DONATION_POOL,
                         amount=short, at=at)
    return short


def repay(conn: Connection, *, held: int, owed_now: int, transfer_id: str, group_id: str,
          at: str) -> int:
    """Repay the pool's debt from what it holds (before an allocation); returns the points
    repaid. The caller holds the rows (:func:`locked`)."""
    amount = min(held, owed_now)
    if amount > 0:
        ledger.transfer(conn, transfer_id=transfer_id, group_id=group_id, role="pool_repay",
                        src=ledger.DONATION_POOL, dst=POOL_DEBT, amount=amount, kiosk_id=None,
                        at=at)
    return max(0, amount)
