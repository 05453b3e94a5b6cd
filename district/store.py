"""The district's storage, as one object the server, the CLI and the tests hold.

It owns the :class:`~district.db.engine.Database` (SQLite or PostgreSQL) and the push policy,
and hands each call to the module that does that one job: district.push (pushed batches),
district.admin (staff input), district.feed (the change feed), district.qr_issue,
district.kiosks (keys, nonces, heartbeats), district.reports. No SQL lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from district import admin, feed, kiosks, qr_issue, reports
from district.admin import Credit
from district.db.engine import Database
from district.entry_checks import Policy
from district.push import EntryResult, PushEntry, UnknownKiosk, push
from district.qr_issue import QrIssue

__all__ = ["Credit", "EntryResult", "PushEntry", "QrIssue", "Store", "UnknownKiosk"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(self, location: str | Path, *, district: str = "district",
                 create: bool = True, policy: Policy | None = None,
                 clock: Callable[[], datetime] = _utcnow, pool_size: int = 10) -> None:
        self.location = str(location)
        self.district = district
        self.db = Database(location, district=district, create=create, pool_size=pool_size)
        self.policy = policy or Policy()
        self.clock = clock

    @property
    def path(self) -> str:
        return self.db.name

    def cli_args(self) -> list[str]:
        """``--database`` and ``--district`` for kiosk-district on this same district."""
        return ["--database", self.location, "--district", self.district]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- kiosks --------------------------------------------------------------------------------
    def register_kiosk(self, kiosk_id: str, public_key: str, name: str = "") -> None:
        admin.register_kiosk(self.db, kiosk_id, public_key, name)

    def kiosk_key(self, kiosk_id: str) -> str | None:
        return kiosks.kiosk_key(self.db, kiosk_id)

    def applied_seq(self, kiosk_id: str) -> int:
        with self.db.read() as conn:
            seq = kiosks.applied_seq(conn, kiosk_id)
        if seq is None:
            raise UnknownKiosk(kiosk_id)
        return seq

    def use_nonce(self, kiosk_id: str, nonce: str, now: float, window_s: float) -> bool:
        return kiosks.use_nonce(self.db, kiosk_id, nonce, now, window_s)

    def record_heartbeat(self, kiosk_id: str, received_at: float, body: dict[str, Any]) -> None:
        kiosks.record_heartbeat(self.db, kiosk_id, received_at, body)

    def kiosk_heartbeats(self) -> list[tuple[str, str, float | None, dict[str, Any] | None]]:
        return kiosks.kiosk_heartbeats(self.db)

    # -- pushes and the feed -------------------------------------------------------------------
    def push(self, kiosk_id: str, entries: list[PushEntry], *, idempotency_key: str = "",
             body_hash: str = "") -> tuple[int, list[EntryResult]]:
        key = idempotency_key or f"direct-{entries[0].entry_id if entries else 'none'}"
        return push(self.db, kiosk_id, key, body_hash or key, entries, policy=self.policy,
                    clock=self.clock)

    def changes(self, kiosk_id: str, after: int, limit: int) -> bytes:
        with self.db.read() as conn:
            seq = kiosks.applied_seq(conn, kiosk_id)
            if seq is None:
                raise UnknownKiosk(kiosk_id)
            return feed.page(conn, seq, after, limit)

    # -- staff input ---------------------------------------------------------------------------
    def upsert_volunteers(self, rows: Iterable[tuple[str, str, str]]) -> int:
        return admin.upsert_volunteers(self.db, rows)

    def credit(self, record_id: str, volunteer_id: str, points: int, *,
               hours: float | None = None) -> bool:
        return self.credit_many([Credit(record_id, volunteer_id, hours or 1.0, points)]) == 1

    def credit_many(self, records: Iterable[Credit | tuple[str, str, int]]) -> int:
        return admin.credit_many(self.db, [r if isinstance(r, Credit) else
                                           Credit(r[0], r[1], 1.0, r[2]) for r in records])

    def upsert_card(self, card_id: str, volunteer_id: str, kind: str, *,
                    is_operator: bool = False) -> None:
        admin.upsert_card(self.db, card_id, volunteer_id, kind, is_operator=is_operator)

    def upsert_cards(self, rows: Iterable[tuple[str, str, str]]) -> None:
        admin.add_cards(self.db, rows)

    def set_card_status(self, card_id: str, status: str, *, revoke: bool = False) -> None:
        admin.set_card_status(self.db, card_id, status, revoke=revoke)

    def upsert_items(self, specs: Iterable[dict[str, Any]]) -> int:
        return admin.upsert_items(self.db, specs)

    def add_image(self, data: bytes) -> str:
        return admin.add_image(self.db, data)

    def image(self, sha256: str) -> bytes | None:
        return admin.image(self.db, sha256)

    def card(self, card_id: str) -> tuple[str, int] | None:
        """(kind, generation) of a card the district holds."""
        return admin.card_info(self.db, card_id)

    def set_item_image(self, item_id: str, sha256: str) -> bool:
        return admin.set_item_image(self.db, item_id, sha256)

    def set_setting(self, key: str, value: Any) -> None:
        admin.set_setting(self.db, key, value)

    def issue_qr_card(self, kiosk_id: str, request_id: str, volunteer_id: str, *, now: int,
                      valid_seconds: int, sign: Callable[[QrIssue], str]
                      ) -> tuple[QrIssue, str]:
        return qr_issue.issue_qr_card(self.db, kiosk_id, request_id, volunteer_id, now=now,
                                      valid_seconds=valid_seconds, sign=sign)

    # -- raw SQL, for tests and one-off staff queries (the same on both engines) -------------
    def query(self, sql: str, **params: Any) -> list[Any]:
        with self.db.read() as conn:
            return list(conn.execute(text(sql), params).all())

    def execute(self, sql: str, **params: Any) -> int:
        with self.db.write() as conn:
            return int(conn.execute(text(sql), params).rowcount or 0)

    # -- reports -------------------------------------------------------------------------------
    def report(self, name: str) -> list[dict[str, Any]]:
        return reports.report(self.db, name)

    def audit_log(self, kiosk_id: str | None = None) -> list[dict[str, Any]]:
        return reports.audit_log(self.db, kiosk_id)

    def verify(self) -> list[str]:
        return reports.verify(self.db)
