"""Registered kiosks: their keys, how far their pushes got, their nonces and heartbeats."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, select

from district.db import tables as t
from district.db.engine import Database
from district.db.upsert import insert_ignore, upsert


def kiosk_key(db: Database, kiosk_id: str) -> str | None:
    with db.engine.connect() as conn:
        return conn.execute(select(t.kiosks.c.public_key).where(t.kiosks.c.id == kiosk_id)
                            ).scalar()


def applied_seq(conn: Connection, kiosk_id: str) -> int | None:
    value = conn.execute(select(t.kiosks.c.applied_seq).where(t.kiosks.c.id == kiosk_id)
                         ).scalar()
    return None if value is None else int(value)


def use_nonce(db: Database, kiosk_id: str, nonce: str, now: float, window_s: float) -> bool:
    """Record a nonce; False if it was seen within the window (a replay)."""
    def work(conn: Connection) -> bool:
        if conn.dialect.name == "postgresql":
            return _use_nonce_postgres(conn, kiosk_id, nonce, now - 2 * window_s, now)
        conn.execute(delete(t.nonces).where(t.nonces.c.seen_at < now - 2 * window_s))
        return insert_ignore(conn, t.nonces, {"kiosk_id": kiosk_id, "nonce": nonce,
                                              "seen_at": now}, ("kiosk_id", "nonce"))

    return db.run_write(work, engine=db.nonce_engine)


def _use_nonce_postgres(conn: Connection, kiosk_id: str, nonce: str, expired: float,
                        now: float) -> bool:
    """Every signed request passes here, so its statements and the COMMIT go in one pipeline
    (one round trip, not five). A nonce lost in a crash only lets a request be replayed
    within its 300 s; every request is idempotent anyway (push, QR cards) or harmless (reads,
    heartbeats). So its commit does not wait for the disk, as a ledger write must."""
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.pipeline(), raw.cursor() as cur, raw.cursor() as inserted:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("DELETE FROM nonces WHERE seen_at < %s", (expired,))
        inserted.execute("INSERT INTO nonces (kiosk_id, nonce, seen_at) VALUES (%s, %s, %s) "
                         "ON CONFLICT (kiosk_id, nonce) DO NOTHING RETURNING nonce",
                         (kiosk_id, nonce, now))
        raw.commit()
        return inserted.fetchone() is not None


def record_heartbeat(db: Database, kiosk_id: str, received_at: float,
                     body: dict[str, Any]) -> None:
    """Keep only the latest heartbeat of a kiosk (a status board, not a ledger)."""
    with db.write() as conn:
        upsert(conn, t.heartbeats, {"kiosk_id": kiosk_id, "received_at": received_at,
                                    "body": json.dumps(body, ensure_ascii=False)},
               ("kiosk_id",), ("received_at", "body"))


def kiosk_heartbeats(db: Database) -> list[tuple[str, str, float | None, dict[str, Any] | None]]:
    """(kiosk id, name, received_at or None, last heartbeat body or None) for every
    registered kiosk, by id."""
    with db.read() as conn:
        rows = conn.execute(select(t.kiosks.c.id, t.kiosks.c.name, t.heartbeats.c.received_at,
                                   t.heartbeats.c.body)
                            .select_from(t.kiosks.outerjoin(
                                t.heartbeats, t.heartbeats.c.kiosk_id == t.kiosks.c.id))
                            .order_by(t.kiosks.c.id)).all()
    return [(str(r[0]), str(r[1]), None if r[2] is None else float(r[2]),
             None if r[3] is None else json.loads(r[3])) for r in rows]
