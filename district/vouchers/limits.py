"""A limit on typed redemption codes that find nothing: a code is 9 random symbols, so guessing
one takes many tries, and the district stops answering a partner account, or a client
address, that tries too many.

Only typed codes count: a QR code carries the kiosk's signature, which no number of tries
forges, and a mistyped code (its check symbol) is caught before any look-up and says nothing
about the vouchers. A code that names no voucher, or another partner's voucher, is a failure;
after :data:`MAX_PER_ACCOUNT` of them from one account, or :data:`MAX_PER_CLIENT` from one
address (several accounts of one shop, or someone trying accounts), in :data:`WINDOW_S`
seconds, typed codes are refused unread until the oldest failure leaves the window. QR codes
still work meanwhile, so a partner who mistyped a lot can carry on by camera.

The failures are rows in the database (not a process's memory), so every worker of a
``serve --workers N`` district counts the same ones. Two requests in flight at the same moment
may both be answered before either failure is written: the limit is exceeded by at most the
number of requests one client has in flight, not by more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select

from district.db.engine import Database
from district.vouchers import schema as s

WINDOW_S = 15 * 60
MAX_PER_ACCOUNT = 10     # a shop mistypes a few a day; ten unknown codes in 15 min is not that
MAX_PER_CLIENT = 30      # one address: a few accounts of one shop behind the same router


@dataclass(frozen=True)
class Limited:
    """Typed codes are refused for ``wait_s`` more seconds."""

    wait_s: float

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.wait_s / 60))


def _keys(account_id: str, client: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{account_id}", MAX_PER_ACCOUNT)]
    if client:
        keys.append((f"client:{client}", MAX_PER_CLIENT))
    return keys


def check(db: Database, account_id: str, client: str | None, now: float) -> Limited | None:
    """None while this account and address may type codes; how long to wait otherwise."""
    f = s.code_failures
    waits = []
    with db.read() as conn:
        for who, most in _keys(account_id, client):
            recent = list(conn.execute(
                select(f.c.at).where(f.c.who == who, f.c.at > now - WINDOW_S)
                .order_by(f.c.at.desc()).limit(most)).scalars())
            if len(recent) >= most:
                waits.append(float(recent[-1]) + WINDOW_S - now)
    return Limited(max(waits)) if waits else None


def record_failure(db: Database, account_id: str, client: str | None, now: float) -> None:
    """One more typed code that found nothing; failures older than the window are dropped."""
    f = s.code_failures

    def work(conn: Connection) -> None:
        for who, _ in _keys(account_id, client):
            conn.execute(delete(f).where(f.c.who == who, f.c.at <= now - WINDOW_S))
            conn.execute(f.insert().values(who=who, at=now))

    db.run_write(work)


def failures(db: Database, who: str) -> int:
    """How many failures of ``who`` (``account:<id>`` or ``client:<address>``) are kept."""
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(s.code_failures)
                                .where(s.code_failures.c.who == who)).scalar_one())
