"""Alembic's entry point: always called by district.db.engine with an open connection."""

from __future__ import annotations

from alembic import context

from district.db.schemas import ALL

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=list(ALL),
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
