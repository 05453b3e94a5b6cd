"""The donation pool never goes below zero, on both engines, with a real kiosk and a real
district on 127.0.0.1: a donation voided at the kiosk after its points were allocated to a
family is honoured (the volunteer gets the points back), the part the pool no longer holds is
booked as the pool's debt with a conflict for staff, and new donations repay it before a
social worker can allocate again. A random run of donations, allocations and voids never
leaves the pool, or any account other than the mint and the debts, below zero."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from district import ledger
from district.families import pool, service
from kiosk.core import voids
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard, Receipt
from tests.conftest import ManualClock
from tests.console.world import ConsoleServer
from tests.live_district import Kiosk, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # 张小华, 800 points


def family(console: ConsoleServer, family_id: str = "F0001") -> None:
    service.register(console.store.db, service.NewFamily(
        family_id=family_id, household="王小明", members=3, community_id="qintai",
        reason="低保户"), account_id="sw-qintai", now=datetime.now(UTC))


def allocate(console: ConsoleServer, points: int, family_id: str = "F0001") -> int:
    return service.allocate(console.store.db, family_id, points, "补助", account_id="sw-qintai",
                            communities=frozenset({"qintai"}), now=datetime.now(UTC))


def donate(kiosk: Kiosk, tens: int) -> Receipt:
    return kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("donate-10", tens)])


def void(kiosk: Kiosk, clock: ManualClock, receipt: Receipt) -> None:
    voids.void_order(kiosk.conn, clock, kiosk.services.kiosk, kiosk.services.policy,
                     void_id=uuid7(), order_id=receipt.order_id, reason="捐错了")


def accounts(console: ConsoleServer) -> tuple[int, int, int]:
    """(what the pool holds, what it owes, what a social worker may allocate)"""
    with console.store.db.read() as conn:
        return (ledger.balance(conn, ledger.DONATION_POOL), pool.owed(conn),
                pool.available(conn))


def below_zero(console: ConsoleServer) -> dict[str, int]:
    """Every account other than the mint (issuance) and the debts that is below zero."""
    with console.store.db.read() as conn:
        found = ledger.cached(conn)
    return {a: b for a, b in found.items()
            if b < 0 and a != ledger.ISSUANCE and not a.startswith("debt:")}


def test_a_donation_voided_after_its_points_were_given_leaves_the_pool_at_zero(
        console: ConsoleServer, tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    kiosk = make_kiosk(tmp_path, "k-1", console.store, console.url, clock)
    kiosk.daemon.run_once()
    gift = donate(kiosk, 10)                       # 100 points into the pool
    kiosk.daemon.run_once()
    family(console)
    assert allocate(console, 100) == 0             # all of it to the family

    void(kiosk, clock, gift)                       # the donor asks for the points back
    kiosk.daemon.run_once()
    assert accounts(console) == (0, 100, 0)        # never -100: the pool owes it instead
    assert below_zero(console) == {}
    assert console.store.verify() == []
    shortfall = console.store.query(
        "SELECT amount, detail FROM conflicts WHERE kind = 'pool_shortfall'")
    assert len(shortfall) == 1 and shortfall[0][0] == 100 and gift.order_id in shortfall[0][1]
    with console.store.db.read() as conn:          # the donor has the points back
        assert ledger.balance(conn, ledger.volunteer_account("V0001")) == 800

    donate(kiosk, 5)                               # 50 in, owed 100: nothing to give yet
    kiosk.daemon.run_once()
    assert accounts(console) == (50, 100, 0)
    with pytest.raises(service.FamilyRefused) as refused:
        allocate(console, 1)
    assert refused.value.values["held"] == "0"
    donate(kiosk, 8)                               # 80 more: 130 held, 30 free
    kiosk.daemon.run_once()
    assert accounts(console) == (130, 100, 30)
    assert allocate(console, 30) == 0              # repays the 100 first, then gives 30
    assert accounts(console) == (0, 0, 0)
    assert below_zero(console) == {}
    assert console.store.verify() == []
    kiosk.close()


def test_no_run_of_donations_allocations_and_voids_takes_the_pool_below_zero(
        console: ConsoleServer, tmp_path: Path) -> None:
    rng = random.Random(13)
    clock = ManualClock(datetime.now(UTC))
    kiosk = make_kiosk(tmp_path, "k-1", console.store, console.url, clock)
    kiosk.daemon.run_once()
    family(console)
    standing: list[Receipt] = []
    given = 0
    for _ in range(24):
        step = rng.choice(("donate", "donate", "allocate", "void", "sync"))
        if step == "donate":
            standing.append(donate(kiosk, rng.randint(1, 4)))
        elif step == "void" and standing:
            void(kiosk, clock, standing.pop(rng.randrange(len(standing))))
        elif step == "allocate":
            free = accounts(console)[2]
            want = rng.randint(1, 60)
            try:
                allocate(console, want)
                given += want
                assert want <= free
            except service.FamilyRefused:
                assert want > free
        if rng.random() < 0.5 or step == "sync":
            kiosk.daemon.run_once()
        held, owed, free = accounts(console)
        assert held >= 0 and owed >= 0 and free == max(0, held - owed)
        assert below_zero(console) == {}
    kiosk.daemon.run_once()
    assert console.store.verify() == []
    held, owed, _ = accounts(console)
    donated = sum(r.total for r in standing)
    assert held - owed == donated - given          # nothing lost, nothing made up
    kiosk.close()
