"""Kiosks in a person's scope (by the community each kiosk's site is in), with their health
from the last heartbeat (district.kiosk_health) and how far their sync got."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from district.console import schema as s
from district.console.scope import Principal
from district.db import tables as t
from district.kiosk_health import DEFAULT_SILENT_AFTER, assess
from district.store import Store


def sites(conn: Connection) -> dict[str, str]:
    return {r.kiosk_id: r.community_id for r in conn.execute(select(s.kiosk_sites))}


def in_scope(conn: Connection, principal: Principal) -> list[str]:
    """Ids of the kiosks this person may see (an admin: every registered kiosk)."""
    if principal.communities is None:
        return list(conn.execute(select(t.kiosks.c.id).order_by(t.kiosks.c.id)).scalars())
    return list(conn.execute(select(s.kiosk_sites.c.kiosk_id).where(
        principal.community_filter(s.kiosk_sites.c.community_id))
        .order_by(s.kiosk_sites.c.kiosk_id)).scalars())


def health(store: Store, principal: Principal, now: float,
           silent_after: float = DEFAULT_SILENT_AFTER) -> list[dict[str, Any]]:
    with store.db.read() as conn:
        allowed = set(in_scope(conn, principal))
        where = sites(conn)
        names = {r.id: r.name for r in conn.execute(select(s.communities))}
        last_entry = {r[0]: r[1] for r in conn.execute(
            select(t.entries.c.kiosk_id, func.max(t.entries.c.received_at))
            .where(t.entries.c.kiosk_id.in_(sorted(allowed)))
            .group_by(t.entries.c.kiosk_id))}
        applied = {r.id: int(r.applied_seq) for r in conn.execute(
            select(t.kiosks.c.id, t.kiosks.c.applied_seq))}
    rows = []
    for k in assess(store, now, silent_after):
        if k.kiosk_id not in allowed:
            continue
        rows.append({**k.as_dict(), "community": names.get(where.get(k.kiosk_id, ""), ""),
                     "last_sale_at": (k.last_sale_at or "")[:19].replace("T", " "),
                     "problems": " ".join(k.problems) or "ok",
                     "why": "; ".join(filter(None, (k.clock_problem, *k.out_of_service))),
                     "last_push": (last_entry.get(k.kiosk_id) or "")[:19].replace("T", " "),
                     "applied_seq": applied.get(k.kiosk_id, 0),
                     "last_heartbeat": (k.last_heartbeat or "never")[:19].replace("T", " ")})
    return rows
