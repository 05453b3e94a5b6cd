"""Points move only as immutable transfers; each account's balance is folded in the same
transaction (I1, I4 on the district).

Hot accounts. Every kiosk's sales credit the donation pool and every credit debits issuance;
on PostgreSQL one balance row for each would make every push in the city wait for the one
before it. So those accounts are split into :data:`SHARDS` rows and each writer adds to the
shard its own id hashes to (a kiosk always to the same one); the balance is the sum of the
shards. A volunteer's and a debt account have one row (shard 0): they are locked per
volunteer anyway (district.push), and reads stay one index lookup. A kiosk's sales account is
written only by that kiosk, under its own lock, so it has one row too.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from district.db import tables as t
from district.db.upsert import upsert_add

DONATION_POOL = "donation_pool"
ISSUANCE = "issuance"
SHARDED = frozenset({DONATION_POOL, ISSUANCE})
SHARDS = 16


def volunteer_account(volunteer_id: str) -> str:
    return f"volunteer:{volunteer_id}"


def debt_account(volunteer_id: str) -> str:
    return f"debt:{volunteer_id}"


def sales_account(kiosk_id: str) -> str:
    return f"sales:{kiosk_id}"


def shard_for(account: str, writer: str) -> int:
    if account not in SHARDED:
        return 0
    return zlib.crc32(writer.encode()) % SHARDS


def transfer(conn: Connection, *, transfer_id: str, group_id: str, role: str, src: str,
             dst: str, amount: int, kiosk_id: str | None, at: str) -> None:
    """Append one transfer and fold it into both balances (the caller holds the locks)."""
    conn.execute(t.transfers.insert().values(
        id=transfer_id, group_id=group_id, role=role, from_account=src, to_account=dst,
        amount=amount, kiosk_id=kiosk_id, recorded_at=at))
    writer = kiosk_id or "district"
    add_to_balances(conn, [(src, shard_for(src, writer), -amount),
                           (dst, shard_for(dst, writer), amount)])


def add_to_balances(conn: Connection, deltas: Iterable[tuple[str, int, int]]) -> None:
    """(account, shard, delta) rows, applied in (account, shard) order: two transactions
    touching the same rows take their locks in the same order and never deadlock."""
    for account, shard, delta in sorted(deltas):
        upsert_add(conn, t.balances, {"account": account, "shard": shard, "balance": delta},
                   ("account", "shard"), "balance")


def balance(conn: Connection, account: str) -> int:
    value = conn.execute(select(func.coalesce(func.sum(t.balances.c.balance), 0))
                         .where(t.balances.c.account == account)).scalar_one()
    return int(value)


def balances_of(conn: Connection, accounts: list[str]) -> dict[str, int]:
    rows = conn.execute(select(t.balances.c.account, func.sum(t.balances.c.balance))
                        .where(t.balances.c.account.in_(accounts))
                        .group_by(t.balances.c.account))
    found = {str(a): int(b) for a, b in rows}
    return {a: found.get(a, 0) for a in accounts}


def fold(conn: Connection) -> dict[str, int]:
    """Every account's balance recomputed from its transfers (for verify)."""
    out: dict[str, int] = {}
    for src, dst, amount in conn.execute(select(t.transfers.c.from_account,
                                                t.transfers.c.to_account,
                                                t.transfers.c.amount)):
        out[src] = out.get(src, 0) - int(amount)
        out[dst] = out.get(dst, 0) + int(amount)
    return out


def cached(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(t.balances.c.account, func.sum(t.balances.c.balance))
                        .group_by(t.balances.c.account))
    return {str(a): int(b) for a, b in rows}


def verify(conn: Connection) -> list[str]:
    """I1 (transfers sum to zero), I4 (cached balances equal the fold), I5 (no account below
    zero but the mint (issuance, where every point comes from) and the debts: no volunteer,
    sales account or donation pool; no debt left while the volunteer has points, debt never a
    credit)."""
    problems = []
    folded = fold(conn)
    if sum(folded.values()) != 0:
        problems.append("I1: transfers do not sum to zero")
    for account, value in cached(conn).items():
        if folded.get(account, 0) != value:
            problems.append(f"I4: {account} cached {value} != fold {folded.get(account)}")
    for account, value in folded.items():
        if value < 0 and account != ISSUANCE and not account.startswith("debt:"):
            problems.append(f"I5: {account} is negative ({value})")
        if account.startswith("debt:") and value < 0 and \
                folded.get("volunteer:" + account[5:], 0) > 0:
            problems.append(f"I5: {account} unsettled while the volunteer has points")
        if account.startswith("debt:") and value > 0:
            problems.append(f"I5: {account} is a credit ({value}), not a debt")
    return problems
