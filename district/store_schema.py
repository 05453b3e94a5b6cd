"""The district database's schema. Ledger tables are append-only, enforced by triggers."""

from __future__ import annotations

from district import sun_sync

APPEND_ONLY = ("transfers", "entries", "conflicts", "stock_movements", "service_records",
               "orders", "card_events", "kiosk_audit", "qr_issues")

SCHEMA = """
CREATE TABLE IF NOT EXISTS kiosks (
    id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    registered_at TEXT NOT NULL,
    applied_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS volunteers (
    id TEXT PRIMARY KEY,
    masked_name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked'))
);
CREATE TABLE IF NOT EXISTS cards (
    card_id TEXT PRIMARY KEY,
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    kind TEXT NOT NULL CHECK (kind IN ('nfc', 'qr', 'sun')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    generation INTEGER NOT NULL DEFAULT 1,
    is_operator INTEGER NOT NULL DEFAULT 0
);
-- A cache of each account's fold over transfers, written in the same transaction (I4 check:
-- report.verify compares it with the fold).
CREATE TABLE IF NOT EXISTS balances (
    account TEXT PRIMARY KEY,
    balance INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS transfers (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    from_account TEXT NOT NULL,
    to_account TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    kiosk_id TEXT,
    recorded_at TEXT NOT NULL,
    CHECK (from_account <> to_account)
);
CREATE TABLE IF NOT EXISTS entries (
    entry_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    payload TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    reason TEXT,
    received_at TEXT NOT NULL,
    UNIQUE (kiosk_id, seq)
);
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    volunteer_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    total INTEGER NOT NULL,
    offline INTEGER NOT NULL,
    voids_order_id TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stock_movements (
    id INTEGER PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    delta INTEGER NOT NULL,
    kind TEXT NOT NULL,
    donor_id TEXT
);
CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    kiosk_id TEXT,
    entry_id TEXT,
    volunteer_id TEXT,
    amount INTEGER,
    detail TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS service_records (
    record_id TEXT PRIMARY KEY,
    volunteer_id TEXT NOT NULL,
    points INTEGER NOT NULL,
    at TEXT NOT NULL
);
-- Card blocks, unblocks and registrations made at kiosks (the card row holds the result).
CREATE TABLE IF NOT EXISTS card_events (
    entry_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('block', 'unblock', 'register')),
    volunteer_id TEXT,
    at TEXT NOT NULL
);
-- Each kiosk's operator audit log as the kiosk wrote it (its row id is per kiosk).
CREATE TABLE IF NOT EXISTS kiosk_audit (
    kiosk_id TEXT NOT NULL,
    audit_id INTEGER NOT NULL,
    entry_id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    before TEXT,
    after TEXT,
    PRIMARY KEY (kiosk_id, audit_id)
);
-- QR cards issued at a kiosk's request. The kiosk's request id makes a retry (a lost answer)
-- return the same card, generation and issue time, so the same token, instead of revoking the
-- card it has just printed.
CREATE TABLE IF NOT EXISTS qr_issues (
    request_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    volunteer_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    generation INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
-- Catalogue pictures, addressed by the SHA-256 of their bytes (an item's spec names it in
-- image_sha256): kiosks fetch each once and can check what they got.
CREATE TABLE IF NOT EXISTS images (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    spec TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS push_batches (
    idempotency_key TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    at TEXT NOT NULL
);
-- The change feed: one row per entity, moved to a fresh id (AUTOINCREMENT: never reused) in
-- the transaction that changes it. SQLite has one writer at a time, so a reader's snapshot
-- never holds an id above one that is still uncommitted: the cursor can't skip a change.
-- The last heartbeat of each kiosk (one mutable row: a status board, not a ledger).
-- received_at is the district's own clock (Unix seconds), so a kiosk with a wrong clock still
-- counts as silent or not by the district's time.
CREATE TABLE IF NOT EXISTS heartbeats (
    kiosk_id TEXT PRIMARY KEY REFERENCES kiosks (id),
    received_at REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    UNIQUE (entity, key)
);
"""


def append_only(table: str) -> str:
    return f"""
CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
"""


FULL_SCHEMA = SCHEMA + sun_sync.SCHEMA + "".join(append_only(t) for t in APPEND_ONLY)
