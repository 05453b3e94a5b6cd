"""Calendar periods for per-person limits and offline caps, in the shop's own time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# How a limit's period reads in Chinese ("每周限 2 件"); shared by refusals and cart hints.
PERIOD_ZH = {"day": "每天", "week": "每周", "month": "每月"}


def period_bounds(moment: datetime, period: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The [start, end) of the day, ISO week (from Monday) or month containing ``moment``."""
    local = moment.astimezone(tz)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        start = day
        end = _add_days(day, 1, tz)
    elif period == "week":
        start = _add_days(day, -day.weekday(), tz)
        end = _add_days(start, 7, tz)
    elif period == "month":
        start = day.replace(day=1)
        end = start.replace(year=start.year + 1, month=1) if start.month == 12 \
            else start.replace(month=start.month + 1)
    else:
        raise ValueError(f"unknown period {period!r}")
    return start, end


def _add_days(day: datetime, days: int, tz: ZoneInfo) -> datetime:
    # Calendar arithmetic on the wall clock, then re-attach the zone (DST-safe).
    naive = day.replace(tzinfo=None) + timedelta(days=days)
    return naive.replace(tzinfo=tz)
