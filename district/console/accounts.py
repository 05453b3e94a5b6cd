"""Who may sign in to the console: accounts with a role, passwords hashed with Argon2id, and a
lockout that grows with each wrong password.

A wrong name and a wrong password get the same answer and cost the same time (an unknown name
is checked against a dummy hash), so the sign-in form does not tell which names exist. After
:data:`FREE_TRIES` wrong passwords in a row the account is locked, first for
:data:`FIRST_LOCK_S` seconds, doubling with every further wrong password up to
:data:`MAX_LOCK_S`; a try while locked is refused without looking at the password, and a right
password resets the count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, delete, select

from district.console import schema as s
from district.console.scope import Principal, Role
from district.db.engine import Database
from district.db.upsert import upsert
from district.records import now_text

FREE_TRIES = 3
FIRST_LOCK_S = 30.0
MAX_LOCK_S = 3600.0
MIN_PASSWORD = 10
ACCOUNT_ID_RE = re.compile(r"[a-z][a-z0-9._-]{1,39}")


class AccountRefused(ValueError):
    """An account that cannot be made as asked; ``str()`` says why."""


@dataclass(frozen=True)
class SignIn:
    principal: Principal | None
    locked_for_s: float = 0.0      # > 0: refused because the account is locked


def lock_seconds(failures: int) -> float:
    """How long an account stays locked after ``failures`` wrong passwords in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return float(min(FIRST_LOCK_S * 2.0 ** (failures - FREE_TRIES), MAX_LOCK_S))


class Accounts:
    def __init__(self, db: Database, clock: Callable[[], float],
                 hasher: PasswordHasher | None = None) -> None:
        self.db = db
        self.clock = clock
        self.hasher = hasher or PasswordHasher()     # Argon2id, RFC 9106 low-memory profile

    @cached_property
    def _dummy(self) -> str:
        """What an unknown name is checked against (made at its first use: a hash costs a
        quarter of a second, which the server's start should not wait for)."""
        return self.hasher.hash("not a password of anyone")

    # -- making and changing accounts ---------------------------------------------------------
    def create(self, account_id: str, password: str, role: Role, *, display_name: str = "",
               communities: Iterable[str] = (), partner_id: str | None = None) -> None:
        communities = sorted(set(communities))
        if not ACCOUNT_ID_RE.fullmatch(account_id):
            raise AccountRefused(f"account name {account_id[:40]!r}: 2-40 characters, a-z, "
                                 "0-9, '.', '_' or '-', starting with a letter")
        if len(password) < MIN_PASSWORD:
            raise AccountRefused(f"a password needs at least {MIN_PASSWORD} characters")
        if role is Role.SOCIAL_WORKER and not communities:
            raise AccountRefused("a social worker needs at least one community")
        if role is Role.PARTNER and not partner_id:
            raise AccountRefused("a partner account needs its partner")
        with self.db.write() as conn:
            known = set(conn.execute(select(s.communities.c.id)).scalars())
            unknown = [c for c in communities if c not in known]
            if unknown:
                raise AccountRefused(f"unknown community {unknown[0]}")
            if partner_id is not None and conn.execute(select(s.partners.c.id).where(
                    s.partners.c.id == partner_id)).first() is None:
                raise AccountRefused(f"unknown partner {partner_id}")
            upsert(conn, s.accounts, {
                "id": account_id, "display_name": display_name or account_id,
                "role": role.value, "partner_id": partner_id,
                "password_hash": self.hasher.hash(password), "failures": 0, "locked_until": 0,
                "disabled": False, "created_at": now_text()}, ("id",),
                ("display_name", "role", "partner_id", "password_hash", "failures",
                 "locked_until", "disabled"))
            conn.execute(delete(s.account_communities).where(
                s.account_communities.c.account_id == account_id))
            if communities:
                conn.execute(s.account_communities.insert(), [
                    {"account_id": account_id, "community_id": c} for c in communities])
            # New rights or a new password: every session of the account signs in again.
            conn.execute(delete(s.sessions).where(s.sessions.c.account_id == account_id))

    def set_disabled(self, account_id: str, disabled: bool) -> None:
        with self.db.write() as conn:
            conn.execute(s.accounts.update().where(s.accounts.c.id == account_id)
                         .values(disabled=disabled))
            conn.execute(delete(s.sessions).where(s.sessions.c.account_id == account_id))

    # -- signing in ---------------------------------------------------------------------------
    def sign_in(self, account_id: str, password: str) -> SignIn:
        now = self.clock()
        with self.db.read() as conn:
            row = conn.execute(select(s.accounts).where(s.accounts.c.id == account_id[:40])
                               ).first()
        if row is None or row.disabled:
            self._verify(self._dummy, password)
            return SignIn(None)
        if row.locked_until > now:
            return SignIn(None, locked_for_s=row.locked_until - now)
        if not self._verify(row.password_hash, password):
            failures = int(row.failures) + 1
            with self.db.write() as conn:
                conn.execute(s.accounts.update().where(s.accounts.c.id == row.id).values(
                    failures=failures, locked_until=now + lock_seconds(failures)))
            return SignIn(None, locked_for_s=lock_seconds(failures))
        with self.db.write() as conn:
            values: dict[str, object] = {"failures": 0, "locked_until": 0}
            if self.hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = self.hasher.hash(password)
            conn.execute(s.accounts.update().where(s.accounts.c.id == row.id).values(**values))
        principal = self.principal(row.id)
        return SignIn(principal)

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def principal(self, account_id: str) -> Principal | None:
        with self.db.read() as conn:
            return principal_of(conn, account_id)


def principal_of(conn: Connection, account_id: str) -> Principal | None:
    row = conn.execute(select(s.accounts).where(s.accounts.c.id == account_id)).first()
    if row is None or row.disabled:
        return None
    role = Role(row.role)
    communities = frozenset(conn.execute(select(s.account_communities.c.community_id).where(
        s.account_communities.c.account_id == account_id)).scalars())
    return Principal(account_id=row.id, display_name=row.display_name, role=role,
                     communities=None if role is Role.ADMIN else communities,
                     partner_id=row.partner_id)
