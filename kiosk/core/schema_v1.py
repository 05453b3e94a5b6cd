"""The kiosk database's first schema (v1), and the triggers every version builds with: ledger
tables that refuse UPDATE and DELETE, and columns that take whole numbers only. The later
versions are in kiosk.core.schema_changes; kiosk.core.schema applies them in order."""

from __future__ import annotations

APPEND_ONLY_TABLES_V1 = (
    "orders", "order_lines", "transfers", "stock_movements", "item_prices", "outbox",
)


def append_only(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: write a reversing entry instead'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: write a reversing entry instead'); END;
"""


def whole_numbers(table: str, *columns: str) -> str:
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
""" + "".join(append_only(t) for t in APPEND_ONLY_TABLES_V1)
