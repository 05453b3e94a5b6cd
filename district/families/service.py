"""Registering a family in need and allocating it points from the donation pool.

The donation pool is the account every donation sale pays (district.ledger.DONATION_POOL,
split into shards so kiosks' pushes do not queue on it). An allocation locks the pool's shard
rows, reads their sum and moves at most that much, in one transaction with its audit row: two
social workers allocating at once cannot give out more than the pool holds (PostgreSQL makes
the second wait for the first's commit; SQLite takes writers one at a time).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from district import ledger
from district.console import audit
from district.console import schema as cs
from district.db import tables as t
from district.db.engine import Database
from district.entry_checks import SHOP_ZONE
from district.families import pool
from district.families import schema as fs
from district.feed import mark_changed
from points_protocol.names import mask_name

FEED_ENTITY = "family"
FAMILY_ID_RE = re.compile(r"F[0-9]{4,20}")
MAX_ALLOCATION = 100_000      # points at once: a typo of three zeros stops here


class FamilyRefused(Exception):
    """Input refused: ``text`` is English with ``{placeholders}`` for ``values``, which the
    console translates before it shows it."""

    def __init__(self, text: str, **values: Any) -> None:
        super().__init__(text.format(**values))
        self.text = text
        self.values = values


@dataclass(frozen=True)
class NewFamily:
    family_id: str
    household: str          # the head of the household's name, masked before it is stored
    members: int
    community_id: str
    reason: str


def pool_balance(conn: Connection) -> int:
    """What a social worker may allocate: the pool less what it owes (district.families.pool)."""
    return pool.available(conn)


def register(db: Database, family: NewFamily, *, account_id: str, now: datetime,
             address: str | None = None) -> None:
    if not FAMILY_ID_RE.fullmatch(family.family_id):
        raise FamilyRefused("A family's number is F and 4 to 20 digits.")
    if not 1 <= family.members <= 30 or not family.household.strip() or not family.reason:
        raise FamilyRefused("A family needs a household name, 1 to 30 members and a reason.")
    masked = mask_name(family.household.strip()[:40]) + "家"

    def work(conn: Connection) -> None:
        if conn.execute(select(t.volunteers.c.id).where(
                t.volunteers.c.id == family.family_id)).first() is not None:
            raise FamilyRefused("This number is already taken.")
        if conn.execute(select(cs.communities.c.id).where(
                cs.communities.c.id == family.community_id)).first() is None:
            raise FamilyRefused("Unknown community.")
        at = now.isoformat(timespec="seconds")
        conn.execute(t.volunteers.insert().values(id=family.family_id, masked_name=masked,
                                                  status="active"))
        conn.execute(cs.volunteer_profiles.insert().values(
            volunteer_id=family.family_id, community_id=family.community_id))
        conn.execute(fs.families.insert().values(
            volunteer_id=family.family_id, community_id=family.community_id, household=masked,
            members=family.members, approved_by=account_id, approved_at=at,
            reason=family.reason[:400]))
        mark_changed(conn, [("volunteer", family.family_id), ("balance", family.family_id),
                            (FEED_ENTITY, family.family_id)])
        audit.record(conn, account_id, "family.register", family.family_id,
                     after={"household": masked, "members": family.members,
                            "community": family.community_id, "reason": family.reason[:400]},
                     address=address)

    db.run_write(work)


def allocate(db: Database, family_id: str, points: int, reason: str, *, account_id: str,
             communities: frozenset[str] | None, now: datetime,
             address: str | None = None, zone: ZoneInfo = SHOP_ZONE) -> int:
    """Move ``points`` from the pool to the family; returns what may be allocated after.
    ``communities``: the social worker's (None: the district's staff, any family); ``zone``:
    the district's (its month is the allocation's month in the reports)."""
    if not 1 <= points <= MAX_ALLOCATION:
        raise FamilyRefused("Allocate 1 to {most} points at a time.",
                            most=f"{MAX_ALLOCATION:,}")
    if not reason.strip():
        raise FamilyRefused("Say why: the reason is kept with the allocation.")

    def work(conn: Connection) -> int:
        family = conn.execute(select(fs.families).where(
            fs.families.c.volunteer_id == family_id)).first()
        if family is None or (communities is not None
                              and family.community_id not in communities):
            raise FamilyRefused("No such family in your communities.")
        # Lock the pool's rows: a concurrent allocation (or a void of a donation) waits here
        # and then sees this one. What the pool owes (voids after allocations) comes first.
        held, owed = pool.locked(conn)
        if points > held - owed:
            free = max(0, held - owed)
            raise FamilyRefused("The donation pool holds {held} points: {points} cannot be "
                                "allocated.", held=f"{free:,}", points=f"{points:,}")
        allocation_id = str(uuid.uuid4())
        at = now.isoformat(timespec="seconds")
        repaid = pool.repay(conn, held=held, owed_now=owed, transfer_id=f"repay-{allocation_id}",
                            group_id=allocation_id, at=at)
        held -= repaid
        ledger.transfer(conn, transfer_id=f"alloc-{allocation_id}", group_id=allocation_id,
                        role="allocate", src=ledger.DONATION_POOL,
                        dst=ledger.volunteer_account(family_id), amount=points, kiosk_id=None,
                        at=at)
        conn.execute(fs.allocations.insert().values(
            id=allocation_id, volunteer_id=family_id, points=points, reason=reason[:400],
            account_id=account_id, at=at,
            month=now.astimezone(zone).strftime("%Y-%m")))
        mark_changed(conn, [("balance", family_id)])
        audit.record(conn, account_id, "family.allocate", family_id,
                     before={"pool": held}, after={"points": points, "reason": reason[:400],
                                                   "pool": held - points}, address=address)
        return held - points

    return db.run_write(work)


def family_ids(conn: Connection) -> set[str]:
    return set(conn.execute(select(fs.families.c.volunteer_id)).scalars())


def in_scope(conn: Connection, communities: frozenset[str] | None) -> list[dict[str, Any]]:
    """The families a social worker may see by name (their communities'); none for staff with
    no communities (the district's admins see the reports' totals, not the families)."""
    if communities is None:
        return []
    f = fs.families
    rows = conn.execute(
        select(f, func.coalesce(func.sum(t.balances.c.balance), 0).label("balance"))
        .outerjoin(t.balances, t.balances.c.account == "volunteer:" + f.c.volunteer_id)
        .where(f.c.community_id.in_(sorted(communities)))
        .group_by(*f.c).order_by(f.c.volunteer_id)).mappings()
    return [dict(r) for r in rows]
