"""The audit log: a row with each operator action, in the action's own transaction, immutable."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace

import pytest

from kiosk.core import audit, catalogue, ledger, stock
from kiosk.core.db import read_transaction, write_transaction
from kiosk.core.errors import StockError, VoidRefused
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services
from points_protocol.catalogue import ItemSpec
from tests.conftest import ManualClock

ZHANG = PresentedCard("04A1B2C3D4E5F6")
OP = "op1"


def _rows(shop: Services) -> list[audit.AuditEntry]:
    return audit.entries(shop.conn)


def test_restock_and_count_are_audited_with_before_and_after(shop: Services,
                                                             clock: ManualClock) -> None:
    audit.add_donor(shop.conn, clock, OP, "tea-house", name="茶馆", contact="027-1234")
    audit.restock(shop.conn, clock, OP, [stock.Restock("soap", 5), stock.Restock("rice", 2)],
                  donor_id="tea-house", note="冬季")
    clock.advance(minutes=1)
    adjust = audit.record_count(shop.conn, clock, OP, {"soap": 43, "rice": 12}, "damaged")
    assert adjust == {"soap": -2}
    donor, restock, count = _rows(shop)
    assert (donor.action, donor.before, donor.after) == (
        "donor", None, {"name": "茶馆", "contact": "027-1234"})
    assert restock.action == "restock" and restock.operator_id == OP
    assert restock.before == {"stock": {"rice": 10, "soap": 40}}
    assert restock.after["stock"] == {"rice": 12, "soap": 45}
    assert restock.after["donor_id"] == "tea-house"
    assert count.before == {"stock": {"rice": 12, "soap": 45}}
    assert count.after["stock"] == {"rice": 12, "soap": 43}
    assert count.at > restock.at


def test_a_failed_action_leaves_no_audit_row_and_no_change(shop: Services,
                                                           clock: ManualClock) -> None:
    with pytest.raises(StockError):
        audit.restock(shop.conn, clock, OP, [stock.Restock("soap", 5)],
                      donor_id="no-such-donor")
    with pytest.raises(StockError):
        audit.record_count(shop.conn, clock, OP, {"soap": 1, "donate-10": 3}, "x")
    assert _rows(shop) == []
    assert stock.on_hand(shop.conn, "soap") == 40
    assert not shop.conn.in_transaction


def test_audit_row_commits_with_the_action_or_not_at_all(shop: Services,
                                                         clock: ManualClock) -> None:
    """If writing the audit row fails, the action it records is rolled back too."""
    shop.conn.execute("""CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log
                         BEGIN SELECT RAISE(ABORT, 'disk says no'); END""")
    with pytest.raises(sqlite3.IntegrityError):
        audit.restock(shop.conn, clock, OP, [stock.Restock("soap", 5)],
                      donor_id="green-home")
    assert stock.on_hand(shop.conn, "soap") == 40
    assert shop.conn.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'restock'"
                             ).fetchone()[0] == 3  # the demo's three deliveries only


def test_void_block_price_and_retire_are_audited(shop: Services, clock: ManualClock) -> None:
    shop.checkout.checkout("sale-1", ZHANG, [CartLine("soap", 2)])
    clock.advance(minutes=5)
    audit.void(shop.conn, clock, shop.kiosk, shop.policy, OP, void_id="void-1",
               order_id="sale-1", reason="wrong item")
    # A retry of the same void is a no-op and writes no second row.
    audit.void(shop.conn, clock, shop.kiosk, shop.policy, OP, void_id="void-1",
               order_id="sale-1", reason="wrong item")
    with pytest.raises(VoidRefused):
        audit.void(shop.conn, clock, shop.kiosk, shop.policy, OP, void_id="void-2",
                   order_id="sale-1", reason="again")
    assert ledger.balance(shop.conn, "V0001") == 800
    audit.set_card_status(shop.conn, clock, OP, "04A1B2C3D4E5F6", "blocked")
    audit.set_card_status(shop.conn, clock, OP, "04A1B2C3D4E5F6", "active")
    soap = catalogue.entry(shop.conn, "soap")
    assert soap is not None
    spec = ItemSpec(soap.item_id, soap.name_zh, soap.name_en, soap.category,
                              soap.kind, soap.price, soap.image, soap.barcode, soap.limit_count,
                              soap.limit_points, soap.limit_period, soap.low_stock_threshold)
    audit.upsert_item(shop.conn, clock, OP, replace(spec, price=soap.price + 5))
    audit.set_active(shop.conn, clock, OP, "soap", False)
    rows = _rows(shop)
    assert [r.action for r in rows] == ["void", "block", "unblock", "price", "retire"]
    assert rows[0].subject == "sale-1" and rows[0].after["refund"] == 60
    assert rows[1].before == {"status": "active"} and rows[1].after == {"status": "blocked"}
    assert rows[3].after["price"] - rows[3].before["price"] == 5
    assert catalogue.price_history(shop.conn, "soap")[-1][1] == soap.price + 5
    assert rows[4].before == {"active": True} and rows[4].after == {"active": False}


def test_audit_log_is_append_only(shop: Services, clock: ManualClock) -> None:
    audit.set_card_status(shop.conn, clock, OP, "04A1B2C3D4E5F6", "blocked")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        shop.conn.execute("UPDATE audit_log SET operator_id = 'someone-else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        shop.conn.execute("DELETE FROM audit_log")
    with pytest.raises(RuntimeError):  # outside a transaction
        audit.record(shop.conn, clock, OP, "x", subject=None, before=None, after=None)
    assert [r.operator_id for r in _rows(shop)] == [OP]


def test_a_nested_write_joins_only_this_threads_own_transaction(shop: Services) -> None:
    """The audit wrappers nest the action's transaction inside their own; a transaction that
    another thread has open on a shared connection must never be joined silently."""
    conn = shop.conn
    with pytest.raises(RuntimeError), write_transaction(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES ('outer', '1')")
        with write_transaction(conn):
            conn.execute("INSERT INTO meta (key, value) VALUES ('inner', '1')")
        raise RuntimeError("the outer one fails: both go")
    assert conn.execute("SELECT COUNT(*) FROM meta WHERE key IN ('outer', 'inner')"
                        ).fetchone()[0] == 0
    errors: list[str] = []

    def other_thread() -> None:
        try:
            with write_transaction(conn):
                conn.execute("INSERT INTO meta (key, value) VALUES ('other', '1')")
        except sqlite3.OperationalError as exc:
            errors.append(str(exc))

    with read_transaction(conn):
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join(timeout=60)
    assert errors and "within a transaction" in errors[0]
    assert conn.execute("SELECT COUNT(*) FROM meta WHERE key = 'other'").fetchone()[0] == 0
