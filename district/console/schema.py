"""The console's own tables, declared once beside the district's (district/db/tables.py) in a
metadata of their own, so the district's first revision stays exactly what it was released as
and the console arrives as one revision (``d0002``) that a rebase never has to merge.

What the console adds to the district's records:

* who may sign in, with which role and which communities (accounts, sessions);
* which community a volunteer, a kiosk and a partner belong to (the scope of a social worker);
* the points rules (activity types) and the provenance of every credit (batches, activity,
  service date): the credit itself goes through the district's own path (district.admin);
* an append-only audit log of every console action, with before and after;
* imports waiting for their preview to be confirmed.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from district.db.tables import RowId

metadata = MetaData()

communities = Table(
    "console_communities", metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(100), nullable=False),
)

accounts = Table(
    "console_accounts", metadata,
    Column("id", String(40), primary_key=True),           # the sign-in name
    Column("display_name", String(100), nullable=False),
    Column("role", String(16), nullable=False),           # admin | social_worker | partner
    Column("partner_id", String(100)),                    # partner accounts only
    Column("password_hash", String(200), nullable=False),  # Argon2id, PHC string
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("locked_until", Float, nullable=False, server_default="0"),
    Column("disabled", Boolean, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
)

account_communities = Table(
    "console_account_communities", metadata,
    Column("account_id", String(40), primary_key=True),
    Column("community_id", String(40), primary_key=True),
)

sessions = Table(
    "console_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),   # SHA-256 of the cookie's token
    Column("account_id", String(40), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("seen_at", Float, nullable=False),
    Index("console_sessions_by_account", "account_id"),
)

audit = Table(
    "console_audit", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("account_id", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(200)),
    Column("before", Text),
    Column("after", Text),
    Column("address", String(64)),
)

volunteer_profiles = Table(
    "console_volunteer_profiles", metadata,
    Column("volunteer_id", String(64), primary_key=True),
    Column("community_id", String(40), nullable=False),
    Index("console_volunteers_by_community", "community_id", "volunteer_id"),
    # Reports look up each credited volunteer's community: answered from the index alone.
    Index("console_volunteer_community", "volunteer_id", "community_id"),
)

kiosk_sites = Table(
    "console_kiosk_sites", metadata,
    Column("kiosk_id", String(64), primary_key=True),
    Column("community_id", String(40), nullable=False),
)

partners = Table(
    "console_partners", metadata,
    Column("id", String(100), primary_key=True),          # a donor's id as kiosks record it
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),           # donor | merchant | property
    Column("community_id", String(40)),                   # None: district-wide
)

activity_types = Table(
    "console_activity_types", metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("points_per_hour", Integer, nullable=False),
    Column("max_hours", Float, nullable=False),           # per activity
    Column("max_points_per_month", Integer, nullable=False),  # per volunteer; 0 = no cap
    Column("counts", Boolean, nullable=False),            # False: earns no points
)

credit_batches = Table(
    "console_credit_batches", metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(12), nullable=False),           # import | manual | correction
    Column("account_id", String(40), nullable=False),
    Column("at", String(40), nullable=False),
    Column("source", String(200), nullable=False),        # file name, or the reason
    Column("records", Integer, nullable=False),
    Column("points", BigInteger, nullable=False),
)

# Where each console credit came from; the credit itself is district.db.tables.service_records.
credits = Table(
    "console_credits", metadata,
    Column("record_id", String(100), primary_key=True),
    Column("batch_id", String(40), nullable=False),
    Column("volunteer_id", String(64), nullable=False),
    Column("activity_id", String(60), nullable=False),
    Column("activity_type", String(40), nullable=False),
    Column("service_date", String(10), nullable=False),
    Column("hours", Float, nullable=False),
    Column("points", BigInteger, nullable=False),
    Index("console_credits_by_volunteer", "volunteer_id", "service_date"),
    Index("console_credits_by_batch", "batch_id"),
)

imports = Table(
    "console_imports", metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(12), nullable=False),           # volunteers | service
    Column("account_id", String(40), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("preview", Text, nullable=False),              # JSON: the rows as previewed
    Column("status", String(10), nullable=False),         # pending | done | cancelled
    Column("batch_id", String(40)),
)

conflict_actions = Table(
    "console_conflict_actions", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("conflict_id", BigInteger, nullable=False),
    Column("account_id", String(40), nullable=False),
    Column("at", String(40), nullable=False),
    Column("action", String(20), nullable=False),
    Column("note", String(400), nullable=False),
    Index("console_conflict_actions_by_conflict", "conflict_id"),
)

APPEND_ONLY = ("console_audit", "console_credit_batches", "console_credits",
               "console_conflict_actions")
