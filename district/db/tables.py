"""Every table of the district, declared once (SQLAlchemy Core) for both engines.

Ledger tables are append-only (triggers in :mod:`district.db.append_only`). Money is BIGINT;
the validators keep every amount far inside it. Times are ISO 8601 text in UTC, as the kiosk
writes them, so both engines compare them the same way.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# SQLite only makes INTEGER PRIMARY KEY an auto-numbered row id; PostgreSQL wants BIGINT.
RowId = BigInteger().with_variant(Integer(), "sqlite")

kiosks = Table(
    "kiosks", metadata,
    Column("id", String(64), primary_key=True),
    Column("public_key", String(100), nullable=False),
    Column("name", String(200), nullable=False, server_default=""),
    Column("registered_at", String(40), nullable=False),
    Column("applied_seq", BigInteger, nullable=False, server_default="0"),
)

volunteers = Table(
    "volunteers", metadata,
    Column("id", String(64), primary_key=True),
    Column("masked_name", String(64), nullable=False),
    Column("status", String(8), nullable=False, server_default="active"),
    CheckConstraint("status IN ('active', 'blocked')", name="volunteer_status"),
    # The console finds a volunteer by masked name (district/console; revision d0002).
    Index("volunteers_by_masked_name", "masked_name"),
)

cards = Table(
    "cards", metadata,
    Column("card_id", String(64), primary_key=True),
    Column("volunteer_id", String(64), nullable=False),
    Column("kind", String(4), nullable=False),
    Column("status", String(8), nullable=False, server_default="active"),
    Column("generation", Integer, nullable=False, server_default="1"),
    Column("is_operator", Boolean, nullable=False, server_default="0"),
    # When the district last blocked it (UTC): a sale made after it is flagged.
    Column("blocked_at", String(40)),
    # sun: an NFC card that signs each tap (NTAG 424 DNA), see district.sun_sync
    CheckConstraint("kind IN ('nfc', 'qr', 'sun')", name="card_kind"),
    CheckConstraint("status IN ('active', 'blocked')", name="card_status"),
    Index("cards_by_volunteer", "volunteer_id"),
)

# Each account's balance, folded from its transfers in the same transaction. A hot account
# (the donation pool, issuance) is split into shards, one per writer (see district.ledger), so
# concurrent pushes never queue on one row; its balance is the sum of its shards.
balances = Table(
    "balances", metadata,
    Column("account", String(80), primary_key=True),
    Column("shard", Integer, primary_key=True, server_default="0"),
    Column("balance", BigInteger, nullable=False),
)

transfers = Table(
    "transfers", metadata,
    Column("id", String(120), primary_key=True),
    Column("group_id", String(120), nullable=False),
    # order (a kiosk's own transfer), debt, settle, credit, reversal
    Column("role", String(10), nullable=False),
    Column("from_account", String(80), nullable=False),
    Column("to_account", String(80), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("kiosk_id", String(64)),
    Column("recorded_at", String(40), nullable=False),
    CheckConstraint("amount > 0", name="transfer_positive"),
    CheckConstraint("from_account <> to_account", name="transfer_two_accounts"),
    Index("transfers_by_group", "group_id"),
    # Points earned per day in the console's reports (district/console; revision d0002).
    Index("transfers_by_role_time", "role", "recorded_at"),
)

entries = Table(
    "entries", metadata,
    Column("entry_id", String(100), primary_key=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("outcome", String(8), nullable=False),
    Column("reason", String(300)),
    Column("received_at", String(40), nullable=False),
    CheckConstraint("outcome IN ('applied', 'rejected')", name="entry_outcome"),
    UniqueConstraint("kiosk_id", "seq", name="entries_kiosk_seq"),
)

orders = Table(
    "orders", metadata,
    Column("order_id", String(100), primary_key=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("kind", String(4), nullable=False),
    Column("volunteer_id", String(64), nullable=False),
    Column("card_id", String(64), nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("offline", Boolean, nullable=False),
    Column("voids_order_id", String(100), unique=True),
    Column("created_at", String(40), nullable=False),
    # The shop day its offline caps count against, and when the district received it.
    Column("shop_day", String(10), nullable=False),
    Column("received_at", String(40), nullable=False),
    Index("orders_by_volunteer", "volunteer_id", "received_at"),
    Index("orders_by_kiosk_day", "kiosk_id", "shop_day", "volunteer_id"),
)

order_lines = Table(
    "order_lines", metadata,
    Column("order_id", String(100), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("item_id", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
)

stock_movements = Table(
    "stock_movements", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("entry_id", String(100), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("delta", BigInteger, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("donor_id", String(100)),
    # What became of a donor's goods, per item and kiosk (district/console; revision d0002).
    Index("stock_movements_by_item", "item_id", "kiosk_id"),
)

conflicts = Table(
    "conflicts", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("kiosk_id", String(64)),
    Column("entry_id", String(100)),
    Column("volunteer_id", String(64)),
    Column("amount", BigInteger),
    Column("detail", String(400), nullable=False),
    Column("at", String(40), nullable=False),
)

# The debt each pushed sale created (the part of it the volunteer's points did not cover), by
# kiosk and shop day: the district refuses overspending beyond the offline caps, which bounds
# what a stolen kiosk key can take (docs/protocol/README.md, "What a stolen kiosk can move").
overspends = Table(
    "overspends", metadata,
    Column("entry_id", String(100), primary_key=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("volunteer_id", String(64), nullable=False),
    Column("offline", Boolean, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("at", String(40), nullable=False),
    Index("overspends_by_volunteer", "volunteer_id", "kiosk_id", "at"),
)

# Service records credited from the volunteer platform, keyed by their record id. A correction
# is a record of its own that names the one it reverses (``corrects``): never an edit.
service_records = Table(
    "service_records", metadata,
    Column("record_id", String(100), primary_key=True),
    Column("volunteer_id", String(64), nullable=False),
    Column("hours", Float, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("corrects", String(100), unique=True),
    Column("at", String(40), nullable=False),
    # A volunteer's points history in the console (district/console; revision d0002).
    Index("service_records_by_volunteer", "volunteer_id"),
)

card_events = Table(
    "card_events", metadata,
    Column("entry_id", String(100), primary_key=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("card_id", String(64), nullable=False),
    Column("action", String(10), nullable=False),
    Column("volunteer_id", String(64)),
    Column("at", String(40), nullable=False),
)

kiosk_audit = Table(
    "kiosk_audit", metadata,
    Column("kiosk_id", String(64), primary_key=True),
    Column("audit_id", BigInteger, primary_key=True),
    Column("entry_id", String(100), nullable=False, unique=True),
    Column("at", String(40), nullable=False),
    Column("operator_id", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(200)),
    Column("before", Text),
    Column("after", Text),
)

qr_issues = Table(
    "qr_issues", metadata,
    Column("request_id", String(100), primary_key=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("volunteer_id", String(64), nullable=False),
    Column("card_id", String(64), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("issued_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)

images = Table(
    "images", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("added_at", String(40), nullable=False),
)

items = Table(
    "items", metadata,
    Column("id", String(64), primary_key=True),
    Column("spec", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("price", BigInteger, nullable=False),
)

# Every price an item has had and since when: a pushed sale's prices are matched against the
# versions the district published within the sync window.
item_prices = Table(
    "item_prices", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("item_id", String(64), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("published_at", String(40), nullable=False),
    Index("item_prices_by_item", "item_id", "published_at"),
)

settings = Table(
    "settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)

push_batches = Table(
    "push_batches", metadata,
    Column("idempotency_key", String(200), primary_key=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("body_hash", String(64), nullable=False),
    Column("at", String(40), nullable=False),
)

heartbeats = Table(
    "heartbeats", metadata,
    Column("kiosk_id", String(64), primary_key=True),
    Column("received_at", Float, nullable=False),
    Column("body", Text, nullable=False),
)

nonces = Table(
    "nonces", metadata,
    Column("kiosk_id", String(64), primary_key=True),
    Column("nonce", String(100), primary_key=True),
    Column("seen_at", Float, nullable=False),
    Index("nonces_by_time", "seen_at"),
)

# The highest signed tap seen per card that signs each tap (district.sun_sync).
sun_counters = Table(
    "sun_counters", metadata,
    Column("card_id", String(64), primary_key=True),
    Column("key_generation", Integer, nullable=False),
    Column("counter", Integer, nullable=False),
    Column("updated_at", String(40), nullable=False),
    CheckConstraint("key_generation BETWEEN 1 AND 255", name="sun_key_generation"),
    CheckConstraint("counter BETWEEN 0 AND 16777215", name="sun_counter_range"),
)

# The change feed: one row per entity, moved to a new id in the transaction that changes it.
# Ids are handed out in commit order (see district.feed), so a cursor never skips a change.
changes = Table(
    "changes", metadata,
    Column("entity", String(12), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("id", BigInteger, nullable=False, unique=True),
)

APPEND_ONLY = ("transfers", "entries", "conflicts", "stock_movements", "service_records",
               "orders", "order_lines", "card_events", "kiosk_audit", "qr_issues",
               "item_prices", "overspends")
