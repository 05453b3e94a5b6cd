"""The overview's figures for a person's scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, literal, select

from district.console import schema as s
from district.console.queries.sql import starts_with
from district.console.scope import Principal
from district.db import tables as t


def tiles(conn: Connection, principal: Principal, now: float) -> dict[str, Any]:
    v, p, b = t.volunteers, s.volunteer_profiles, t.balances
    people = select(func.count()).select_from(
        v.join(p, p.c.volunteer_id == v.c.id) if principal.communities is not None else v)
    if principal.communities is not None:
        people = people.where(principal.community_filter(p.c.community_id))
        debt = select(func.coalesce(-func.sum(b.c.balance), 0)).select_from(p.join(
            b, and_(b.c.account == literal("debt:") + p.c.volunteer_id, b.c.shard == 0))
        ).where(principal.community_filter(p.c.community_id))
    else:
        debt = select(func.coalesce(-func.sum(b.c.balance), 0)).where(
            starts_with(conn, b.c.account, "debt:"))
    conflicts = select(func.count()).select_from(t.conflicts)
    if principal.communities is not None:
        conflicts = conflicts.select_from(t.conflicts.join(
            s.kiosk_sites, s.kiosk_sites.c.kiosk_id == t.conflicts.c.kiosk_id)).where(
            principal.community_filter(s.kiosk_sites.c.community_id))
    return {"volunteers": int(conn.execute(people).scalar_one()),
            "debt": int(conn.execute(debt).scalar_one() or 0),
            "conflicts": int(conn.execute(conflicts).scalar_one())}
