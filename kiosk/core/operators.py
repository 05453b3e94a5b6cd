"""Who may open the operator screens: PIN sign-in with a growing lockout, or an operator card.

A PIN is stored only as a salted scrypt hash (memory-hard, so a stolen database file does not
give the PINs away in seconds). The PIN alone identifies the operator: staff type a PIN on the
hidden PIN pad, nothing else, and two operators may not share one. Wrong tries are counted for
the whole PIN pad (not per operator: the guesser does not say whom they guess), and after
``free_tries`` wrong PINs in a row the pad locks for a delay that doubles with each further
wrong PIN, up to a ceiling. Time comes from the injected clock, so tests move it by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, cast

from kiosk.core import audit, cards, sun_taps
from kiosk.core.clock import Clock, from_db, to_db
from kiosk.core.db import write_transaction
from kiosk.core.errors import UserFacingError
from kiosk.core.models import PresentedCard

# scrypt cost: 2**14 * 8 * 128 bytes = 16 MiB and ~50 ms per try on a low-end kiosk PC;
# kept per row so the cost can be raised later without locking anyone out.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class PinPolicy:
    pin_min_length: int = 6
    free_tries: int = 3
    lockout_seconds: int = 30
    lockout_max_seconds: int = 1800


@dataclass(frozen=True)
class Operator:
    """A signed-in operator; ``operator_id`` is what the audit log records."""

    operator_id: str
    name: str
    via: Literal["pin", "card"]


class PinRejected(UserFacingError):
    """A PIN that cannot be set (too short, not digits, or another operator's)."""

    code = "pin_rejected"


class WrongPin(UserFacingError):
    code = "wrong_pin"

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(f"密码不对，还可以再试 {tries_left} 次。",
                         f"Wrong PIN; {tries_left} more tries before the pad locks.")


class PinLocked(UserFacingError):
    code = "pin_locked"

    def __init__(self, until: datetime, seconds_left: int) -> None:
        self.until = until
        self.seconds_left = seconds_left
        super().__init__(f"密码输错太多次，请 {seconds_left} 秒后再试。",
                         f"Too many wrong PINs; try again in {seconds_left} s.")


class NotAnOperatorCard(UserFacingError):
    code = "not_an_operator_card"

    def __init__(self) -> None:
        super().__init__("这张卡不是管理员卡。", "This is not an operator card.")


def hash_pin(pin: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R,
             p: int = SCRYPT_P) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                          dklen=32)


def _matches(pin: str, row: sqlite3.Row) -> bool:
    if not row["pin_params"]:   # an operator who signs in by card only
        return False
    n, r, p = (int(x) for x in str(row["pin_params"]).split(","))
    return hmac.compare_digest(hash_pin(pin, bytes(row["pin_salt"]), n, r, p),
                               bytes(row["pin_hash"]))


def _find(conn: sqlite3.Connection, pin: str, *, exclude: str | None = None) -> sqlite3.Row | None:
    for row in conn.execute("SELECT * FROM operators WHERE active = 1 AND pin_params <> '' "
                            "ORDER BY id").fetchall():
        if row["id"] != exclude and _matches(pin, row):
            return cast(sqlite3.Row, row)
    return None


def set_operator(conn: sqlite3.Connection, clock: Clock, policy: PinPolicy, operator_id: str,
                 *, name: str, pin: str, by: str = "kiosk-admin") -> None:
    """Add an operator or change their name and PIN (audited; the PIN never appears)."""
    if not pin.isdigit() or len(pin) < policy.pin_min_length:
        raise PinRejected(f"密码要至少 {policy.pin_min_length} 位数字。",
                          f"A PIN needs at least {policy.pin_min_length} digits.")
    if _find(conn, pin, exclude=operator_id) is not None:
        raise PinRejected("这个密码已被别的管理员使用，请换一个。",
                          "Another operator already uses this PIN; choose another.")
    salt = os.urandom(16)
    digest = hash_pin(pin, salt)
    with write_transaction(conn):
        old = conn.execute("SELECT name, active FROM operators WHERE id = ?",
                           (operator_id,)).fetchone()
        conn.execute(
            """INSERT INTO operators (id, name, pin_hash, pin_salt, pin_params, created_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                   pin_hash = excluded.pin_hash, pin_salt = excluded.pin_salt,
                   pin_params = excluded.pin_params, active = 1""",
            (operator_id, name, digest, salt, f"{SCRYPT_N},{SCRYPT_R},{SCRYPT_P}",
             to_db(clock.now())))
        audit.record(conn, clock, by, "operator_set", subject=operator_id,
                     before=None if old is None else {"name": old["name"],
                                                      "active": old["active"]},
                     after={"name": name, "active": 1, "pin": "changed"})


def lockout_left(conn: sqlite3.Connection, clock: Clock, policy: PinPolicy) -> int:
    """Whole seconds until the PIN pad accepts a try again (0: open). Never more than the
    policy's longest lockout: a clock that went back a year must not lock staff out a year."""
    row = conn.execute("SELECT locked_until FROM operator_lockout WHERE id = 1").fetchone()
    if row is None or row[0] is None:
        return 0
    left = (from_db(row[0]) - clock.now()).total_seconds()
    return min(max(0, math.ceil(left)), policy.lockout_max_seconds)


def _delay(policy: PinPolicy, failed: int) -> int:
    if failed < policy.free_tries:
        return 0
    doublings: int = min(failed - policy.free_tries, 20)
    return min(policy.lockout_seconds << doublings, policy.lockout_max_seconds)


def sign_in_with_pin(conn: sqlite3.Connection, clock: Clock, policy: PinPolicy,
                     pin: str) -> Operator:
    """The operator whose PIN this is; raises :class:`PinLocked` or :class:`WrongPin`."""
    left = lockout_left(conn, clock, policy)
    if left:
        raise PinLocked(clock.now() + timedelta(seconds=left), left)
    row = _find(conn, pin)  # slow on purpose: outside the write lock
    now = clock.now()
    with write_transaction(conn):
        if row is not None:
            conn.execute(
                "UPDATE operator_lockout SET failed_tries = 0, locked_until = NULL WHERE id = 1")
            audit.record(conn, clock, row["id"], "sign_in", subject=row["id"], before=None,
                         after={"via": "pin"})
            return Operator(row["id"], row["name"], "pin")
        failed = int(conn.execute(
            "SELECT failed_tries FROM operator_lockout WHERE id = 1").fetchone()[0]) + 1
        delay = _delay(policy, failed)
        until = now + timedelta(seconds=delay)
        conn.execute("UPDATE operator_lockout SET failed_tries = ?, locked_until = ? WHERE id = 1",
                      (failed, to_db(until) if delay else None))
    if delay:
        raise PinLocked(until, delay)
    raise WrongPin(policy.free_tries - failed)


def sign_in_with_card(conn: sqlite3.Connection, clock: Clock, card: PresentedCard) -> Operator:
    """The operator this kiosk bound the card to (kiosk-admin operator-card); any other card is
    refused, whatever the district says about it (volunteers never get in). The card itself
    must be usable: known, active, its volunteer active, not an older generation."""
    cards.check_card(conn, card)
    row = conn.execute(
        """SELECT o.id, o.name FROM operator_cards b JOIN operators o ON o.id = b.operator_id
           WHERE b.card_id = ? AND o.active = 1""", (card.card_id,)).fetchone()
    if row is None:
        raise NotAnOperatorCard()
    with write_transaction(conn):
        if card.sun is not None:   # a signed tap signs in once: a replay is refused
            sun_taps.accept(conn, clock, card.card_id, card.sun)
        audit.record(conn, clock, row["id"], "sign_in", subject=row["id"], before=None,
                     after={"via": "card", "card": card.card_id})
    return Operator(row["id"], str(row["name"]), "card")


class OperatorCardRefused(UserFacingError):
    code = "operator_card_refused"


def bind_card(conn: sqlite3.Connection, clock: Clock, card_id: str, operator_id: str, *,
              name: str | None = None, by: str = "kiosk-admin") -> None:
    """Let ``card_id`` open the operator screens as ``operator_id`` (audited). An operator not
    yet known is added when ``name`` is given, signing in by card only (no PIN)."""
    with write_transaction(conn):
        old = conn.execute("SELECT operator_id FROM operator_cards WHERE card_id = ?",
                           (card_id,)).fetchone()
        store_card_binding(conn, clock, card_id, operator_id, name=name)
        audit.record(conn, clock, by, "operator_card", subject=card_id,
                     before=None if old is None else {"operator": old[0]},
                     after={"operator": operator_id})


def store_card_binding(conn: sqlite3.Connection, clock: Clock, card_id: str, operator_id: str,
                       *, name: str | None) -> None:
    """:func:`bind_card` without its audit row (the demo shop's seed is nobody's action)."""
    with write_transaction(conn):
        if conn.execute("SELECT 1 FROM cards WHERE card_id = ?", (card_id,)).fetchone() is None:
            raise OperatorCardRefused(f"卡 {card_id} 本机不认识（先同步或登记这张卡）。",
                                      f"Card {card_id} is not known here (sync or register "
                                      "it first).")
        known = conn.execute("SELECT active FROM operators WHERE id = ?",
                             (operator_id,)).fetchone()
        if known is None and not name:
            raise OperatorCardRefused(f"没有管理员 {operator_id}；新管理员要给出姓名。",
                                      f"No operator {operator_id}; give a name for a new one.")
        if known is None:
            conn.execute("INSERT INTO operators (id, name, pin_hash, pin_salt, pin_params, "
                         "created_at) VALUES (?, ?, x'', x'', '', ?)",
                         (operator_id, name, to_db(clock.now())))
        conn.execute("INSERT INTO operator_cards (card_id, operator_id, added_at) "
                     "VALUES (?, ?, ?) ON CONFLICT (card_id) DO UPDATE SET "
                     "operator_id = excluded.operator_id, added_at = excluded.added_at",
                     (card_id, operator_id, to_db(clock.now())))


def unbind_card(conn: sqlite3.Connection, clock: Clock, card_id: str, *,
                by: str = "kiosk-admin") -> bool:
    """The card no longer opens the operator screens; False if it never did."""
    with write_transaction(conn):
        old = conn.execute("SELECT operator_id FROM operator_cards WHERE card_id = ?",
                           (card_id,)).fetchone()
        if old is None:
            return False
        conn.execute("DELETE FROM operator_cards WHERE card_id = ?", (card_id,))
        audit.record(conn, clock, by, "operator_card", subject=card_id,
                     before={"operator": old[0]}, after=None)
    return True
