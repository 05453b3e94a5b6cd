"""The console's report sums (district/console/rollups.py): tables of points earned per day
and community, sold per shop day, kiosk and item, and stock on hand per kiosk and item, kept
by triggers as history arrives, and filled from the history already there."""

from __future__ import annotations

from alembic import op

from district.console import rollups

revision = "d0003"
down_revision = "d0002"


def upgrade() -> None:
    rollups.install(op.get_bind())
