"""Is this kiosk's clock wrong? Offline caps and limits count days by it, so when it is, the
kiosk sells as if offline (caps apply) and says so on the health screen and in the heartbeat.

A clock can be seen to be wrong without a network: the last successful sync, or the newest
sale, is later than "now" (a reset RTC, a wrong NTP answer). Without this check, a clock that
went back made ``now - last_success`` negative, so the kiosk counted as online and its offline
caps were off. The district's clock settles the other case: the sync daemon records how far
the kiosk was off the district's HTTP ``Date`` at its last answer. A kiosk the district
confirmed right after the newest sale was made (say, its clock had run ahead and was put
back) is not held offline for those sales' future dates.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.core import sync_status
from kiosk.core.clock import from_db

# Clocks a little apart are no problem: NTP slews, the two processes read it separately. The
# district refuses signed requests more than 300 s off, so a kiosk is told well before that.
TOLERANCE = timedelta(seconds=120)


@dataclass(frozen=True)
class ClockProblem:
    """Why the clock is taken to be wrong; ``reference`` is the later moment it contradicts
    (the last sync or the newest sale), ``skew_seconds`` the district's measurement."""

    kind: str                       # "district" | "last_sync" | "newest_sale"
    now: datetime
    reference: datetime | None = None
    skew_seconds: float | None = None

    @property
    def detail(self) -> str:
        if self.kind == "district":
            return (f"the kiosk's clock is {-(self.skew_seconds or 0):+.0f} s off the "
                    "district's")
        what = "the last successful sync" if self.kind == "last_sync" else "the newest sale"
        return (f"{what} ({self.reference:%Y-%m-%d %H:%M:%S} UTC) is later than the kiosk's "
                f"clock ({self.now:%Y-%m-%d %H:%M:%S} UTC): the clock went back")


def newest_sale(conn: sqlite3.Connection) -> tuple[datetime, int] | None:
    """(time, outbox sequence) of the order with the latest time stamp."""
    row = conn.execute("SELECT created_at, seq FROM orders ORDER BY created_at DESC LIMIT 1"
                       ).fetchone()
    return None if row is None else (from_db(row[0]), int(row[1]))


def clock_problem(conn: sqlite3.Connection, now: datetime) -> ClockProblem | None:
    reading = sync_status.clock_reading(conn)
    if reading is not None and abs(reading.skew_seconds) > TOLERANCE.total_seconds():
        return ClockProblem("district", now, skew_seconds=reading.skew_seconds)
    last = sync_status.last_success(conn)
    if last is not None and last > now + TOLERANCE:
        return ClockProblem("last_sync", now, reference=last)
    newest = newest_sale(conn)
    if newest is None or newest[0] <= now + TOLERANCE:
        return None
    # A sale dated after "now" is no news if the district found this clock right after that
    # sale was made (the clock had run ahead then, and has been put right since).
    if reading is not None and reading.checked_at <= now + TOLERANCE \
            and reading.checked_seq >= newest[1]:
        return None
    return ClockProblem("newest_sale", now, reference=newest[0])
