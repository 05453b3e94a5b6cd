"""The district's storage: every SQL statement of the server lives here, behind one class, so a
PostgreSQL backend can follow with the same methods.

Durability rules match the kiosk: WAL, ``synchronous=FULL``, every write in ``BEGIN IMMEDIATE``.
A push batch is applied entry by entry in kiosk-sequence order, each entry in its own short
transaction together with the kiosk's applied sequence, so a crash between entries loses
nothing and a retry finds the entries already there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from district import sun_sync
from district.entries import AuditFact, CardFact, Effect, EntryRejected, effect_of
from district.store_schema import FULL_SCHEMA
from kiosk.core.schema import _split_statements
from points_protocol.messages import EntryResult

log = logging.getLogger("district.store")


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def payload_hash(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class PushEntry:
    seq: int
    entry_id: str
    kind: str
    kiosk_id: str
    payload: dict[str, Any]


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _feed_query(row: str, joins: str, entity: str) -> str:
    return (f"SELECT json_group_array({row}) FROM changes c {joins} "
            f"WHERE c.id > :lo AND c.id <= :hi AND +c.entity = '{entity}'")


# One JSON array per kind of entity in a page of the change feed (see Store.changes).
_FEED_QUERIES = (
    ("volunteers", _feed_query("json_array(v.id, v.masked_name, v.status)",
                               "JOIN volunteers v ON v.id = c.key", "volunteer")),
    ("cards", _feed_query(
        "json_array(k.card_id, k.volunteer_id, k.kind, k.status, k.generation, "
        "json(CASE WHEN k.is_operator THEN 'true' ELSE 'false' END))",
        "JOIN cards k ON k.card_id = c.key", "card")),
    ("balances", _feed_query("json_array(c.key, COALESCE(b.balance, 0), :applied)",
                             "LEFT JOIN balances b ON b.account = 'volunteer:' || c.key",
                             "balance")),
    ("items", _feed_query("json(i.spec)", "JOIN items i ON i.id = c.key", "item")),
    ("settings", _feed_query("json_array(s.key, json(s.value))",
                             "JOIN settings s ON s.key = c.key", "setting")),
    ("sun_counters", _feed_query(sun_sync.FEED_ROW, sun_sync.FEED_JOIN, sun_sync.FEED_ENTITY)),
)


class UnknownKiosk(Exception):
    pass


class QrIssueRefused(Exception):
    """The district will not issue this QR card (the message says why, for the operator)."""


@dataclass(frozen=True)
class QrIssue:
    card_id: str
    generation: int
    issued_at: int     # Unix seconds, as signed into the token
    expires_at: int    # 0: never


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        with self.write() as conn:
            for statement in _split_statements(FULL_SCHEMA):
                conn.execute(statement)

    # -- connections -----------------------------------------------------------------------
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.path)
        return conn

    def _nonce_conn(self) -> sqlite3.Connection:
        """Nonces live in a file of their own, so checking a request never waits for a long
        ledger write (a district-wide import) and a reader is never blocked by the lock."""
        conn: sqlite3.Connection | None = getattr(self._local, "nonce_conn", None)
        if conn is None:
            conn = self._local.nonce_conn = _connect(self.path + "-nonces")
            conn.execute("CREATE TABLE IF NOT EXISTS nonces (kiosk_id TEXT NOT NULL, "
                         "nonce TEXT NOT NULL, seen_at REAL NOT NULL, "
                         "PRIMARY KEY (kiosk_id, nonce))")
            conn.execute("CREATE INDEX IF NOT EXISTS nonces_by_time ON nonces (seen_at)")
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    # -- kiosks and request signing ------------------------------------------------------------
    def register_kiosk(self, kiosk_id: str, public_key: str, name: str = "") -> None:
        with self.write() as conn:
            conn.execute(
                """INSERT INTO kiosks (id, public_key, name, registered_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key,
                                                  name = excluded.name""",
                (kiosk_id, public_key, name, now_text()))

    def kiosk_key(self, kiosk_id: str) -> str | None:
        row = self.conn().execute("SELECT public_key FROM kiosks WHERE id = ?",
                                  (kiosk_id,)).fetchone()
        return None if row is None else str(row[0])

    def applied_seq(self, kiosk_id: str) -> int:
        row = self.conn().execute("SELECT applied_seq FROM kiosks WHERE id = ?",
                                  (kiosk_id,)).fetchone()
        if row is None:
            raise UnknownKiosk(kiosk_id)
        return int(row[0])

    def use_nonce(self, kiosk_id: str, nonce: str, now: float, window_s: float) -> bool:
        """Record a nonce; False if it was seen within the window (a replay)."""
        conn = self._nonce_conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM nonces WHERE seen_at < ?", (now - 2 * window_s,))
            cur = conn.execute("INSERT OR IGNORE INTO nonces (kiosk_id, nonce, seen_at) "
                               "VALUES (?, ?, ?)", (kiosk_id, nonce, now))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return cur.rowcount == 1

    # -- health ------------------------------------------------------------------------------
    def record_heartbeat(self, kiosk_id: str, received_at: float, body: dict[str, Any]) -> None:
        """Keep only the latest heartbeat of a kiosk."""
        with self.write() as conn:
            conn.execute(
                """INSERT INTO heartbeats (kiosk_id, received_at, body) VALUES (?, ?, ?)
                   ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at,
                                                        body = excluded.body""",
                (kiosk_id, received_at, json.dumps(body, ensure_ascii=False)))

    def kiosk_heartbeats(self) -> list[tuple[str, str, float | None, dict[str, Any] | None]]:
        """(kiosk id, name, received_at or None, last heartbeat body or None) for every
        registered kiosk, by id."""
        with self.read() as conn:
            rows = conn.execute(
                "SELECT k.id, k.name, h.received_at, h.body FROM kiosks k "
                "LEFT JOIN heartbeats h ON h.kiosk_id = k.id ORDER BY k.id").fetchall()
        return [(str(r[0]), str(r[1]), None if r[2] is None else float(r[2]),
                 None if r[3] is None else json.loads(r[3])) for r in rows]

    # -- push --------------------------------------------------------------------------------
    def record_batch(self, kiosk_id: str, key: str, body_hash: str) -> bool:
        """Remember an idempotency key; False if it was used before with another body."""
        with self.write() as conn:
            row = conn.execute("SELECT kiosk_id, body_hash FROM push_batches "
                               "WHERE idempotency_key = ?", (key,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO push_batches VALUES (?, ?, ?, ?)",
                             (key, kiosk_id, body_hash, now_text()))
                return True
            return bool(row[0] == kiosk_id and row[1] == body_hash)

    def push(self, kiosk_id: str, entries: list[PushEntry]) -> list[EntryResult]:
        """Apply a batch in ONE transaction (one durable commit), entries in sequence order;
        the answer is sent only after the commit, so "applied" is never a promise."""
        results: list[EntryResult] = []
        stopped: str | None = None
        with self.write() as conn:
            for entry in entries:
                if stopped is not None:
                    results.append(EntryResult(entry.seq, entry.entry_id, "not_processed",
                                               stopped))
                    continue
                result = self._push_one(conn, kiosk_id, entry)
                if result.status == "not_processed":
                    stopped = result.reason
                results.append(result)
        return results

    def _push_one(self, conn: sqlite3.Connection, kiosk_id: str,
                  entry: PushEntry) -> EntryResult:
        digest = payload_hash({"kind": entry.kind, "payload": entry.payload})
        applied = self.applied_seq(kiosk_id)
        known = conn.execute("SELECT kiosk_id, seq, payload_hash, outcome, reason FROM entries"
                             " WHERE entry_id = ?", (entry.entry_id,)).fetchone()
        if known is not None and tuple(known[:3]) == (kiosk_id, entry.seq, digest):
            return EntryResult(entry.seq, entry.entry_id,
                               "duplicate" if known[3] == "applied" else "rejected", known[4])
        if entry.seq > applied + 1:
            return EntryResult(entry.seq, entry.entry_id, "not_processed",
                               f"expected sequence {applied + 1}")
        if known is not None:
            reason = (f"entry id {entry.entry_id} already used with different content"
                      " (never applied)")
            self._conflict(conn, "reused_id", kiosk_id, entry.entry_id, None, None, reason)
            log.error("kiosk %s: %s", kiosk_id, reason)
            if entry.seq == applied + 1:
                # The sequence moves on past a refused entry (as for any rejection), or this
                # kiosk could never push again. The id is taken, so no ``entries`` row: a retry
                # finds the same clash and gets the same answer.
                self._rejected(conn, kiosk_id, entry)
            return EntryResult(entry.seq, entry.entry_id, "rejected", reason)
        if entry.seq <= applied:
            reason = f"sequence {entry.seq} already holds another entry"
            self._conflict(conn, "reused_seq", kiosk_id, entry.entry_id, None, None, reason)
            log.error("kiosk %s: %s", kiosk_id, reason)
            return EntryResult(entry.seq, entry.entry_id, "rejected", reason)
        try:
            if entry.kiosk_id != kiosk_id:
                raise EntryRejected(f"entry claims kiosk {entry.kiosk_id!r}, "
                                    f"the request is signed by {kiosk_id!r}")
            effect = effect_of(kiosk_id, entry.kind, entry.entry_id, entry.payload)
            conn.execute("SAVEPOINT entry")
            try:
                self._apply(conn, kiosk_id, entry, effect)
            except EntryRejected:
                conn.execute("ROLLBACK TO entry")
                raise
            finally:
                conn.execute("RELEASE entry")
            outcome, reason_text = "applied", None
        except EntryRejected as exc:
            outcome, reason_text = "rejected", str(exc)
            self._conflict(conn, "rejected", kiosk_id, entry.entry_id, None, None,
                           reason_text)
            log.warning("kiosk %s seq %d rejected: %s", kiosk_id, entry.seq, reason_text)
            self._rejected(conn, kiosk_id, entry)
        conn.execute(
            "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.entry_id, kiosk_id, entry.seq, entry.kind, digest,
             json.dumps(entry.payload, ensure_ascii=False, sort_keys=True), outcome,
             reason_text, now_text()))
        conn.execute("UPDATE kiosks SET applied_seq = ? WHERE id = ?", (entry.seq, kiosk_id))
        return EntryResult(entry.seq, entry.entry_id,
                           "applied" if outcome == "applied" else "rejected", reason_text)

    def _rejected(self, conn: sqlite3.Connection, kiosk_id: str, entry: PushEntry) -> None:
        """Move the kiosk's sequence past a refused entry and send its volunteer a fresh
        balance row: the kiosk still counts the refused sale's transfers until a snapshot
        covering that sequence arrives, and none would come if nothing else changed (I7)."""
        conn.execute("UPDATE kiosks SET applied_seq = ? WHERE id = ?", (entry.seq, kiosk_id))
        volunteer_id = entry.payload.get("volunteer_id")
        if isinstance(volunteer_id, str):
            conn.execute("INSERT OR REPLACE INTO changes (entity, key) "
                         "SELECT 'balance', id FROM volunteers WHERE id = ?", (volunteer_id,))

    def _apply(self, conn: sqlite3.Connection, kiosk_id: str, entry: PushEntry,
               effect: Effect) -> None:
        order = effect.order
        if order is not None:
            if order.voids_order_id is not None:
                original = conn.execute(
                    "SELECT kiosk_id, kind FROM orders WHERE order_id = ?",
                    (order.voids_order_id,)).fetchone()
                if original is None or original[0] != kiosk_id or original[1] != "sale":
                    raise EntryRejected(f"void of unknown sale {order.voids_order_id}")
            try:
                conn.execute("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (order.order_id, kiosk_id, order.kind, order.volunteer_id,
                              order.card_id, order.total, int(order.offline),
                              order.voids_order_id, order.created_at))
            except sqlite3.IntegrityError as exc:
                raise EntryRejected(f"order {order.order_id} cannot be recorded: {exc}") \
                    from None
        for tid, src, dst, amount in effect.transfers:
            if conn.execute("SELECT 1 FROM transfers WHERE id = ?", (tid,)).fetchone():
                raise EntryRejected(f"transfer id {tid} already applied")
            self._transfer(conn, tid, entry.entry_id, src, dst, amount, kiosk_id)
        conn.executemany(
            "INSERT INTO stock_movements (kiosk_id, entry_id, item_id, delta, kind, donor_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(kiosk_id, entry.entry_id, item, delta, kind, donor)
             for item, delta, kind, donor in effect.stock])
        if order is not None:
            self._cover_overspend(conn, order.volunteer_id, kiosk_id, entry.entry_id)
            self._changed(conn, "balance", [order.volunteer_id])
        if effect.card is not None:
            self._apply_card(conn, kiosk_id, entry.entry_id, effect.card)
        if effect.audit is not None:
            self._apply_audit(conn, kiosk_id, entry.entry_id, effect.audit)
        tap, alert = effect.sun_counter, effect.card_alert
        if tap is not None and sun_sync.raise_counter(conn, tap.card_id, tap.key_generation,
                                                      tap.counter, now_text()):
            self._changed(conn, sun_sync.FEED_ENTITY, [tap.card_id])
        if alert is not None:
            self._conflict(conn, "card_alert", kiosk_id, entry.entry_id, None, None,
                           f"{alert.code} card={alert.card_id} at={alert.at}: {alert.detail}")

    def _apply_card(self, conn: sqlite3.Connection, kiosk_id: str, entry_id: str,
                    card: CardFact) -> None:
        """A block made at one kiosk is a block everywhere: the card row changes and the
        change feed carries it to the other kiosks. A registration of a card someone else
        holds is refused (the kiosk checked too, but with a possibly stale copy)."""
        row = conn.execute("SELECT volunteer_id FROM cards WHERE card_id = ?",
                           (card.card_id,)).fetchone()
        if card.action == "register":
            if conn.execute("SELECT 1 FROM volunteers WHERE id = ?",
                            (card.volunteer_id,)).fetchone() is None:
                raise EntryRejected(f"card {card.card_id}: unknown volunteer "
                                    f"{card.volunteer_id}")
            if row is not None and row[0] != card.volunteer_id:
                raise EntryRejected(f"card {card.card_id} is registered to another volunteer")
            if row is not None and card.kind == "sun":   # a UID-only card found to sign taps
                conn.execute("UPDATE cards SET kind = 'sun' WHERE card_id = ?",
                             (card.card_id,))
            if row is None:
                conn.execute("INSERT INTO cards (card_id, volunteer_id, kind) VALUES (?, ?, ?)",
                             (card.card_id, card.volunteer_id, card.kind))
        else:
            if row is None:
                raise EntryRejected(f"card {card.card_id} is unknown to the district")
            conn.execute("UPDATE cards SET status = ? WHERE card_id = ?",
                         ("blocked" if card.action == "block" else "active", card.card_id))
        conn.execute("INSERT INTO card_events VALUES (?, ?, ?, ?, ?, ?)",
                     (entry_id, kiosk_id, card.card_id, card.action, card.volunteer_id,
                      card.at))
        self._changed(conn, "card", [card.card_id])

    def _apply_audit(self, conn: sqlite3.Connection, kiosk_id: str, entry_id: str,
                     audit: AuditFact) -> None:
        try:
            conn.execute(
                "INSERT INTO kiosk_audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kiosk_id, audit.audit_id, entry_id, audit.at, audit.operator_id,
                 audit.action, audit.subject,
                 None if audit.before is None else json.dumps(audit.before, ensure_ascii=False,
                                                              sort_keys=True),
                 None if audit.after is None else json.dumps(audit.after, ensure_ascii=False,
                                                             sort_keys=True)))
        except sqlite3.IntegrityError:
            raise EntryRejected(f"audit row {audit.audit_id} of kiosk {kiosk_id} is already "
                                "stored from another entry") from None

    def audit_log(self, kiosk_id: str | None = None) -> list[dict[str, Any]]:
        """The kiosks' audit rows as pushed, oldest first per kiosk."""
        with self.read() as conn:
            cur = conn.execute(
                "SELECT kiosk_id, audit_id, at, operator_id, action, subject, before, after "
                "FROM kiosk_audit WHERE ? IS NULL OR kiosk_id = ? ORDER BY kiosk_id, audit_id",
                (kiosk_id, kiosk_id))
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur]
        for row in rows:
            for key in ("before", "after"):
                row[key] = None if row[key] is None else json.loads(row[key])
        return rows

    def _transfer(self, conn: sqlite3.Connection, tid: str, group: str, src: str, dst: str,  # noqa: PLR0917
                  amount: int, kiosk_id: str | None) -> None:
        conn.execute("INSERT INTO transfers VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (tid, group, src, dst, amount, kiosk_id, now_text()))
        conn.executemany(
            "INSERT INTO balances (account, balance) VALUES (?, ?) ON CONFLICT (account) "
            "DO UPDATE SET balance = balance + excluded.balance",
            [(src, -amount), (dst, amount)])

    def _balance(self, conn: sqlite3.Connection, account: str) -> int:
        row = conn.execute("SELECT balance FROM balances WHERE account = ?",
                           (account,)).fetchone()
        return 0 if row is None else int(row[0])

    def _cover_overspend(self, conn: sqlite3.Connection, volunteer_id: str, kiosk_id: str,
                         entry_id: str) -> None:
        """Offline sales are facts: a shortfall becomes the volunteer's visible debt."""
        short = -self._balance(conn, f"volunteer:{volunteer_id}")
        if short <= 0:
            # A void refunded points to someone in debt: the debt is settled first.
            settle = min(-short, -self._balance(conn, f"debt:{volunteer_id}"))
            if settle > 0:
                self._transfer(conn, f"settle:{entry_id}", entry_id,
                               f"volunteer:{volunteer_id}", f"debt:{volunteer_id}", settle,
                               kiosk_id)
            return
        self._transfer(conn, f"debt:{entry_id}", entry_id, f"debt:{volunteer_id}",
                       f"volunteer:{volunteer_id}", short, kiosk_id)
        self._conflict(conn, "overspend", kiosk_id, entry_id, volunteer_id, short,
                       f"offline sales overspent by {short} points; recorded as debt")

    def _conflict(self, conn: sqlite3.Connection, kind: str, kiosk_id: str | None,  # noqa: PLR0917
                  entry_id: str | None, volunteer_id: str | None, amount: int | None,
                  detail: str) -> None:
        conn.execute(
            "INSERT INTO conflicts (kind, kiosk_id, entry_id, volunteer_id, amount, detail, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, kiosk_id, entry_id, volunteer_id, amount, detail, now_text()))

    def _changed(self, conn: sqlite3.Connection, entity: str, keys: Iterable[str]) -> None:
        conn.executemany("INSERT OR REPLACE INTO changes (entity, key) VALUES (?, ?)",
                         [(entity, k) for k in keys])

    # -- district administration ---------------------------------------------------------------
    def upsert_volunteers(self, rows: Iterable[tuple[str, str, str]]) -> int:
        """(id, masked name, status); unchanged rows are left alone (idempotent import)."""
        count = 0
        with self.write() as conn:
            changed = []
            for vid, masked, status in rows:
                old = conn.execute("SELECT masked_name, status FROM volunteers WHERE id = ?",
                                   (vid,)).fetchone()
                if old is not None and tuple(old) == (masked, status):
                    continue
                conn.execute("INSERT INTO volunteers VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
                             " SET masked_name = excluded.masked_name, status = excluded.status",
                             (vid, masked, status))
                changed.append(vid)
                if old is None:
                    changed_balance = vid
                    self._changed(conn, "balance", [changed_balance])
            self._changed(conn, "volunteer", changed)
            count = len(changed)
        return count

    def credit(self, record_id: str, volunteer_id: str, points: int) -> bool:
        """Credit earned points once per service record; debt is settled first."""
        return self.credit_many([(record_id, volunteer_id, points)]) == 1

    def credit_many(self, records: Iterable[tuple[str, str, int]]) -> int:
        """(record id, volunteer id, points) in one transaction; returns how many were new."""
        done = 0
        with self.write() as conn:
            for record_id, volunteer_id, points in records:
                done += self._credit(conn, record_id, volunteer_id, points)
        return done

    def _credit(self, conn: sqlite3.Connection, record_id: str, volunteer_id: str,
                points: int) -> bool:
        if conn.execute("SELECT 1 FROM volunteers WHERE id = ?",
                        (volunteer_id,)).fetchone() is None:
            raise KeyError(f"unknown volunteer {volunteer_id}")
        cur = conn.execute("INSERT OR IGNORE INTO service_records VALUES (?, ?, ?, ?)",
                           (record_id, volunteer_id, points, now_text()))
        if cur.rowcount == 0 or points <= 0:
            return False
        group = f"credit:{record_id}"
        person = f"volunteer:{volunteer_id}"
        self._transfer(conn, group, group, "issuance", person, points, None)
        debt = -self._balance(conn, f"debt:{volunteer_id}")
        settle = min(debt, points)
        if settle > 0:
            self._transfer(conn, f"settle:{record_id}", group, person,
                           f"debt:{volunteer_id}", settle, None)
        self._changed(conn, "balance", [volunteer_id])
        return True

    def upsert_card(self, card_id: str, volunteer_id: str, kind: str, *,
                    is_operator: bool = False) -> None:
        with self.write() as conn:
            conn.execute(
                """INSERT INTO cards (card_id, volunteer_id, kind, is_operator) VALUES (?, ?, ?, ?)
                   ON CONFLICT (card_id) DO UPDATE SET volunteer_id = excluded.volunteer_id,
                       kind = excluded.kind, is_operator = excluded.is_operator""",
                (card_id, volunteer_id, kind, int(is_operator)))
            self._changed(conn, "card", [card_id])

    def upsert_cards(self, rows: Iterable[tuple[str, str, str]]) -> None:
        with self.write() as conn:
            rows = list(rows)
            conn.executemany(
                "INSERT OR IGNORE INTO cards (card_id, volunteer_id, kind) VALUES (?, ?, ?)",
                rows)
            self._changed(conn, "card", [r[0] for r in rows])

    def set_card_status(self, card_id: str, status: str, *, revoke: bool = False) -> None:
        """Block or unblock; ``revoke`` also bumps the generation so old QR tokens die."""
        with self.write() as conn:
            cur = conn.execute(
                "UPDATE cards SET status = ?, generation = generation + ? WHERE card_id = ?",
                (status, int(revoke), card_id))
            if cur.rowcount == 0:
                raise KeyError(f"unknown card {card_id}")
            self._changed(conn, "card", [card_id])

    def issue_qr_card(self, kiosk_id: str, request_id: str, volunteer_id: str, *,
                      now: int, valid_seconds: int, sign: Callable[[QrIssue], str]
                      ) -> tuple[QrIssue, str]:
        """A QR card for a volunteer, asked for by a kiosk's operator. A volunteer keeps one QR
        card: issuing again bumps its generation (the lost paper stops working) and unblocks
        it; the first one gets a fresh card id. The same request id gives the same answer,
        unless the card was blocked or issued again since (then it is refused: that token
        would be dead on paper). ``sign`` makes the token inside the transaction, so a key
        that cannot sign leaves the old card as it was."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT kiosk_id, volunteer_id, card_id, generation, issued_at, expires_at "
                "FROM qr_issues WHERE request_id = ?", (request_id,)).fetchone()
            if row is not None:
                if (row[0], row[1]) != (kiosk_id, volunteer_id):
                    raise QrIssueRefused("request id already used for another card")
                card = conn.execute("SELECT status, generation FROM cards WHERE card_id = ?",
                                    (row[2],)).fetchone()
                if card is None or tuple(card) != ("active", int(row[3])):
                    raise QrIssueRefused(f"card {row[2]} was blocked or issued again since "
                                         "this request: ask again")
                replay = QrIssue(row[2], int(row[3]), int(row[4]), int(row[5]))
                return replay, sign(replay)
            volunteer = conn.execute("SELECT status FROM volunteers WHERE id = ?",
                                     (volunteer_id,)).fetchone()
            if volunteer is None:
                raise QrIssueRefused(f"unknown volunteer {volunteer_id}")
            if volunteer[0] != "active":
                raise QrIssueRefused(f"volunteer {volunteer_id} is blocked")
            card = conn.execute(
                "SELECT card_id FROM cards WHERE volunteer_id = ? AND kind = 'qr' "
                "AND is_operator = 0 ORDER BY card_id LIMIT 1", (volunteer_id,)).fetchone()
            if card is None:
                card_id = f"QR{secrets.token_hex(6).upper()}"
                conn.execute("INSERT INTO cards (card_id, volunteer_id, kind) VALUES (?, ?, 'qr')",
                             (card_id, volunteer_id))
            else:
                card_id = str(card[0])
                conn.execute("UPDATE cards SET generation = generation + 1, status = 'active' "
                             "WHERE card_id = ?", (card_id,))
            generation = int(conn.execute("SELECT generation FROM cards WHERE card_id = ?",
                                          (card_id,)).fetchone()[0])
            issue = QrIssue(card_id, generation, now, now + valid_seconds if valid_seconds else 0)
            conn.execute("INSERT INTO qr_issues VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (request_id, kiosk_id, volunteer_id, card_id, generation,
                          issue.issued_at, issue.expires_at))
            self._changed(conn, "card", [card_id])
            token = sign(issue)   # raising rolls the new generation back
        return issue, token

    def upsert_items(self, specs: Iterable[dict[str, Any]]) -> int:
        changed = []
        with self.write() as conn:
            for spec in specs:
                text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
                old = conn.execute("SELECT spec FROM items WHERE id = ?",
                                   (spec["id"],)).fetchone()
                if old is not None and old[0] == text:
                    continue
                conn.execute("INSERT OR REPLACE INTO items (id, spec) VALUES (?, ?)",
                             (spec["id"], text))
                changed.append(spec["id"])
            self._changed(conn, "item", changed)
        return len(changed)

    def add_image(self, data: bytes) -> str:
        """Store a picture (checked by the caller) under its SHA-256; idempotent."""
        sha = hashlib.sha256(data).hexdigest()
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO images (sha256, data, added_at) VALUES (?, ?, ?)",
                         (sha, data, now_text()))
        return sha

    def image(self, sha256: str) -> bytes | None:
        row = self.conn().execute("SELECT data FROM images WHERE sha256 = ?",
                                  (sha256,)).fetchone()
        return None if row is None else bytes(row[0])

    def set_item_image(self, item_id: str, sha256: str) -> bool:
        """Point an item at a stored picture; False if nothing changed. The item moves in the
        change feed, so every kiosk fetches the new picture."""
        with self.write() as conn:
            row = conn.execute("SELECT spec FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                raise KeyError(f"unknown item {item_id}")
            if conn.execute("SELECT 1 FROM images WHERE sha256 = ?",
                            (sha256,)).fetchone() is None:
                raise KeyError(f"no stored picture {sha256}")
            spec = json.loads(row[0])
            if spec.get("image_sha256") == sha256:
                return False
            spec["image_sha256"] = sha256
            conn.execute("UPDATE items SET spec = ? WHERE id = ?",
                         (json.dumps(spec, ensure_ascii=False, sort_keys=True), item_id))
            self._changed(conn, "item", [item_id])
        return True

    def set_setting(self, key: str, value: Any) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         (key, json.dumps(value)))
            self._changed(conn, "setting", [key])

    # -- the change feed ---------------------------------------------------------------------
    def changes(self, kiosk_id: str, after: int, limit: int) -> bytes:
        """One page of the feed after ``after`` as protocol-v1 JSON, read in one snapshot:
        entities as they are now, and for balances the kiosk's applied sequence at that same
        moment. SQLite writes the JSON itself (json_group_array): a first sync of a district
        is ~1.35 million rows, and a Python object per row per field was most of the cost."""
        with self.read() as conn:
            applied = self.applied_seq(kiosk_id)
            count, upper = conn.execute(
                "SELECT COUNT(*), MAX(id) FROM (SELECT id FROM changes WHERE id > ? "
                "ORDER BY id LIMIT ?)", (after, limit)).fetchone()
            if not count:
                return (f'{{"cursor":{after},"more":false,"volunteers":[],"cards":[],'
                        f'"balances":[],"items":[],"settings":[],"sun_counters":[]}}').encode()
            # "+c.entity": walk the id range of the page, never the whole (entity, key) index.
            span = {"lo": after, "hi": int(upper), "applied": applied}
            parts = [f'{{"cursor":{int(upper)},"more":{"true" if count == limit else "false"}',
                     f'"as_of":{json.dumps(now_text())}']
            for name, query in _FEED_QUERIES:
                parts.append(f'"{name}":{conn.execute(query, span).fetchone()[0]}')
            return (",".join(parts) + "}").encode()

    # -- reports -----------------------------------------------------------------------------
    def report(self, name: str) -> list[dict[str, Any]]:
        queries = {
            "balances": """SELECT v.id AS volunteer_id, v.masked_name,
                               COALESCE(b.balance, 0) AS balance,
                               -COALESCE(d.balance, 0) AS debt
                           FROM volunteers v
                           LEFT JOIN balances b ON b.account = 'volunteer:' || v.id
                           LEFT JOIN balances d ON d.account = 'debt:' || v.id ORDER BY v.id""",
            "debts": """SELECT substr(account, 6) AS volunteer_id, -balance AS debt
                        FROM balances WHERE account LIKE 'debt:%' AND balance < 0
                        ORDER BY account""",
            "conflicts": """SELECT id, kind, kiosk_id, entry_id, volunteer_id, amount, detail, at
                            FROM conflicts ORDER BY id""",
            "donors": """SELECT r.donor_id, r.item_id, r.kiosk_id, SUM(r.delta) AS received,
                             (SELECT -COALESCE(SUM(s.delta), 0) FROM stock_movements s
                              WHERE s.item_id = r.item_id AND s.kiosk_id = r.kiosk_id
                                AND s.kind IN ('sale', 'void')) AS sold_at_kiosk
                         FROM stock_movements r WHERE r.kind = 'restock'
                         GROUP BY r.donor_id, r.item_id, r.kiosk_id
                         ORDER BY r.donor_id, r.item_id, r.kiosk_id""",
            "audit": """SELECT kiosk_id, audit_id, at, operator_id, action, subject, before,
                            after FROM kiosk_audit ORDER BY kiosk_id, audit_id""",
        }
        with self.read() as conn:
            cur = conn.execute(queries[name])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur]

    def verify(self) -> list[str]:
        """I1 and I4 on the server: transfers sum to zero; cached balances equal the fold."""
        problems = []
        with self.read() as conn:
            fold: dict[str, int] = {}
            for src, dst, amount in conn.execute(
                    "SELECT from_account, to_account, amount FROM transfers"):
                fold[src] = fold.get(src, 0) - amount
                fold[dst] = fold.get(dst, 0) + amount
            if sum(fold.values()) != 0:
                problems.append("I1: transfers do not sum to zero")
            for account, cached in conn.execute("SELECT account, balance FROM balances"):
                if fold.get(account, 0) != cached:
                    problems.append(f"I4: {account} cached {cached} != fold {fold.get(account)}")
            for account, value in fold.items():
                if account.startswith("volunteer:") and value < 0:
                    problems.append(f"I5: {account} is negative ({value})")
                if account.startswith("debt:") and value < 0 and \
                        fold.get("volunteer:" + account[5:], 0) > 0:
                    problems.append(f"I5: {account} unsettled while the volunteer has points")
                if account.startswith("debt:") and value > 0:
                    problems.append(f"I5: {account} is a credit ({value}), not a debt")
        return problems
