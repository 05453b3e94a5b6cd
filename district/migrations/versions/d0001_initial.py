"""The district schema as first released with SQLAlchemy and Alembic.

The first revision creates the tables as district/db/tables.py declares them; every later
revision changes them with ``op.*`` only, and tests/district/test_schema.py checks with
Alembic's comparison that the migrated database is exactly what tables.py declares.
"""

from __future__ import annotations

from alembic import op

from district.db.append_only import install_append_only
from district.db.tables import metadata

revision = "d0001"
down_revision = None


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    install_append_only(bind)
