"""Issuing a volunteer's QR card from the kiosk.

Only the district holds the key that signs QR cards, so the kiosk asks for one: the operator's
request is a row here (with its audit row, in one transaction); the sync daemon, the only part
of the kiosk that talks to the network, sends it with its next round and writes the district's
answer back (:func:`record_issued` / :func:`record_refused`); the operator screen then prints
the card and :func:`mark_printed` forgets the token, so the printed paper is the only copy.

A request waits while the kiosk is offline and goes out when the network is back. Issuing again
for the same volunteer gives their QR card the next generation: the lost paper stops working
here at once (the card row is updated with the answer) and everywhere after the next sync.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.core import audit
from kiosk.core import cards as card_store
from kiosk.core.clock import Clock, shop_time, to_db
from kiosk.core.db import write_transaction
from kiosk.core.errors import UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import KioskInfo, Slip
from kiosk.core.receipt_text import card_slip


class VolunteerNotActive(UserFacingError):
    def __init__(self) -> None:
        super().__init__("这位志愿者不存在或已停用，不能发卡。",
                         "This volunteer is unknown or blocked: no card can be issued.")


class NotReadyToPrint(UserFacingError):
    def __init__(self) -> None:
        super().__init__("这张二维码卡还没有签发（或已经打印过）。",
                         "This QR card is not issued yet (or was already printed).")


class CardNotPrinted(UserFacingError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"二维码卡没有打印出来（{detail}）。卡已签发，处理好打印机后再打印一次。",
                         f"The QR card did not print ({detail}). It is issued: fix the printer "
                         "and print it again.")
        self.detail = detail


@dataclass(frozen=True)
class QrCardRequest:
    request_id: str
    volunteer_id: str
    masked_name: str
    requested_at: str
    state: str                # waiting | issued | refused | printed
    card_id: str | None
    generation: int | None
    detail: str | None        # why the district refused


@dataclass(frozen=True)
class IssuedCard:
    """What the printer needs for one QR card."""

    request_id: str
    card_id: str
    masked_name: str
    token: str
    expires_at: str | None    # UTC, ISO 8601; None: never


_SELECT = """SELECT r.request_id, r.volunteer_id, v.masked_name, r.requested_at, r.state,
                    r.card_id, r.generation, r.detail
             FROM qr_card_requests r JOIN volunteers v ON v.id = r.volunteer_id"""


def _request(row: sqlite3.Row) -> QrCardRequest:
    return QrCardRequest(row[0], row[1], row[2], row[3], row[4], row[5],
                         None if row[6] is None else int(row[6]), row[7])


def request(conn: sqlite3.Connection, clock: Clock, operator_id: str, volunteer_id: str) -> str:
    """Ask for a QR card for this volunteer; returns the request id. A request for the same
    volunteer that is still waiting, or issued and not yet printed, is reused: pressing twice
    issues one card, and a card that did not print is printed, not replaced."""
    with write_transaction(conn):
        row = conn.execute("SELECT status FROM volunteers WHERE id = ?",
                           (volunteer_id,)).fetchone()
        if row is None or row[0] != "active":
            raise VolunteerNotActive()
        waiting = conn.execute(
            "SELECT request_id FROM qr_card_requests WHERE volunteer_id = ? "
            "AND state IN ('waiting', 'issued')",
            (volunteer_id,)).fetchone()
        if waiting is not None:
            return str(waiting[0])
        request_id = uuid7()
        conn.execute("INSERT INTO qr_card_requests (request_id, volunteer_id, operator_id, "
                     "requested_at) VALUES (?, ?, ?, ?)",
                     (request_id, volunteer_id, operator_id, to_db(clock.now())))
        audit.record(conn, clock, operator_id, "qr_card_request", subject=volunteer_id,
                     before=None, after={"request_id": request_id})
    return request_id


def waiting(conn: sqlite3.Connection) -> list[QrCardRequest]:
    """Requests the daemon still has to send, oldest first."""
    rows = conn.execute(_SELECT + " WHERE r.state = 'waiting' ORDER BY r.requested_at").fetchall()
    return [_request(r) for r in rows]


def recent(conn: sqlite3.Connection, limit: int = 8) -> list[QrCardRequest]:
    """Every request still to be printed, then the latest in any state, newest first, for the
    operator screen (an unprinted card never drops off the list)."""
    rows = conn.execute(
        _SELECT + " WHERE r.state = 'issued' OR r.rowid IN (SELECT rowid FROM qr_card_requests "
        "ORDER BY requested_at DESC, rowid DESC LIMIT ?) ORDER BY r.requested_at DESC, "
        "r.rowid DESC", (limit,)).fetchall()
    return [_request(r) for r in rows]


def get(conn: sqlite3.Connection, request_id: str) -> QrCardRequest | None:
    row = conn.execute(_SELECT + " WHERE r.request_id = ?", (request_id,)).fetchone()
    return None if row is None else _request(row)


def record_issued(conn: sqlite3.Connection, clock: Clock, request_id: str, *, card_id: str,
                  generation: int, token: str, expires_at: int) -> bool:
    """The district's answer (already checked by the caller: a token that verifies with this
    kiosk's key for this card). The card takes the new generation at once, so the old paper is
    refused here even before the change feed brings the same row; its status is left alone (a
    block that arrived meanwhile stands). An answer older than the card this kiosk already
    knows is refused: printed, it would be dead. Returns False if nothing was kept."""
    expires = None if expires_at == 0 else datetime.fromtimestamp(expires_at, UTC)
    with write_transaction(conn):
        row = conn.execute("SELECT volunteer_id FROM qr_card_requests WHERE request_id = ? "
                           "AND state = 'waiting'", (request_id,)).fetchone()
        if row is None:
            return False
        known = conn.execute("SELECT generation FROM cards WHERE card_id = ?",
                             (card_id,)).fetchone()
        if known is not None and int(known[0]) > generation:
            record_refused(conn, clock, request_id, f"card {card_id} was issued again since "
                           f"(generation {int(known[0])} > {generation}): ask again")
            return False
        if known is None:
            card_store.upsert_cards(conn, [card_store.CardRecord(
                card_id, row[0], kind="qr", generation=generation)])
        else:
            conn.execute("UPDATE cards SET generation = MAX(generation, ?) WHERE card_id = ?",
                         (generation, card_id))
        conn.execute(
            "UPDATE qr_card_requests SET state = 'issued', card_id = ?, generation = ?, "
            "token = ?, expires_at = ?, answered_at = ? WHERE request_id = ?",
            (card_id, generation, token, None if expires is None else to_db(expires),
             to_db(clock.now()), request_id))
    return True


def record_refused(conn: sqlite3.Connection, clock: Clock, request_id: str, detail: str) -> None:
    with write_transaction(conn):
        conn.execute("UPDATE qr_card_requests SET state = 'refused', detail = ?, answered_at = ? "
                     "WHERE request_id = ? AND state = 'waiting'",
                     (detail[:300], to_db(clock.now()), request_id))


def issued(conn: sqlite3.Connection, request_id: str) -> IssuedCard:
    """The card to print; refused unless the district has answered and it is not printed."""
    row = conn.execute(
        """SELECT r.card_id, v.masked_name, r.token, r.expires_at FROM qr_card_requests r
           JOIN volunteers v ON v.id = r.volunteer_id
           WHERE r.request_id = ? AND r.state = 'issued'""", (request_id,)).fetchone()
    if row is None:
        raise NotReadyToPrint()
    return IssuedCard(request_id, row[0], row[1], row[2], row[3])


def print_card(conn: sqlite3.Connection, clock: Clock, request_id: str, operator_id: str,
               send: Callable[[IssuedCard], None]) -> IssuedCard:
    """Print the card with ``send`` (outside any transaction: a printer can take seconds),
    then forget the token. ``send`` raising (a printer fault) keeps the token for a retry."""
    card = issued(conn, request_id)
    send(card)
    return mark_printed(conn, clock, card, operator_id)


def mark_printed(conn: sqlite3.Connection, clock: Clock, card: IssuedCard,
                 operator_id: str) -> IssuedCard:
    """The card is on paper: forget its token (the paper is the only copy), with its audit
    row. Called only once the printer said it printed."""
    with write_transaction(conn):
        conn.execute("UPDATE qr_card_requests SET state = 'printed', token = NULL, "
                     "printed_at = ? WHERE request_id = ? AND state = 'issued'",
                     (to_db(clock.now()), card.request_id))
        audit.record(conn, clock, operator_id, "qr_card_print", subject=card.card_id,
                     before=None, after={"request_id": card.request_id})
    return card


def slip(card: IssuedCard, kiosk: KioskInfo, clock: Clock, width: int) -> Slip:
    """The paper for one card, with dates in the shop's zone."""
    zone = kiosk.timezone
    return card_slip(kiosk_name=kiosk.name, community=kiosk.community,
                     masked_name=card.masked_name, card_id=card.card_id, token=card.token,
                     printed_at=shop_time(clock.now(), zone),
                     expires_at=None if card.expires_at is None
                     else shop_time(card.expires_at, zone), width=width)
