"""How a pushed batch's transaction opens: the kiosk's row lock, then its idempotency key,
stored in the same transaction as the batch it names (a key reused with another body is a
:class:`BatchConflict`; a kiosk the district does not know, :class:`UnknownKiosk`). On
PostgreSQL the lock, the key and the batch's reads go in one pipeline, one round trip."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from district.batch import BatchRecords
from district.db import tables as t
from district.db.upsert import insert_ignore
from district.entry_shapes import Fact
from district.vouchers import in_push as vouchers


class UnknownKiosk(Exception):
    pass


class BatchConflict(Exception):
    """The idempotency key was used before for another batch (409); nothing was written."""


def open_postgres(records: BatchRecords, needs: tuple[list[str], list[str], list[Fact]], *,
                   kiosk_id: str, key: str, body_hash: str, now: datetime
                   ) -> tuple[int, dict[str, str | None]]:
    """The kiosk's lock, its batch's idempotency key and the batch's reads (its voucher items'
    partners too) in one round trip (BEGIN included): the statements of SQLite's path, the
    kiosk's lock first. Returns the kiosk's applied sequence and the items' partners."""
    found = records.load(*needs, ahead={
        "kiosk": ("SELECT applied_seq FROM kiosks WHERE id = %s FOR UPDATE", (kiosk_id,)),
        "new_key": ("INSERT INTO push_batches (idempotency_key, kiosk_id, body_hash, at) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (idempotency_key) DO NOTHING",
                    (key, kiosk_id, body_hash, now.isoformat())),
        # This transaction's own row if the key is new, else the one stored before.
        "key": ("SELECT kiosk_id, body_hash FROM push_batches WHERE idempotency_key = %s",
                (key,)),
        "partners": (vouchers.PARTNERS_POSTGRES, (vouchers.sale_items(needs[2]),))})
    if not found["kiosk"]:
        raise UnknownKiosk(kiosk_id)
    if tuple(found["key"][0]) != (kiosk_id, body_hash):
        raise BatchConflict("idempotency key reused with a different batch")
    return int(found["kiosk"][0][0]), vouchers.partners_from(found["partners"])


def record_batch(conn: Connection, kiosk_id: str, key: str, body_hash: str,
                  now: datetime) -> None:
    # One statement for a new key (the usual case), a second read only for a key seen before.
    if insert_ignore(conn, t.push_batches, {"idempotency_key": key, "kiosk_id": kiosk_id,
                                            "body_hash": body_hash, "at": now.isoformat()},
                     ("idempotency_key",)):
        return
    known = conn.execute(select(t.push_batches.c.kiosk_id, t.push_batches.c.body_hash)
                         .where(t.push_batches.c.idempotency_key == key)).one()
    if (known.kiosk_id, known.body_hash) != (kiosk_id, body_hash):
        raise BatchConflict("idempotency key reused with a different batch")
