"""The district's points rules (积分管理办法) as data: for each activity type, points per hour,
the most hours one activity counts, the most points a volunteer earns from that type in a
month (0: no cap), and whether it earns points at all.

The default type holds the district's usual rule, 1 hour = 10 points and at most 2 hours per
activity, and is used for records that name no type. Admins change the rules on the rules
page; every change is audited with the rule before and after. A change applies to records
imported after it: credited points are never recomputed (a correction is a new record).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, select

from district.console import audit
from district.console import schema as s
from district.db.engine import Database
from district.db.upsert import insert_missing, upsert

DEFAULT_TYPE = "default"
TYPE_ID_RE = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MAX_POINTS_PER_HOUR = 1000
MAX_HOURS = 24.0


class RuleRefused(ValueError):
    pass


@dataclass(frozen=True)
class ActivityType:
    id: str
    name: str
    points_per_hour: int
    max_hours: float
    max_points_per_month: int
    counts: bool

    def points_for(self, hours: float) -> tuple[float, int]:
        """(hours that count, points) for one activity of ``hours``."""
        counted = min(hours, self.max_hours)
        return counted, math.floor(counted * self.points_per_hour + 0.5)


DEFAULTS = (
    ActivityType(DEFAULT_TYPE, "志愿服务（默认）", 10, 2.0, 0, True),
    ActivityType("training", "培训学习（不计积分）", 0, 0.0, 0, False),
)


def ensure_defaults(db: Database) -> None:
    with db.write() as conn:
        insert_missing(conn, s.activity_types, [asdict(a) for a in DEFAULTS], ("id",))


def types(conn: Connection) -> dict[str, ActivityType]:
    return {r.id: ActivityType(r.id, r.name, int(r.points_per_hour), float(r.max_hours),
                               int(r.max_points_per_month), bool(r.counts))
            for r in conn.execute(select(s.activity_types).order_by(s.activity_types.c.id))}


def parse(form: dict[str, str]) -> ActivityType:
    """An activity type from the rules form, every field checked."""
    type_id = form.get("id", "").strip()
    if not TYPE_ID_RE.fullmatch(type_id):
        raise RuleRefused("an activity type id is 1-40 letters, digits, '.', '_' or '-'")
    name = form.get("name", "").strip()[:100] or type_id
    try:
        per_hour = int(form.get("points_per_hour", ""))
        max_hours = float(form.get("max_hours", ""))
        monthly = int(form.get("max_points_per_month", "0") or 0)
    except ValueError:
        raise RuleRefused("points per hour and the monthly cap are whole numbers, the hours "
                          "a number") from None
    counts = form.get("counts") in ("1", "on", "true")
    if not 0 <= per_hour <= MAX_POINTS_PER_HOUR or not (0 <= max_hours <= MAX_HOURS) \
            or not 0 <= monthly <= 10**6:
        raise RuleRefused(f"points per hour 0..{MAX_POINTS_PER_HOUR}, hours per activity "
                          f"0..{MAX_HOURS:g}, monthly cap 0..1000000")
    if counts and (per_hour == 0 or max_hours == 0):
        raise RuleRefused("an activity type that earns points needs points per hour and "
                          "hours per activity above 0")
    return ActivityType(type_id, name, per_hour, max_hours, monthly, counts)


def save(db: Database, rule: ActivityType, account_id: str) -> None:
    with db.write() as conn:
        before = types(conn).get(rule.id)
        upsert(conn, s.activity_types, asdict(rule), ("id",),
               ("name", "points_per_hour", "max_hours", "max_points_per_month", "counts"))
        audit.record(conn, account_id, "rule_saved", rule.id,
                     before=None if before is None else asdict(before), after=asdict(rule))


def as_rows(rules: dict[str, ActivityType]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rules.values()]
