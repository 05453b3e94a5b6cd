"""The district's clock as stored text (UTC, ISO 8601), one definition for every writer."""

from __future__ import annotations

from datetime import UTC, datetime


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
