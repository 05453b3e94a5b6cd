"""A pushed batch's card and audit entries (district.push applies the batch and its orders):
a card registered, blocked or unblocked at a kiosk, and a kiosk's operator audit rows. Each
runs after the batch's pending writes are flushed, in the batch's transaction."""

from __future__ import annotations

import json
from typing import Any, Protocol

from sqlalchemy import Connection, select

from district.batch import BatchRecords
from district.db import tables as t
from district.entry_shapes import AuditFact, CardFact, EntryRejected


class Batch(Protocol):
    """What these entries use of the batch district.push applies (named here, not imported
    from there: push imports this module)."""

    conn: Connection
    kiosk_id: str
    records: BatchRecords
    changed: set[tuple[str, str]]


def apply_card(batch: Batch, entry_id: str, card: CardFact) -> None:
    """A block made at one kiosk is a block everywhere (the feed carries the card row). A
    registration of a card someone else holds is refused (the kiosk's copy may be stale)."""
    batch.records.flush()
    conn = batch.conn
    row = conn.execute(select(t.cards.c.volunteer_id).where(t.cards.c.card_id == card.card_id)
                       .with_for_update()).first()
    if card.action == "register":
        if conn.execute(select(t.volunteers.c.id)
                        .where(t.volunteers.c.id == card.volunteer_id)).first() is None:
            raise EntryRejected(f"card {card.card_id}: unknown volunteer {card.volunteer_id}")
        if row is not None and row.volunteer_id != card.volunteer_id:
            raise EntryRejected(f"card {card.card_id} is registered to another volunteer")
        if row is not None and card.kind == "sun":   # a UID-only card found to sign taps
            conn.execute(t.cards.update().where(t.cards.c.card_id == card.card_id)
                         .values(kind="sun"))
        if row is None:
            conn.execute(t.cards.insert().values(card_id=card.card_id,
                                                 volunteer_id=card.volunteer_id,
                                                 kind=card.kind))
    else:
        if row is None:
            raise EntryRejected(f"card {card.card_id} is unknown to the district")
        blocked = card.action == "block"
        conn.execute(t.cards.update().where(t.cards.c.card_id == card.card_id).values(
            status="blocked" if blocked else "active",
            blocked_at=card.at if blocked else None))
    conn.execute(t.card_events.insert().values(
        entry_id=entry_id, kiosk_id=batch.kiosk_id, card_id=card.card_id, action=card.action,
        volunteer_id=card.volunteer_id, at=card.at))
    batch.records.card_changed(card.card_id)
    batch.changed.add(("card", card.card_id))


def apply_audit(batch: Batch, entry_id: str, audit: AuditFact) -> None:
    def dump(value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    batch.records.flush()
    conn = batch.conn
    if conn.execute(select(t.kiosk_audit.c.entry_id).where(
            t.kiosk_audit.c.kiosk_id == batch.kiosk_id,
            t.kiosk_audit.c.audit_id == audit.audit_id)).first():
        raise EntryRejected(f"audit row {audit.audit_id} of kiosk {batch.kiosk_id} is already "
                            "stored from another entry")
    conn.execute(t.kiosk_audit.insert().values(
        kiosk_id=batch.kiosk_id, audit_id=audit.audit_id, entry_id=entry_id, at=audit.at,
        operator_id=audit.operator_id, action=audit.action, subject=audit.subject,
        before=dump(audit.before), after=dump(audit.after)))
