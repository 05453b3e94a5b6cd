"""The vouchers' tables, in a metadata of their own (like the console's), arriving as one
revision (``d0004``).

* ``district_vouchers``: every voucher the district knows, from its kiosk's pushed sale or,
  before that sale arrives, from its signed token scanned by a partner (``sale_state``
  'pending'); a sale refused by the district leaves it 'refused'; a void marks it voided.
* ``voucher_redemptions``: one row per voucher, ever: its primary key is what makes a
  redemption happen exactly once, on either engine, whatever races.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, MetaData, String, Table, Text

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

APPEND_ONLY = ("voucher_redemptions",)
