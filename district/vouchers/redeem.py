"""Redeeming a voucher: exactly once, at its own partner, while it is valid.

A partner names a voucher by its QR code (the signed token) or by its typed redemption code.
:func:`look` answers what it is for and whether it can be redeemed now; :func:`redeem` does it.
The one-and-only is the primary key of ``voucher_redemptions``: two partners (or two taps)
racing insert the same key, one commits, the other's insert fails (PostgreSQL makes it wait
for the first to commit; SQLite takes writers one at a time), and its transaction runs again
from the start (``retry_integrity``), now finding the redemption and refusing with when and
where. No check-then-write window is left to either engine.

A voucher whose sale has not reached the district yet is still redeemable from its QR code:
the token is checked against its kiosk's registered key and the voucher registered 'pending';
the sale reconciles it when it arrives (district.vouchers.register), and one that never
arrives, or is refused, is listed among the conflicts (:func:`unpaid`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from district.console.schema import partners
from district.db import tables as t
from district.db.engine import Database
from district.entry_checks import SHOP_ZONE
from district.feed import mark_changed
from district.vouchers import schema as s
from district.vouchers.register import FEED_ENTITY, code_free, row_of
from points_protocol import signing
from points_protocol import vouchers as protocol
from points_protocol.errors import Invalid

# Why a voucher cannot be redeemed; each has a sentence on the partner's page.
VALID, REDEEMED = "valid", "redeemed"
ALREADY, EXPIRED, VOIDED, REFUSED = "already", "expired", "voided", "sale_refused"
OTHER_PARTNER, UNKNOWN, FORGED, MISTYPED = "other_partner", "unknown", "forged", "mistyped"
NOT_SYNCED = "not_synced"       # printed unsigned, its sale not here yet
LIMITED = "limited"             # too many typed codes found nothing (district.vouchers.limits)


@dataclass(frozen=True)
class Answer:
    outcome: str
    voucher: dict[str, Any] | None = None      # what it is for (never for another partner)
    redeemed_at: str | None = None
    redeemed_by: str | None = None             # the partner's name
    detail: str | None = None                  # a validator's sentence (mistyped code)

    @property
    def ok(self) -> bool:
        return self.outcome in (VALID, REDEEMED)


def _item_names(conn: Connection, item_id: str) -> tuple[str, str]:
    spec = conn.execute(select(t.items.c.spec).where(t.items.c.id == item_id)).scalar()
    raw = json.loads(spec) if spec else {}
    return raw.get("name_zh", item_id), raw.get("name_en", item_id)


def _partner_name(conn: Connection, partner_id: str) -> str:
    name = conn.execute(select(partners.c.name).where(partners.c.id == partner_id)).scalar()
    return str(name or partner_id)


def _found(conn: Connection, text: str  # noqa: PLR0911 (one return per refusal)
           ) -> tuple[dict[str, Any] | None, Answer | None]:
    """The voucher's row (a dict; from its token if the district has none yet, marked
    ``new``), or a refusal."""
    if protocol.is_token(text):
        try:
            voucher, _, _ = protocol.read_token(text)
        except Invalid:
            return None, Answer(FORGED)
        if not protocol.is_signed(text):
            return _registered_unsigned(conn, voucher.voucher_id, text)
        key = conn.execute(select(t.kiosks.c.public_key).where(
            t.kiosks.c.id == voucher.kiosk_id)).scalar()
        try:
            if key is None:
                raise Invalid("unknown kiosk")
            protocol.verify(text, signing.load_public_key(key))
        except Invalid:
            return None, Answer(FORGED)
        row = conn.execute(select(s.vouchers).where(s.vouchers.c.id == voucher.voucher_id)
                           ).mappings().first()
        if row is None:
            return {**row_of(voucher, text, code_free(conn, voucher)), "order_id": None,
                    "sale_state": "pending", "voided_at": None, "new": True}, None
        return dict(row), None
    try:
        code = protocol.normalize_code(text)
    except Invalid as exc:
        return None, Answer(MISTYPED, detail=str(exc))
    row = conn.execute(select(s.vouchers).where(s.vouchers.c.code == code)).mappings().first()
    return (dict(row), None) if row is not None else (None, Answer(UNKNOWN))


def _registered_unsigned(conn: Connection, voucher_id: str, text: str
                         ) -> tuple[dict[str, Any] | None, Answer | None]:
    """An unsigned voucher is known only from its kiosk's signed push, and only as exactly the
    token it registered: anyone can write an unsigned token, nobody can change a field of one
    the district holds."""
    row = conn.execute(select(s.vouchers).where(s.vouchers.c.id == voucher_id)
                       ).mappings().first()
    if row is None:
        return None, Answer(NOT_SYNCED)
    if row["token"] != text:
        return None, Answer(FORGED)
    return dict(row), None


def _judge(conn: Connection, text: str, partner_id: str, now: datetime  # noqa: PLR0911
           ) -> tuple[dict[str, Any] | None, Answer]:
    """One answer per reason, in the order a partner needs them: whose it is, whether it
    was already redeemed (and when and where), voided, its sale refused, expired."""
    row, refusal = _found(conn, text)
    if refusal is not None or row is None:
        return None, refusal or Answer(UNKNOWN)
    if row["partner_id"] != partner_id:
        # Said without the voucher's details: they are another partner's business.
        return None, Answer(OTHER_PARTNER, redeemed_by=_partner_name(conn, row["partner_id"]))
    name_zh, name_en = _item_names(conn, row["item_id"])
    shown = {"id": row["id"], "name_zh": name_zh, "name_en": name_en, "value": row["value"],
             "masked_name": row["masked_name"], "expires_at": row["expires_at"],
             "kiosk_id": row["kiosk_id"], "sale_state": row["sale_state"]}
    done = conn.execute(select(s.redemptions).where(s.redemptions.c.voucher_id == row["id"])
                        ).mappings().first()
    if done is not None:
        return row, Answer(ALREADY, shown, done["redeemed_at"],
                           _partner_name(conn, done["partner_id"]))
    if row["voided_at"] is not None:
        return row, Answer(VOIDED, shown, redeemed_at=row["voided_at"])
    if row["sale_state"] == "refused":
        return row, Answer(REFUSED, shown)
    if now > datetime.fromisoformat(row["expires_at"]):
        return row, Answer(EXPIRED, shown)
    return row, Answer(VALID, shown)


def look(db: Database, text: str, partner_id: str, now: datetime) -> Answer:
    """What the voucher is and whether this partner can redeem it now (nothing written)."""
    with db.read() as conn:
        return _judge(conn, text.strip(), partner_id, now)[1]


def redeem(db: Database, text: str, *, partner_id: str, account_id: str, now: datetime,
           method: str) -> Answer:
    """Redeem it, once; a refusal says why (and when and where, if already redeemed)."""
    text = text.strip()

    def work(conn: Connection) -> Answer:
        row, answer = _judge(conn, text, partner_id, now)
        if answer.outcome != VALID or row is None:
            return answer
        if row.pop("new", False):
            conn.execute(s.vouchers.insert().values(
                {**{k: v for k, v in row.items() if k in s.vouchers.c},
                 "registered_at": now.isoformat()}))
        local = now.astimezone(SHOP_ZONE)
        conn.execute(s.redemptions.insert().values(
            voucher_id=row["id"], partner_id=partner_id, account_id=account_id,
            redeemed_at=now.isoformat(timespec="seconds"), month=local.strftime("%Y-%m"),
            day=local.date().isoformat(), method=method, value=row["value"]))
        mark_changed(conn, [(FEED_ENTITY, row["id"])])
        return Answer(REDEEMED, answer.voucher, now.isoformat(timespec="seconds"),
                      _partner_name(conn, partner_id))

    return db.run_write(work, retry_integrity=True)


def unpaid(conn: Connection) -> list[dict[str, Any]]:
    """Vouchers a partner redeemed whose sale has not arrived (or was refused): for the
    conflicts list. A pending one is normal for the minutes before its kiosk syncs."""
    rows = conn.execute(
        select(s.vouchers.c.id, s.vouchers.c.kiosk_id, s.vouchers.c.partner_id,
               s.vouchers.c.value, s.vouchers.c.sale_state, s.redemptions.c.redeemed_at)
        .join(s.redemptions, s.redemptions.c.voucher_id == s.vouchers.c.id)
        .where(s.vouchers.c.sale_state != "sold")
        .order_by(s.redemptions.c.redeemed_at)).mappings()
    return [dict(r) for r in rows]
