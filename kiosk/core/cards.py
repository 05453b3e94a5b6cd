"""Volunteers and their cards: who a tapped card belongs to, and whether it may spend."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from kiosk.core import ledger, sun_taps
from kiosk.core.clock import Clock
from kiosk.core.db import write_transaction
from kiosk.core.errors import (
    CardBlocked,
    CardIdInvalid,
    CardNotGenuine,
    CardRevoked,
    CardUnknown,
)
from kiosk.core.models import CardHolder, PresentedCard
from points_protocol.errors import Invalid
from points_protocol.ids import normalize_card_id


@dataclass(frozen=True)
class VolunteerRecord:
    volunteer_id: str
    masked_name: str
    status: str = "active"


@dataclass(frozen=True)
class CardRecord:
    card_id: str
    volunteer_id: str
    kind: str = "nfc"      # nfc: known by its UID alone; sun: signs each tap; qr: printed
    status: str = "active"
    generation: int = 1
    is_operator: bool = False


def card_id_of(text: str, kind: str | None = None) -> str:
    """A typed or imported card number in the reader's form (``04a1:b2...`` -> ``04A1B2...``,
    ``qr-0001`` -> ``QR-0001``), or the refusal the operator sees."""
    try:
        return normalize_card_id(text, kind)
    except Invalid:
        raise CardIdInvalid(text if isinstance(text, str) else "") from None


_VOLUNTEER_UPSERT = """INSERT INTO volunteers (id, masked_name, status) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET masked_name = excluded.masked_name, status = excluded.status"""

# A card's generation never goes backwards (revocation sticks); the district may send 0 for a
# card it never re-issued, which is generation 1 here.
_CARD_UPSERT = """INSERT INTO cards (card_id, volunteer_id, kind, status, generation, is_operator)
    VALUES (?, ?, ?, ?, MAX(1, ?), ?)
    ON CONFLICT (card_id) DO UPDATE SET
        volunteer_id = excluded.volunteer_id, kind = excluded.kind, status = excluded.status,
        generation = MAX(cards.generation, excluded.generation),
        is_operator = excluded.is_operator"""


def store_volunteers(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    """Bulk upsert of ``(id, masked_name, status)`` rows inside the caller's transaction (the
    change feed's pages: no Python object per row for a district of 450,000)."""
    conn.executemany(_VOLUNTEER_UPSERT, rows)


def store_cards(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    """Bulk upsert of ``(card_id, volunteer_id, kind, status, generation, district flag)`` rows
    inside the caller's transaction. The flag is the district's word only: operator rights
    come from this kiosk's own operators table (:mod:`kiosk.core.operators`)."""
    conn.executemany(_CARD_UPSERT, rows)


def add_placeholder_volunteers(conn: sqlite3.Connection, volunteer_ids: Iterable[str]) -> None:
    """A card or balance may come a page before its volunteer's row (the volunteer changed
    later): a masked-name placeholder keeps the foreign key, and the volunteer's own row,
    which follows in the feed, fills it in."""
    conn.executemany("INSERT OR IGNORE INTO volunteers (id, masked_name) VALUES (?, '*')",
                     [(v,) for v in volunteer_ids])


def upsert_volunteers(conn: sqlite3.Connection, volunteers: Iterable[VolunteerRecord]) -> None:
    with write_transaction(conn):
        store_volunteers(conn, [(v.volunteer_id, v.masked_name, v.status) for v in volunteers])


def upsert_cards(conn: sqlite3.Connection, cards: Iterable[CardRecord]) -> None:
    """Register or update cards; a card's generation never goes backwards (revocation sticks)."""
    with write_transaction(conn):
        store_cards(conn, [(c.card_id, c.volunteer_id, c.kind, c.status, c.generation,
                            int(c.is_operator)) for c in cards])


def set_card_status(conn: sqlite3.Connection, card_id: str, status: str) -> None:
    with write_transaction(conn):
        cur = conn.execute("UPDATE cards SET status = ? WHERE card_id = ?", (status, card_id))
        if cur.rowcount == 0:
            raise CardUnknown()


# Operator rights come from this kiosk's own operator_cards, never from the district's flag.
OPERATOR_SQL = """EXISTS (SELECT 1 FROM operator_cards b JOIN operators o ON o.id = b.operator_id
                         WHERE b.card_id = c.card_id AND o.active = 1)"""

_CARD_SQL = f"""
SELECT c.card_id, c.volunteer_id, c.kind, c.status AS card_status, c.generation,
       {OPERATOR_SQL} AS is_operator,
       v.masked_name, v.status AS volunteer_status,
       {ledger.BALANCE_SQL.format(vid="c.volunteer_id")} AS balance
FROM cards c JOIN volunteers v ON v.id = c.volunteer_id
LEFT JOIN balance_snapshots s ON s.volunteer_id = c.volunteer_id
WHERE c.card_id = ?"""


def check_card(conn: sqlite3.Connection, card: PresentedCard) -> sqlite3.Row:
    """The card, its volunteer and their balance in one read, or the volunteer's refusal."""
    row = conn.execute(_CARD_SQL, (card.card_id,)).fetchone()
    if row is None:
        raise CardUnknown()
    if row["card_status"] != "active" or row["volunteer_status"] != "active":
        raise CardBlocked()
    if card.generation is not None and card.generation < row["generation"]:
        raise CardRevoked()
    if row["kind"] == "sun" and not card.signed:
        raise CardNotGenuine(card.card_id)   # its UID, copied onto a card that cannot sign
    return cast(sqlite3.Row, row)


def look_up(conn: sqlite3.Connection, card: PresentedCard,
            clock: Clock | None = None) -> CardHolder:
    """Card tap -> masked name and balance (a single statement: one consistent read). A
    signed NFC tap is also checked for replay and recorded, in one write transaction with
    the read (``clock`` is then needed)."""
    if card.sun is None:
        row = check_card(conn, card)
    else:
        if clock is None:
            raise ValueError("a signed NFC tap is recorded with the time: pass the clock")
        with write_transaction(conn):
            row = check_card(conn, card)
            sun_taps.accept(conn, clock, card.card_id, card.sun)
    return CardHolder(card_id=row["card_id"], volunteer_id=row["volunteer_id"],
                      masked_name=row["masked_name"], balance=int(row["balance"]),
                      is_operator=bool(row["is_operator"]))


@dataclass(frozen=True)
class CardInfo:
    """A card as the operator's cards screen shows it."""

    card_id: str
    volunteer_id: str
    masked_name: str
    kind: str
    status: str
    is_operator: bool   # bound to an operator at this kiosk


def card_info(conn: sqlite3.Connection, card_id: str) -> CardInfo | None:
    r = conn.execute(
        f"""SELECT c.card_id, c.volunteer_id, v.masked_name, c.kind, c.status,
                   {OPERATOR_SQL} AS is_operator
            FROM cards c JOIN volunteers v ON v.id = c.volunteer_id WHERE c.card_id = ?""",
        (card_id,)).fetchone()
    return None if r is None else CardInfo(r["card_id"], r["volunteer_id"], r["masked_name"],
                                           r["kind"], r["status"], bool(r["is_operator"]))


def active_volunteers(conn: sqlite3.Connection, prefix: str, limit: int) -> list[
        tuple[str, str]]:
    """(id, masked name) of active volunteers whose number starts with ``prefix``, at most
    ``limit`` (a district has hundreds of thousands: the list is a search, never all)."""
    return [(r["id"], r["masked_name"]) for r in conn.execute(
        "SELECT id, masked_name FROM volunteers WHERE status = 'active' AND id >= ? "
        "AND id < ? ORDER BY id LIMIT ?", (prefix, prefix + "\U0010ffff", limit))]
