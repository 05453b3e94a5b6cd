"""Time comes from an injected clock so tests and the simulator control it."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """The one text form of a moment in the database: UTC, microseconds, sortable as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the kiosk only stores aware times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


def shop_time(stamp: str | datetime, zone: tzinfo) -> datetime:
    """A stored moment (UTC text from the database, or an aware datetime) on the shop's wall
    clock. Every time shown to people goes through here: the kiosk machine often runs in UTC,
    but operators and volunteers read times in the zone the shop counts its days in."""
    moment = from_db(stamp) if isinstance(stamp, str) else stamp
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the kiosk only shows aware times")
    return moment.astimezone(zone)
