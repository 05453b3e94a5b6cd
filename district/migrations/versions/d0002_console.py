"""The district console: its own tables (district/console/schema.py), their append-only
triggers, and indexes to find volunteers by masked name, a volunteer's service records, an item's
stock movements and the credits of a period.

The console's tables are created from their own metadata, so the first revision stays as it
was released; the indexes on the district's tables are created only where it is missing (a database
created by this program's ``d0001`` already has it, one created by an older one does not).
"""

from __future__ import annotations

from alembic import op

from district.console.schema import APPEND_ONLY, metadata

revision = "d0002"
down_revision = "d0001"


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    bind.exec_driver_sql("CREATE INDEX IF NOT EXISTS volunteers_by_masked_name "
                         "ON volunteers (masked_name)")
    bind.exec_driver_sql("CREATE INDEX IF NOT EXISTS service_records_by_volunteer "
                         "ON service_records (volunteer_id)")
    bind.exec_driver_sql("CREATE INDEX IF NOT EXISTS stock_movements_by_item "
                         "ON stock_movements (item_id, kiosk_id)")
    bind.exec_driver_sql("CREATE INDEX IF NOT EXISTS transfers_by_role_time "
                         "ON transfers (role, recorded_at)")
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
