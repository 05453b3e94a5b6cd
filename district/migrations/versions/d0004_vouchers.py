"""Points that leave the shop (issue 13): the district's register of vouchers and their
redemptions (district/vouchers/schema.py), and families in need with the points allocated to
them (district/families/schema.py), created from their own metadata; redemptions and
allocations are append-only.
"""

from __future__ import annotations

from alembic import op

from district.families.schema import APPEND_ONLY as FAMILY_APPEND_ONLY
from district.families.schema import metadata as family_metadata
from district.vouchers.schema import APPEND_ONLY, metadata

revision = "d0004"
down_revision = "d0003"


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    family_metadata.create_all(bind)
    append_only = APPEND_ONLY + FAMILY_APPEND_ONLY
    if bind.dialect.name == "postgresql":
        for table in append_only:     # refuse_history_edit() comes with d0001
            bind.exec_driver_sql(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_history_edit()")
        return
    for table in append_only:
        for verb in ("UPDATE", "DELETE"):
            bind.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def downgrade() -> None:
    raise NotImplementedError("the district's history is never migrated down")
