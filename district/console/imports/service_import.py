"""Service records from the volunteer platform (volunteer number, activity id, date, hours,
optionally the activity type), turned into credits under the points rules.

A record is keyed by (volunteer number, activity id): its record id in the district is
``ACTIVITY/VOLUNTEER``, so the same activity imported twice, in one file or in two, is credited
once. Every row gets one outcome in the preview: *credit* (with the points and any cap that
applied), *skip* (already credited, and in which batch) or *refuse* (and why). Confirming
works the plan out again on the stored rows (the register may have changed meanwhile) and
credits the *credit* rows through the district's one credit path as one batch with its own id.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from district.console import schema as s
from district.console.imports.tabular import Sheet, cell_text, column_map
from district.console.rules import DEFAULT_TYPE, ActivityType, types
from district.console.scope import Principal
from district.db import tables as t
from district.db.sets import looked_up_by_key, one_of
from points_protocol import ids
from points_protocol.errors import Invalid

COLUMNS = {
    "volunteer_id": ("志愿者统一编号", "志愿者编号", "统一编号", "volunteer_id",
                     "volunteer number"),
    "activity_id": ("活动编号", "活动ID", "activity_id", "activity"),
    "date": ("服务日期", "日期", "date", "service_date"),
    "hours": ("服务时长", "时长（小时）", "时长", "hours"),
    "activity_type": ("活动类型", "类型", "activity_type", "type"),
}
REQUIRED = ("volunteer_id", "activity_id", "date", "hours")
ACTIVITY_ID_RE = re.compile(r"[!-~]{1,35}", re.ASCII)
CHUNK = 5000


@dataclass(frozen=True)
class ServiceRow:
    line: int
    volunteer_id: str
    activity_id: str
    activity_type: str
    date: str
    hours: float | None
    problem: str = ""           # found while reading the row alone


@dataclass
class Planned:
    row: ServiceRow
    action: str                 # credit | skip | refuse
    reason: str = ""
    counted_hours: float = 0.0
    points: int = 0

    @property
    def record_id(self) -> str:
        return record_id(self.row.activity_id, self.row.volunteer_id)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self.row), "action": self.action, "reason": self.reason,
                "counted_hours": self.counted_hours, "points": self.points}


def record_id(activity_id: str, volunteer_id: str) -> str:
    return f"{activity_id}/{volunteer_id}"


def read_rows(sheet: Sheet, today: date) -> list[ServiceRow]:
    cols = column_map(sheet.headers, COLUMNS, REQUIRED)
    out = []
    for line, cells in sheet.rows:
        def cell(name: str, cells: list[Any] = cells) -> str:
            index = cols.get(name)
            return cell_text(cells[index]) if index is not None and index < len(cells) else ""
        out.append(_row(line, cell("volunteer_id"), cell("activity_id"),
                        kind=cell("activity_type") or DEFAULT_TYPE, day=cell("date"),
                        hours_text=cell("hours"), today=today))
    return out


def _row(line: int, volunteer: str, activity: str, *, kind: str, day: str, hours_text: str,
         today: date) -> ServiceRow:
    problem, hours = "", None
    try:
        volunteer = ids.normalize_volunteer_id(volunteer)
    except Invalid as exc:
        problem = str(exc)
    if not problem and not ACTIVITY_ID_RE.fullmatch(activity):
        problem = "the activity id is missing or not 1-35 letters, digits or signs"
    try:
        service_day = date.fromisoformat(day.replace("/", "-")[:10])
        day = service_day.isoformat()
        if not problem and service_day > today:
            problem = f"the service date {day} is in the future"
    except ValueError:
        problem = problem or f"the date {day[:20]!r} is not a date (YYYY-MM-DD)"
    try:
        hours = float(hours_text)
    except ValueError:
        problem = problem or f"hours {hours_text[:20]!r} is not a number"
    if hours is not None and not problem and not 0 < hours <= 24:
        problem = f"hours {hours:g}: must be above 0 and at most 24"
    return ServiceRow(line, volunteer, activity, kind[:40], day[:10], hours, problem)


def plan(conn: Connection, principal: Principal, rows: list[ServiceRow]) -> list[Planned]:
    """Each row's outcome against the register, the rules and what is already credited."""
    vids = sorted({r.volunteer_id for r in rows if not r.problem})
    with looked_up_by_key(conn):
        look = _Lookups(rules=types(conn), known=_known(conn, vids),
                        community=_communities(conn, vids),
                        held=_held(conn, [record_id(r.activity_id, r.volunteer_id)
                                          for r in rows if not r.problem]),
                        months=_month_totals(conn, vids, rows), seen={})
    return [_one(r, principal, look) for r in rows]


@dataclass
class _Lookups:
    """What the plan reads up front for the whole file."""

    rules: dict[str, ActivityType]
    known: set[str]
    community: dict[str, str]
    held: dict[str, str | None]
    months: dict[tuple[str, str, str], int]
    seen: dict[tuple[str, str], int]


def _one(r: ServiceRow, principal: Principal, look: _Lookups  # noqa: PLR0911 (one per reason)
         ) -> Planned:
    rules, known, community, held = look.rules, look.known, look.community, look.held
    months, seen = look.months, look.seen
    if r.problem:
        return Planned(r, "refuse", r.problem)
    key = (r.volunteer_id, r.activity_id)
    if key in seen:
        return Planned(r, "skip", f"the same volunteer and activity are on line {seen[key]}")
    seen[key] = r.line
    if r.volunteer_id not in known:
        return Planned(r, "refuse", f"no volunteer {r.volunteer_id} in the register")
    if not principal.sees_community(community.get(r.volunteer_id)):
        return Planned(r, "refuse", f"volunteer {r.volunteer_id} is not in your communities")
    rid = record_id(r.activity_id, r.volunteer_id)
    if rid in held:
        batch = held[rid]
        return Planned(r, "skip", f"already credited (batch {batch})" if batch
                       else "already credited")
    rule = rules.get(r.activity_type)
    if rule is None:
        return Planned(r, "refuse", f"unknown activity type {r.activity_type!r}; add it to "
                       "the points rules first")
    if not rule.counts:
        return Planned(r, "refuse", f"activity type {rule.id} earns no points")
    assert r.hours is not None
    counted, points = rule.points_for(r.hours)
    reason = f"counted {counted:g} of {r.hours:g} hours" if counted < r.hours else ""
    if rule.max_points_per_month:
        month_key = (r.volunteer_id, rule.id, r.date[:7])
        left = rule.max_points_per_month - months[month_key]
        if left <= 0:
            return Planned(r, "refuse", f"monthly cap of {rule.max_points_per_month} points "
                           f"for {rule.id} reached in {r.date[:7]}")
        if points > left:
            points, reason = left, f"capped at the monthly {rule.max_points_per_month} points"
        months[month_key] += points
    if points <= 0:
        return Planned(r, "refuse", "no points for these hours")
    return Planned(r, "credit", reason, counted, points)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _known(conn: Connection, vids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(vids):
        found.update(conn.execute(select(t.volunteers.c.id).where(
            one_of(conn, t.volunteers.c.id, chunk))).scalars())
    return found


def _communities(conn: Connection, vids: list[str]) -> dict[str, str]:
    p = s.volunteer_profiles
    found: dict[str, str] = {}
    for chunk in _chunks(vids):
        found.update((r.volunteer_id, r.community_id) for r in conn.execute(
            select(p.c.volunteer_id, p.c.community_id)
            .where(one_of(conn, p.c.volunteer_id, chunk))))
    return found


def _held(conn: Connection, record_ids: list[str]) -> dict[str, str | None]:
    """Record ids already credited, with the console batch that credited each (if any)."""
    sr, c = t.service_records, s.credits
    found: dict[str, str | None] = {}
    for chunk in _chunks(sorted(set(record_ids))):
        found.update((r.record_id, r.batch_id) for r in conn.execute(
            select(sr.c.record_id, c.c.batch_id).select_from(
                sr.outerjoin(c, c.c.record_id == sr.c.record_id))
            .where(one_of(conn, sr.c.record_id, chunk))))
    return found


def _month_totals(conn: Connection, vids: list[str], rows: list[ServiceRow]
                  ) -> dict[tuple[str, str, str], int]:
    """Points already credited per (volunteer, activity type, month) in the months the file
    covers (for the monthly caps)."""
    months = sorted({r.date[:7] for r in rows if not r.problem})
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    if not months:
        return totals
    c = s.credits
    month = func.substr(c.c.service_date, 1, 7)
    for chunk in _chunks(vids):
        for r in conn.execute(select(c.c.volunteer_id, c.c.activity_type, month.label("m"),
                                     func.sum(c.c.points)).where(
                one_of(conn, c.c.volunteer_id, chunk), c.c.service_date >= months[0] + "-01",
                c.c.service_date <= months[-1] + "-31")
                .group_by(c.c.volunteer_id, c.c.activity_type, month)):
            totals[(r[0], r[1], r[2])] += int(r[3])
    return totals


def summary(planned: list[Planned]) -> dict[str, int]:
    out = {"credit": 0, "skip": 0, "refuse": 0, "points": 0}
    for p in planned:
        out[p.action] += 1
        out["points"] += p.points
    return out
