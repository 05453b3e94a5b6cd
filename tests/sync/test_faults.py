"""Sync through the fault-injecting proxy: whatever the network does, nothing is lost or
counted twice, and the kiosk's database is never corrupted by a bad answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core import ledger, outbox, sync_status
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.live_district import Kiosk, LiveServer, make_kiosk
from tests.sync.fault_proxy import FaultProxy

ZHANG = PresentedCard("04A1B2C3D4E5F6")


@pytest.fixture
def proxy(district: LiveServer) -> Iterator[FaultProxy]:
    p = FaultProxy(district.port).start()
    yield p
    p.stop()


def sell(kiosk: Kiosk, *lines: tuple[str, int]) -> int:
    receipt = kiosk.services.checkout.checkout(
        uuid7(), ZHANG, [CartLine(item, qty) for item, qty in lines])
    return receipt.total


def server_entries(district: LiveServer) -> int:
    return int(district.store.query("SELECT COUNT(*) FROM entries")[0][0])


def assert_converged(kiosk: Kiosk, district: LiveServer) -> None:
    server = {r["volunteer_id"]: r["balance"] for r in district.store.report("balances")}
    for volunteer, balance in server.items():
        assert ledger.balance(kiosk.conn, volunteer) == balance, volunteer
    assert district.store.verify() == []
    outbox = kiosk.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    mine = district.store.query("SELECT COUNT(*) FROM entries WHERE kiosk_id = :k",
                                k=kiosk.daemon.kiosk_id)[0][0]
    assert mine == outbox  # every entry reached the district exactly once (I2, I3)


@pytest.mark.parametrize("fault", ["drop", "delay", "duplicate", "reset_after", "error500",
                                   "html", "truncated"])
@pytest.mark.allow_log(r"refused .*: replayed nonce", r"sync round failed")
def test_push_survives_fault(fault: str, district: LiveServer, proxy: FaultProxy,
                             tmp_path: Path, clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, proxy.url, clock)
    total = sell(kiosk, ("soap", 1)) + sell(kiosk, ("toothbrush", 1))
    before = server_entries(district)
    proxy.plan("pass", fault)     # the high-water probe, then the push
    first = kiosk.daemon.run_once()
    if fault == "delay":
        assert first is not None
    elif fault == "duplicate":
        # The copy is a replay of a signed request: refused (401) after the original
        # committed, so the kiosk hears "no" and the next round finds "already applied".
        assert first is None
        assert "replayed nonce" in sync_status.status(kiosk.conn)["last_error"]
    else:
        assert first is None
        assert sync_status.status(kiosk.conn)["last_error"]
        if fault in ("drop", "error500"):
            assert server_entries(district) == before   # the district never saw it
    assert kiosk.daemon.run_once() is not None
    assert sync_status.status(kiosk.conn)["pending"] == 0
    assert sync_status.status(kiosk.conn)["last_error"] is None
    assert {r["volunteer_id"]: r["balance"] for r in district.store.report("balances")}[
        "V0001"] == 800 - total
    assert_converged(kiosk, district)
    kiosk.close()


@pytest.mark.parametrize("fault", ["html", "truncated", "reset_after", "error500"])
@pytest.mark.allow_log(r"sync round failed")
def test_pull_survives_fault(fault: str, district: LiveServer, proxy: FaultProxy,
                             tmp_path: Path, clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, proxy.url, clock, page_size=3)
    proxy.plan("pass", "pass", "pass", "pass", fault)   # probe, push, two pages, then a bad one
    assert kiosk.daemon.run_once() is None
    cursor = kiosk.conn.execute("SELECT pull_cursor FROM sync_status").fetchone()[0]
    assert cursor > 0   # the good pages are kept, with their cursor
    assert kiosk.daemon.run_once() is not None
    assert_converged(kiosk, district)
    kiosk.close()


@pytest.mark.allow_log(r"sync round failed")
def test_lost_reply_after_commit_is_not_applied_twice(district: LiveServer, proxy: FaultProxy,
                                                      tmp_path: Path,
                                                      clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, proxy.url, clock)
    total = sell(kiosk, ("soap", 2))
    written = outbox.highest_seq(kiosk.conn)         # the demo restocks and the sale
    proxy.plan("pass", "reset_after")   # the probe, then the push whose answer is lost
    assert kiosk.daemon.run_once() is None
    assert server_entries(district) == written     # committed on the district...
    assert sync_status.acked_seq(kiosk.conn) == 0       # ...but the kiosk never heard
    assert kiosk.daemon.run_once() is not None
    assert server_entries(district) == written     # the retry applied nothing again
    assert sync_status.acked_seq(kiosk.conn) == written
    balance = {r["volunteer_id"]: r["balance"] for r in district.store.report("balances")}
    assert balance["V0001"] == 800 - total
    assert_converged(kiosk, district)
    kiosk.close()


@pytest.mark.allow_log(r"heartbeat not sent", r"refused .*: replayed nonce", r"sync round failed")
def test_many_random_faults_converge(district: LiveServer, proxy: FaultProxy, tmp_path: Path,
                                     clock: ManualClock) -> None:
    import random

    rng = random.Random(7)
    kiosk = make_kiosk(tmp_path, "k1", district.store, proxy.url, clock, page_size=4,
                       push_batch=2)
    for _ in range(6):
        sell(kiosk, (rng.choice(["sponges", "toothbrush", "masks"]), 1))
        proxy.plan(*(rng.choice(["pass", "drop", "duplicate", "reset_after", "html",
                                 "truncated", "error500"]) for _ in range(3)))
        kiosk.daemon.run_once()
    for _ in range(10):
        if kiosk.daemon.run_once() is not None:
            break
    else:
        pytest.fail("sync never settled after the faults stopped")
    assert_converged(kiosk, district)
    kiosk.close()
