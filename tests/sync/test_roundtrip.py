"""Real kiosks against the real district server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core import cards, ledger, sync_status
from kiosk.core.errors import CardBlocked
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.live_district import LiveServer, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # V0001, 800 points in the demo district


def server_balance(district: LiveServer, volunteer: str) -> int:
    rows = {r["volunteer_id"]: r for r in district.store.report("balances")}
    return int(rows[volunteer]["balance"])


def test_offline_sale_then_sync_converges(district: LiveServer, tmp_path: Path,
                                          clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    receipt = kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 2)])
    assert receipt.offline  # never synced yet: offline mode
    assert kiosk.daemon.run_once() is not None
    status = sync_status.status(kiosk.conn)
    assert status["pending"] == 0 and status["last_error"] is None
    assert status["last_success_at"] is not None
    assert server_balance(district, "V0001") == 800 - receipt.total
    assert ledger.balance(kiosk.conn, "V0001") == 800 - receipt.total
    # Online now: the next sale is not offline.
    second = kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert not second.offline
    kiosk.daemon.run_once()
    assert ledger.balance(kiosk.conn, "V0001") == server_balance(district, "V0001") \
        == 800 - receipt.total - second.total
    assert district.store.verify() == []
    kiosk.close()


def test_card_blocked_centrally_reaches_the_kiosk(district: LiveServer, tmp_path: Path,
                                                  clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    kiosk.daemon.run_once()
    assert cards.look_up(kiosk.conn, ZHANG).balance == 800
    district.store.set_card_status(ZHANG.card_id, "blocked")
    assert kiosk.daemon.run_once() is not None
    with pytest.raises(CardBlocked):
        kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    kiosk.close()


def test_two_kiosks_overspending_offline_make_debt_not_a_lost_sale(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", district.store, district.url, clock)
    b = make_kiosk(tmp_path, "k-b", district.store, district.url, clock)
    li = PresentedCard("04B7C8D9E0F1A2")       # V0002: 120 points
    a.daemon.run_once()
    b.daemon.run_once()
    clock.advance(hours=1)                     # both lose the network: offline mode
    first = a.services.checkout.checkout(uuid7(), li, [CartLine("umbrella", 1)])   # 120
    second = b.services.checkout.checkout(uuid7(), li, [CartLine("masks", 2)])      # 50
    assert first.offline and second.offline
    assert a.daemon.run_once() is not None
    assert b.daemon.run_once() is not None
    assert a.daemon.run_once() is not None
    debts = {r["volunteer_id"]: r["debt"] for r in district.store.report("debts")}
    assert debts == {"V0002": 50}
    conflicts = [c for c in district.store.report("conflicts") if c["kind"] == "overspend"]
    assert [(c["volunteer_id"], c["amount"], c["kiosk_id"]) for c in conflicts] == [
        ("V0002", 50, "k-b")]
    orders = district.store.query("SELECT COUNT(*) FROM orders")[0][0]
    assert orders == 2                           # both sales are facts on the district
    for kiosk in (a, b):
        assert ledger.balance(kiosk.conn, "V0002") == 0
    # Later earnings settle the debt first.
    district.store.credit("svc-1", "V0002", 80)
    assert {r["volunteer_id"]: r["debt"] for r in district.store.report("debts")} == {}
    a.daemon.run_once()
    assert ledger.balance(a.conn, "V0002") == 30
    assert district.store.verify() == []
    a.close()
    b.close()
