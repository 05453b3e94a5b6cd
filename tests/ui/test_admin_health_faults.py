"""The operator's side when something is wrong with the box itself: a clock that went back."""

from __future__ import annotations

from kiosk.core import sync_status
from kiosk.core.clock import to_db
from kiosk.ui.admin.health import HealthScreen
from tests.conftest import mark_synced
from tests.ui.conftest import WAIT_MS, Touchscreen
from tests.ui.test_admin_flow import gate, open_screen, quiet, sign_in_by_card


def test_the_health_screen_says_the_clock_is_wrong(touch: Touchscreen) -> None:
    quiet(touch)
    mark_synced(touch.services, touch.clock.now())
    sync_status.record_clock(touch.services.conn, 3600.0, to_db(touch.clock.now()))
    sign_in_by_card(touch)
    health = open_screen(touch, "health")
    assert isinstance(health, HealthScreen)
    assert health.sync.text().startswith("时钟不对：比区里的时钟差 -3,600 秒。")
    assert "按离线销售" in health.sync.text()
    health.lang.set("en")
    assert health.sync.text().startswith("CLOCK IS WRONG: -3,600 s off the district's clock.")


def test_a_clock_that_went_back_still_signs_the_operator_out(touch: Touchscreen) -> None:
    """Idle time was counted as now - last touch: with the clock a day back, the operator
    screens would have stayed open for a day."""
    sign_in_by_card(touch)
    g = gate(touch)
    touch.clock.advance(days=-1)
    touch.qtbot.waitUntil(lambda: g.last_activity == touch.clock.now(), timeout=WAIT_MS)
    touch.clock.advance(seconds=touch.services.config.operator.idle_signout_seconds)
    touch.qtbot.waitUntil(lambda: not g.panel.isVisible(), timeout=WAIT_MS)
    assert g.operator is None
