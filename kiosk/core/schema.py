"""Schema and forward migrations, versioned with ``PRAGMA user_version``.

A migration is appended, never edited: databases in the field were made by the old text.
Ledger tables (orders, lines, transfers, stock movements, prices, outbox) are append-only and
the schema itself enforces it with triggers, so no code path, tool or bug can rewrite history.
"""

from __future__ import annotations

import sqlite3

APPEND_ONLY_TABLES_V1 = (
    "orders", "order_lines", "transfers", "stock_movements", "item_prices", "outbox",
)


def _append_only(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: write a reversing entry instead'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: write a reversing entry instead'); END;
"""


def _whole_numbers(table: str, *columns: str) -> str:
    """Points, quantities and sequence numbers are integers, whoever writes them: SQLite's
    INTEGER column takes 1.5 (or a string) as it is, and a REAL quantity in the ledger (1.5
    toothbrushes for 30 points) is what a type check in one caller alone let through."""
    wrong = " OR ".join(f"typeof(NEW.{c}) <> 'integer'" for c in columns)
    return f"""
CREATE TRIGGER {table}_whole_numbers BEFORE INSERT ON {table} WHEN {wrong}
BEGIN SELECT RAISE(ABORT, '{table}: {", ".join(columns)} must be whole numbers'); END;
"""


V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN
        ('issuance', 'volunteer', 'sales', 'donation_pool', 'offline_debt'))
);
INSERT INTO accounts (id, kind) VALUES
    ('issuance', 'issuance'), ('donation_pool', 'donation_pool'),
    ('offline_debt', 'offline_debt');

-- Only what selling needs: a masked name (张*华) and a status. No phone, no ID number.
CREATE TABLE volunteers (
    id TEXT PRIMARY KEY,
    masked_name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked'))
);
CREATE TRIGGER volunteers_account AFTER INSERT ON volunteers
BEGIN INSERT OR IGNORE INTO accounts (id, kind) VALUES ('volunteer:' || NEW.id, 'volunteer'); END;

CREATE TABLE cards (
    card_id TEXT PRIMARY KEY,
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    kind TEXT NOT NULL CHECK (kind IN ('nfc', 'qr')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    generation INTEGER NOT NULL DEFAULT 1 CHECK (generation >= 1),
    is_operator INTEGER NOT NULL DEFAULT 0 CHECK (is_operator IN (0, 1))
);
CREATE INDEX cards_by_volunteer ON cards (volunteer_id);

-- The district's last word on a balance, and up to which of this kiosk's outbox sequence
-- numbers that balance already counts (so local transfers are neither missed nor doubled).
CREATE TABLE balance_snapshots (
    volunteer_id TEXT PRIMARY KEY REFERENCES volunteers (id),
    balance INTEGER NOT NULL,
    kiosk_seq INTEGER NOT NULL CHECK (kiosk_seq >= 0),
    as_of TEXT NOT NULL
);

CREATE TABLE donors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    contact TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE items (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN
        ('health', 'culture_leisure', 'growth_education', 'daily_life', 'services', 'donate')),
    kind TEXT NOT NULL CHECK (kind IN ('goods', 'service', 'donation', 'fee_offset')),
    image TEXT,
    barcode TEXT UNIQUE,
    limit_count INTEGER CHECK (limit_count IS NULL OR limit_count > 0),
    limit_points INTEGER CHECK (limit_points IS NULL OR limit_points > 0),
    limit_period TEXT CHECK (limit_period IS NULL OR limit_period IN ('day', 'week', 'month')),
    low_stock_threshold INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK ((limit_count IS NULL AND limit_points IS NULL) OR limit_period IS NOT NULL)
);

-- Price history: the current price is the newest row.
CREATE TABLE item_prices (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id),
    price INTEGER NOT NULL CHECK (price >= 0),
    effective_from TEXT NOT NULL
);
CREATE INDEX item_prices_by_item ON item_prices (item_id, id);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'void')),
    voids_order_id TEXT UNIQUE REFERENCES orders (id),
    card_id TEXT NOT NULL,
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    created_at TEXT NOT NULL,
    total INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    offline INTEGER NOT NULL CHECK (offline IN (0, 1)),
    request_hash TEXT NOT NULL,
    reason TEXT,
    CHECK ((kind = 'void') = (voids_order_id IS NOT NULL))
);
CREATE INDEX orders_by_volunteer ON orders (volunteer_id, created_at);
CREATE INDEX orders_by_card ON orders (card_id, created_at);
CREATE INDEX orders_by_time ON orders (created_at);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity <> 0),
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    amount INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_by_item ON order_lines (item_id);

-- Double entry: each transfer moves a positive amount from one account to another, so the sum
-- over all accounts is zero by construction (I1). A basket is one group (group_id = order id).
CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES orders (id),
    seq INTEGER NOT NULL,
    from_account TEXT NOT NULL REFERENCES accounts (id),
    to_account TEXT NOT NULL REFERENCES accounts (id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    created_at TEXT NOT NULL,
    CHECK (from_account <> to_account)
);
CREATE INDEX transfers_from ON transfers (from_account, seq);
CREATE INDEX transfers_to ON transfers (to_account, seq);
CREATE INDEX transfers_group ON transfers (group_id);

CREATE TABLE stock_movements (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id),
    delta INTEGER NOT NULL CHECK (delta <> 0),
    kind TEXT NOT NULL CHECK (kind IN ('restock', 'sale', 'void', 'count')),
    order_id TEXT REFERENCES orders (id),
    donor_id TEXT REFERENCES donors (id),
    note TEXT,
    created_at TEXT NOT NULL,
    CHECK ((kind IN ('sale', 'void')) = (order_id IS NOT NULL))
);
CREATE INDEX stock_by_item ON stock_movements (item_id);
CREATE INDEX stock_by_donor ON stock_movements (donor_id) WHERE donor_id IS NOT NULL;
-- Stock on hand is the sum of movements and never goes below zero, whatever the caller.
CREATE TRIGGER stock_never_negative BEFORE INSERT ON stock_movements
WHEN NEW.delta < 0 AND
     (SELECT COALESCE(SUM(delta), 0) FROM stock_movements WHERE item_id = NEW.item_id)
     + NEW.delta < 0
BEGIN SELECT RAISE(ABORT, 'stock would go below zero'); END;

-- What sync must push, in a gap-free per-kiosk sequence written with the sale itself.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    entry_id TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER outbox_gap_free BEFORE INSERT ON outbox
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox)
BEGIN SELECT RAISE(ABORT, 'outbox sequence must be gap-free'); END;

CREATE TABLE sync_status (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error TEXT
);
INSERT INTO sync_status (id) VALUES (1);
""" + "".join(_append_only(t) for t in APPEND_ONLY_TABLES_V1)

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
""" + _append_only("receipt_prints")

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
""" + _append_only("sync_rejections")

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
""" + _append_only("audit_log")

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
""" + _append_only("card_alerts")

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
""" + "".join(_whole_numbers(table, *columns) for table, *columns in (
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
""" + _append_only("vouchers")

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6, V7, V8, V9, V_VOUCHERS)
LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNewError(Exception):
    pass


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _split_statements(script: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN ... END)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Apply the missing migrations, each in its own BEGIN IMMEDIATE transaction.

    The version is re-read inside the write lock, so when the app and the sync daemon start
    together only one of them migrates. Returns the version reached.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = current_version(conn)
            if version > LATEST_VERSION:
                raise SchemaTooNewError(
                    f"database schema v{version} is newer than this program (v{LATEST_VERSION});"
                    " install the newer kiosk version or restore a backup")
            if version >= target:
                conn.execute("COMMIT")
                return version
            # executescript would COMMIT our transaction first; run statements one by one.
            for statement in _split_statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
