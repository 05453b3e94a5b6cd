"""Console sessions: a random token in an HttpOnly, SameSite cookie (Secure under TLS), only its
SHA-256 kept in the database, and a CSRF token per session that every form and every HTMX
request must send back.

A session ends after :data:`IDLE_S` without a request or :data:`MAX_AGE_S` after sign-in,
whichever is first, and at sign-out; making, changing or disabling an account ends all its
sessions (district.console.accounts).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select

from district.console import schema as s
from district.console.accounts import principal_of
from district.console.scope import Principal
from district.db.engine import Database

COOKIE = "console_session"
IDLE_S = 2 * 3600.0
MAX_AGE_S = 12 * 3600.0
_TOUCH_EVERY_S = 60.0     # seen_at is written at most once a minute per session


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    principal: Principal
    csrf: str

    def csrf_ok(self, sent: str | None) -> bool:
        return sent is not None and hmac.compare_digest(sent.encode(), self.csrf.encode())


class Sessions:
    def __init__(self, db: Database, clock: Callable[[], float]) -> None:
        self.db = db
        self.clock = clock

    def start(self, account_id: str) -> str:
        """A new session; returns the cookie's token (never stored as it is)."""
        token, now = secrets.token_urlsafe(32), self.clock()
        with self.db.write() as conn:
            conn.execute(delete(s.sessions).where(s.sessions.c.seen_at < now - IDLE_S))
            conn.execute(s.sessions.insert().values(
                token_hash=_hash(token), account_id=account_id,
                csrf=secrets.token_urlsafe(32), created_at=now, seen_at=now))
        return token

    def find(self, token: str | None) -> Session | None:
        if not token or len(token) > 100:
            return None
        now, key = self.clock(), _hash(token)
        with self.db.read() as conn:
            row = conn.execute(select(s.sessions).where(s.sessions.c.token_hash == key)).first()
            if row is None or now - row.seen_at > IDLE_S or now - row.created_at > MAX_AGE_S:
                return None
            principal = principal_of(conn, row.account_id)
        if principal is None:
            return None
        if now - row.seen_at > _TOUCH_EVERY_S:
            with self.db.write() as conn:
                conn.execute(s.sessions.update().where(s.sessions.c.token_hash == key)
                             .values(seen_at=now))
        return Session(principal, row.csrf)

    def end(self, token: str | None) -> None:
        if token:
            with self.db.write() as conn:
                conn.execute(delete(s.sessions).where(s.sessions.c.token_hash == _hash(token)))
