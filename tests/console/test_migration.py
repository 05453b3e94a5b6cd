"""A district database made before the console (revision d0001, without the console's tables
and indexes) is brought to the console's schema when opened, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from district.console.rollups import metadata as rollup_metadata
from district.console.schema import metadata as console_metadata
from district.db.migrate import head_revision
from district.db.schemas import ALL
from district.families.schema import metadata as family_metadata
from district.store import Store
from district.vouchers.schema import metadata as voucher_metadata

NEW_INDEXES = ("volunteers_by_masked_name", "service_records_by_volunteer",
               "stock_movements_by_item", "transfers_by_role_time")


def test_a_database_from_before_the_console_is_upgraded(district_location: tuple[str, str]
                                                        ) -> None:
    location, name = district_location
    with Store(location, district=name) as store:       # then taken back to d0001's shape
        store.upsert_volunteers([("V1", "张*", "active")])
        with store.db.write() as conn:
            voucher_metadata.drop_all(conn)   # d0004 (vouchers, families) came after the sums
            family_metadata.drop_all(conn)
            rollup_metadata.drop_all(conn)
            console_metadata.drop_all(conn)
            for index in NEW_INDEXES:
                conn.exec_driver_sql(f"DROP INDEX {index}")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'd0001'")
    with Store(location, district=name) as store, store.db.engine.connect() as conn:
        assert store.query("SELECT version_num FROM alembic_version")[0][0] == head_revision()
        assert compare_metadata(MigrationContext.configure(conn),
                                list(ALL)) == []  # type: ignore[arg-type]
        assert store.query("SELECT id FROM volunteers") == [("V1",)]
        assert store.query("SELECT COUNT(*) FROM console_audit")[0][0] == 0


def test_a_console_database_gets_the_vouchers_tables(district_location: tuple[str, str]
                                                     ) -> None:
    """A district at d0003 (the report sums, before vouchers) is brought to d0004 on opening, its
    redemptions append-only on either engine."""
    location, name = district_location
    with Store(location, district=name) as store, store.db.write() as conn:
        voucher_metadata.drop_all(conn)
        family_metadata.drop_all(conn)
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'd0003'")
    with Store(location, district=name) as store, store.db.engine.connect() as conn:
        assert store.query("SELECT version_num FROM alembic_version")[0][0] == "d0004"
        assert compare_metadata(MigrationContext.configure(conn),
                                list(ALL)) == []  # type: ignore[arg-type]
    with Store(location, district=name) as store:
        with store.db.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO voucher_redemptions (voucher_id, partner_id, account_id, "
                "redeemed_at, month, day, method, value) VALUES "
                "('v1', 'p', 'a', '2026-12-01T10:00:00+08:00', '2026-12', '2026-12-01', "
                "'code', 40)")
        try:
            with store.db.write() as conn:
                conn.exec_driver_sql("DELETE FROM voucher_redemptions")
        except Exception as exc:
            assert "append-only" in str(exc) or "history" in str(exc)
        else:
            raise AssertionError("a redemption was deleted")
