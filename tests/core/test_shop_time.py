"""Stored UTC times on the shop's wall clock (what every screen shows)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.clock import shop_time, to_db


def test_stored_text_and_aware_moments_land_on_the_shops_wall_clock() -> None:
    shanghai, berlin = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin")
    sale = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    local = shop_time(to_db(sale), shanghai)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-11-30", 10, 0)
    assert local == sale  # the same moment, only read on another clock
    late = shop_time("2026-11-30T16:30:00.000000+00:00", shanghai)
    assert (late.day, late.hour, late.minute) == (1, 0, 30)  # already the next shop day
    # Summer and winter time: the offset is the one of that day, not of today.
    assert shop_time(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), berlin).hour == 14
    assert shop_time(datetime(2026, 1, 1, 12, 0, tzinfo=UTC), berlin).hour == 13


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        shop_time(datetime(2026, 11, 30, 2, 0), ZoneInfo("Asia/Shanghai"))
    with pytest.raises(ValueError, match="naive"):
        shop_time("2026-11-30T02:00:00", ZoneInfo("Asia/Shanghai"))
