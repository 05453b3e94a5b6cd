"""Alembic's entry point: always called by district.db.engine with an open connection."""

from __future__ import annotations

from alembic import context

from district.console.schema import metadata as console_metadata
from district.db.tables import metadata
from district.families.schema import metadata as family_metadata
from district.vouchers.schema import metadata as voucher_metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection,
                  target_metadata=[metadata, console_metadata, voucher_metadata,
                                   family_metadata],
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
