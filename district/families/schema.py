"""The families' tables, in a metadata of their own, created by the vouchers' revision
(``d0004``, one revision per issue).

A family is also a row of the district's ``volunteers`` (id ``F`` + digits, a masked name): so
its cards, balance and sales go through every path a volunteer's do, unchanged, and kiosks
learn from the change feed (``families``) which holders to address as a family.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table

metadata = MetaData()

families = Table(
    "console_families", metadata,
    Column("volunteer_id", String(64), primary_key=True),
    Column("community_id", String(40), nullable=False),
    Column("household", String(64), nullable=False),      # masked: 王*家
    Column("members", Integer, nullable=False),
    Column("approved_by", String(40), nullable=False),    # the console account
    Column("approved_at", String(40), nullable=False),
    Column("reason", String(400), nullable=False),
    Index("console_families_by_community", "community_id"),
)

allocations = Table(
    "family_allocations", metadata,
    Column("id", String(40), primary_key=True),           # the transfer group's id
    Column("volunteer_id", String(64), nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("reason", String(400), nullable=False),
    Column("account_id", String(40), nullable=False),
    Column("at", String(40), nullable=False),
    Column("month", String(7), nullable=False),
    Index("family_allocations_by_family", "volunteer_id"),
)

APPEND_ONLY = ("family_allocations",)
