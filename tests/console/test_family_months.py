"""The families' report counts months in the district's own time zone, as the console's other
reports count days (the sale's shop day), on both engines: a donation at 23:30 on the last
day of November in Wuhan is November's, and one an hour later is December's although it is
still 30 November in UTC; so are an allocation and a family's spending."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from district.families import service
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.console.world import ConsoleServer
from tests.live_district import make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # 张小华, 800 points, qintai
FAMILY_CARD = "04FA0000000001"


def test_a_month_is_the_districts_local_month(console: ConsoleServer, signed_in,  # type: ignore[no-untyped-def]
                                              tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))  # 23:30 in Wuhan, 30 Nov
    console.store.clock = clock.now
    kiosk = make_kiosk(tmp_path, "k-1", console.store, console.url, clock)
    kiosk.daemon.run_once()
    kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("donate-10", 10)])   # 100
    kiosk.daemon.run_once()
    service.register(console.store.db, service.NewFamily(
        family_id="F0001", household="王小明", members=3, community_id="qintai",
        reason="低保户"), account_id="sw-qintai", now=clock.now())
    service.allocate(console.store.db, "F0001", 60, "补助", account_id="sw-qintai",
                     communities=frozenset({"qintai"}), now=clock.now(),
                     zone=console.store.policy.timezone)
    console.store.upsert_card(FAMILY_CARD, "F0001", "nfc")
    kiosk.daemon.run_once()

    clock.advance(hours=1)            # 00:30 on 1 December in Wuhan; still 30 Nov in UTC
    kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("donate-10", 3)])    # 30
    kiosk.services.checkout.checkout(uuid7(), PresentedCard(FAMILY_CARD),
                                     [CartLine("soap", 1)])                          # 30
    service.allocate(console.store.db, "F0001", 5, "补助", account_id="sw-qintai",
                     communities=frozenset({"qintai"}), now=clock.now(),
                     zone=console.store.policy.timezone)
    kiosk.daemon.run_once()

    months = signed_in("admin").get("/console/export/family_months.csv").text
    rows = months.replace("\r", "").splitlines()
    assert "2026-12,30,5,30" in rows and "2026-11,100,60,0" in rows
    assert not any(row.startswith(("2026-12", "2026-11")) and row not in (
        "2026-12,30,5,30", "2026-11,100,60,0") for row in rows)
    kiosk.close()
