"""Vouchers at the kiosk: made and signed inside the sale's transaction, kept with the order,
printed from the stored rows (a reprint is the same voucher), and refused for a void once the
district says a partner redeemed them (points_protocol.vouchers has the format).

The signature uses the kiosk's own Ed25519 key, the one the sync daemon signs its requests
with: the district already holds its public half, so it can check a voucher whose sale has
not reached it yet. Who signs is the checkout's :class:`VoucherSigner`: the key itself where
this process may read it, else the sync daemon over its socket (kiosk.sync.signer); a voucher
nobody signed in time is made unsigned and says so on its paper (docs/vouchers.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.core.ids import uuid7
from points_protocol import vouchers as protocol
from points_protocol.vouchers import Voucher


class VoucherSigner(Protocol):
    def sign(self, voucher: Voucher) -> str | None:
        """The signed token, or None when it cannot be signed now (the voucher is then
        printed unsigned, redeemable once its sale reached the district)."""


class KeySigner:
    """Signs with the key itself: where this process may read it (not a packaged kiosk's
    touchscreen)."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    def sign(self, voucher: Voucher) -> str | None:
        return protocol.sign(voucher, self._key)


@dataclass(frozen=True)
class IssuedVoucher:
    """One voucher of one order line, as stored and as its outbox entry carries it."""

    line_no: int
    voucher: Voucher
    token: str


@dataclass(frozen=True)
class VoucherPaper:
    """What the printer needs for one voucher."""

    voucher: Voucher
    token: str
    name_zh: str
    name_en: str

    @property
    def signed(self) -> bool:
        return protocol.is_signed(self.token)


def expiry(now: datetime, valid_days: int, timezone: ZoneInfo) -> str:
    """The end of the voucher's last valid day in the kiosk's time zone: valid today and the
    ``valid_days - 1`` days after (a breakfast voucher of 1 day is good until midnight)."""
    last_day = now.astimezone(timezone).date() + timedelta(days=valid_days - 1)
    end = datetime.combine(last_day, time(23, 59, 59), tzinfo=timezone)
    return end.isoformat()


def _fresh_code(conn: sqlite3.Connection, taken: set[str]) -> str:
    """A code no voucher of this kiosk has (31**9 makes a clash all but impossible; the loop
    keeps the UNIQUE column from ever failing a sale). The district checks its own clashes."""
    while True:
        code = protocol.new_code()
        if code not in taken and conn.execute(
                "SELECT 1 FROM vouchers WHERE code = ?", (code,)).fetchone() is None:
            taken.add(code)
            return code


def issue(conn: sqlite3.Connection, signer: VoucherSigner, *, kiosk_id: str,
          timezone: ZoneInfo, now: datetime, masked_name: str,
          lines: Iterable[tuple[int, str, str, int, int, int]]) -> tuple[IssuedVoucher, ...]:
    """One voucher per unit of each voucher line, signed by ``signer`` (or unsigned when it
    could not): ``lines`` are (line number, item id, partner id, unit value, quantity, valid
    days). Writes nothing (see :func:`store`)."""
    issued: list[IssuedVoucher] = []
    taken: set[str] = set()
    for line_no, item_id, partner_id, value, quantity, valid_days in lines:
        for _ in range(quantity):
            voucher = Voucher(voucher_id=uuid7(), kiosk_id=kiosk_id, item_id=item_id,
                              partner_id=partner_id, value=value, masked_name=masked_name,
                              expires_at=expiry(now, valid_days, timezone),
                              code=_fresh_code(conn, taken))
            token = signer.sign(voucher) or protocol.unsigned_token(voucher)
            issued.append(IssuedVoucher(line_no, voucher, token))
    return tuple(issued)


def store(conn: sqlite3.Connection, order_id: str, issued: Sequence[IssuedVoucher]) -> None:
    """Inside the sale's own transaction, after its order row."""
    conn.executemany(
        """INSERT INTO vouchers (id, order_id, line_no, item_id, partner_id, value,
               masked_name, expires_at, code, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(v.voucher.voucher_id, order_id, v.line_no, v.voucher.item_id, v.voucher.partner_id,
          v.voucher.value, v.voucher.masked_name, v.voucher.expires_at, v.voucher.code, v.token)
         for v in issued])


def for_order(conn: sqlite3.Connection, kiosk_id: str, order_id: str
              ) -> tuple[VoucherPaper, ...]:
    rows = conn.execute(
        """SELECT v.*, l.name_zh, l.name_en FROM vouchers v
           JOIN order_lines l ON l.order_id = v.order_id AND l.line_no = v.line_no
           WHERE v.order_id = ? ORDER BY v.line_no, v.id""", (order_id,)).fetchall()
    return tuple(VoucherPaper(
        Voucher(voucher_id=r["id"], kiosk_id=kiosk_id, item_id=r["item_id"],
                partner_id=r["partner_id"], value=int(r["value"]),
                masked_name=r["masked_name"], expires_at=r["expires_at"], code=r["code"]),
        token=r["token"], name_zh=r["name_zh"], name_en=r["name_en"]) for r in rows)


def redeemed_of_order(conn: sqlite3.Connection, order_id: str) -> sqlite3.Row | None:
    """A voucher of this order the district says was redeemed (the first one), or None."""
    return conn.execute(  # type: ignore[no-any-return]
        """SELECT v.code, s.at, s.place FROM vouchers v JOIN voucher_states s
               ON s.voucher_id = v.id AND s.state = 'redeemed'
           WHERE v.order_id = ? ORDER BY s.at LIMIT 1""", (order_id,)).fetchone()


def merge_states(conn: sqlite3.Connection, rows: Iterable[Sequence[str]]) -> None:
    """What the change feed says became of vouchers (id, state, at, place); only this kiosk's
    own vouchers are kept. Inside the feed's write transaction."""
    conn.executemany(
        """INSERT INTO voucher_states (voucher_id, state, at, place)
           SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM vouchers WHERE id = ?)
           ON CONFLICT (voucher_id) DO UPDATE SET state = excluded.state, at = excluded.at,
               place = excluded.place""",
        [(r[0], r[1], r[2], r[3], r[0]) for r in rows])
