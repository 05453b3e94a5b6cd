"""A sale the district rejects must neither wedge the kiosk's push nor leave its balance apart.

The rejections are provoked for real: a second registered kiosk pushes (through the same signed
HTTP API) an entry that reuses an id the first kiosk has written but not yet pushed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core import ledger, sync_status
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.sync.client import HttpTransport
from tests.conftest import ManualClock
from tests.district.test_protocol import push, sale
from tests.live_district import LiveServer, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # V0001, 800 points in the demo district


def server_balance(district: LiveServer, volunteer: str) -> int:
    rows = {r["volunteer_id"]: r for r in district.store.report("balances")}
    return int(rows[volunteer]["balance"])


def server_orders(district: LiveServer) -> set[str]:
    return {r[0] for r in district.store.query("SELECT order_id FROM orders")}


@pytest.mark.expect_log(r"already used with different content", r"district rejected entry")
def test_an_entry_id_taken_by_another_kiosk_does_not_wedge_the_push(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    k1 = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    k2 = make_kiosk(tmp_path, "k2", district.store, district.url, clock)
    assert k1.daemon.run_once() is not None
    first = k1.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    # k2's entry takes k1's order id first (a cloned or buggy kiosk): k1's sale is refused.
    t2 = HttpTransport(district.url, "k2", k2.key)
    status, answer = push(t2, (1, first.order_id, sale(first.order_id, volunteer="V0002",
                                                       kiosk="k2")), kiosk="k2")
    assert status == 200 and answer["results"][0]["status"] == "applied"
    assert k1.daemon.run_once() is not None
    assert k1.conn.execute("SELECT COUNT(*) FROM sync_rejections").fetchone()[0] == 1
    # The sequence moved on: k1's next sale still reaches the district.
    second = k1.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    assert k1.daemon.run_once() is not None, sync_status.status(k1.conn)["last_error"]
    assert second.order_id in server_orders(district)
    assert sync_status.status(k1.conn)["pending"] == 0
    assert ledger.balance(k1.conn, "V0001") == server_balance(district, "V0001")   # I7
    assert district.store.verify() == []
    t2.close()
    k1.close()
    k2.close()


@pytest.mark.expect_log(r"district rejected entry", r"rejected: transfer id")
def test_a_rejected_sale_does_not_leave_the_kiosk_balance_apart(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    k1 = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    k2 = make_kiosk(tmp_path, "k2", district.store, district.url, clock)
    assert k1.daemon.run_once() is not None
    assert ledger.balance(k1.conn, "V0001") == 800
    receipt = k1.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    (transfer_id,) = [r[0] for r in k1.conn.execute(
        "SELECT id FROM transfers WHERE group_id = ?", (receipt.order_id,))]
    # Another kiosk's sale (to someone else) already used that transfer id: k1's is refused,
    # and nothing about V0001 changes on the district.
    t2 = HttpTransport(district.url, "k2", k2.key)
    _, answer = push(t2, (1, "other-order", sale("other-order", volunteer="V0002", kiosk="k2",
                                                 transfer_id=transfer_id)), kiosk="k2")
    assert answer["results"][0]["status"] == "applied"
    assert k1.daemon.run_once() is not None
    assert k1.conn.execute("SELECT COUNT(*) FROM sync_rejections").fetchone()[0] == 1
    assert server_balance(district, "V0001") == 800
    # I7: once sync settles the kiosk shows what the district holds, not the refused sale.
    assert ledger.balance(k1.conn, "V0001") == 800
    t2.close()
    k1.close()
    k2.close()
