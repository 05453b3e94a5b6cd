"""When a pushed sale's points are not there: debt, within limits an honest kiosk never passes.

Offline sales are facts, so a shortfall normally becomes the volunteer's visible debt. But a
kiosk that lies (a stolen key) could otherwise create any debt it likes, so the district
accepts a shortfall only where an honest kiosk could have made it:

* A sale made **offline**: the kiosk itself keeps its offline sales within the caps per
  volunteer and per kiosk per shop day (``offline.cap_*``). The district counts the same
  totals on its side (the day of the sale's time, clamped into the sync window, so a forged
  time opens no extra days) and refuses the shortfall of a sale beyond them.
* A sale made **online**: the kiosk's snapshot was at most ``offline.after_seconds`` old, so its
  view of the volunteer can only lack what they spent at *other* kiosks since. So the
  volunteer's points and debt together may not end further below zero than that spending
  (sales received by the district from the sale's time, less ``after_seconds`` and the allowed
  clock skew).

What this bounds is written down in docs/protocol/README.md ("What a stolen kiosk can move")
and tested in tests/district/test_stolen_key.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select

from district.db import tables as t
from district.entry_checks import Policy
from district.entry_shapes import EntryRejected, OrderFact


def shop_day(moment: datetime, now: datetime, policy: Policy) -> str:
    """The shop day a sale's offline caps count against: the sale's own, but never later than
    now nor earlier than the sync window, so a forged time cannot open new days."""
    clamped = min(max(moment, now - policy.sync_window), now)
    return clamped.astimezone(policy.timezone).date().isoformat()


def _setting(conn: Connection, key: str, default: int) -> int:
    raw = conn.execute(select(t.settings.c.value).where(t.settings.c.key == key)).scalar()
    value = json.loads(raw) if raw is not None else default
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def check_shortfall(conn: Connection, kiosk_id: str, order: OrderFact, *, net: int,
                    now: datetime, policy: Policy) -> None:
    """Raise :class:`EntryRejected` unless an honest kiosk could have left the volunteer at
    ``net`` (points plus debt, below zero) with this sale."""
    if order.offline:
        _within_offline_caps(conn, kiosk_id, order, now, policy)
    else:
        _within_missed_spending(conn, kiosk_id, order, net=net, now=now, policy=policy)


def _within_offline_caps(conn: Connection, kiosk_id: str, order: OrderFact, now: datetime,
                         policy: Policy) -> None:
    cap_volunteer = _setting(conn, "offline.cap_per_volunteer_per_day",
                             policy.cap_per_volunteer_per_day)
    cap_kiosk = _setting(conn, "offline.cap_per_kiosk_per_day", policy.cap_per_kiosk_per_day)
    day = shop_day(order.created_at, now, policy)
    o = t.orders
    mine = (o.c.kiosk_id == kiosk_id, o.c.shop_day == day, o.c.offline.is_(True),
            o.c.kind == "sale")
    # The sale itself is not written yet (the caller flushed everything before it).
    if cap_volunteer:
        spent = order.total + conn.execute(select(func.coalesce(func.sum(o.c.total), 0)).where(
            *mine, o.c.volunteer_id == order.volunteer_id)).scalar_one()
        if int(spent) > cap_volunteer:
            raise EntryRejected(f"overspends {order.volunteer_id}'s points offline beyond the "
                                f"cap of {cap_volunteer} per volunteer on {day}")
    if cap_kiosk:
        spent = order.total + conn.execute(
            select(func.coalesce(func.sum(o.c.total), 0)).where(*mine)).scalar_one()
        if int(spent) > cap_kiosk:
            raise EntryRejected(f"overspends offline beyond this kiosk's cap of {cap_kiosk} "
                                f"on {day}")


def _within_missed_spending(conn: Connection, kiosk_id: str, order: OrderFact, *, net: int,
                            now: datetime, policy: Policy) -> None:
    after = timedelta(seconds=_setting(conn, "offline.after_seconds", policy.after_seconds))
    made = min(max(order.created_at, now - policy.sync_window), now)
    since = (made - after - policy.clock_skew).astimezone(UTC).isoformat()
    o = t.orders
    missed = conn.execute(select(func.coalesce(func.sum(o.c.total), 0)).where(
        o.c.volunteer_id == order.volunteer_id, o.c.kiosk_id != kiosk_id, o.c.kind == "sale",
        o.c.received_at >= since)).scalar_one()
    if -net > int(missed):
        raise EntryRejected(f"an online sale leaves {order.volunteer_id} {-net} points short, "
                            "more than was spent at other kiosks meanwhile")
