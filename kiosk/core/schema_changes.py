"""Each change to the kiosk database after v1, in order (kiosk.core.schema applies them).
Appended, never edited: databases in the field were made by the old text."""

from __future__ import annotations

from kiosk.core.schema_v1 import append_only, whole_numbers

# v2: (a) the outcome of each receipt print. Orders are immutable, so "printed" / "failed:
# paper out" is its own row per attempt; the latest row is the receipt's state.
# (b) stock levels kept by a trigger: summing every movement of an item on each sale grows
# with years of history; the level is derived in the same statement as the movement, so it
# cannot drift (tests compare it with the sum), and its CHECK keeps stock >= 0.
V2 = """
CREATE TABLE stock_levels (
    item_id TEXT PRIMARY KEY REFERENCES items (id),
    on_hand INTEGER NOT NULL CHECK (on_hand >= 0)
);
INSERT INTO stock_levels (item_id, on_hand)
    SELECT item_id, SUM(delta) FROM stock_movements GROUP BY item_id;
DROP TRIGGER stock_never_negative;
CREATE TRIGGER stock_never_negative BEFORE INSERT ON stock_movements
WHEN NEW.delta < 0 AND
     COALESCE((SELECT on_hand FROM stock_levels WHERE item_id = NEW.item_id), 0) + NEW.delta < 0
BEGIN SELECT RAISE(ABORT, 'stock would go below zero'); END;
CREATE TRIGGER stock_level_follows AFTER INSERT ON stock_movements
BEGIN
    INSERT OR IGNORE INTO stock_levels (item_id, on_hand) VALUES (NEW.item_id, 0);
    UPDATE stock_levels SET on_hand = on_hand + NEW.delta WHERE item_id = NEW.item_id;
END;

CREATE TABLE receipt_prints (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('printed', 'failed')),
    detail TEXT
);
CREATE INDEX receipt_prints_by_order ON receipt_prints (order_id, id);
""" + append_only("receipt_prints")

# v3: sync state. The push cursor (highest outbox seq the district has answered for) and the
# pull cursor live in sync_status beside the daemon's status, so a pulled page and its cursor
# commit together. Entries the district rejected are kept (append-only) for the admin screen.
# "Sync now" is a row the app inserts and the daemon marks handled. District settings are the
# kiosk settings pulled from the change feed.
V3 = """
ALTER TABLE sync_status ADD COLUMN push_acked_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_status ADD COLUMN pull_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_status ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_status ADD COLUMN progress TEXT;
ALTER TABLE sync_status ADD COLUMN last_error_at TEXT;
ALTER TABLE sync_status ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sync_rejections (
    seq INTEGER PRIMARY KEY REFERENCES outbox (seq),
    entry_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE sync_requests (
    id INTEGER PRIMARY KEY,
    requested_at TEXT NOT NULL,
    handled_at TEXT
);
CREATE TABLE district_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
""" + append_only("sync_rejections")

# v4: the operator's side. Operators sign in with a PIN kept only as a salted scrypt hash
# (kiosk.core.operators); one row holds the PIN pad's wrong-try count and lockout, which grows
# with each wrong try. The audit log records every operator action (who, when, what, before
# and after as JSON) in the action's own transaction, and is append-only like the ledger.
V4 = """
CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    pin_hash BLOB NOT NULL,
    pin_salt BLOB NOT NULL,
    pin_params TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE TABLE operator_lockout (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    failed_tries INTEGER NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
    locked_until TEXT
);
INSERT INTO operator_lockout (id) VALUES (1);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at);
""" + append_only("audit_log")

# v5: the last known state of each device (printer, card readers), written by the touchscreen
# app and read by the sync daemon for its heartbeat, which must not open the devices itself.
# One mutable row per device: this is a status board, not a ledger.
V5 = """
CREATE TABLE device_status (
    device TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('printer', 'reader')),
    status TEXT NOT NULL CHECK (status IN ('ok', 'fault')),
    detail TEXT,
    at TEXT NOT NULL
);
"""

# v6: catalogue pictures by content hash. The district's change feed names each item's
# picture by SHA-256; the sync daemon fetches the missing ones into the data folder and then
# points the item at the local file. Until then the item keeps the picture name it had, and
# the last refusal (bad hash, too large, not a picture) is kept for the admin screen.
V6 = """
CREATE TABLE item_images (
    item_id TEXT PRIMARY KEY REFERENCES items (id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    fetched_at TEXT,
    last_error TEXT
);
"""

# QR cards an operator asked the district for. The sync daemon sends each waiting request
# (POST /v1/qr-cards) and writes the answer here; the app prints the card, then forgets the
# token: the printed card is the only copy.
V7 = """
CREATE TABLE qr_card_requests (
    request_id TEXT PRIMARY KEY,
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    operator_id TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'issued', 'refused', 'printed')),
    card_id TEXT,
    generation INTEGER,
    token TEXT,
    expires_at TEXT,
    detail TEXT,
    answered_at TEXT,
    printed_at TEXT,
    CHECK (state <> 'issued' OR (card_id IS NOT NULL AND token IS NOT NULL))
);
CREATE INDEX qr_card_requests_by_state ON qr_card_requests (state, requested_at);
"""

# v8: NFC cards that sign each tap (NTAG 424 DNA with SUN messages). (a) A card kind of its own,
# 'sun': such a card read without a signature is a copy, and its sales are not held to the cap
# for UID-only cards. SQLite cannot change a CHECK, so the table is rebuilt (nothing refers to
# it). (b) The highest tap seen per card, as (key generation, read counter): a tap not above
# it is a replay. Mutable, one row per card: it only ever moves up, merged with the district's
# in the change feed. (c) Refusals worth telling the district (a forged, replayed or copied
# card), kept append-only and pushed like the audit log.
V8 = """
CREATE TABLE cards_v8 (
    card_id TEXT PRIMARY KEY,
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    kind TEXT NOT NULL CHECK (kind IN ('nfc', 'qr', 'sun')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    generation INTEGER NOT NULL DEFAULT 1 CHECK (generation >= 1),
    is_operator INTEGER NOT NULL DEFAULT 0 CHECK (is_operator IN (0, 1))
);
INSERT INTO cards_v8 (card_id, volunteer_id, kind, status, generation, is_operator)
    SELECT card_id, volunteer_id, kind, status, generation, is_operator FROM cards;
DROP TABLE cards;
ALTER TABLE cards_v8 RENAME TO cards;
CREATE INDEX cards_by_volunteer ON cards (volunteer_id);

CREATE TABLE sun_counters (
    card_id TEXT PRIMARY KEY,
    key_generation INTEGER NOT NULL CHECK (key_generation BETWEEN 1 AND 255),
    counter INTEGER NOT NULL CHECK (counter BETWEEN 0 AND 16777215),
    seen_at TEXT
);

CREATE TABLE card_alerts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    card_id TEXT,
    code TEXT NOT NULL,
    detail TEXT NOT NULL,
    source TEXT
);
""" + append_only("card_alerts")

# v9: operator cards this kiosk itself names, its clock as the district saw it, reasons it
# must not sell, and whole numbers wherever the ledger counts. The district's flag on a card
# row no longer opens the operator screens: a card does only when it is bound here to an
# active operator (kiosk-admin operator-card), so a row the district (or anything posing as
# it) sends cannot hand out operator rights. An operator bound only to a card has no PIN.
V9 = """
CREATE TABLE operator_cards (
    card_id TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators (id),
    added_at TEXT NOT NULL
);
CREATE INDEX operator_cards_by_operator ON operator_cards (operator_id);

-- How far this kiosk's clock was off the district's (its HTTP Date), measured by the sync
-- daemon at its last answer, and the outbox sequence reached by then: confirms the clock, or
-- says it is wrong (kiosk.core.clock_check).
ALTER TABLE sync_status ADD COLUMN clock_skew_seconds REAL;
ALTER TABLE sync_status ADD COLUMN clock_checked_at TEXT;
ALTER TABLE sync_status ADD COLUMN clock_checked_seq INTEGER;

-- Why this kiosk must not sell now (kiosk.core.service_stops): the ledger lost entries it
-- had, or failed its audit. One row per reason, cleared when a later check passes.
CREATE TABLE service_stops (
    reason TEXT PRIMARY KEY,
    detail TEXT NOT NULL,
    since TEXT NOT NULL
);
""" + "".join(whole_numbers(table, *columns) for table, *columns in (
    # (Not balance_snapshots: the change feed writes 450,000 of them in a first sync, a
    # trigger there cost it 0.5 s, and the feed's parser already refuses any non-integer.)
    ("orders", "total", "balance_after", "seq"),
    ("order_lines", "quantity", "unit_price", "amount"),
    ("transfers", "amount", "seq"),
    ("stock_movements", "delta"),
    ("item_prices", "price"),
    ("outbox", "seq"),
))

# vouchers (issue 13): a voucher item names its partner and validity; selling one makes a
# signed voucher per unit, kept with its order (append-only, like the order itself); what the
# district says became of a voucher (redeemed, and when and where) arrives with the change feed.
V_VOUCHERS = """
ALTER TABLE items ADD COLUMN partner_id TEXT;
ALTER TABLE items ADD COLUMN valid_days INTEGER CHECK (valid_days IS NULL OR valid_days > 0);

CREATE TABLE vouchers (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id),
    partner_id TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value >= 0),
    masked_name TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL
);
CREATE INDEX vouchers_by_order ON vouchers (order_id);

CREATE TABLE voucher_states (
    voucher_id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('redeemed', 'voided')),
    at TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT ''
);

-- Holders who are families in need (the district's change feed): addressed as a family on
-- screen and paper, never as a volunteer.
CREATE TABLE families (
    volunteer_id TEXT PRIMARY KEY
);
""" + append_only("vouchers")
