"""QR cards issued at a kiosk's request (``POST /v1/qr-cards``).

A volunteer keeps one QR card: issuing again bumps its generation (the lost paper stops
working) and unblocks it; the first one gets a fresh card id. The kiosk's request id makes a
retry (a lost answer) return the same card, generation and issue time, so the same token,
unless the card was blocked or issued again since (then it is refused: that token would be
dead on paper). The token is signed inside the transaction, so a key that cannot sign leaves
the old card as it was.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, select

from district.db import tables as t
from district.db.engine import Database
from district.feed import mark_changed


class QrIssueRefused(Exception):
    """The district will not issue this QR card (the message says why, for the operator)."""


@dataclass(frozen=True)
class QrIssue:
    card_id: str
    generation: int
    issued_at: int     # Unix seconds, as signed into the token
    expires_at: int    # 0: never


def issue_qr_card(db: Database, kiosk_id: str, request_id: str, volunteer_id: str, *,
                  now: int, valid_seconds: int, sign: Callable[[QrIssue], str]
                  ) -> tuple[QrIssue, str]:
    def work(conn: Connection) -> tuple[QrIssue, str]:
        row = conn.execute(select(t.qr_issues).where(t.qr_issues.c.request_id == request_id)
                           ).first()
        if row is not None:
            if (row.kiosk_id, row.volunteer_id) != (kiosk_id, volunteer_id):
                raise QrIssueRefused("request id already used for another card")
            card = conn.execute(select(t.cards.c.status, t.cards.c.generation)
                                .where(t.cards.c.card_id == row.card_id)).first()
            if card is None or (card.status, int(card.generation)) != ("active",
                                                                        int(row.generation)):
                raise QrIssueRefused(f"card {row.card_id} was blocked or issued again since "
                                     "this request: ask again")
            replay = QrIssue(row.card_id, int(row.generation), int(row.issued_at),
                             int(row.expires_at))
            return replay, sign(replay)
        volunteer = conn.execute(select(t.volunteers.c.status)
                                 .where(t.volunteers.c.id == volunteer_id)
                                 .with_for_update()).first()
        if volunteer is None:
            raise QrIssueRefused(f"unknown volunteer {volunteer_id}")
        if volunteer.status != "active":
            raise QrIssueRefused(f"volunteer {volunteer_id} is blocked")
        card_id = conn.execute(
            select(t.cards.c.card_id).where(t.cards.c.volunteer_id == volunteer_id,
                                            t.cards.c.kind == "qr",
                                            t.cards.c.is_operator.is_(False))
            .order_by(t.cards.c.card_id).limit(1)).scalar()
        if card_id is None:
            card_id = f"QR{secrets.token_hex(6).upper()}"
            conn.execute(t.cards.insert().values(card_id=card_id, volunteer_id=volunteer_id,
                                                 kind="qr"))
        else:
            conn.execute(t.cards.update().where(t.cards.c.card_id == card_id).values(
                generation=t.cards.c.generation + 1, status="active", blocked_at=None))
        generation = int(conn.execute(select(t.cards.c.generation)
                                      .where(t.cards.c.card_id == card_id)).scalar_one())
        issue = QrIssue(card_id, generation, now, now + valid_seconds if valid_seconds else 0)
        conn.execute(t.qr_issues.insert().values(
            request_id=request_id, kiosk_id=kiosk_id, volunteer_id=volunteer_id,
            card_id=card_id, generation=generation, issued_at=issue.issued_at,
            expires_at=issue.expires_at))
        token = sign(issue)   # raising rolls the new generation back
        mark_changed(conn, [("card", card_id)])
        return issue, token

    return db.run_write(work)
