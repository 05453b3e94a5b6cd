"""A clock that cannot be trusted: the kiosk sells as if offline (the caps apply) and says why.

Before this, a last successful sync later than "now" (an RTC reset, a wrong NTP answer) made
``now - last_success`` negative, the kiosk counted as online, and one volunteer spent 1,500
points in a day against an offline cap of 300.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.core import clock_check, operators, sync_status
from kiosk.core.clock import to_db
from kiosk.core.errors import OfflineCapReached
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services
from tests.conftest import ManualClock, mark_synced

ZHANG = PresentedCard("04A1B2C3D4E5F6")  # 800 points; offline cap 300 a day


def spend_until_refused(shop: Services) -> int:
    """Buy 20-point toothbrushes until the kiosk says no; returns what was spent."""
    spent = 0
    with pytest.raises(OfflineCapReached):
        for _ in range(30):
            receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
            assert receipt.offline
            spent += receipt.total
    return spent


def test_a_last_sync_in_the_future_means_offline_with_caps(shop: Services,
                                                           clock: ManualClock) -> None:
    mark_synced(shop, clock.now() + timedelta(days=400))   # stamped by a clock far ahead
    assert spend_until_refused(shop) == 300
    problem = clock_check.clock_problem(shop.conn, clock.now())
    assert problem is not None and problem.kind == "last_sync"
    assert "the clock went back" in problem.detail


def test_a_clock_earlier_than_the_newest_sale_means_offline(shop: Services,
                                                            clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    assert not shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)]).offline
    clock.advance(hours=-3)               # the RTC lost three hours
    mark_synced(shop, clock.now())        # even a sync "now" does not make it right
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    assert receipt.offline
    problem = clock_check.clock_problem(shop.conn, clock.now())
    assert problem is not None and problem.kind == "newest_sale"
    assert spend_until_refused(shop) == 300 - 30 - 10   # the soap counted; 20s to the cap


def test_the_districts_clock_settles_it(shop: Services, clock: ManualClock) -> None:
    """The daemon keeps how far the clock was off the district's: too far is a problem; a
    clock that ran ahead, sold, and was put right is confirmed and sells online again."""
    mark_synced(shop, clock.now())
    sync_status.record_clock(shop.conn, 3600.0, to_db(clock.now()))   # an hour behind
    assert shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)]).offline
    problem = clock_check.clock_problem(shop.conn, clock.now())
    assert problem is not None and problem.kind == "district"
    assert "-3600 s off" in problem.detail
    # A day ahead: the sale is stamped tomorrow. Then the clock is put right, the district
    # agrees with it, and a round succeeds: tomorrow's sale no longer holds the kiosk offline.
    clock.advance(days=1)
    sync_status.record_clock(shop.conn, 0.0, to_db(clock.now()))
    mark_synced(shop, clock.now())
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    clock.advance(days=-1)
    assert clock_check.clock_problem(shop.conn, clock.now()) is not None
    sync_status.record_clock(shop.conn, 0.0, to_db(clock.now()))
    mark_synced(shop, clock.now())
    assert clock_check.clock_problem(shop.conn, clock.now()) is None
    assert not shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)]).offline


def test_a_clock_that_went_back_never_locks_the_pin_pad_for_long(shop: Services,
                                                                 clock: ManualClock) -> None:
    policy = operators.PinPolicy(free_tries=1, lockout_seconds=30, lockout_max_seconds=100)
    operators.set_operator(shop.conn, clock, policy, "op1", name="刘社工", pin="482913")
    with pytest.raises(operators.PinLocked):
        operators.sign_in_with_pin(shop.conn, clock, policy, "000000")
    clock.advance(days=-365)
    assert operators.lockout_left(shop.conn, clock, policy) == 100
