"""The vouchers' tables, in a metadata of their own (like the console's), arriving as one
revision (``d0004``).

* ``district_vouchers``: every voucher the district knows, from its kiosk's pushed sale or,
  before that sale arrives, from its signed token scanned by a partner (``sale_state``
  'pending'); a sale refused by the district leaves it 'refused'; a void marks it voided.
* ``voucher_redemptions``: one row per voucher, ever: its primary key is what makes a
  redemption happen exactly once, on either engine, whatever races.
* ``voucher_code_failures``: typed codes that found nothing, for the guessing limit.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

vouchers = Table(
    "district_vouchers", metadata,
    Column("id", String(100), primary_key=True),
    Column("code", String(20), unique=True),              # None: another voucher had it
    Column("kiosk_id", String(64), nullable=False),
    Column("order_id", String(100)),                      # None until the sale arrives
    Column("item_id", String(64), nullable=False),
    Column("partner_id", String(100), nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("masked_name", String(64), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("token", Text, nullable=False),
    Column("sale_state", String(8), nullable=False),      # pending | sold | refused
    Column("registered_at", String(40), nullable=False),
    Column("voided_at", String(40)),
    Index("district_vouchers_by_order", "order_id"),
)

redemptions = Table(
    "voucher_redemptions", metadata,
    Column("voucher_id", String(100), primary_key=True),  # once, ever
    Column("partner_id", String(100), nullable=False),
    Column("account_id", String(40), nullable=False),
    Column("redeemed_at", String(40), nullable=False),
    Column("month", String(7), nullable=False),           # the shop's month, for statements
    Column("day", String(10), nullable=False),
    Column("method", String(8), nullable=False),          # code | scan
    Column("value", BigInteger, nullable=False),
    Index("voucher_redemptions_by_partner", "partner_id", "month"),
)

# Typed codes that found no voucher, per partner account and per client address, for the
# window district.vouchers.limits counts (older rows are dropped as new ones come).
code_failures = Table(
    "voucher_code_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("who", String(200), nullable=False),           # account:<id> | client:<address>
    Column("at", Float, nullable=False),                  # seconds since the epoch
    Index("voucher_code_failures_by_who", "who", "at"),
)

APPEND_ONLY = ("voucher_redemptions",)
