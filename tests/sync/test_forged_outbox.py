"""A row written into a kiosk's outbox by hand (a tampered kiosk database) and one
``kiosk-sync --once`` used to move 3,000 points with no conflict row. The district now checks
the void against the sale it holds: refused, listed, nothing moves, and the kiosk carries on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.core import sync_status
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.live_district import LiveServer, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # V0001, 800 points in the demo district


def held(district: LiveServer) -> dict[str, int]:
    return {str(a): int(b) for a, b in district.store.query(
        "SELECT account, SUM(balance) FROM balances GROUP BY account")}


@pytest.mark.expect_log(r"district rejected entry", r"rejected: the void")
def test_a_void_forged_into_the_outbox_moves_nothing(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    assert kiosk.daemon.run_once() is not None
    receipt = kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    assert kiosk.daemon.run_once() is not None
    before = held(district)
    forged = {"order_id": "forged-void", "kind": "void", "voids_order_id": receipt.order_id,
              "card_id": ZHANG.card_id, "volunteer_id": "V0001",
              "created_at": "2026-11-30T02:05:00+00:00", "total": -3000, "offline": False,
              "reason": "mistake",
              "lines": [{"item_id": "soap", "quantity": -1, "unit_price": 3000,
                         "amount": -3000}],
              "transfers": [{"id": "forged-t", "from": "donation_pool", "to": "volunteer:V0001",
                             "amount": 3000}],
              "stock": [{"item_id": "soap", "delta": 1}]}
    kiosk.conn.execute(
        "INSERT INTO outbox (seq, kind, entry_id, payload, created_at) SELECT "
        "MAX(seq) + 1, 'void', 'forged-void', ?, '2026-11-30T02:05:00+00:00' FROM outbox",
        (json.dumps(forged),))
    assert kiosk.daemon.run_once() is not None
    assert held(district) == before
    conflicts = [c for c in district.store.report("conflicts") if c["entry_id"] == "forged-void"]
    assert conflicts and "reverse" in conflicts[0]["detail"]
    # The kiosk's sequence moved past it: the next sale still arrives.
    second = kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert kiosk.daemon.run_once() is not None
    assert sync_status.status(kiosk.conn)["pending"] == 0
    assert second.order_id in {r[0] for r in district.store.query("SELECT order_id FROM orders")}
    assert district.store.verify() == []
    kiosk.close()
