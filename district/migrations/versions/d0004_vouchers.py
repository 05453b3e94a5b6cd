"""Vouchers (issue 13): the district's register of vouchers and their redemptions
(district/vouchers/schema.py), created from their own metadata; redemptions are append-only.
"""

from __future__ import annotations

from alembic import op

from district.vouchers.schema import APPEND_ONLY, metadata

revision = "d0004"
down_revision = "d0003"


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    if bind.dialect.name == "postgresql":
        for table in APPEND_ONLY:     # refuse_history_edit() comes with d0001
            bind.exec_driver_sql(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_history_edit()")
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            bind.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def downgrade() -> None:
    raise NotImplementedError("the district's history is never migrated down")
