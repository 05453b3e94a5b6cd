"""The console's reports, each limited to the person's scope: points earned (credits less
corrections, to volunteers of their communities) and spent (sales less voids, at kiosks of
their communities, by shop day) per day, week or month; per community; per category; per
donor (first in, first out, district.console.queries.donors); stock turning; debt.

A page reads each underlying sum once (:class:`Figures`), by day, from the sums the database
keeps as history arrives (district.console.rollups), and folds it into weeks, months,
communities and categories here. The ``*_from_history`` functions compute the same sums from
the history itself: the earned ones serve a page while the earned sums are being rebuilt, and
the tests check the kept sums against all three. What the donors' shares need (the whole stock
history) is kept in a :class:`~district.console.cache.HistoryCache` until the history grows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from district.console import rollups as ru
from district.console import schema as s
from district.console.cache import HistoryCache
from district.console.queries import donors as dq
from district.console.queries import kiosks as kq
from district.console.queries.sql import starts_with
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
            year, week, _ = date.fromisoformat(day).isocalendar()
            return f"{year}-W{week:02d}"
        return day

    def buckets(self) -> list[str]:
        days = (self.end - self.start).days + 1
        return list(dict.fromkeys(self.bucket((self.start + timedelta(days=n)).isoformat())
                                  for n in range(days)))


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


class Figures:
    """The sums one report page needs, each read once."""

    def __init__(self, conn: Connection, principal: Principal, p: Period,
                 cache: HistoryCache) -> None:
        self.conn, self.principal, self.period, self.cache = conn, principal, p, cache
        self.kiosks = kq.in_scope(conn, principal)
        kept = earned_kept(conn, principal, p)     # None: being rebuilt, read the history
        self.earned = kept if kept is not None else earned_from_history(conn, principal, p)
        self.spent, self.sold = sales_summed(conn, self.kiosks, p)

    # -- the tables --------------------------------------------------------------------------
    def over_time(self) -> list[dict[str, Any]]:
        earned: dict[str, int] = defaultdict(int)
        spent: dict[str, int] = defaultdict(int)
        for (day, _), points in self.earned.items():
            earned[self.period.bucket(day)] += points
        for (day, _), points in self.spent.items():
            spent[self.period.bucket(day)] += points
        return [{"period": b, "earned": earned[b], "spent": spent[b]}
                for b in self.period.buckets()]

    def per_community(self) -> list[dict[str, Any]]:
        site = kq.sites(self.conn)
        earned: dict[str, int] = defaultdict(int)
        spent: dict[str, int] = defaultdict(int)
        for (_, community), points in self.earned.items():
            earned[community] += points
        for (_, kiosk), points in self.spent.items():
            spent[site.get(kiosk, "")] += points
        names = community_names(self.conn)
        keys = sorted(set(earned) | set(spent), key=lambda c: (c == "", c))
        return [{"community": names.get(c, c) or "—", "earned": earned[c], "spent": spent[c]}
                for c in keys]

    def per_category(self) -> list[dict[str, Any]]:
        kinds = item_facts(self.conn)
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for item, (units, points) in self.sold.items():
            category = kinds.get(item, ("", item))[0] or "other"
            out[category][0] += units
            out[category][1] += points
        return [{"category": c, "units": u, "points": pts}
                for c, (u, pts) in sorted(out.items(), key=lambda kv: -kv[1][1])]

    def stock_turning(self) -> list[dict[str, Any]]:
        """Per item at the kiosks in scope: on hand now, taken in the period, per day, the
        days the stock lasts at that pace, and turns (units taken over units on hand)."""
        on_hand = stock_on_hand(self.conn, self.kiosks)
        names = item_facts(self.conn)
        days = (self.period.end - self.period.start).days + 1
        rows = []
        for item in sorted(set(on_hand) | set(self.sold)):
            units = self.sold.get(item, (0, 0))[0]
            per_day = units / days
            stock = on_hand.get(item, 0)
            rows.append({"item_id": item, "name": names.get(item, ("", item))[1],
                         "on_hand": stock, "sold": units, "per_day": round(per_day, 2),
                         "days_left": round(stock / per_day, 1) if per_day > 0 else None,
                         "turns": round(units / stock, 2) if stock > 0 else None})
        rows.sort(key=lambda r: (r["days_left"] is None, r["days_left"] or 0))
        return rows


Sales = list[tuple[str, str, str, int, int]]     # (shop day, kiosk, item, units, points)


def earned_kept(conn: Connection, principal: Principal, p: Period
                ) -> dict[tuple[str, str], int] | None:
    """{(day, community): points} credited less reversed to volunteers in scope, from the
    kept sums; None while they are being rebuilt (read in the same statement as the sums)."""
    e = ru.earned
    rows = conn.execute(select(e.c.day, e.c.community_id, e.c.points).where(or_(
        and_(e.c.day >= p.start_text, e.c.day <= p.end.isoformat(),
             principal.community_filter(func.nullif(e.c.community_id, ""))),
        e.c.day == ru.SENTINEL_DAY))).all()
    if not any(r.day == ru.SENTINEL_DAY for r in rows):
        return None
    return {(r.day, r.community_id): int(r.points) for r in rows if r.day != ru.SENTINEL_DAY}


def earned_from_history(conn: Connection, principal: Principal, p: Period
                        ) -> dict[tuple[str, str], int]:
    """:func:`earned_kept` read from every credit and reversal of the period."""
    tr, vp = t.transfers, s.volunteer_profiles
    day = func.substr(tr.c.recorded_at, 1, 10)
    signed = case((tr.c.role == "credit", tr.c.amount), else_=-tr.c.amount)
    account = case((tr.c.role == "credit", tr.c.to_account), else_=tr.c.from_account)
    query = (select(day.label("day"), vp.c.community_id, func.sum(signed))
             .select_from(tr.outerjoin(vp, vp.c.volunteer_id == func.substr(account, 11)))
             .where(tr.c.role.in_(("credit", "reversal")),
                    tr.c.recorded_at >= p.start_text, tr.c.recorded_at < p.end_text,
                    principal.community_filter(vp.c.community_id))
             .group_by(day, vp.c.community_id))
    return {(r[0], r[1] or ""): int(r[2]) for r in conn.execute(query)}


def sales_kept(conn: Connection, kiosks: list[str], p: Period) -> Sales:
    """Units and points sold less voided per shop day, kiosk and item, from the kept sums."""
    k = ru.sales
    return [(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in conn.execute(
        select(k.c.shop_day, k.c.kiosk_id, k.c.item_id, k.c.units, k.c.points)
        .where(k.c.kiosk_id.in_(kiosks), k.c.shop_day >= p.start_text,
               k.c.shop_day <= p.end.isoformat()))]


def sales_summed(conn: Connection, kiosks: list[str], p: Period
                 ) -> tuple[dict[tuple[str, str], int], dict[str, tuple[int, int]]]:
    """:func:`fold_sales` of :func:`sales_kept`, summed by the database (a quarter's kept
    rows are ~40,000; folded in Python they cost a page 150 ms)."""
    k = ru.sales
    where = (k.c.kiosk_id.in_(kiosks), k.c.shop_day >= p.start_text,
             k.c.shop_day <= p.end.isoformat())
    spent = {(r[0], r[1]): int(r[2]) for r in conn.execute(
        select(k.c.shop_day, k.c.kiosk_id, func.sum(k.c.points)).where(*where)
        .group_by(k.c.shop_day, k.c.kiosk_id))}
    sold = {r[0]: (int(r[1]), int(r[2])) for r in conn.execute(
        select(k.c.item_id, func.sum(k.c.units), func.sum(k.c.points)).where(*where)
        .group_by(k.c.item_id))}
    return spent, sold


def sales_from_history(conn: Connection, kiosks: list[str], p: Period) -> Sales:
    """:func:`sales_kept` read from every order line of the period."""
    o, lines = t.orders, t.order_lines
    sign = case((o.c.kind == "sale", 1), else_=-1)
    query = (select(o.c.shop_day, o.c.kiosk_id, lines.c.item_id,
                    func.sum(sign * lines.c.quantity), func.sum(sign * lines.c.amount))
             .select_from(o.join(lines, lines.c.order_id == o.c.order_id))
             .where(o.c.kiosk_id.in_(kiosks), o.c.shop_day >= p.start_text,
                    o.c.shop_day <= p.end.isoformat())
             .group_by(o.c.shop_day, o.c.kiosk_id, lines.c.item_id))
    return [(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in conn.execute(query)]


def fold_sales(rows: Sales) -> tuple[dict[tuple[str, str], int], dict[str, tuple[int, int]]]:
    """({(shop day, kiosk): points}, {item: (units, points)}) of rows of sales (what
    :func:`sales_summed` gives for the kept rows; the tests fold the history with it)."""
    spent: dict[tuple[str, str], int] = defaultdict(int)
    sold: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for day, kiosk, item, units, points in rows:
        spent[(day, kiosk)] += points
        sold[item][0] += units
        sold[item][1] += points
    return dict(spent), {k: (v[0], v[1]) for k, v in sold.items()}


def community_names(conn: Connection) -> dict[str, str]:
    return {r.id: r.name for r in conn.execute(select(s.communities))}


def item_facts(conn: Connection) -> dict[str, tuple[str, str]]:
    """{item: (category, Chinese name)}."""
    out = {}
    for r in conn.execute(select(t.items.c.id, t.items.c.spec)):
        spec = json.loads(r.spec)
        out[r.id] = (spec.get("category", ""), spec.get("name_zh", r.id))
    return out


def stock_on_hand(conn: Connection, kiosks: list[str]) -> dict[str, int]:
    """Units on hand per item at the kiosks, from the kept sums."""
    k = ru.stock
    return {r[0]: int(r[1]) for r in conn.execute(
        select(k.c.item_id, func.sum(k.c.on_hand)).where(k.c.kiosk_id.in_(kiosks))
        .group_by(k.c.item_id))}


def stock_from_history(conn: Connection, kiosks: list[str]) -> dict[str, int]:
    """:func:`stock_on_hand` summed over every stock movement."""
    sm = t.stock_movements
    return {r[0]: int(r[1]) for r in conn.execute(
        select(sm.c.item_id, func.sum(sm.c.delta)).where(sm.c.kiosk_id.in_(kiosks))
        .group_by(sm.c.item_id))}


def per_donor(conn: Connection, principal: Principal, cache: HistoryCache
              ) -> list[dict[str, Any]]:
    """Points volunteers spent on each donor's goods, and units given, taken and left (all
    time: a delivery's units are followed until they leave the shelf)."""
    kiosks = kq.in_scope(conn, principal)
    return cache.get(conn, ("per_donor", tuple(kiosks)), lambda: _per_donor(conn, kiosks))


def _per_donor(conn: Connection, kiosks: list[str]) -> list[dict[str, Any]]:
    shares = dq.attribute(conn, kiosks)
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


def debt(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """Debt per community: volunteers in debt and points owed."""
    b, vp = t.balances, s.volunteer_profiles
    query = (select(vp.c.community_id, func.count(), func.sum(-b.c.balance))
             .select_from(b.outerjoin(vp, vp.c.volunteer_id == func.substr(b.c.account, 6)))
             .where(and_(starts_with(conn, b.c.account, "debt:"), b.c.balance < 0),
                    principal.community_filter(vp.c.community_id))
             .group_by(vp.c.community_id))
    names = community_names(conn)
    return [{"community": names.get(r[0], r[0]) or "—", "volunteers": int(r[1]),
             "debt": int(r[2])} for r in conn.execute(query)]
