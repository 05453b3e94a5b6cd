"""Time comes from an injected clock so tests and the simulator control it."""

from __future__ import annotations

from datetime import UTC, datetime
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
