"""The console's sales sums: PostgreSQL's trigger looks each arriving order line's order up by
its key, by index (district/console/rollups.py). The trigger of ``d0003`` joined them, and the
plan a connection kept from its first push (when ``orders`` was small) read the whole of
``orders`` for every pushed batch. SQLite's row triggers look the order up by key already."""

from __future__ import annotations

from alembic import op

from district.console import rollups

revision = "d0005"
down_revision = "d0004"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rollups.install_pg_adders(bind)
