"""The console's reports, each limited to the person's scope: points earned (credits less
corrections, to volunteers of their communities) and spent (sales less voids, at kiosks of
their communities) per day, week or month; per community; per category; per donor (first in,
first out, district.console.queries.donors); stock turning; debt.

Every figure is summed by day in SQL and folded into weeks or months here, so the two engines
run the same plain GROUP BY.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from district.console import schema as s
from district.console.queries import donors as dq
from district.console.queries import kiosks as kq
from district.console.scope import Principal
from district.db import tables as t

GRAINS = ("day", "week", "month")
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date            # included
    grain: str

    @property
    def start_text(self) -> str:
        return self.start.isoformat()

    @property
    def end_text(self) -> str:       # exclusive bound on ISO times
        return (self.end + timedelta(days=1)).isoformat()

    def bucket(self, day: str) -> str:
        if self.grain == "month":
            return day[:7]
        if self.grain == "week":
            d = date.fromisoformat(day)
            year, week, _ = d.isocalendar()
            return f"{year}-W{week:02d}"
        return day

    def buckets(self) -> list[str]:
        days = (self.end - self.start).days + 1
        seen = dict.fromkeys(self.bucket((self.start + timedelta(days=n)).isoformat())
                             for n in range(days))
        return list(seen)


def period(start: str, end: str, grain: str, today: date) -> Period:
    """The period asked for, or the last 30 days; at most three years."""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=29)
    except ValueError:
        last, first = today, today - timedelta(days=29)
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(days=MAX_DAYS))
    return Period(first, last, grain if grain in GRAINS else "day")


def _earned_by_day(conn: Connection, principal: Principal, p: Period
                   ) -> dict[tuple[str, str], int]:
    """{(day, community): points} credited less reversed, to volunteers in scope."""
    tr, vp = t.transfers, s.volunteer_profiles
    day = func.substr(tr.c.recorded_at, 1, 10)
    signed = case((tr.c.role == "credit", tr.c.amount), else_=-tr.c.amount)
    account = case((tr.c.role == "credit", tr.c.to_account), else_=tr.c.from_account)
    query = (select(day.label("day"), vp.c.community_id, func.sum(signed))
             # By the volunteer id cut out of the account: an index lookup per transfer.
             .select_from(tr.outerjoin(vp, vp.c.volunteer_id == func.substr(account, 11)))
             .where(tr.c.role.in_(("credit", "reversal")), tr.c.recorded_at >= p.start_text,
                    tr.c.recorded_at < p.end_text,
                    principal.community_filter(vp.c.community_id))
             .group_by(day, vp.c.community_id))
    return {(r[0], r[1] or ""): int(r[2]) for r in conn.execute(query)}


def _spent_by_day(conn: Connection, kiosks: list[str], p: Period
                  ) -> dict[tuple[str, str], int]:
    """{(day, kiosk): points} of sales less voids at the given kiosks, by sale time (UTC)."""
    o = t.orders
    day = func.substr(o.c.created_at, 1, 10)
    signed = case((o.c.kind == "sale", o.c.total), else_=-o.c.total)
    query = (select(day, o.c.kiosk_id, func.sum(signed))
             .where(o.c.kiosk_id.in_(kiosks), o.c.created_at >= p.start_text,
                    o.c.created_at < p.end_text)
             .group_by(day, o.c.kiosk_id))
    return {(r[0], r[1]): int(r[2]) for r in conn.execute(query)}


def over_time(conn: Connection, principal: Principal, p: Period) -> list[dict[str, Any]]:
    kiosks = kq.in_scope(conn, principal)
    earned: dict[str, int] = defaultdict(int)
    spent: dict[str, int] = defaultdict(int)
    for (day, _), points in _earned_by_day(conn, principal, p).items():
        earned[p.bucket(day)] += points
    for (day, _), points in _spent_by_day(conn, kiosks, p).items():
        spent[p.bucket(day)] += points
    return [{"period": b, "earned": earned[b], "spent": spent[b]} for b in p.buckets()]


def per_community(conn: Connection, principal: Principal, p: Period) -> list[dict[str, Any]]:
    kiosks = kq.in_scope(conn, principal)
    site = kq.sites(conn)
    earned: dict[str, int] = defaultdict(int)
    spent: dict[str, int] = defaultdict(int)
    for (_, community), points in _earned_by_day(conn, principal, p).items():
        earned[community] += points
    for (_, kiosk), points in _spent_by_day(conn, kiosks, p).items():
        spent[site.get(kiosk, "")] += points
    names = {r.id: r.name for r in conn.execute(select(s.communities))}
    keys = sorted(set(earned) | set(spent), key=lambda c: (c == "", c))
    return [{"community": names.get(c, c) or "—", "earned": earned[c], "spent": spent[c]}
            for c in keys]


def _categories(conn: Connection) -> dict[str, tuple[str, str]]:
    return {r.id: (json.loads(r.spec).get("category", ""), json.loads(r.spec).get(
        "name_zh", r.id)) for r in conn.execute(select(t.items.c.id, t.items.c.spec))}


def _sold_by_item(conn: Connection, kiosks: list[str], p: Period
                  ) -> dict[str, tuple[int, int]]:
    """{item: (units, points)} sold less voided at the kiosks in the period."""
    o, lines = t.orders, t.order_lines
    sign = case((o.c.kind == "sale", 1), else_=-1)
    query = (select(lines.c.item_id, func.sum(sign * lines.c.quantity),
                    func.sum(sign * lines.c.amount))
             .select_from(lines.join(o, o.c.order_id == lines.c.order_id))
             .where(o.c.kiosk_id.in_(kiosks), o.c.created_at >= p.start_text,
                    o.c.created_at < p.end_text)
             .group_by(lines.c.item_id))
    return {r[0]: (int(r[1]), int(r[2])) for r in conn.execute(query)}


def per_category(conn: Connection, principal: Principal, p: Period) -> list[dict[str, Any]]:
    kinds = _categories(conn)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item, (units, points) in _sold_by_item(conn, kq.in_scope(conn, principal), p).items():
        category = kinds.get(item, ("", item))[0] or "other"
        out[category][0] += units
        out[category][1] += points
    return [{"category": c, "units": u, "points": pts}
            for c, (u, pts) in sorted(out.items(), key=lambda kv: -kv[1][1])]


def per_donor(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """Points volunteers spent on each donor's goods, and units given, taken and left (all
    time: a delivery's units are followed until they leave the shelf)."""
    shares = dq.attribute(conn, kq.in_scope(conn, principal))
    names = {r.id: r.name for r in conn.execute(select(s.partners.c.id, s.partners.c.name))}
    out: dict[str, dict[str, Any]] = {}
    for (donor, _, _), share in shares.items():
        if donor == dq.NO_DONOR:
            continue
        row = out.setdefault(donor, {"donor_id": donor, "name": names.get(donor, ""),
                                     "given": 0, "sold": 0, "points": 0, "on_shelf": 0,
                                     "volunteers": set()})
        row["given"] += share.given
        row["sold"] += share.sold
        row["points"] += share.points
        row["on_shelf"] += share.on_shelf
        row["volunteers"] |= share.volunteers
    rows = sorted(out.values(), key=lambda r: -int(r["points"]))
    for row in rows:
        row["volunteers"] = len(row["volunteers"])
    return rows


def stock_turning(conn: Connection, principal: Principal, p: Period) -> list[dict[str, Any]]:
    """Per item at the kiosks in scope: on hand now, sold in the period, sold per day, days
    the stock lasts at that pace, and turns (units sold over units on hand)."""
    kiosks = kq.in_scope(conn, principal)
    sm = t.stock_movements
    on_hand = {r[0]: int(r[1]) for r in conn.execute(
        select(sm.c.item_id, func.sum(sm.c.delta)).where(sm.c.kiosk_id.in_(kiosks))
        .group_by(sm.c.item_id))}
    sold = _sold_by_item(conn, kiosks, p)
    names = _categories(conn)
    days = (p.end - p.start).days + 1
    rows = []
    for item in sorted(set(on_hand) | set(sold)):
        units = sold.get(item, (0, 0))[0]
        per_day = units / days
        stock = on_hand.get(item, 0)
        rows.append({"item_id": item, "name": names.get(item, ("", item))[1],
                     "on_hand": stock, "sold": units, "per_day": round(per_day, 2),
                     "days_left": round(stock / per_day, 1) if per_day > 0 else None,
                     "turns": round(units / stock, 2) if stock > 0 else None})
    rows.sort(key=lambda r: (r["days_left"] is None, r["days_left"] or 0))
    return rows


def debt(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """Debt per community: volunteers in debt and points owed."""
    b, vp = t.balances, s.volunteer_profiles
    query = (select(vp.c.community_id, func.count(), func.sum(-b.c.balance))
             .select_from(b.outerjoin(vp, vp.c.volunteer_id == func.substr(b.c.account, 6)))
             .where(and_(b.c.account.like("debt:%"), b.c.balance < 0),
                    principal.community_filter(vp.c.community_id))
             .group_by(vp.c.community_id))
    names = {r.id: r.name for r in conn.execute(select(s.communities))}
    return [{"community": names.get(r[0], r[0]) or "—", "volunteers": int(r[1]),
             "debt": int(r[2])} for r in conn.execute(query)]
