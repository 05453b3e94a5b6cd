"""The sync round's part in issuing QR cards: send each waiting request, keep the answer.

Each request goes out as ``POST /v1/qr-cards`` with the kiosk's request id, so a lost answer is
asked again and gets the same token (the district does not issue twice). An answer is kept
only if its token verifies with this kiosk's own QR key for the card and generation it names:
a district with another key, or one that answers garbage, gives the operator a refusal that
says so instead of a card no kiosk would accept.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core import qr_cards
from kiosk.core.clock import Clock
from kiosk.core.errors import CardTokenError
from kiosk.sync import protocol
from kiosk.sync.transport import Transport
from points_protocol import limits, messages
from points_protocol.card_tokens import VerifiedCard

log = logging.getLogger("kiosk.sync.qr")

# Answers that settle a request for good; anything else (no answer, 5xx, 401) is retried.
_REFUSALS = {409: "refused", 404: "refused", 422: "refused", 503: "not offered"}


@dataclass(frozen=True)
class QrAnswer:
    card_id: str
    generation: int
    token: str
    expires_at: int


def parse_answer(data: object) -> QrAnswer:
    if not isinstance(data, dict):
        raise protocol.ProtocolError("qr-cards: expected an object")
    card_id, generation = data.get("card_id"), data.get("generation")
    token, expires = data.get("token"), data.get("expires_at")
    if not (isinstance(card_id, str) and card_id and isinstance(token, str) and token
            and type(generation) is int and generation in limits.GENERATION
            and type(expires) is int and 0 <= expires < 2**32):
        raise protocol.ProtocolError(f"qr-cards: malformed answer {str(data)[:120]}")
    return QrAnswer(card_id, generation, token, expires)


def _detail(body: bytes) -> str:
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        detail = None
    return detail if isinstance(detail, str) else body[:120].decode("utf-8", "replace")


def send_requests(conn: sqlite3.Connection, transport: Transport, clock: Clock,
                  verify: Callable[[str], VerifiedCard] | None) -> int:
    """Send every waiting request; returns how many the district answered. Raises SyncError
    (through the transport) when the district cannot be reached: they stay waiting."""
    answered = 0
    for request in qr_cards.waiting(conn):
        if verify is None:   # asking would revoke the old card for a token we cannot check
            qr_cards.record_refused(conn, clock, request.request_id, "this kiosk has no QR key "
                                    "([qr] public_key): it cannot check a card it would print")
            continue
        body = json.dumps({"request_id": request.request_id,
                           "volunteer_id": request.volunteer_id}).encode()
        status, answer = transport.request("POST", messages.QR_CARDS_PATH, body)
        if status in _REFUSALS:
            detail = _detail(answer)
            log.warning("district %s QR card request %s: %s", _REFUSALS[status],
                        request.request_id, detail)
            qr_cards.record_refused(conn, clock, request.request_id,
                                    f"HTTP {status}: {detail}")
        elif status != 200:
            log.warning("QR card request %s: HTTP %d, will ask again", request.request_id,
                        status)
            continue
        else:
            _keep(conn, clock, request.request_id, answer, verify)
        answered += 1
    return answered


def _keep(conn: sqlite3.Connection, clock: Clock, request_id: str, answer: bytes,
          verify: Callable[[str], VerifiedCard]) -> None:
    try:
        card = parse_answer(protocol.decode(answer))
        checked = verify(card.token)
        if (checked.card_id, checked.generation) != (card.card_id, card.generation):
            raise ValueError("the token names another card than the answer")
    except (protocol.ProtocolError, ValueError, CardTokenError) as exc:
        reason = (f"the token does not pass this kiosk's own check ({type(exc).__name__}): "
                  "are [qr] public_key and district_id the district's?"
                  if isinstance(exc, CardTokenError) else str(exc))
        log.error("QR card request %s: unusable answer: %s", request_id, reason)
        qr_cards.record_refused(conn, clock, request_id, f"unusable answer: {reason}")
        return
    qr_cards.record_issued(conn, clock, request_id, card_id=card.card_id,
                           generation=card.generation, token=card.token,
                           expires_at=card.expires_at)
    log.info("QR card %s generation %d issued (request %s)", card.card_id, card.generation,
             request_id)
