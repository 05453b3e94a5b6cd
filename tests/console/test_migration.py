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
    """A district at d0003 (the report sums, before vouchers) is brought to the head (d0004 the
    vouchers, then d0005) on opening, its redemptions append-only on either engine."""
    location, name = district_location
    with Store(location, district=name) as store, store.db.write() as conn:
        voucher_metadata.drop_all(conn)
        family_metadata.drop_all(conn)
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'd0003'")
    with Store(location, district=name) as store, store.db.engine.connect() as conn:
        assert store.query("SELECT version_num FROM alembic_version")[0][0] == head_revision()
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


def test_a_database_at_d0004_gets_the_sales_trigger_that_looks_orders_up_by_key(
        pg_server: str) -> None:
    """d0003's trigger joined the pushed lines with ``orders``; the plan a connection kept from
    its first push (an empty ``orders``) then read the whole table for every batch. d0005
    replaces it; a district at d0004 (vouchers and families) still has d0003's."""
    name = "trigger_lookup"
    old = ("INSERT INTO console_report_sales (shop_day, kiosk_id, item_id, units, points) "
           "SELECT o.shop_day, o.kiosk_id, n.item_id, SUM(n.quantity), SUM(n.amount) "
           "FROM new_rows n JOIN orders o ON o.order_id = n.order_id GROUP BY 1, 2, 3 "
           "ON CONFLICT (shop_day, kiosk_id, item_id) DO NOTHING")

    def sales_trigger(store: Store) -> str:
        return str(store.query("SELECT pg_get_functiondef('console_report_sales_add'::regproc)"
                               )[0][0])

    with Store(pg_server, district=name) as store:
        with store.db.write() as conn:
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION console_report_sales_add() RETURNS trigger AS $$ "
                f"BEGIN {old}; RETURN NULL; END $$ LANGUAGE plpgsql")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'd0004'")
        assert "LATERAL" not in sales_trigger(store)
    with Store(pg_server, district=name) as store:
        assert store.query("SELECT version_num FROM alembic_version")[0][0] == head_revision()
        assert "LATERAL" in sales_trigger(store)
        assert "OFFSET 0" in sales_trigger(store)
        assert "enable_seqscan TO 'off'" in sales_trigger(store)
