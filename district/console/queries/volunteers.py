"""Finding volunteers (by number, masked name or card, at 450,000 of them) and reading one
volunteer's balance, cards and points history.

The district keeps masked names only (张*华, points_protocol.names): a full name typed into the
search box is masked the same way and matched exactly, so it finds everyone whose masked name
it shares, and the volunteer number tells them apart (docs/console.md, "Names").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, literal, or_, select

from district import ledger
from district.console import schema as s
from district.console.scope import Principal
from district.db import tables as t
from points_protocol import ids
from points_protocol.errors import Invalid
from points_protocol.names import mask_name

TOP = "\U0010ffff"     # above every character: a prefix's range ends just below it
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class Found:
    volunteer_id: str
    masked_name: str
    status: str
    community_id: str | None
    balance: int
    debt: int
    community_name: str | None = None

    def as_row(self) -> dict[str, Any]:
        return {"id": self.volunteer_id, "masked_name": self.masked_name,
                "status": self.status, "community": self.community_name or "",
                "balance": self.balance, "debt": self.debt}


def _base(principal: Principal, *, by_volunteer: bool = False) -> Any:
    """The search's columns for volunteers in scope. ``by_volunteer``: the caller's condition
    on volunteers picks few of them, so each one's community is checked (wrapped in a
    function, the communities' index cannot lead SQLite to walk everyone in the scope)."""
    v, p, c = t.volunteers, s.volunteer_profiles, s.communities
    community = func.coalesce(p.c.community_id, "") if by_volunteer else p.c.community_id
    b = t.balances.alias("b")
    d = t.balances.alias("d")
    join = v.join(p, p.c.volunteer_id == v.c.id) if principal.communities is not None \
        else v.outerjoin(p, p.c.volunteer_id == v.c.id)
    join = join.outerjoin(b, and_(b.c.account == literal("volunteer:") + v.c.id,
                                  b.c.shard == 0)) \
        .outerjoin(d, and_(d.c.account == literal("debt:") + v.c.id, d.c.shard == 0)) \
        .outerjoin(c, c.c.id == p.c.community_id)
    return select(v.c.id, v.c.masked_name, v.c.status, p.c.community_id, b.c.balance,
                  d.c.balance.label("debt"), c.c.name.label("community_name")
                  ).select_from(join).where(principal.community_filter(community))


def _found(rows: Any) -> list[Found]:
    return [Found(r.id, r.masked_name, r.status, r.community_id, int(r.balance or 0),
                  -int(r.debt or 0), r.community_name) for r in rows]


def _card_owner(conn: Connection, text: str) -> str | None:
    try:
        card_id = ids.normalize_card_id(text)
    except Invalid:
        return None
    return conn.execute(select(t.cards.c.volunteer_id).where(t.cards.c.card_id == card_id)
                        ).scalar()


def search(conn: Connection, principal: Principal, query: str,
           limit: int = SEARCH_LIMIT) -> list[Found]:
    """Volunteers in scope whose number starts with ``query``, whose masked name is the
    query's (masked if it was typed in full) or starts with it, or who hold the card it
    names. Every branch is an index range, never a scan of the register."""
    v = t.volunteers
    q = query.strip()[:64]
    if conn.dialect.name == "postgresql":
        # Look each match up by its key, planned for the words searched. Left to itself
        # PostgreSQL hashed every volunteer of a social worker's communities for a search by
        # name (45,000 at 450,000), and once psycopg prepared the statement (its sixth run on
        # a connection) kept a generic plan that walked them all: 100-400 ms on a loaded
        # machine, 5-20 ms looked up. For the rest of this transaction only.
        for setting in ("enable_hashjoin = off", "enable_mergejoin = off",
                        "plan_cache_mode = force_custom_plan"):
            conn.exec_driver_sql(f"SET LOCAL {setting}")
    base = _base(principal)
    if not q:
        return _found(conn.execute(base.order_by(v.c.id).limit(limit)))
    found: dict[str, Found] = {}
    owner = _card_owner(conn, q)
    if owner is not None:
        found.update((f.volunteer_id, f) for f in _found(conn.execute(
            base.where(v.c.id == owner))))
    if q.isascii():
        rows = conn.execute(base.where(v.c.id >= q, v.c.id < q + TOP)
                            .order_by(v.c.id).limit(limit))
        found.update((f.volunteer_id, f) for f in _found(rows) if f.volunteer_id.startswith(q))
    else:
        masked = q if "*" in q or len(q) < 2 else mask_name(q)
        names = [masked] if masked == q else [masked, q]
        # A masked name is shared by a few hundred people (a family name alone by a few
        # percent of the register): start from them, not from everyone in the scope.
        rows = conn.execute(_base(principal, by_volunteer=True).where(or_(
            v.c.masked_name.in_(names),
            and_(v.c.masked_name >= q, v.c.masked_name < q + TOP))).order_by(v.c.id).limit(limit))
        found.update((f.volunteer_id, f) for f in _found(rows))
    return list(found.values())[:limit]


def volunteer(conn: Connection, principal: Principal, volunteer_id: str) -> Found | None:
    rows = _found(conn.execute(_base(principal).where(t.volunteers.c.id == volunteer_id)))
    return rows[0] if rows else None


def cards_of(conn: Connection, volunteer_id: str) -> list[dict[str, Any]]:
    """The volunteer's cards, each with where and when it was last used at a kiosk."""
    cards = [dict(r._mapping) for r in conn.execute(
        select(t.cards.c.card_id, t.cards.c.kind, t.cards.c.status, t.cards.c.generation,
               t.cards.c.blocked_at).where(t.cards.c.volunteer_id == volunteer_id)
        .order_by(t.cards.c.card_id))]
    for card in cards:
        last = conn.execute(select(t.orders.c.kiosk_id, t.orders.c.created_at)
                            .where(t.orders.c.volunteer_id == volunteer_id,
                                   t.orders.c.card_id == card["card_id"])
                            .order_by(t.orders.c.received_at.desc()).limit(1)).first()
        event = conn.execute(select(t.card_events.c.kiosk_id, t.card_events.c.at,
                                    t.card_events.c.action)
                             .where(t.card_events.c.card_id == card["card_id"])
                             .order_by(t.card_events.c.at.desc()).limit(1)).first()
        card["last_kiosk"] = last.kiosk_id if last else None
        card["last_used_at"] = last.created_at[:19].replace("T", " ") if last else None
        card["last_event"] = f"{event.action} @ {event.kiosk_id}" if event else None
        card["blocked_at"] = (card["blocked_at"] or "")[:19].replace("T", " ") or None
    return cards


def history(conn: Connection, volunteer_id: str, limit: int = 500) -> list[dict[str, Any]]:
    """Every movement of the volunteer's points, newest first: earned (service records and
    their corrections), spent at which kiosk, donated, voided, debt and its settlement."""
    person = ledger.volunteer_account(volunteer_id)
    events: list[dict[str, Any]] = []
    records = conn.execute(
        select(t.service_records, s.credits.c.batch_id, s.credits.c.activity_id,
               s.credits.c.service_date)
        .select_from(t.service_records.outerjoin(
            s.credits, s.credits.c.record_id == t.service_records.c.record_id))
        .where(t.service_records.c.volunteer_id == volunteer_id)
        .order_by(t.service_records.c.at.desc()).limit(limit)).all()
    orders = conn.execute(select(t.orders).where(t.orders.c.volunteer_id == volunteer_id)
                          .order_by(t.orders.c.received_at.desc()).limit(limit)).all()
    groups = [f"credit:{r.record_id}" for r in records] + [o.order_id for o in orders]
    moves: dict[str, list[Any]] = {}
    for start in range(0, len(groups), 500):
        for m in conn.execute(select(t.transfers).where(
                t.transfers.c.group_id.in_(groups[start:start + 500]))):
            moves.setdefault(m.group_id, []).append(m)
    lines = _order_lines(conn, [o.order_id for o in orders])
    for r in records:
        where = f"batch {r.batch_id}" if r.batch_id else "district"
        detail = r.activity_id or r.record_id
        if r.corrects:
            detail = f"corrects {r.corrects}"
        for m in moves.get(f"credit:{r.record_id}", []):
            kind = {"credit": "earned", "reversal": "correction", "debt": "debt",
                    "settle": "debt settled"}.get(m.role, m.role)
            events.append(_event(m, person, kind, where=where, detail=detail,
                                 date=r.service_date))
    for o in orders:
        donated = any(m.to_account == ledger.DONATION_POOL for m in moves.get(o.order_id, []))
        for m in moves.get(o.order_id, []):
            kind = {"order": "voided" if o.kind == "void" else
                    "donated" if m.to_account == ledger.DONATION_POOL or donated else "spent",
                    "debt": "debt", "settle": "debt settled"}.get(m.role, m.role)
            events.append(_event(m, person, kind, where=f"kiosk {o.kiosk_id}",
                                 detail=lines.get(o.order_id, ""), date=o.created_at[:10]))
    events.sort(key=lambda e: e["at"], reverse=True)
    return events[:limit]


def _event(move: Any, person: str, kind: str, *, where: str, detail: str,
           date: str | None) -> dict[str, Any]:
    """One move as its effect on the volunteer's balance (so the column sums to it): a debt
    move brings a balance gone below zero back to zero, a settlement takes points for debt."""
    points = int(move.amount) if move.to_account == person else -int(move.amount)
    return {"at": move.recorded_at[:19].replace("T", " "), "kind": kind, "points": points,
            "where": where, "detail": detail, "date": date or ""}


def _order_lines(conn: Connection, order_ids: list[str]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    names = {}
    for start in range(0, len(order_ids), 500):
        for line in conn.execute(select(t.order_lines).where(
                t.order_lines.c.order_id.in_(order_ids[start:start + 500]))
                .order_by(t.order_lines.c.order_id, t.order_lines.c.line_no)):
            if line.item_id not in names:
                spec = conn.execute(select(t.items.c.spec).where(t.items.c.id == line.item_id)
                                    ).scalar()
                names[line.item_id] = json.loads(spec).get("name_zh", line.item_id) \
                    if spec else line.item_id
            out.setdefault(line.order_id, []).append(f"{names[line.item_id]}×{line.quantity}")
    return {k: ", ".join(v) for k, v in out.items()}
